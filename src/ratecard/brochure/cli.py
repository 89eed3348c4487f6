"""`ratecard ratecard build`: a provider's rate card (or several) as a PDF or HTML file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(help="The rate card brochure, generated from the catalogue and the prices in force.", no_args_is_help=True)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def _targets(codes: list[str], out: Path, fmt: str) -> list[tuple[str, Path]]:
    # One provider: --out is the file. Several: --out is a folder, one file per provider.
    if len(codes) == 1 and not out.is_dir():
        return [(codes[0], out)]
    if out.exists() and not out.is_dir():
        raise _fail(f"--out {out}: give a folder when building several rate cards")
    return [(code, out / f"{code.lower()}-rate-card.{fmt}") for code in codes]


@app.command("build")
def build(
    provider: Annotated[Optional[list[str]], typer.Option("--provider", help="Provider code, e.g. KSS; repeat for several.")] = None,
    all_providers: Annotated[bool, typer.Option("--all", help="Every provider in the catalogue.")] = False,
    format: Annotated[str, typer.Option("--format", help="pdf or html.")] = "pdf",
    out: Annotated[Path, typer.Option("--out", help="The file to write (a folder when building several).")] = Path("."),
    on: Annotated[Optional[str], typer.Option("--on", help="Show the prices in force on this day (YYYY-MM-DD); default today.")] = None,
) -> None:
    """Build rate cards: exit 0 when written, 2 for an unknown provider or bad options (nothing written)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ratecard.brochure import service
    from ratecard.catalogue import service as catalogue
    from ratecard.db import default_sessions, transaction
    from ratecard.errors import NotFound

    if format not in service.FORMATS:
        raise _fail(f"--format: choose pdf or html, not '{format}'")
    try:
        day = dt.date.fromisoformat(on) if on else None
    except ValueError:
        raise _fail(f"--on: '{on}' is not a date like 2027-01-31") from None
    with transaction(default_sessions()) as session:
        known = {p.code.upper(): p.code for p in catalogue.list_providers(session=session)}
        if all_providers:
            codes = sorted(known.values())
        elif provider:
            unknown = [c for c in provider if c.upper() not in known]
            if unknown:
                raise _fail(f"no provider {', '.join(unknown)}; known: {', '.join(sorted(known.values())) or 'none (import the catalogue first)'}")
            codes = [known[c.upper()] for c in dict.fromkeys(provider)]
        else:
            raise _fail("say which rate card: --provider CODE (or --all)")
        if not codes:
            raise _fail("the catalogue holds no providers: run `ratecard setup` first")
        targets = _targets(codes, out, format)
        err = Console(stderr=True)
        with Progress(
            TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=err, transient=True, disable=len(targets) == 1,
        ) as progress:
            task = progress.add_task("building rate cards", total=len(targets))
            for code, path in targets:
                progress.update(task, description=f"building {code}")
                try:
                    data = service.build(session=session, provider_code=code, fmt=format, on=day)  # type: ignore[arg-type]
                except NotFound as exc:
                    raise _fail(str(exc)) from None
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                progress.advance(task)
                err.print(f"[green]✓[/] {code}: {path} ({len(data) // 1024} KiB)", highlight=False)
