"""`ratecard sentencing check`: the order checker on a JSON or YAML file. Imports the checker only when run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="The sentencing guide: check a proposed community or suspended sentence order.", no_args_is_help=True)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def read_order(path: Path) -> dict:
    """The order in a JSON or YAML file, as data; exits 2 saying what is wrong with the file."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(f"{path}: cannot be read ({exc.__class__.__name__})") from None
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise _fail(f"{path}: not valid {'JSON' if path.suffix.lower() == '.json' else 'YAML'}: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise _fail(f"{path}: the file must hold one order (a mapping with order_type, conviction_date, requirements ...)")
    return data


def field_errors(exc: object) -> list[str]:
    """'field: message' for each problem pydantic found, the field written as in the file."""
    lines = []
    for error in exc.errors():  # type: ignore[attr-defined]
        loc = ".".join(str(p) for p in error["loc"])
        message = str(error["msg"])
        lines.append(f"{loc}: {message}" if loc else message)
    return lines


@app.command("check")
def check(
    order: Annotated[Path, typer.Option("--order", help="The proposed order: a .json, .yaml or .yml file.")],
    format: Annotated[str, typer.Option("--format", help="json or text.")] = "text",
) -> None:
    """Check a proposed order: exit 0 if lawful, 1 if it has errors, 2 if the file is not a valid order."""
    from pydantic import ValidationError

    from ratecard.sentencing import service
    from ratecard.sentencing.schemas import Order

    if format not in ("json", "text"):
        raise _fail("--format: choose json or text")
    data = read_order(order)
    try:
        proposed = Order.model_validate(data)
    except ValidationError as exc:
        raise _fail("the order is not valid:\n  " + "\n  ".join(field_errors(exc))) from None
    result = service.check(order=proposed)
    if format == "json":
        typer.echo(result.model_dump_json(indent=2))
    else:
        typer.echo("Lawful: no errors." if result.valid else "Not lawful: see the errors below.")
        for problem in result.problems:
            about = problem.requirement or "order"
            typer.echo(f"- {problem.severity.upper()} [{about}] {problem.message}\n    source: {problem.source}")
    raise typer.Exit(0 if result.valid else 1)
