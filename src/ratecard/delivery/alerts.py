"""Delivery's alerts on the referral pages (the practitioner's dashboard and the referral page):
breach action due, a warning needed, feedback overdue, and what was used of what was bought.

Registered with ratecard.referrals.extensions (see `install`), so the referral pages show them while
the referrals domain never imports delivery. A dashboard page's facts cost four queries however many
rows it has: budgets, overdue appointments, unacceptable absences and their warnings, each over the
page's referral ids only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ratecard.delivery import ending, enforcement, service
from ratecard.delivery.models import Appointment, DeliveryBudget
from ratecard.referrals import extensions
from ratecard.referrals.extensions import Fact, Panel
from ratecard.referrals.models import Referral

BREACH = "Breach action due"
WARNING = "Warning needed"
OVERDUE = "Feedback overdue"
# As the caseload counts it: a booked appointment an hour past its start with no feedback yet.
OVERDUE_AFTER = dt.timedelta(hours=1)


def _hours(minutes: int) -> str:
    return f"{round(minutes / 60, 2):g}"


def _used(budget: DeliveryBudget) -> str:
    """Sessions and hours used of what was bought, in words."""
    sessions = f"{budget.sessions_attended} of {budget.sessions_bought + budget.sessions_extra} sessions" \
        if budget.sessions_bought is not None else f"{budget.sessions_attended} sessions"
    hours = f"{_hours(budget.minutes_delivered)} of {_hours(budget.minutes_bought + budget.minutes_extra)} hours" \
        if budget.minutes_bought is not None else f"{_hours(budget.minutes_delivered)} hours"
    return f"{sessions}, {hours} used"


def _alerts(failures: list[enforcement.Failure], overdue: int) -> list[str]:
    states = {f.state for f in failures}
    words = [BREACH] if "breach action due" in states else []
    if "warning due" in states:
        words.append(WARNING)
    if overdue:
        words.append(OVERDUE)
    return words


def _overdue(session: Session, referral_ids: Sequence[int], now: dt.datetime) -> dict[int, int]:
    a = Appointment
    return {referral_id: count for referral_id, count in session.execute(
        select(a.referral_id, func.count())
        .where(a.referral_id.in_(referral_ids), a.status == "booked", a.starts_at < now - OVERDUE_AFTER)
        .group_by(a.referral_id)
    )}


def row_facts(session: Session, referral_ids: Sequence[int], now: dt.datetime) -> dict[int, list[Fact]]:
    """For each of `referral_ids`: its alerts, then what was used of what was bought once delivery started."""
    ids = list(referral_ids)
    budgets = {b.referral_id: b for b in session.scalars(select(DeliveryBudget).where(DeliveryBudget.referral_id.in_(ids)))}
    overdue = _overdue(session, ids, now)
    failures = enforcement.failures_of(session, ids)
    found: dict[int, list[Fact]] = {}
    for referral_id in ids:
        facts = [Fact(text, attention=True) for text in _alerts(failures.get(referral_id, []), overdue.get(referral_id, 0))]
        if referral_id in budgets:
            facts.append(Fact(_used(budgets[referral_id])))
        if facts:
            found[referral_id] = facts
    return found


def panel(session: Session, referral_id: int, now: dt.datetime) -> Panel | None:
    """The referral page's summary of delivery, once delivery has started (its budget exists)."""
    budget = session.get(DeliveryBudget, referral_id)
    referral = session.get(Referral, referral_id)
    if budget is None or referral is None:
        return None
    # The sessions as the end-state rule counts them (sessions only, against the approved plan), so the
    # page never says "4 of 3" where an attended assessment is part of what was bought.
    sessions = ending.facts(session, referral).count()
    hours = f"{_hours(budget.minutes_delivered)} used" + (
        f" of {_hours(budget.minutes_bought + budget.minutes_extra)} bought" if budget.minutes_bought is not None else "")
    rows = [("Sessions", sessions), ("Hours", hours)]
    if service.counts_rar_days(referral):
        rows.append(("RAR days", f"{budget.rar_days_used} used" + (
            f" of {budget.rar_days_max} at most" if budget.rar_days_max is not None else " (the maximum is not set yet)")))
    alerts = enforcement.alerts(session, referral_id)
    if _overdue(session, [referral_id], now):
        alerts.append(f"{OVERDUE}: the provider has not yet said what happened at a past appointment")
    return Panel(title="Delivery", rows=rows, alerts=alerts,
                 link=(f"/referrals/{referral_id}/delivery", "Appointments, attendance, notes and warnings"))


def install() -> None:
    """Show delivery's facts on the referral pages (idempotent: registered by name)."""
    extensions.register_row_facts("delivery", row_facts)
    extensions.register_panel("delivery", panel)
