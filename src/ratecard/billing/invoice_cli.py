"""`ratecard invoices run|issue|show`: the month's invoice run and what follows it, from the command line.
Imports the service only when a command runs, so `ratecard --help` stays quick."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

app = typer.Typer(help="Invoices: run a provider's month, issue, show.", no_args_is_help=True)

_By = Annotated[Optional[str], typer.Option("--by", help="Email of the user acting (default: the first active admin).")]


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _actor(session, email: str | None):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from ratecard.accounts.models import User
    from ratecard.accounts.roles import Role

    query = select(User).where(User.active.is_(True))
    query = query.where(User.email == email.lower()) if email else query.where(User.role == Role.ADMIN.value).order_by(User.id)
    user = session.scalars(query.limit(1)).first()
    if user is None:
        raise _fail(f"no active user {email}" if email else "no active admin: create one with `ratecard users create`")
    return user


def _print(session, invoice) -> None:  # type: ignore[no-untyped-def]
    from ratecard.billing import invoices
    from ratecard.billing.invoice_documents import KIND_WORDS, units_text
    from ratecard.billing.money import money

    typer.echo(f"{invoice.number}  {invoice.kind.replace('_', ' ')}  {invoice.month:%B %Y}  {invoice.status}")
    for li in invoices.lines_of(session=session, invoice=invoice):
        typer.echo(f"  {li.position:>4}  {li.referral_reference}  {li.crn}  {li.service_name[:40]:<40}  "
                   f"{KIND_WORDS.get(li.kind, li.kind):<20} {units_text(li.units):>6} x {money(li.unit_price_pence):>10}"
                   f"  net {money(li.net_pence):>11}  VAT {money(li.vat_pence):>10}")
    typer.echo(f"  net {money(invoice.net_pence)}  VAT {money(invoice.vat_pence)}  total {money(invoice.total_pence)}")


@app.command("run")
def run(
    provider: Annotated[str, typer.Option(help="Provider code, e.g. NSF.")],
    month: Annotated[str, typer.Option(help="Year and month, e.g. 2027-01.")],
    by: _By = None,
) -> None:
    """Draft an invoice of every billable event of the provider up to the end of the month not yet invoiced."""
    from ratecard.billing import invoices
    from ratecard.db import default_sessions, transaction
    from ratecard.errors import RatecardError

    try:
        with transaction(default_sessions()) as session:
            invoice = invoices.run(session=session, user=_actor(session, by), provider=provider, month=month)
            if invoice is None:
                typer.echo("Nothing new to invoice.")
                return
            _print(session, invoice)
    except RatecardError as exc:
        raise _fail(str(exc)) from exc


@app.command("issue")
def issue(number: Annotated[str, typer.Argument(help="The invoice number, e.g. NSF-INV-000001.")], by: _By = None) -> None:
    """Issue a draft invoice: from then on it is corrected only by a credit note."""
    from ratecard.billing import invoices
    from ratecard.db import default_sessions, transaction
    from ratecard.errors import RatecardError

    try:
        with transaction(default_sessions()) as session:
            found = invoices.by_number(session=session, number=number)
            if found is None:
                raise _fail(f"no invoice {number}")
            _print(session, invoices.issue(session=session, user=_actor(session, by), invoice_id=found.id))
    except RatecardError as exc:
        raise _fail(str(exc)) from exc


@app.command("show")
def show(number: Annotated[str, typer.Argument(help="The invoice or credit note number.")]) -> None:
    """Print an invoice's lines and totals."""
    from ratecard.billing import invoices
    from ratecard.db import default_sessions, transaction

    with transaction(default_sessions()) as session:
        invoice = invoices.by_number(session=session, number=number)
        if invoice is None:
            raise _fail(f"no invoice {number}")
        _print(session, invoice)
