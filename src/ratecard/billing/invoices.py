"""Invoices: the monthly run that bills a provider's billable events once, invoice numbers without gaps,
the status changes of one table, and credit notes that correct an issued invoice.

A run for a provider first locks that provider's invoice counter row (SELECT ... FOR UPDATE; SQLite's
BEGIN IMMEDIATE serialises writers anyway), so runs of one provider queue instead of racing. It works
out the events the delivery facts make billable and not yet written, and only when there is something
to bill takes the next number (UPDATE ... RETURNING): a run that finds nothing leaves the counter
alone, and a run that fails rolls its number back with everything else, so numbers have no gaps and
no twins. New events are written onto the invoice (INSERT ... ON CONFLICT DO NOTHING on the event's
unique key) and older unbilled ones claimed with one UPDATE ... WHERE invoice_id IS NULL.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, and_, func, insert, select, text, update
from sqlalchemy.orm import Session

from ratecard.accounts.models import User
from ratecard.accounts.roles import Role
from ratecard.billing import events as rules
from ratecard.billing.models import (
    BillableEvent,
    Invoice,
    InvoiceCounter,
    InvoiceHistory,
    InvoiceLine,
    ReferralPrice,
)
from ratecard.billing.vat import vat_pence
from ratecard.catalogue.models import Provider, Service, ServiceOption
from ratecard.db import upsert_insert, utc_now
from ratecard.delivery.models import Appointment, DeliveryBudget
from ratecard.delivery.schemas import LONDON
from ratecard.errors import Conflict, Forbidden, InvalidInput, NotFound
from ratecard.referrals.models import Person, Referral

INVOICE = "invoice"
CREDIT_NOTE = "credit_note"
_PREFIX = {INVOICE: "INV", CREDIT_NOTE: "CN"}
_CHUNK = 5000  # rows written per INSERT batch


@dataclass(frozen=True)
class Transition:
    """Which statuses a named change leaves from and where it goes."""

    sources: frozenset[str]
    target: str


# The one table every status change of an invoice is checked against. Credit notes are issued when made.
TRANSITIONS: dict[str, Transition] = {
    "issue": Transition(frozenset({"draft"}), "issued"),
    "mark_paid": Transition(frozenset({"issued"}), "paid"),
    "void": Transition(frozenset({"draft"}), "void"),
}


# --- who may see and do what ------------------------------------------------------------------------


def may_bill(user: User, provider_id: str) -> bool:
    """Admins, and the provider's own hub and price-list managers, see and run its invoices."""
    if not user.active:
        return False
    if user.role == Role.ADMIN.value:
        return True
    return user.provider_id == provider_id and (user.role == Role.HUB.value or bool(user.can_manage_prices))


def _provider(session: Session, user: User, provider: str) -> Provider:
    found = session.get(Provider, provider.strip().lower()) if provider else None
    if found is None:
        raise NotFound(f"There is no provider {provider!r}.")
    if not may_bill(user, found.id):
        if user.provider_id and user.provider_id != found.id:
            raise NotFound(f"There is no provider {provider!r}.")  # another provider's staff: not even its name
        raise Forbidden("Invoices are for the provider's hub, its price-list managers and administrators.")
    return found


def get_invoice(*, session: Session, user: User, invoice_id: int) -> Invoice:
    """The invoice (or credit note), if `user` may see it; another provider's is not found."""
    invoice = session.get(Invoice, invoice_id)
    if invoice is None or not may_bill(user, invoice.provider_id):
        raise NotFound("There is no such invoice.")
    return invoice


def by_number(*, session: Session, number: str) -> Invoice | None:
    """The invoice or credit note of `number` (any case), for the operator's command line."""
    return session.scalar(select(Invoice).where(Invoice.number == number.upper()))


# --- months -----------------------------------------------------------------------------------------


def parse_month(value: str | dt.date) -> dt.date:
    """'2027-01' (or a date) as the first day of that month; plain words when it is not one."""
    if isinstance(value, dt.date):
        return value.replace(day=1)
    try:
        year, month = (int(part) for part in str(value).strip().split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        raise InvalidInput("Enter the month as year and month, like 2027-01.", field="month") from None


def next_month(month: dt.date) -> dt.date:
    """The first day of the month after `month`."""
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_end(month: dt.date) -> dt.datetime:
    """The moment the month ends in London (events before it belong to it or earlier)."""
    return dt.datetime.combine(next_month(month), dt.time(), tzinfo=LONDON).astimezone(dt.UTC)


# --- the run ----------------------------------------------------------------------------------------


def _facts_query(provider_id: str) -> Select:
    return (
        select(ReferralPrice, Referral.status, Referral.status_changed_at, Referral.registered_at,
               Referral.cancellation_charge_pence,
               DeliveryBudget.sessions_bought, DeliveryBudget.sessions_extra)
        .join(Referral, Referral.id == ReferralPrice.referral_id)
        .outerjoin(DeliveryBudget, DeliveryBudget.referral_id == Referral.id)
        .where(Referral.provider_id == provider_id)
    )


def gather(*, session: Session, provider_id: str, until: dt.datetime) -> list[rules.Event]:
    """Every event the provider's priced referrals make billable before `until`, billed or not."""
    priced: dict[int, tuple[rules.Price, int | None, dt.datetime | None, dt.datetime | None, int | None]] = {}
    for snap, status, changed_at, registered_at, charge, bought, extra in session.execute(_facts_query(provider_id)):
        price = rules.Price(unit=snap.unit, unit_price_pence=snap.unit_price_pence, vat_rate=snap.vat_rate,
                            minimum_units=snap.minimum_units, charge_rule=snap.charge_rule,
                            units_bought=snap.units_bought)
        sessions_bought = (bought or 0) + (extra or 0) or None
        cancelled_at = changed_at if status == "cancelled" else None
        priced[snap.referral_id] = (price, sessions_bought, cancelled_at, registered_at, charge)
    if not priced:
        return []
    attended: dict[int, list[rules.Session]] = defaultdict(list)
    rows = session.execute(
        select(Appointment.referral_id, Appointment.id, Appointment.starts_at, Appointment.duration_minutes,
               Appointment.attended)
        .join(Referral, Referral.id == Appointment.referral_id)
        .join(ReferralPrice, ReferralPrice.referral_id == Referral.id)
        .where(Referral.provider_id == provider_id, Appointment.kind == "session",
               Appointment.attended.in_(rules.ATTENDED), Appointment.starts_at < until)
    )
    for referral_id, appointment_id, starts_at, minutes, came in rows:
        attended[referral_id].append(rules.Session(appointment_id, starts_at, minutes, came))
    found: list[rules.Event] = []
    for referral_id, (price, sessions_bought, cancelled_at, registered_at, charge) in priced.items():
        facts = rules.Facts(referral_id, tuple(attended.get(referral_id, ())), cancelled_at, registered_at, charge)
        found.extend(rules.billable_by(rules.events_of(facts, price, sessions_bought=sessions_bought), until=until))
    return found


def _new_rows(session: Session, provider_id: str, found: Iterable[rules.Event], now: dt.datetime) -> list[dict]:
    """The events not yet written, as rows (one already there, by referral, kind and source, stays as it was)."""
    known = {tuple(row) for row in session.execute(
        select(BillableEvent.referral_id, BillableEvent.kind, BillableEvent.source)
        .where(BillableEvent.provider_id == provider_id)
    )}
    rows = [
        {"referral_id": e.referral_id, "provider_id": provider_id, "kind": e.kind, "source": e.source,
         "occurred_at": e.occurred_at, "units": e.units, "unit_price_pence": e.unit_price_pence,
         "vat_rate": e.vat_rate, "net_pence": e.net_pence, "vat_pence": e.vat_pence, "found_at": now}
        for e in found if (e.referral_id, e.kind, e.source) not in known
    ]
    rows.sort(key=lambda r: (r["referral_id"], r["kind"], r["source"]))  # one order: no deadlocks between writers
    return rows


def _write_events(session: Session, rows: list[dict], invoice_id: int) -> None:
    """Write new events already on the invoice; ON CONFLICT DO NOTHING keeps one written meanwhile as it was."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        # One INSERT ... SELECT FROM unnest(arrays): a column's values travel as one array, so 100,000
        # events are one statement and one round trip.
        columns = {"referral_id": "int", "kind": "text", "source": "text", "occurred_at": "timestamptz",
                   "units": "numeric", "unit_price_pence": "int", "vat_rate": "text", "net_pence": "int",
                   "vat_pence": "int"}
        arrays = ", ".join(f"CAST(:{name} AS {kind}[])" for name, kind in columns.items())
        session.execute(text(
            f"INSERT INTO billable_events ({', '.join(columns)}, provider_id, invoice_id, found_at) "
            f"SELECT {', '.join('x.' + name for name in columns)}, :provider_id, :invoice_id, :found_at "
            f"FROM unnest({arrays}) AS x({', '.join(columns)}) "
            "ON CONFLICT (referral_id, kind, source) DO NOTHING"
        ), {**{name: [row[name] for row in rows] for name in columns}, "provider_id": rows[0]["provider_id"],
            "invoice_id": invoice_id, "found_at": rows[0]["found_at"]})
        return
    statement = upsert_insert(session, BillableEvent.__table__).on_conflict_do_nothing(
        index_elements=["referral_id", "kind", "source"])
    for start in range(0, len(rows), _CHUNK):
        session.execute(statement, [row | {"invoice_id": invoice_id} for row in rows[start:start + _CHUNK]])


def _lock_counter(session: Session, provider_id: str, kind: str) -> None:
    """Make sure the provider's counter row exists, then hold it until the transaction ends."""
    session.execute(
        upsert_insert(session, InvoiceCounter.__table__)
        .values(provider_id=provider_id, kind=kind, last=0).on_conflict_do_nothing(index_elements=["provider_id", "kind"])
    )
    session.execute(
        select(InvoiceCounter.last).where(InvoiceCounter.provider_id == provider_id, InvoiceCounter.kind == kind)
        .with_for_update()
    )


def _next_number(session: Session, provider: Provider, kind: str) -> tuple[int, str]:
    """The next sequence number of the provider's invoices (or credit notes), and the number printed."""
    sequence = session.execute(
        update(InvoiceCounter).where(InvoiceCounter.provider_id == provider.id, InvoiceCounter.kind == kind)
        .values(last=InvoiceCounter.last + 1).returning(InvoiceCounter.last)
    ).scalar_one()
    return sequence, f"{provider.code.upper()}-{_PREFIX[kind]}-{sequence:06d}"


def _history(session: Session, invoice_id: int, from_status: str | None, to_status: str, *, user: User,
             now: dt.datetime, reason: str | None) -> None:
    session.execute(insert(InvoiceHistory).values(invoice_id=invoice_id, from_status=from_status, to_status=to_status,
                                                  at=now, by_user_id=user.id, reason=reason))


def run(*, session: Session, user: User, provider: str, month: str | dt.date, now: dt.datetime | None = None) -> Invoice | None:
    """Invoice every billable event of `provider` up to the end of `month` not yet invoiced: a draft
    invoice, or None when there is nothing new to bill. A month that has not begun is refused."""
    now = utc_now(now)
    found_provider = _provider(session, user, provider)
    first = parse_month(month)
    if first > now.astimezone(LONDON).date().replace(day=1):
        raise InvalidInput(f"{first:%B %Y} has not started yet: invoice a month that has begun.", field="month")
    until = min(month_end(first), now)
    _lock_counter(session, found_provider.id, INVOICE)
    rows = _new_rows(session, found_provider.id, gather(session=session, provider_id=found_provider.id, until=until), now)
    unbilled = and_(BillableEvent.provider_id == found_provider.id, BillableEvent.invoice_id.is_(None),
                    BillableEvent.occurred_at < until)
    if not rows and not session.scalar(select(func.count()).select_from(BillableEvent).where(unbilled)):
        return None  # nothing new: the counter is left as it was
    sequence, number = _next_number(session, found_provider, INVOICE)
    invoice = Invoice(provider_id=found_provider.id, kind=INVOICE, month=first, sequence=sequence, number=number,
                      status="draft", created_by_id=user.id, created_at=now, status_changed_at=now)
    session.add(invoice)
    session.flush()
    # New events go straight onto this invoice; older unbilled ones (released by a void, found by an
    # earlier run that failed) are claimed: an event another run billed first no longer matches IS NULL.
    _write_events(session, rows, invoice.id)
    session.execute(update(BillableEvent).where(unbilled).values(invoice_id=invoice.id).execution_options(synchronize_session=False))
    _make_lines(session, invoice)
    _history(session, invoice.id, None, "draft", user=user, now=now, reason=f"Invoice run for {first:%B %Y}")
    session.flush()
    return invoice


def _make_lines(session: Session, invoice: Invoice) -> None:
    """One line per referral, kind and price of the invoice's events; VAT per line; totals their sums."""
    e = BillableEvent
    grouped = session.execute(
        select(e.referral_id, e.kind, e.unit_price_pence, e.vat_rate, func.sum(e.units), func.sum(e.net_pence),
               Referral.reference, Person.crn, Referral.region, Service.id, Service.name, ServiceOption.name)
        .join(Referral, Referral.id == e.referral_id).join(Person, Person.id == Referral.person_id)
        .join(Service, Service.id == Referral.service_id)
        .outerjoin(ServiceOption, ServiceOption.id == Referral.option_id)
        .where(e.invoice_id == invoice.id)
        .group_by(e.referral_id, e.kind, e.unit_price_pence, e.vat_rate, Referral.reference, Person.crn,
                  Referral.region, Service.id, Service.name, ServiceOption.name)
        .order_by(Referral.reference, e.kind, e.unit_price_pence)
    )
    lines = []
    for position, (rid, kind, price, rate, units, net, ref, crn, region, sid, sname, oname) in enumerate(grouped, 1):
        net = int(net)
        lines.append({"invoice_id": invoice.id, "position": position, "referral_id": rid, "referral_reference": ref,
                      "crn": crn, "service_id": sid, "service_name": sname, "option_name": oname, "region": region,
                      "kind": kind, "units": Decimal(units), "unit_price_pence": price, "vat_rate": rate,
                      "net_pence": net, "vat_pence": vat_pence(net, rate)})
    for start in range(0, len(lines), _CHUNK):
        session.execute(insert(InvoiceLine), lines[start:start + _CHUNK])
    _set_totals(invoice, lines)


def _set_totals(invoice: Invoice, lines: list[dict]) -> None:
    invoice.net_pence = sum(line["net_pence"] for line in lines)
    invoice.vat_pence = sum(line["vat_pence"] for line in lines)
    invoice.total_pence = invoice.net_pence + invoice.vat_pence


def lines_of(*, session: Session, invoice: Invoice) -> list[InvoiceLine]:
    """The invoice's lines in order."""
    return list(session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id).order_by(InvoiceLine.position)))


# --- status changes ---------------------------------------------------------------------------------


def _change(session: Session, user: User, invoice_id: int, action: str, *, now: dt.datetime | None,
            reason: str | None = None) -> Invoice:
    """Apply `action` if the table allows it: a conditional UPDATE (a lost race is a 409), then history."""
    now = utc_now(now)
    invoice = get_invoice(session=session, user=user, invoice_id=invoice_id)
    transition = TRANSITIONS[action]
    if invoice.kind != INVOICE:
        raise Conflict("A credit note is issued when it is made; it has no other status.")
    current = invoice.status
    if current not in transition.sources:
        raise Conflict(f"An invoice that is {current} cannot be {transition.target.replace('_', ' ')}.", status=current)
    result = session.execute(
        update(Invoice).where(Invoice.id == invoice.id, Invoice.status.in_(transition.sources))
        .values(status=transition.target, status_changed_at=now).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.refresh(invoice)
        raise Conflict(f"Someone else changed this invoice first: it is now {invoice.status}.", status=invoice.status)
    _history(session, invoice.id, current, transition.target, user=user, now=now, reason=reason)
    session.refresh(invoice)
    return invoice


def issue(*, session: Session, user: User, invoice_id: int, now: dt.datetime | None = None) -> Invoice:
    """Draft -> issued: from now on the invoice is never changed, only corrected by a credit note."""
    return _change(session, user, invoice_id, "issue", now=now)


def mark_paid(*, session: Session, user: User, invoice_id: int, now: dt.datetime | None = None) -> Invoice:
    """Issued -> paid."""
    return _change(session, user, invoice_id, "mark_paid", now=now)


def void(*, session: Session, user: User, invoice_id: int, reason: str | None, now: dt.datetime | None = None) -> Invoice:
    """Draft -> void, with a reason: its events are released, so the next run bills them again."""
    if not (reason and reason.strip()):
        raise InvalidInput("Give a reason to void the invoice.", field="reason")
    invoice = _change(session, user, invoice_id, "void", now=now, reason=reason.strip())
    session.execute(update(BillableEvent).where(BillableEvent.invoice_id == invoice.id).values(invoice_id=None)
                    .execution_options(synchronize_session=False))
    return invoice


def _editable(session: Session, user: User, invoice_id: int) -> Invoice:
    invoice = get_invoice(session=session, user=user, invoice_id=invoice_id)
    if invoice.kind != INVOICE or invoice.status != "draft":
        raise Conflict(f"This {invoice.kind.replace('_', ' ')} is {invoice.status}: it cannot be changed. "
                       "Correct an issued invoice with a credit note.", status=invoice.status)
    return invoice


def remove_line(*, session: Session, user: User, invoice_id: int, line_id: int, now: dt.datetime | None = None) -> Invoice:
    """Take a line off a draft invoice (its events go back to unbilled); an issued invoice is refused."""
    invoice = _editable(session, user, invoice_id)
    line = session.get(InvoiceLine, line_id)
    if line is None or line.invoice_id != invoice.id:
        raise NotFound("There is no such line on this invoice.")
    # Lock the draft against a concurrent issue: the line goes only while it is still a draft.
    still = session.execute(update(Invoice).where(Invoice.id == invoice.id, Invoice.status == "draft")
                            .values(status_changed_at=Invoice.status_changed_at).execution_options(synchronize_session=False))
    if still.rowcount != 1:
        raise Conflict("Someone issued or voided this invoice first: it cannot be changed.")
    session.execute(
        update(BillableEvent).where(BillableEvent.invoice_id == invoice.id, BillableEvent.referral_id == line.referral_id,
                                    BillableEvent.kind == line.kind, BillableEvent.unit_price_pence == line.unit_price_pence,
                                    BillableEvent.vat_rate == line.vat_rate)
        .values(invoice_id=None).execution_options(synchronize_session=False)
    )
    session.delete(line)
    session.flush()
    rest = [{"net_pence": li.net_pence, "vat_pence": li.vat_pence} for li in lines_of(session=session, invoice=invoice)]
    _set_totals(invoice, rest)
    _history(session, invoice.id, "draft", "draft", user=user, now=utc_now(now), reason=f"Line {line.position} removed")
    session.flush()
    return invoice


def credit(*, session: Session, user: User, invoice_id: int, reason: str | None, line_ids: list[int] | None = None,
           now: dt.datetime | None = None) -> Invoice:
    """A credit note naming an issued (or paid) invoice, crediting the chosen lines (all if none are
    chosen) in full; a line is credited at most once (the database's unique key says so too)."""
    now = utc_now(now)
    if not (reason and reason.strip()):
        raise InvalidInput("Give a reason for the credit note.", field="reason")
    invoice = get_invoice(session=session, user=user, invoice_id=invoice_id)
    if invoice.kind != INVOICE or invoice.status not in ("issued", "paid"):
        raise Conflict(f"Only an issued invoice is corrected by a credit note; this one is {invoice.status}.",
                       status=invoice.status)
    lines = lines_of(session=session, invoice=invoice)
    if line_ids:
        chosen = [li for li in lines if li.id in set(line_ids)]
        if len(chosen) != len(set(line_ids)):
            raise InvalidInput("Choose lines of this invoice.", field="line_ids")
    else:
        chosen = lines
    credited = set(session.scalars(select(InvoiceLine.credits_line_id).where(
        InvoiceLine.credits_line_id.in_([li.id for li in chosen]))))
    chosen = [li for li in chosen if li.id not in credited]
    if not chosen:
        raise Conflict("Every chosen line has been credited already.")
    provider = session.get(Provider, invoice.provider_id)
    assert provider is not None
    _lock_counter(session, provider.id, CREDIT_NOTE)
    sequence, number = _next_number(session, provider, CREDIT_NOTE)
    note = Invoice(provider_id=provider.id, kind=CREDIT_NOTE, month=invoice.month, sequence=sequence, number=number,
                   status="issued", corrects_id=invoice.id, reason=reason.strip(), created_by_id=user.id,
                   created_at=now, status_changed_at=now)
    session.add(note)
    session.flush()
    rows = [
        {"invoice_id": note.id, "position": n, "referral_id": li.referral_id, "referral_reference": li.referral_reference,
         "crn": li.crn, "service_id": li.service_id, "service_name": li.service_name, "option_name": li.option_name,
         "region": li.region, "kind": li.kind, "units": -Decimal(li.units), "unit_price_pence": li.unit_price_pence,
         "vat_rate": li.vat_rate, "net_pence": -li.net_pence, "vat_pence": -li.vat_pence, "credits_line_id": li.id}
        for n, li in enumerate(chosen, 1)
    ]
    session.execute(insert(InvoiceLine), rows)
    _set_totals(note, rows)
    _history(session, note.id, None, "issued", user=user, now=now, reason=f"Corrects {invoice.number}: {reason.strip()}")
    session.flush()
    return note


# --- lists ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvoiceFilters:
    """What the list of invoices is narrowed to."""

    provider_id: str | None = None
    status: str | None = None
    kind: str | None = None
    month: dt.date | None = None


STATUSES = ("draft", "issued", "paid", "void")


def list_invoices(*, session: Session, user: User, filters: InvoiceFilters, limit: int = 200) -> list[Invoice]:
    """The invoices and credit notes `user` may see, newest first, narrowed by `filters`."""
    if user.role != Role.ADMIN.value and not (user.provider_id and may_bill(user, user.provider_id)):
        raise Forbidden("Invoices are for the provider's hub, its price-list managers and administrators.")
    if filters.status and filters.status not in STATUSES:
        raise InvalidInput("Choose a status from the list.", field="status")
    if filters.kind and filters.kind not in (INVOICE, CREDIT_NOTE):
        raise InvalidInput("Choose invoices or credit notes.", field="kind")
    query = select(Invoice).order_by(Invoice.created_at.desc(), Invoice.id.desc()).limit(limit)
    provider_id = filters.provider_id if user.role == Role.ADMIN.value else user.provider_id
    if provider_id:
        query = query.where(Invoice.provider_id == provider_id)
    if filters.status:
        query = query.where(Invoice.status == filters.status)
    if filters.kind:
        query = query.where(Invoice.kind == filters.kind)
    if filters.month:
        query = query.where(Invoice.month == filters.month)
    return list(session.scalars(query))


def history_of(*, session: Session, invoice: Invoice) -> list[tuple[InvoiceHistory, str]]:
    """The invoice's status changes, oldest first, with who made each."""
    rows = session.execute(
        select(InvoiceHistory, User.name).join(User, User.id == InvoiceHistory.by_user_id)
        .where(InvoiceHistory.invoice_id == invoice.id).order_by(InvoiceHistory.id)
    )
    return [(h, name) for h, name in rows]


def credit_notes_of(*, session: Session, invoice: Invoice) -> list[Invoice]:
    """The credit notes that correct the invoice."""
    return list(session.scalars(select(Invoice).where(Invoice.corrects_id == invoice.id).order_by(Invoice.id)))
