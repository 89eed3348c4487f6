"""A referral's delivery at a glance: budget, appointments, action plan and the alerts both sides need."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ratecard.accounts.models import User
from ratecard.db import utc_now
from ratecard.delivery import ending, enforcement, plans, service
from ratecard.delivery.codes import absence_codes
from ratecard.delivery.models import Appointment, DeliveryBudget
from ratecard.delivery.schemas import ActionPlanOut, DeliveryOut

# The budget is nearly spent when this share of the sessions bought, or less, is left to book.
NEARLY_SPENT = 0.2


def budget_alerts(budget: DeliveryBudget, appointments: list[Appointment], *, now: dt.datetime) -> list[str]:
    """Overdue feedback, unacceptable absences and a budget nearly spent, in words."""
    found = []
    overdue = [a for a in appointments if a.status == "booked" and a.starts_at + dt.timedelta(minutes=a.duration_minutes) < now]
    if overdue:
        found.append(f"Feedback overdue for {len(overdue)} appointment{'s' if len(overdue) != 1 else ''}")
    unacceptable = [a for a in appointments if a.absence and (code := absence_codes().get(a.absence)) and code.enforceable]
    if unacceptable:
        found.append(f"{len(unacceptable)} unacceptable absence{'s' if len(unacceptable) != 1 else ''}")
    left = service.left(budget)["sessions_left"]
    total = budget.sessions_bought + budget.sessions_extra if budget.sessions_bought is not None else None
    if total and left is not None and left <= total * NEARLY_SPENT:
        found.append(f"Budget nearly spent: {service.left_words(budget)}")
    return found


def delivery(*, session: Session, user: User, referral_id: int, now: dt.datetime | None = None) -> DeliveryOut:
    """A referral's budget, appointments (in time order), latest action plan and alerts, for anyone
    who may see the referral. Reads only: a referral nobody has booked yet shows what it bought."""
    now = utc_now(now)
    referral = service.load_referral(session, user, referral_id)
    budget = session.get(DeliveryBudget, referral.id) or service.unsaved_budget(session, referral)
    appointments = list(session.scalars(
        select(Appointment).where(Appointment.referral_id == referral.id).order_by(Appointment.starts_at, Appointment.id)
    ))
    plan = plans.latest(session, referral.id)
    return DeliveryOut(
        referral_id=referral.id, budget=service.budget_out(budget),
        appointments=[service.appointment_out(a) for a in appointments],
        action_plan=ActionPlanOut.model_validate(plan, from_attributes=True) if plan else None,
        alerts=budget_alerts(budget, appointments, now=now) + enforcement.alerts(session, referral.id),
        ending=ending.ending_out(session=session, user=user, referral_id=referral.id),
    )
