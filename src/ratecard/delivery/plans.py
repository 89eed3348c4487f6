"""Action plans: the provider proposes activities and sessions after the assessment, the practitioner
approves or sends it back. A plan with more sessions than were bought is a variation: it says why,
and its approval adds the extra sessions to the budget."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from ratecard.accounts.models import User
from ratecard.accounts.service import Role
from ratecard.db import utc_now
from ratecard.delivery import extensions, service
from ratecard.delivery.models import ActionPlan, Appointment, DeliveryBudget, DeliveryHistory
from ratecard.delivery.schemas import ActionPlanIn
from ratecard.delivery.workflow import OPEN_PLAN, PLAN_TRANSITIONS, PlanAction, PlanStatus
from ratecard.errors import Conflict, Forbidden, InvalidInput, NotFound


def latest(session: Session, referral_id: int) -> ActionPlan | None:
    """The referral's newest action plan, or None."""
    return session.scalars(
        select(ActionPlan).where(ActionPlan.referral_id == referral_id).order_by(ActionPlan.number.desc()).limit(1)
    ).first()


def _history(session: Session, plan: ActionPlan, from_status: str | None, to_status: str, *, user: User,
             now: dt.datetime, reason: str | None) -> None:
    session.execute(insert(DeliveryHistory).values(
        referral_id=plan.referral_id, subject="action_plan", subject_id=plan.id, from_status=from_status,
        to_status=to_status, at=now, by_user_id=user.id, reason=reason,
    ))


def _check_sessions(budget: DeliveryBudget, data_sessions: int, variation_reason: str | None) -> None:
    if data_sessions < budget.sessions_attended:
        raise InvalidInput(
            f"{budget.sessions_attended} sessions have already been attended: the plan cannot have fewer.",
            field="sessions",
        )
    if budget.sessions_bought is not None and data_sessions > budget.sessions_bought + budget.sessions_extra \
            and not variation_reason:
        raise InvalidInput(
            f"{budget.sessions_bought + budget.sessions_extra} sessions were bought: say why more are needed "
            "(the practitioner approves it as a variation).",
            field="variation_reason",
        )


def propose(*, session: Session, user: User, referral_id: int, data: ActionPlanIn, now: dt.datetime | None = None) -> ActionPlan:
    """A new draft plan, once the assessment has happened; never beside a plan still being decided."""
    now = utc_now(now)
    referral = service.load_referral(session, user, referral_id)
    if Role(user.role) not in PLAN_TRANSITIONS[PlanAction.SUBMIT].roles:
        raise Forbidden("The provider writes the action plan.")
    assessed = session.scalar(
        select(func.count()).select_from(Appointment).where(
            Appointment.referral_id == referral.id, Appointment.kind == "assessment", Appointment.status == "happened"
        )
    )
    if not assessed:
        raise Conflict("Record the assessment as attended before proposing an action plan.")
    current = latest(session, referral.id)
    if current is not None and PlanStatus(current.status) in OPEN_PLAN:
        raise Conflict(f"Action plan {current.number} is still {current.status}: finish it before starting another.")
    budget = service.ensure_budget(session=session, referral=referral)
    _check_sessions(budget, data.sessions, data.variation_reason)
    plan = ActionPlan(
        referral_id=referral.id, number=(current.number + 1) if current else 1, activities=data.activities,
        sessions=data.sessions, variation_reason=data.variation_reason, status=PlanStatus.DRAFT.value,
        created_by_id=user.id, created_at=now,
    )
    session.add(plan)
    session.flush()
    _history(session, plan, None, plan.status, user=user, now=now, reason=None)
    return plan


def _change(session: Session, user: User, referral_id: int, action: PlanAction, *, reason: str | None,
            now: dt.datetime) -> ActionPlan:
    referral = service.load_referral(session, user, referral_id)
    transition = PLAN_TRANSITIONS[action]
    if Role(user.role) not in transition.roles:
        raise Forbidden({PlanAction.SUBMIT: "The provider submits the action plan."}.get(
            action, "The practitioner decides on the action plan."))
    if transition.needs_reason and not (reason and reason.strip()):
        raise InvalidInput("Say what should change in the plan.", field="reason")
    plan = latest(session, referral.id)
    if plan is None:
        raise NotFound("This referral has no action plan yet.")
    if PlanStatus(plan.status) not in transition.sources:
        raise Conflict(f"Action plan {plan.number} is {plan.status.replace('_', ' ')}: it cannot be {transition.target.value.replace('_', ' ')}.")
    won = session.execute(
        update(ActionPlan).where(ActionPlan.id == plan.id, ActionPlan.status == plan.status)
        .values(status=transition.target.value).execution_options(synchronize_session=False)
    ).rowcount
    if won != 1:
        raise Conflict("Someone else changed this action plan first.")
    _history(session, plan, plan.status, transition.target.value, user=user, now=now, reason=reason)
    session.refresh(plan)
    return plan


def submit(*, session: Session, user: User, referral_id: int, now: dt.datetime | None = None) -> ActionPlan:
    """Draft → submitted to the practitioner."""
    return _change(session, user, referral_id, PlanAction.SUBMIT, reason=None, now=utc_now(now))


def request_changes(*, session: Session, user: User, referral_id: int, reason: str | None,
                    now: dt.datetime | None = None) -> ActionPlan:
    """Submitted → sent back to the provider, saying what should change."""
    return _change(session, user, referral_id, PlanAction.REQUEST_CHANGES, reason=reason, now=utc_now(now))


def approve(*, session: Session, user: User, referral_id: int, now: dt.datetime | None = None) -> ActionPlan:
    """Submitted → approved; a variation's extra sessions join the budget."""
    now = utc_now(now)
    referral = service.load_referral(session, user, referral_id)
    plan = latest(session, referral.id)
    budget = service.ensure_budget(session=session, referral=referral)
    if plan is not None:
        _check_sessions(budget, plan.sessions, plan.variation_reason)
    plan = _change(session, user, referral_id, PlanAction.APPROVE, reason=plan.variation_reason if plan else None, now=now)
    if budget.sessions_bought is not None:
        table = DeliveryBudget.__table__.c
        # Read from the row, not the loaded budget: an earlier UPDATE of this session bypassed the object.
        extra_before = session.scalar(select(table.sessions_extra).where(table.referral_id == referral.id)) or 0
        extra_after = max(0, plan.sessions - budget.sessions_bought)
        session.execute(
            update(DeliveryBudget).where(table.referral_id == referral.id)
            .values(sessions_extra=extra_after)
            .execution_options(synchronize_session=False)
        )
        extensions.plan_approved(session=session, referral=referral, plan=plan, extra_before=extra_before,
                                 extra_after=extra_after, user=user, now=now)
    return plan
