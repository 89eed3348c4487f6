"""`ratecard prices import|export|publish|list`: price lists from and to CSV. Imports billing only when run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(help="Price lists: import and export CSV, publish, list.", no_args_is_help=True)


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _fail(f"{option}: '{value}' is not a date like 2027-01-01", 2) from None


def _operator(session, email: str | None):  # type: ignore[no-untyped-def]
    """Who the command acts as: the named user, or the operator (an administrator recorded as nobody)."""
    from sqlalchemy import select

    from ratecard.accounts.models import User

    if email is None:
        return User(role="admin", active=True, name="command line", email="")
    user = session.scalar(select(User).where(User.email == email.lower()))
    if user is None:
        raise _fail(f"--as: no user {email}", 2)
    return user


def _report(exc) -> typer.Exit:  # type: ignore[no-untyped-def]
    typer.echo(f"error: {exc}", err=True)
    for problem in exc.details.get("problems", []):
        typer.echo(f"  {problem}", err=True)
    return typer.Exit(1)


@app.command("import")
def import_prices(
    file: Annotated[Path, typer.Argument(help="The CSV file (the export's columns).")],
    provider: Annotated[str, typer.Option("--provider", help="The provider's code, e.g. KSS.")],
    valid_from: Annotated[Optional[str], typer.Option("--valid-from", help="First day in force (default: today).")] = None,
    valid_to: Annotated[Optional[str], typer.Option("--valid-to", help="Last day in force (default: open-ended).")] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="The list's title.")] = None,
    publish: Annotated[bool, typer.Option("--publish", help="Publish the list once drafted.")] = False,
    example: Annotated[bool, typer.Option("--example", help="Mark as example prices, not the provider's.")] = False,
    as_user: Annotated[Optional[str], typer.Option("--as", help="Act as this user (email); default the operator.")] = None,
) -> None:
    """Draft a price list from a CSV: every row is checked; each bad line is reported and nothing is written."""
    from ratecard.billing import pricelists
    from ratecard.db import default_sessions, transaction
    from ratecard.errors import RatecardError

    start = _date(valid_from, "--valid-from") or dt.date.today()
    end = _date(valid_to, "--valid-to")
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(f"{file}: cannot be read as UTF-8 text ({exc.__class__.__name__})", 2) from None
    try:
        with transaction(default_sessions()) as session:
            user = _operator(session, as_user)
            made = pricelists.create_from_csv(session=session, user=user, provider_code=provider,
                                              title=title or f"{provider.upper()} prices from {start:%-d %B %Y}",
                                              valid_from=start, valid_to=end, text=text, example=example)
            if publish:
                made = pricelists.publish(session=session, user=user, price_list_id=made.id)
            summary = f"price list {made.id} ({made.status}): {len(made.entries)} prices, {pricelists.period_words(made)}"
    except RatecardError as exc:
        raise _report(exc) from None
    typer.echo(summary)


@app.command("publish")
def publish_prices(
    price_list_id: Annotated[int, typer.Argument(help="The draft's number.")],
    as_user: Annotated[Optional[str], typer.Option("--as", help="Act as this user (email).")] = None,
) -> None:
    """Publish a draft (an older list still in force on its first day ends the day before)."""
    from ratecard.billing import pricelists
    from ratecard.db import default_sessions, transaction
    from ratecard.errors import RatecardError

    try:
        with transaction(default_sessions()) as session:
            made = pricelists.publish(session=session, user=_operator(session, as_user), price_list_id=price_list_id)
            summary = f"price list {made.id} published, {pricelists.period_words(made)}"
    except RatecardError as exc:
        raise _report(exc) from None
    typer.echo(summary)


@app.command("export")
def export_prices(
    provider: Annotated[str, typer.Option("--provider", help="The provider's code, e.g. KSS.")],
    out: Annotated[Optional[Path], typer.Option("--out", help="Write here instead of standard output.")] = None,
    on: Annotated[Optional[str], typer.Option("--on", help="The list in force on this day (default: today).")] = None,
    price_list_id: Annotated[Optional[int], typer.Option("--list", help="This list, whatever its status.")] = None,
) -> None:
    """Write the provider's price list in force (or the list asked for) as CSV, in the columns import reads."""
    from ratecard.billing import pricelists, prices
    from ratecard.db import default_sessions, transaction
    from ratecard.errors import RatecardError

    day = _date(on, "--on") or dt.date.today()
    try:
        with transaction(default_sessions()) as session:
            found = pricelists.find_provider(session=session, code=provider)
            if price_list_id is not None:
                price_list = pricelists.get_list(session=session, user=_operator(session, None), price_list_id=price_list_id)
                if price_list.provider_id != found.id:
                    raise _fail(f"--list: price list {price_list_id} is not {found.code}'s")
            else:
                price_list = prices.in_force(session=session, provider_id=found.id, on=day)
                if price_list is None:
                    raise _fail(f"no price list of {found.code} is in force on {day:%-d %B %Y}")
            text = pricelists.export_csv(session=session, price_list=price_list)
    except RatecardError as exc:
        raise _report(exc) from None
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}", err=True)


@app.command("list")
def list_prices(
    provider: Annotated[Optional[str], typer.Option("--provider", help="One provider's code.")] = None,
) -> None:
    """Every price list: number, provider, status, dates, title."""
    from ratecard.billing import pricelists
    from ratecard.db import default_sessions, transaction
    from ratecard.errors import RatecardError

    try:
        with transaction(default_sessions()) as session:
            provider_id = pricelists.find_provider(session=session, code=provider).id if provider else None
            rows = [f"{p.id}\t{p.provider_id}\t{p.status}\t{pricelists.period_words(p)}\t{p.title}"
                    + ("\t(example)" if p.example else "")
                    for p in pricelists.list_lists(session=session, user=_operator(session, None), provider_id=provider_id)]
    except RatecardError as exc:
        raise _report(exc) from None
    typer.echo("\n".join(rows) if rows else "no price lists")
