"""The provider's caseload: tabs of referrals (my cases, all open, unassigned, completed, cancelled),
each row with its next appointment, what was used of what was bought, and its alerts.

One page of referrals is read first; then each of the page's facts in one grouped query over those
ids only, so a page costs the same however many referrals the provider has.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from ratecard.accounts.models import User
from ratecard.accounts.service import Role
from ratecard.catalogue.models import Service
from ratecard.db import utc_now
from ratecard.delivery.codes import absence_codes
from ratecard.delivery.models import Appointment, DeliveryBudget
from ratecard.errors import Forbidden
from ratecard.referrals import queries as referral_queries
from ratecard.referrals.models import Person, Referral

NEARLY_SPENT = 0.2  # as on the delivery page: a fifth or less of the sessions left to book


class Tab(StrEnum):
    """The caseload's tabs."""

    MINE = "mine"
    OPEN = "open"
    UNASSIGNED = "unassigned"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


TAB_NAMES = {Tab.MINE: "My cases", Tab.OPEN: "All open", Tab.UNASSIGNED: "Unassigned", Tab.COMPLETED: "Completed",
             Tab.CANCELLED: "Cancelled"}
_OPEN = ("accepted", "allocated", "in_progress")


@dataclass(frozen=True)
class CaseRow:
    """One referral of the caseload."""

    referral_id: int
    reference: str
    crn: str
    name: str
    service: str
    status: str
    caseworker: str | None
    next_appointment: dt.datetime | None
    sessions_used: int
    sessions_bought: int | None
    hours_used: float
    hours_bought: float | None
    alerts: tuple[str, ...]


@dataclass(frozen=True)
class CasePage:
    """A page of one tab, and how many referrals each tab holds."""

    tab: Tab
    rows: list[CaseRow]
    counts: dict[Tab, int]  # each up to referral_queries.COUNT_CAP
    page: int
    pages: int  # those known: past a capped count, those counted and the next while this page is full
    capped: frozenset[Tab] = frozenset()  # the tabs holding more than their count (shown as "1,000+")


def _tab_condition(tab: Tab, user: User):  # type: ignore[no-untyped-def]
    if tab is Tab.MINE:
        return [Referral.caseworker_id == user.id, Referral.status.in_(_OPEN)]
    if tab is Tab.OPEN:
        return [Referral.status.in_(_OPEN)]
    if tab is Tab.UNASSIGNED:
        return [Referral.status == "accepted"]
    if tab is Tab.COMPLETED:
        return [Referral.status.in_(("completed", "ended_early"))]
    return [Referral.status == "cancelled"]


def caseload(*, session: Session, user: User, tab: Tab = Tab.OPEN, page: int = 1, per_page: int = 20,
             now: dt.datetime | None = None) -> CasePage:
    """One tab of the provider's referrals (a caseworker's: those allocated to them), newest first."""
    now = utc_now(now)
    role = Role(user.role)
    if role not in (Role.HUB, Role.CASEWORKER, Role.ADMIN):
        raise Forbidden("The caseload is the provider's: practitioners follow their referrals on their dashboard.")
    scope = referral_queries.scope(role)
    params = referral_queries.scope_params(user)
    # Each tab counted up to the cap, in one statement: a bounded index range scan per tab, however big
    # the provider (a count(*) per tab read all of a hub's 200,000 referrals on every call).
    cap = referral_queries.COUNT_CAP
    found = session.execute(
        select(*(referral_queries.capped_count([*scope, *_tab_condition(each, user)]).scalar_subquery() for each in Tab)),
        {**params, "count_limit": cap + 1},
    ).one()
    counts = {each: min(n, cap) for each, n in zip(Tab, found, strict=True)}
    capped = frozenset(each for each, n in zip(Tab, found, strict=True) if n > cap)
    worker = aliased(User)
    rows = session.execute(
        select(Referral.id, Referral.reference, Referral.status, Person.crn, Person.name, Service.name.label("service"),
               worker.name.label("caseworker"))
        .join(Person, Person.id == Referral.person_id).join(Service, Service.id == Referral.service_id)
        .outerjoin(worker, worker.id == Referral.caseworker_id)
        .where(*scope, *_tab_condition(tab, user))
        .order_by(Referral.created_at.desc(), Referral.id.desc())
        .limit(per_page + 1).offset((page - 1) * per_page),  # one more than a page: is there a next?
        params,
    ).all()
    has_next = len(rows) > per_page
    rows = rows[:per_page]
    pages = max(1, math.ceil(counts[tab] / per_page), page + 1 if has_next else 0, page if rows else 0)
    ids = [r.id for r in rows]
    facts = _facts(session, ids, now=now)
    budgets = {b.referral_id: b for b in session.scalars(select(DeliveryBudget).where(DeliveryBudget.referral_id.in_(ids)))}
    out = []
    for r in rows:
        fact = facts.get(r.id)
        budget = budgets.get(r.id)
        bought = budget.sessions_bought + budget.sessions_extra if budget and budget.sessions_bought is not None else None
        minutes = budget.minutes_bought + budget.minutes_extra if budget and budget.minutes_bought is not None else None
        alerts = []
        if fact and fact.overdue:
            alerts.append("Feedback overdue")
        if fact and fact.unacceptable:
            alerts.append("Non-attendance")
        if budget and bought and bought - budget.sessions_booked <= bought * NEARLY_SPENT:
            alerts.append("Budget nearly spent")
        out.append(CaseRow(
            referral_id=r.id, reference=r.reference, crn=r.crn, name=r.name, service=r.service, status=r.status,
            caseworker=r.caseworker, next_appointment=fact.next_at if fact else None,
            sessions_used=budget.sessions_attended if budget else 0, sessions_bought=bought,
            hours_used=round(budget.minutes_delivered / 60, 2) if budget else 0.0,
            hours_bought=round(minutes / 60, 2) if minutes is not None else None, alerts=tuple(alerts),
        ))
    return CasePage(tab=tab, rows=out, counts=counts, page=page, pages=pages, capped=capped)


@dataclass(frozen=True)
class _Facts:
    next_at: dt.datetime | None
    overdue: int
    unacceptable: int


def _facts(session: Session, ids: list[int], *, now: dt.datetime) -> dict[int, _Facts]:
    """Per referral of the page: the next booked appointment, feedback overdue, unacceptable absences."""
    if not ids:
        return {}
    a = Appointment
    enforceable = [c.code for c in absence_codes().codes if c.enforceable]
    # An appointment is overdue for feedback once it has started and is still only booked (its end is
    # not needed: an hour's grace is given in the words, not the query, to keep it one index range).
    grouped = session.execute(
        select(
            a.referral_id,
            func.min(case(((a.status == "booked") & (a.starts_at >= now), a.starts_at))).label("next_at"),
            func.sum(case(((a.status == "booked") & (a.starts_at < now - dt.timedelta(hours=1)), 1), else_=0)).label("overdue"),
            func.sum(case((a.absence.in_(enforceable), 1), else_=0)).label("unacceptable"),
        ).where(a.referral_id.in_(ids)).group_by(a.referral_id)
    ).all()
    return {g.referral_id: _Facts(g.next_at, int(g.overdue or 0), int(g.unacceptable or 0)) for g in grouped}
