"""Invoice runs racing with real commits, on SQLite and PostgreSQL: each event billed once, numbers
without gaps or twins."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from ratecard.billing import invoices
from ratecard.billing.models import BillableEvent, Invoice, InvoiceLine
from ratecard.db import transaction
from ratecard.delivery import service as delivery
from tests.billing import invoice_factories as bf
from tests.delivery import factories as f

RUNS = 20


def _together(work) -> list:
    barrier = threading.Barrier(RUNS, timeout=60)

    def one(n: int):
        barrier.wait()
        return work(n)

    with ThreadPoolExecutor(max_workers=RUNS) as pool:
        return list(pool.map(one, range(RUNS), timeout=300))


def _numbers(committed_sessions) -> list[int]:
    with transaction(committed_sessions) as s:
        return list(s.scalars(select(Invoice.sequence).where(Invoice.provider_id == "cln", Invoice.kind == "invoice")
                              .order_by(Invoice.sequence)))


def _billed_once(committed_sessions, referral_ids: list[int]) -> None:
    with transaction(committed_sessions) as s:
        events = s.execute(select(BillableEvent.invoice_id, BillableEvent.net_pence)
                           .where(BillableEvent.referral_id.in_(referral_ids))).all()
        assert events and all(invoice_id is not None for invoice_id, _ in events)
        invoiced = {invoice_id for invoice_id, _ in events}
        # The lines of those invoices hold exactly these events' money, no more.
        lines = s.scalar(select(func.sum(InvoiceLine.net_pence)).where(InvoiceLine.invoice_id.in_(invoiced),
                                                                        InvoiceLine.referral_id.in_(referral_ids)))
        assert lines == sum(net for _, net in events)


def test_it_bills_each_event_once_when_twenty_runs_race(committed_sessions):
    with transaction(committed_sessions) as s:
        people = f.cast(s, other_provider=False)
        made = [f.allocated(s, people) for _ in range(3)]
        for referral in made:
            bf.priced(s, referral)
            bf.delivered(s, people, referral, "yes", "late", "no")
    ids = [r.id for r in made]
    before = _numbers(committed_sessions)

    def run(n: int):
        with transaction(committed_sessions) as s:
            invoice = invoices.run(session=s, user=s.merge(people["hub"]), provider="CLN", month=bf.MONTH, now=f.NOW)
            return invoice.number if invoice else None

    results = _together(run)
    assert len([r for r in results if r]) == 1  # one run bills them; the others find nothing new
    _billed_once(committed_sessions, ids)
    after = _numbers(committed_sessions)
    assert after == list(range(1, len(after) + 1)) and len(after) == len(before) + 1


def test_it_numbers_invoices_without_gaps_when_runs_race_with_new_feedback(committed_sessions):
    with transaction(committed_sessions) as s:
        people = f.cast(s, other_provider=False)
        made, booked = [], []
        for _ in range(RUNS):
            referral = f.allocated(s, people)
            bf.priced(s, referral)
            made.append(referral)
            booked.append(f.booked(s, people["cw"], referral, day=7).id)
    before = _numbers(committed_sessions)

    def feedback_then_run(n: int):
        # Each run's own transaction brings one new attended session, so every run has something to bill.
        with transaction(committed_sessions) as s:
            delivery.record_feedback(session=s, user=s.merge(people["cw"]), appointment_id=booked[n],
                                     data=f.feedback(), now=f.NOW)
            invoice = invoices.run(session=s, user=s.merge(people["hub"]), provider="cln", month=bf.MONTH, now=f.NOW)
            return invoice.sequence if invoice else None

    results = _together(feedback_then_run)
    assert all(results)  # each had its own new session at least
    after = _numbers(committed_sessions)
    assert after == list(range(1, len(before) + RUNS + 1))  # no gaps, no twins
    assert sorted(results) == after[len(before):]
    _billed_once(committed_sessions, [r.id for r in made])
