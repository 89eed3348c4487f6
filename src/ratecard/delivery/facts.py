"""Each referral's delivery milestones, kept in `delivery_facts` by the writes that change them.

The performance page and the CSV read these rows instead of grouping every appointment, plan change,
outcome and report of the period on each request (at a million referrals that was seconds). Every
delivery write that can move a milestone calls `refresh` in its own transaction, which recomputes the
referral's row from its sources — so the row always equals a recomputation, whatever order the
writes came in (tests/delivery/test_facts.py checks that after a mix of them). Those the performance
figures need are copied onto the referral row too, so a period is read without a join.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, case, func, select, true, update
from sqlalchemy.orm import Session

from ratecard.db import upsert_insert
from ratecard.delivery.models import Appointment, DeliveryFacts, DeliveryHistory, EndOfServiceReport, ReferralOutcome
from ratecard.referrals.models import Referral

COLUMNS = ("assessment_booked", "assessment_attended", "first_appointment", "first_session", "sessions_attended",
           "attended", "missed", "plan_submitted", "plan_approved", "outcomes", "achieved", "report_submitted")


# The milestones the performance figures read, also kept on the referral row (named there as here).
ON_REFERRAL = {"first_appointment": "first_appointment_at", "first_session": "first_session_at",
               "attended": "appointments_attended", "missed": "appointments_missed", "outcomes": "outcomes_chosen",
               "achieved": "outcomes_achieved"}


def recomputed(referral_id: ColumnElement[int] | int) -> Select:
    """One row of the milestones of `referral_id`, recomputed from its appointments, plan history,
    outcomes and report (aggregates without GROUP BY: always one row, zeros and NULLs when none)."""
    a = Appointment
    live = a.status != "superseded"
    appointments = select(
        func.min(case((and_(live, a.kind == "assessment"), a.starts_at))).label("assessment_booked"),
        func.min(case((and_(a.kind == "assessment", a.status == "happened"), a.starts_at))).label("assessment_attended"),
        func.min(case((live, a.starts_at))).label("first_appointment"),
        func.min(case((and_(a.kind == "session", a.status == "happened"), a.starts_at))).label("first_session"),
        func.coalesce(func.sum(case((and_(a.kind == "session", a.status == "happened"), 1), else_=0)), 0)
        .label("sessions_attended"),
        func.coalesce(func.sum(case((a.status == "happened", 1), else_=0)), 0).label("attended"),
        func.coalesce(func.sum(case((a.status == "did_not_happen", 1), else_=0)), 0).label("missed"),
    ).where(a.referral_id == referral_id).subquery("appointments")
    d = DeliveryHistory
    plans = select(
        func.min(case((d.to_status == "submitted", d.at))).label("plan_submitted"),
        func.min(case((d.to_status == "approved", d.at))).label("plan_approved"),
    ).where(d.subject == "action_plan", d.referral_id == referral_id).subquery("plans")
    o = ReferralOutcome
    outcomes = select(
        func.count().label("outcomes"),
        func.coalesce(func.sum(case((o.achievement == "achieved", 1), else_=0)), 0).label("achieved"),
    ).where(o.referral_id == referral_id).subquery("outcomes")
    report = (select(EndOfServiceReport.submitted_at).where(EndOfServiceReport.referral_id == referral_id)
              .scalar_subquery().label("report_submitted"))
    return select(
        appointments.c.assessment_booked, appointments.c.assessment_attended, appointments.c.first_appointment,
        appointments.c.first_session, appointments.c.sessions_attended, appointments.c.attended, appointments.c.missed,
        plans.c.plan_submitted, plans.c.plan_approved, outcomes.c.outcomes, outcomes.c.achieved, report,
    ).select_from(appointments).join(plans, true()).join(outcomes, true())


def refresh(session: Session, referral_id: int) -> None:
    """Recompute the referral's delivery milestones and store them, in the caller's transaction."""
    session.flush()  # the ORM's pending rows (a new appointment, outcomes) must be in what is read
    # Lock the row first (making it if new), then read: a concurrent write of the same referral waits
    # here until the other commits, and the read after it (a new snapshot under READ COMMITTED) sees
    # both, so the last to store is never missing the other's change.
    claim = upsert_insert(session, DeliveryFacts.__table__).values(referral_id=referral_id)
    session.execute(claim.on_conflict_do_update(index_elements=["referral_id"],
                                                set_={"referral_id": claim.excluded.referral_id}))
    row = dict(zip(COLUMNS, session.execute(recomputed(referral_id)).one(), strict=True))
    session.execute(update(DeliveryFacts).where(DeliveryFacts.referral_id == referral_id)
                    .values(**row).execution_options(synchronize_session=False))
    session.execute(update(Referral).where(Referral.id == referral_id)
                    .values(**{kept: row[name] for name, kept in ON_REFERRAL.items()})
                    .execution_options(synchronize_session=False))
