"""The invoice run, numbers, statuses and credit notes, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from ratecard.accounts.service import Role
from ratecard.billing import invoices
from ratecard.billing.models import BillableEvent, InvoiceHistory
from ratecard.delivery import ending
from ratecard.errors import Conflict, Forbidden, InvalidInput, NotFound
from ratecard.referrals import service as referrals
from tests.billing import invoice_factories as bf
from tests.delivery import factories as f
from tests.referrals import factories as rf


@pytest.fixture
def people(catalogue_session):
    return f.cast(catalogue_session)


@pytest.fixture
def referral(catalogue_session, people):
    referral = f.allocated(catalogue_session, people)
    bf.priced(catalogue_session, referral)
    return referral


def _run(session, user, month=bf.MONTH, provider="CLN"):
    return invoices.run(session=session, user=user, provider=provider, month=month, now=f.NOW)


def test_it_bills_exactly_the_attended_and_late_sessions(catalogue_session, people, referral):
    bf.delivered(catalogue_session, people, referral, "yes", "late", "no")
    invoice = _run(catalogue_session, people["hub"])
    (line,) = invoices.lines_of(session=catalogue_session, invoice=invoice)
    assert (line.kind, line.units, line.unit_price_pence, line.net_pence, line.vat_pence) == (
        "session", Decimal(2), 12_345, 24_690, 4_938)
    assert (line.referral_reference, line.crn, line.service_name) == (
        referral.reference, referral.person.crn, "Conflict Resolution")
    assert (invoice.net_pence, invoice.vat_pence, invoice.total_pence, invoice.status) == (24_690, 4_938, 29_628, "draft")
    assert invoice.number == "CLN-INV-000001"


def test_it_bills_each_event_once_across_runs(catalogue_session, people, referral):
    bf.delivered(catalogue_session, people, referral, "yes")
    first = _run(catalogue_session, people["hub"])
    assert _run(catalogue_session, people["hub"]) is None  # nothing new
    bf.delivered(catalogue_session, people, referral, "yes", first_day=8)  # a later session
    second = _run(catalogue_session, people["hub"])
    assert (first.total_pence, second.total_pence, second.number) == (14_814, 14_814, "CLN-INV-000002")
    events = catalogue_session.scalar(select(func.count()).select_from(BillableEvent)
                                      .where(BillableEvent.referral_id == referral.id))
    assert events == 2


def test_it_bills_a_charged_cancellation_after_registration(catalogue_session, people):
    referral = f.allocated(catalogue_session, people)
    bf.priced(catalogue_session, referral, vat_rate="exempt",
              charge_rule={"kind": "cancellation_after_registration", "amount_pence": 10_000})
    bf.delivered(catalogue_session, people, referral, "no")  # a missed session: nothing to bill for it
    referrals.record_registration(session=catalogue_session, user=people["hub"], referral_id=referral.id, now=f.NOW)
    # No session attended, so asking to end it cancels it at once (delivery's end-state rule).
    ending.request_end(session=catalogue_session, user=people["pp"], referral_id=referral.id,
                       reason_code="moved_out_of_area", now=f.NOW + dt.timedelta(minutes=5))
    invoice = invoices.run(session=catalogue_session, user=people["hub"], provider="cln", month=bf.MONTH,
                           now=f.NOW + dt.timedelta(hours=1))
    lines = {li.kind: (li.units, li.net_pence, li.vat_pence) for li in invoices.lines_of(session=catalogue_session, invoice=invoice)}
    assert lines == {"cancellation": (Decimal(1), 10_000, 0)}
    assert invoice.total_pence == 10_000


def test_it_bills_hours_with_the_minimum(catalogue_session, people):
    referral = f.allocated(catalogue_session, people)
    bf.priced(catalogue_session, referral, unit="per_hour", unit_price_pence=4_999, minimum_units=Decimal(1))
    bf.delivered(catalogue_session, people, referral, "yes", minutes=30)
    bf.delivered(catalogue_session, people, referral, "yes", minutes=90, first_day=8)
    invoice = _run(catalogue_session, people["hub"])
    (line,) = invoices.lines_of(session=catalogue_session, invoice=invoice)
    # 1 h (minimum) + 1.5 h: £49.99 + £74.985 -> £74.99 (half-up per event); VAT 20% of £124.98 = £25.00 (24.996).
    assert (line.units, line.net_pence, line.vat_pence, invoice.total_pence) == (Decimal("2.5"), 12_498, 2_500, 14_998)


def test_it_leaves_referrals_without_a_price_unbilled(catalogue_session, people):
    referral = f.allocated(catalogue_session, people)
    bf.delivered(catalogue_session, people, referral, "yes")
    catalogue_session.execute(BillableEvent.__table__.delete())
    from ratecard.billing.models import ReferralPrice

    catalogue_session.execute(ReferralPrice.__table__.delete().where(ReferralPrice.referral_id == referral.id))
    assert _run(catalogue_session, people["hub"]) is None


@pytest.mark.parametrize(("month", "provider", "error", "words"), [
    ("2026-12", "CLN", InvalidInput, "has not started yet"),
    ("2030-01", "CLN", InvalidInput, "has not started yet"),
    ("November", "CLN", InvalidInput, "like 2027-01"),
    ("2026-13", "CLN", InvalidInput, "like 2027-01"),
    (bf.MONTH, "XYZ", NotFound, "no provider"),
])
def test_it_refuses_bad_runs_in_plain_words(catalogue_session, people, month, provider, error, words):
    with pytest.raises(error, match=words):
        _run(catalogue_session, people["hub"], month=month, provider=provider)


@pytest.mark.parametrize("who", ["pp", "cw", "hub_other"])
def test_it_lets_only_the_provider_and_admins_run_and_see_invoices(catalogue_session, people, referral, who):
    bf.delivered(catalogue_session, people, referral, "yes")
    invoice = _run(catalogue_session, people["admin"])
    with pytest.raises((Forbidden, NotFound)):
        _run(catalogue_session, people[who])
    with pytest.raises(NotFound):
        invoices.get_invoice(session=catalogue_session, user=people[who], invoice_id=invoice.id)


def test_it_lets_a_price_manager_of_the_provider_see_its_invoices(catalogue_session, people, referral):
    bf.delivered(catalogue_session, people, referral, "yes")
    invoice = _run(catalogue_session, people["hub"])
    manager = rf.user(catalogue_session, Role.CASEWORKER)
    assert not invoices.may_bill(manager, "cln")  # a caseworker, until they manage the prices
    manager.can_manage_prices = True
    assert invoices.get_invoice(session=catalogue_session, user=manager, invoice_id=invoice.id) is invoice
    assert [i.id for i in invoices.list_invoices(session=catalogue_session, user=manager,
                                                 filters=invoices.InvoiceFilters())] == [invoice.id]


def test_it_moves_through_its_statuses_with_history(catalogue_session, people, referral):
    bf.delivered(catalogue_session, people, referral, "yes")
    invoice = _run(catalogue_session, people["hub"])
    invoices.issue(session=catalogue_session, user=people["hub"], invoice_id=invoice.id, now=f.NOW)
    with pytest.raises(Conflict, match="issued cannot be issued"):
        invoices.issue(session=catalogue_session, user=people["hub"], invoice_id=invoice.id, now=f.NOW)
    with pytest.raises(Conflict, match="issued cannot be void"):
        invoices.void(session=catalogue_session, user=people["hub"], invoice_id=invoice.id, reason="Oops", now=f.NOW)
    invoices.mark_paid(session=catalogue_session, user=people["hub"], invoice_id=invoice.id, now=f.NOW)
    rows = catalogue_session.execute(select(InvoiceHistory.from_status, InvoiceHistory.to_status)
                                     .where(InvoiceHistory.invoice_id == invoice.id).order_by(InvoiceHistory.id)).all()
    assert rows == [(None, "draft"), ("draft", "issued"), ("issued", "paid")]


def test_it_refuses_to_edit_an_issued_invoice(catalogue_session, people, referral):
    bf.delivered(catalogue_session, people, referral, "yes", "yes")
    invoice = _run(catalogue_session, people["hub"])
    (line,) = invoices.lines_of(session=catalogue_session, invoice=invoice)
    invoices.issue(session=catalogue_session, user=people["hub"], invoice_id=invoice.id, now=f.NOW)
    with pytest.raises(Conflict, match="cannot be changed"):
        invoices.remove_line(session=catalogue_session, user=people["hub"], invoice_id=invoice.id, line_id=line.id)


def test_it_releases_a_removed_line_or_a_voided_draft_for_the_next_run(catalogue_session, people, referral):
    bf.delivered(catalogue_session, people, referral, "yes")
    invoice = _run(catalogue_session, people["hub"])
    (line,) = invoices.lines_of(session=catalogue_session, invoice=invoice)
    invoices.remove_line(session=catalogue_session, user=people["hub"], invoice_id=invoice.id, line_id=line.id)
    assert (invoice.total_pence, invoices.lines_of(session=catalogue_session, invoice=invoice)) == (0, [])
    invoices.void(session=catalogue_session, user=people["hub"], invoice_id=invoice.id, reason="Empty", now=f.NOW)
    again = _run(catalogue_session, people["hub"])
    assert (again.number, again.total_pence) == ("CLN-INV-000002", 14_814)


def test_it_corrects_an_issued_invoice_by_a_credit_note_naming_it(catalogue_session, people, referral):
    bf.delivered(catalogue_session, people, referral, "yes", "yes")
    invoice = _run(catalogue_session, people["hub"])
    with pytest.raises(Conflict, match="Only an issued invoice"):
        invoices.credit(session=catalogue_session, user=people["hub"], invoice_id=invoice.id, reason="Wrong")
    invoices.issue(session=catalogue_session, user=people["hub"], invoice_id=invoice.id, now=f.NOW)
    with pytest.raises(InvalidInput, match="reason"):
        invoices.credit(session=catalogue_session, user=people["hub"], invoice_id=invoice.id, reason=" ")
    note = invoices.credit(session=catalogue_session, user=people["hub"], invoice_id=invoice.id, reason="Session 2 was not held",
                           now=f.NOW)
    assert (note.kind, note.number, note.status, note.corrects_id) == ("credit_note", "CLN-CN-000001", "issued", invoice.id)
    assert (note.net_pence, note.vat_pence, note.total_pence) == (-invoice.net_pence, -invoice.vat_pence, -invoice.total_pence)
    with pytest.raises(Conflict, match="credited already"):
        invoices.credit(session=catalogue_session, user=people["hub"], invoice_id=invoice.id, reason="Again")
    assert invoices.credit_notes_of(session=catalogue_session, invoice=invoice) == [note]
    with pytest.raises(Conflict):
        invoices.issue(session=catalogue_session, user=people["hub"], invoice_id=note.id)


def test_it_lists_invoices_with_filters(catalogue_session, people, referral):
    bf.delivered(catalogue_session, people, referral, "yes")
    invoice = _run(catalogue_session, people["hub"])
    listed = lambda **kw: [i.id for i in invoices.list_invoices(  # noqa: E731
        session=catalogue_session, user=people["admin"], filters=invoices.InvoiceFilters(**kw))]
    assert invoice.id in listed(provider_id="cln", status="draft")
    assert invoice.id not in listed(status="issued")
    assert listed(provider_id="nsf") == []
    assert invoices.list_invoices(session=catalogue_session, user=people["hub_other"], filters=invoices.InvoiceFilters(
        provider_id="cln")) == []
    with pytest.raises(InvalidInput):
        listed(status="lost")
    with pytest.raises(Forbidden):
        invoices.list_invoices(session=catalogue_session, user=people["pp"], filters=invoices.InvoiceFilters())
