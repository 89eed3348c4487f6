"""The `ratecard` command's typer app: database, catalogue import and browsing, matching, and the web server.

The entry point is ratecard.cli.main, which answers `ratecard match` without loading this module
when it can (ratecard.cli.match).
"""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ratecard.accounts.roles import Role
from ratecard.cli.match import ERROR, ProfileFileError, read_profile, rulebook
from ratecard.catalogue.schemas import Delivery, ImportReport, Kind, ServiceFilters, Setting
from ratecard.config import get_settings
from ratecard.db import default_sessions, transaction
from ratecard.errors import RatecardError

# Each command imports what only it needs when it runs, so a command starts without paying for the
# others (the referral workflow, the parsers, argon2, Alembic): `ratecard match` has to answer fast.

app = typer.Typer(help="ratecard: find, buy, deliver and pay for rehabilitation interventions.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
catalogue_app = typer.Typer(help="The catalogue of services from the providers' brochures.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(catalogue_app, name="catalogue")
from ratecard.sentencing.cli import app as sentencing_app  # noqa: E402 - typer only; the checker loads when run
app.add_typer(sentencing_app, name="sentencing")
from ratecard.billing.cli import app as prices_app  # noqa: E402 - typer only; billing loads when a command runs
app.add_typer(prices_app, name="prices")
from ratecard.billing.invoice_cli import app as invoices_app  # noqa: E402 - typer only; the service loads when run
app.add_typer(invoices_app, name="invoices")
from ratecard.brochure.cli import app as ratecard_app  # noqa: E402 - typer only; the builder loads when run
app.add_typer(ratecard_app, name="ratecard")

err = Console(stderr=True)
out = Console()


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(ERROR.format(message=message), highlight=False)
    return typer.Exit(code)


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Migrate the database to the newest schema (or REVISION)."""
    from ratecard import migrate  # Alembic is slow to import: only the commands that migrate pay for it

    migrate.upgrade(url=get_settings().database_url, revision=revision)
    err.print(f"database at {revision}")


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument()] = "base") -> None:
    """Take the database back to REVISION (default: empty)."""
    from ratecard import migrate

    migrate.downgrade(url=get_settings().database_url, revision=revision)
    err.print(f"database at {revision}")


def _print_report(report: ImportReport) -> None:
    if report.error:
        err.print(f"[bold red]✗ {report.file}[/]: {report.error}  [dim](nothing written)[/]", highlight=False)
        return
    verb = "would import" if report.dry_run else "imported"
    err.print(
        f"[green]✓ {report.file}[/] {verb} {report.provider} ({report.parser}): "
        f"{report.services_found} services, {report.options_found} options — "
        f"{report.created} new, {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.withdrawn} withdrawn",
        highlight=False,
        soft_wrap=True,
    )
    filled = ", ".join(
        f"{name} {count}/{report.services_found}" for name, count in report.fields_filled.items()
    )
    err.print(f"  fields filled: {filled}", highlight=False, soft_wrap=True)
    for note in report.needs_review:
        err.print(f"  [yellow]needs review:[/] {note}", highlight=False, soft_wrap=True)
    err.print(
        f"  rules anchored to their text: {report.rules_anchored}; rules without an anchor: {report.rules_without_anchor}",
        highlight=False,
        soft_wrap=True,
    )
    for moved in report.anchors_moved:
        err.print(f"  [cyan]re-anchored:[/] {moved}", highlight=False, soft_wrap=True)
    for lost in report.anchors_lost:
        err.print(f"  [yellow]anchor lost:[/] {lost}", highlight=False, soft_wrap=True)
    for m in report.summary_mismatches:
        printed = " (the printed text has it: the parse and the text differ)" if m.printed else ""
        err.print(
            f"  [yellow]summary disagrees:[/] {m.name} ({m.service_id}) says '{m.said}' ({m.value:g} {m.unit}); "
            f"the {m.basis} give {', '.join(f'{v:g}' for v in m.found) or 'none'}{printed}",
            highlight=False,
            soft_wrap=True,
        )


@catalogue_app.command("import")
def catalogue_import(
    files: Annotated[Optional[list[Path]], typer.Argument(help="Brochure files; default: every brochure in RATECARD_BROCHURES_DIR.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Parse and report, write nothing.")] = False,
) -> None:
    """Import brochures: one transaction each; a broken file writes nothing and fails the command."""
    from ratecard.catalogue.loading import brochure_files, import_files

    settings = get_settings()
    if not files:
        files = brochure_files(settings.brochures_dir)
        if not files:
            raise _fail(f"no brochure files in {settings.brochures_dir}")
    reports: list[ImportReport] = []
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("importing brochures", total=len(files))

        def done(report: ImportReport) -> None:
            progress.advance(task)
            reports.append(report)

        import_files(
            files, sessions=default_sessions(), overlay_dir=settings.overlay_dir, dry_run=dry_run, on_done=done
        )
    for report in reports:
        _print_report(report)
    failed = [r for r in reports if r.error]
    if not dry_run and len(failed) < len(reports):
        _write_snapshot(settings.database_url)
    if failed:
        raise _fail(f"{len(failed)} of {len(reports)} brochures could not be imported")


def _write_snapshot(database_url: str) -> None:
    # `ratecard match` answers from this file while the catalogue stays as imported (eligibility.snapshot).
    from ratecard.eligibility import service as eligibility

    with transaction(default_sessions()) as session:
        eligibility.write_snapshot(session=session, database_url=database_url)


def _filters(**values: object) -> ServiceFilters:
    try:
        return ServiceFilters(**{k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        raise _fail(str(exc), 2) from exc


_FormatOpt = Annotated[str, typer.Option("--format", help="table, json or csv (export only).")]


@catalogue_app.command("list")
def catalogue_list(
    q: Annotated[Optional[str], typer.Option("--q", "--search", help="Words to search for.")] = None,
    provider: Optional[str] = None,
    category: Optional[str] = None,
    kind: Optional[Kind] = None,
    delivery: Optional[Delivery] = None,
    area: Optional[str] = None,
    setting: Optional[Setting] = None,
    rar: Annotated[Optional[bool], typer.Option("--rar/--not-rar", help="Only RAR-usable, or only not.")] = None,
    format: _FormatOpt = "table",
) -> None:
    """List services, filtered and searched like the web catalogue."""
    from ratecard.catalogue import service as catalogue

    filters = _filters(
        q=q, provider=provider, category=category, kind=kind, delivery=delivery, area=area, setting=setting,
        rar_usable=rar,
    )
    with transaction(default_sessions()) as session:
        # Same order as the web list: alias and name matches first.
        services = catalogue.list_services(session=session, filters=filters, page=1, per_page=10_000).items
    if format == "json":
        typer.echo(json.dumps([s.model_dump(mode="json", include=set(_BRIEF_KEYS)) for s in services], indent=2))
        return
    table = Table("provider", "name", "category", "hours", show_lines=False)
    # The id is what `show` takes: never cut it short.
    table.add_column("id", no_wrap=True)
    for s in services:
        table.add_row(s.provider, s.name, s.category, _num(s.total_hours), s.id)
    out.print(table)
    err.print(f"{len(services)} services")


_BRIEF_KEYS = ("id", "provider", "name", "aliases", "kind", "category", "areas", "nsi_category", "total_hours")


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


@catalogue_app.command("show")
def catalogue_show(
    service_id: Annotated[str, typer.Argument(help="Service id, e.g. nsf-accommodation-support.")],
    format: _FormatOpt = "text",
) -> None:
    """Show one service in full."""
    from ratecard.catalogue import service as catalogue

    try:
        with transaction(default_sessions()) as session:
            service = catalogue.get_service(session=session, service_id=service_id)
    except RatecardError as exc:
        raise _fail(str(exc)) from exc
    if format == "json":
        typer.echo(service.model_dump_json(indent=2))
        return
    out.print(f"[bold]{service.name}[/] ({service.provider_name})", highlight=False)
    rows = [
        ("id", service.id),
        ("also called", ", ".join(service.aliases)),
        ("kind", service.kind.value),
        ("category", service.category),
        ("summary", service.summary or ""),
        ("delivery", service.delivery.value if service.delivery else ""),
        ("setting", service.setting.value),
        ("areas", ", ".join(service.areas)),
        ("duration", service.duration_text or ""),
        ("how to refer", service.request_method.value),
        ("NSI category", service.nsi_category or ""),
        ("NSI sub types", "; ".join(service.nsi_subtypes)),
        ("prerequisites", "; ".join(p.text for p in service.prerequisites)),
        ("charges", "; ".join(f"{c.description}: £{c.amount_pence / 100:.2f} {c.applies_when}" for c in service.charges)),
        ("source", f"{service.source.file} lines {service.source.lines[0]}-{service.source.lines[1]}"),
    ]
    table = Table(show_header=False, box=None)
    for label, value in rows:
        if value:
            table.add_row(f"[bold]{label}[/]", value)
    out.print(table)
    for option in service.options:
        out.print(f"  • {option.name}: {option.nsi_subtype or '-'} {option.duration_text or ''}", highlight=False)
    for criterion in service.criteria:
        out.print(f"  [dim]line {criterion.line}[/] {criterion.text}", highlight=False)


@catalogue_app.command("export")
def catalogue_export(
    format: _FormatOpt = "json",
    provider: Optional[str] = None,
    category: Optional[str] = None,
) -> None:
    """Print the catalogue: JSON (one object per service) or CSV (one row per option)."""
    from ratecard.catalogue import service as catalogue
    from ratecard.catalogue.export import CSV_COLUMNS, csv_rows, export_record

    if format not in ("json", "csv"):
        raise _fail("--format must be json or csv", 2)
    filters = _filters(provider=provider, category=category)
    with transaction(default_sessions()) as session:
        services = catalogue.export_services(session=session, filters=filters)
    if format == "json":
        typer.echo(json.dumps([export_record(s) for s in services], indent=2, ensure_ascii=False))
        return
    writer = csv.writer(sys.stdout)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_rows(services))


@catalogue_app.command("anchor")
def catalogue_anchor(
    write: Annotated[bool, typer.Option("--write", help="Edit the overlay files; without it, only say what would change.")] = False,
    files: Annotated[Optional[list[Path]], typer.Argument(help="Brochure files; default: every brochure in RATECARD_BROCHURES_DIR.")] = None,
) -> None:
    """Give every overlay rule without a quote one from the brochure line it cites, so it can be re-anchored."""
    from ratecard.catalogue.loading import brochure_files

    from ratecard.catalogue.anchors import plan_quotes, write_quotes
    from ratecard.catalogue.parsers import read_text
    from ratecard.catalogue.parsers.base import BrochureError

    settings = get_settings()
    files = files or brochure_files(settings.brochures_dir)
    if not files:
        raise _fail(f"no brochure files in {settings.brochures_dir}")
    total = 0
    for path in files:
        try:
            plan = plan_quotes(read_text(path), file=path.name, overlay_dir=settings.overlay_dir)
        except BrochureError as exc:
            raise _fail(str(exc)) from exc
        for edit in plan.edits:
            out.print(f"{plan.overlay.name} {edit.where} (line {edit.line}): quote: {edit.quote!r}", highlight=False,
                      soft_wrap=True)
        for why in plan.skipped:
            err.print(f"[yellow]{plan.overlay.name} skipped[/] {why}", highlight=False, soft_wrap=True)
        if write:
            write_quotes(plan)
        total += len(plan.edits)
    verb = "added" if write else "would add"
    err.print(f"{verb} {total} quotes" + ("" if write else " (run with --write to edit the overlays)"), highlight=False)


@catalogue_app.command("rules-report")
def catalogue_rules_report(
    format: _FormatOpt = "table",
) -> None:
    """Per brochure: services whose printed criteria are fully, partly or not encoded as rules."""
    from ratecard.eligibility import service as eligibility

    with transaction(default_sessions()) as session:
        rows = eligibility.rules_report(session=session)
    if format == "json":
        typer.echo(json.dumps([r.model_dump() for r in rows], indent=2))
        return
    by_file: dict[str, list] = {}
    for row in rows:
        by_file.setdefault(f"{row.file} ({row.provider})", []).append(row)
    for file, items in by_file.items():
        counts = {status: sum(1 for r in items if r.status == status) for status in ("full", "partial", "none", "no criteria")}
        lines = {k: sum(getattr(r, k) for r in items) for k in ("decided", "noted", "uncovered")}
        out.print(f"[bold]{file}[/]: " + ", ".join(f"{n} {status}" for status, n in counts.items())
                  + f"; criteria lines: {lines['decided']} decided by a rule, {lines['noted']} noted with a reason,"
                  f" {lines['uncovered']} not covered", highlight=False)
        for row in items:
            if row.status in ("partial", "none"):
                out.print(f"  {row.status:8} {row.service_id} ({row.encoded}/{row.criteria} criteria lines)", highlight=False,
                          soft_wrap=True)
    _print_lost_anchors()


def _print_lost_anchors() -> None:
    # Rules left out of the decision because the text they quote is no longer in the brochure.
    from ratecard.catalogue import service as catalogue

    with transaction(default_sessions()) as session:
        lost = catalogue.lost_anchors(session=session)
    for file, service_id, note in lost:
        out.print(f"[yellow]{file}[/] {service_id}: {note}", highlight=False, soft_wrap=True)


@app.command("match")
def match(
    profile: Annotated[Path, typer.Option("--profile", help="A JSON (or YAML) file with the person's profile.")],
    format: _FormatOpt = "json",
) -> None:
    """Decide every service for one person: eligible, ineligible or unknown, with reasons."""
    from ratecard.eligibility.rulebook import decide_all, matches_text

    try:
        person = read_profile(profile)
    except ProfileFileError as exc:
        raise _fail(str(exc), 2) from exc
    # The snapshot when it is current, else the database (then written as the snapshot for next time).
    matches = decide_all(rulebook(get_settings().database_url), person)
    if format == "json":
        typer.echo(matches_text(matches))
        return
    table = Table("result", "service", "provider", "why")
    for m in matches:
        why = "; ".join(f"{r.message}" + (f" (needs {', '.join(r.missing)})" if r.missing else "") for r in m.reasons if r.status != "note")
        table.add_row(m.result.value, m.name, m.provider, why)
    out.print(table)


users_app = typer.Typer(help="People who sign in.", no_args_is_help=True)
app.add_typer(users_app, name="users")
outbox_app = typer.Typer(help="Emails waiting to be sent.", no_args_is_help=True)
app.add_typer(outbox_app, name="outbox")


@users_app.command("demo")
def users_demo() -> None:
    """Create the demo users (one or more per role; password in the README). Not for production."""
    from ratecard.accounts.demo import create_demo_users

    with transaction(default_sessions()) as session:
        made = create_demo_users(session=session)
    err.print(f"demo users created: {', '.join(made) if made else 'none (already there)'}")


@users_app.command("create")
def users_create(
    email: str,
    name: Annotated[str, typer.Option(help="Full name.")],
    role: Annotated[Role, typer.Option(help="practitioner, hub, caseworker or admin.")],
    region: Annotated[Optional[str], typer.Option(help="Practitioners: probation region.")] = None,
    team: Optional[str] = None,
    provider: Annotated[Optional[str], typer.Option(help="Hub staff and caseworkers: provider code.")] = None,
) -> None:
    """Create a user; the password is asked for (or read from RATECARD_NEW_PASSWORD)."""
    from ratecard.accounts.service import create_user

    password = os.environ.get("RATECARD_NEW_PASSWORD") or typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with transaction(default_sessions()) as session:
            create_user(session=session, email=email, name=name, role=role, password=password, region=region,
                        team=team, provider_id=provider.lower() if provider else None)
    except RatecardError as exc:
        raise _fail(str(exc), 2) from exc
    err.print(f"created {email} ({role.value})")


@outbox_app.command("send")
def outbox_send(limit: int = 100) -> None:
    """Send queued emails: by SMTP when RATECARD_SMTP_HOST is set, else as .eml files in RATECARD_OUTBOX_DIR."""
    from ratecard.referrals.notifications import FileSender, SmtpSender, send_pending

    settings = get_settings()
    sender = SmtpSender(settings.smtp_host, settings.smtp_port) if settings.smtp_host else FileSender(settings.outbox_dir)
    with transaction(default_sessions()) as session:
        sent, failed = send_pending(session=session, sender=sender, limit=limit)
    err.print(f"sent {sent}, failed {failed} (failures stay queued)")
    if failed:
        raise typer.Exit(1)


@app.command("setup")
def setup(
    demo: Annotated[bool, typer.Option("--demo/--no-demo", help="Also create the demo users and demo referrals.")] = False,
) -> None:
    """Migrate the database and import every brochure (and, with --demo, the demo users and referrals)."""
    db_upgrade()
    catalogue_import(files=None, dry_run=False)
    if demo:
        users_demo()
        demo_data()


def demo_data() -> None:
    """Create the lived-in demo referrals (made-up people, every status). Not for production."""
    from ratecard.demo import create_demo_data  # the referral service is only needed here

    with transaction(default_sessions()) as session:
        report = create_demo_data(session=session)
    err.print(f"demo referrals created: {report.made}, already there: {report.skipped}")
    for problem in report.unplaced:
        err.print(f"  not made: {problem}")


@app.command("serve")
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development).")] = False,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes; each serves one request at a time.")] = (
        os.cpu_count() or 1
    ),
) -> None:
    """Serve the web site and API."""
    import uvicorn

    # Each worker runs its handlers on its event loop, one request at a time (see ratecard.deps), so
    # throughput comes from processes: one per core measured best (bench/referrals_load.py).
    from ratecard.serving import PROTOCOL

    settings = get_settings()
    # Forwarded client addresses (X-Forwarded-For) are believed only from the proxies named in
    # RATECARD_FORWARDED_ALLOW_IPS: trusted by default, any local client could claim to be anyone
    # and so slip past the sign-in throttle's per-address limits.
    uvicorn.run("ratecard.web_app:create_app", factory=True, host=host, port=port, reload=reload,
                workers=1 if reload else workers, http=PROTOCOL,
                proxy_headers=bool(settings.forwarded_allow_ips), forwarded_allow_ips=settings.forwarded_allow_ips or "",
                h11_max_incomplete_event_size=settings.max_header_bytes)


def run() -> None:  # pragma: no cover - console entry point
    """Run the CLI, turning bad settings and a database not set up for this version into clear messages."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    try:
        app()
    except ValidationError as exc:
        err.print(f"[bold red]configuration error:[/] {exc}")
        raise SystemExit(2) from exc
    except (OperationalError, ProgrammingError) as exc:
        text = str(exc.orig).lower()
        if "no such table" in text or ("relation" in text and "does not exist" in text):
            # A database that was never migrated: say what to do, not a traceback.
            err.print("[bold red]error:[/] the database has no ratecard tables yet: run `ratecard setup` (or `ratecard db upgrade`).",
                      soft_wrap=True)
            raise SystemExit(2) from exc
        if "no such column" in text or ("column" in text and "does not exist" in text):
            # Migrated for an older version of ratecard than this one.
            err.print("[bold red]error:[/] the database was set up by an older version of ratecard: run `ratecard db upgrade`"
                      " (or `ratecard setup`, which also re-imports the catalogue).", soft_wrap=True)
            raise SystemExit(2) from exc
        raise

