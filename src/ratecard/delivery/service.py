"""Delivery operations: book and reschedule appointments, record what happened, read the budget.

Every counter of the budget changes in one conditional UPDATE, so a lost race is refused by the
database itself: two caseworkers booking the last session at once get one booking and one clear
refusal, and two feedbacks on one appointment count its hours once. Services flush, never commit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from ratecard.accounts.models import User
from ratecard.accounts.service import Role
from ratecard.catalogue.models import Provider, Service, ServiceOption
from ratecard.db import upsert_insert, utc_now
from ratecard.delivery import facts
from ratecard.delivery.models import Appointment, DeliveryBudget, DeliveryDay
from ratecard.delivery.schemas import (
    LONDON,
    MAX_MINUTES,
    AppointmentIn,
    AppointmentOut,
    Attended,
    Budget,
    FeedbackIn,
    RescheduleIn,
)
from ratecard.errors import Conflict, Forbidden, InvalidInput, NotFound
from ratecard.referrals import queries as referral_queries
from ratecard.referrals import service as referrals
from ratecard.referrals.models import Referral, ReferralHistory
from ratecard.referrals.schemas import RequirementType
from ratecard.referrals.workflow import Status

# Who books and records delivery: the provider's hub, its caseworkers (their own cases) and admins.
DELIVERY_ROLES = frozenset({Role.HUB, Role.CASEWORKER, Role.ADMIN})
# A referral can have appointments once the hub has accepted it, until it ends.
BOOKABLE = frozenset({Status.ACCEPTED, Status.ALLOCATED, Status.IN_PROGRESS})
BOOK_AHEAD_MONTHS = 6
HOLDING = ("booked", "happened")


def load_referral(session: Session, user: User, referral_id: int) -> Referral:
    """The referral if `user` may see it, else NotFound (the same answer whether it exists or not)."""
    referral = session.scalar(
        referral_queries.load_referral(Role(user.role)),
        {"referral_id": referral_id, **referral_queries.scope_params(user)},
    )
    if referral is None:
        raise NotFound(f"No referral {referral_id}.")  # the same whether missing or someone else's
    return referral


def load_appointment(session: Session, user: User, appointment_id: int) -> tuple[Appointment, Referral]:
    """An appointment and its referral if `user` may see the referral, else NotFound."""
    appointment = session.get(Appointment, appointment_id)
    if appointment is None:
        raise NotFound(f"No appointment {appointment_id}.")
    try:
        referral = load_referral(session, user, appointment.referral_id)
    except NotFound:
        raise NotFound(f"No appointment {appointment_id}.") from None
    return appointment, referral


def _may_deliver(user: User, referral: Referral) -> None:
    if Role(user.role) not in DELIVERY_ROLES:
        raise Forbidden("Only the provider records delivery: ask the provider's hub or caseworker.")


def add_months_to_date(day: dt.date, months: int) -> dt.date:
    """`day` moved on by whole calendar months (31 January + 1 month is 28 or 29 February)."""
    import calendar

    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _accepted_at(session: Session, referral_id: int) -> dt.datetime | None:
    return session.scalar(
        select(func.min(ReferralHistory.at)).where(
            ReferralHistory.referral_id == referral_id, ReferralHistory.to_status == Status.ACCEPTED.value
        )
    )


def _local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LONDON).date()


def counts_rar_days(referral: Referral) -> bool:
    """Whether the referral's sessions use days of a RAR (or of licence activity)."""
    return referral.requirement_type in (RequirementType.RAR_ACTIVITY.value, RequirementType.LICENCE_ACTIVITY.value)


# --- the budget -------------------------------------------------------------------------------


def bought(session: Session, referral: Referral) -> tuple[int | None, int | None]:
    """(sessions, minutes) the referral bought: the MSRP sessions chosen on the pro-forma, else its
    option's sessions and hours, else the service's; None where the brochure printed no number."""
    option = session.get(ServiceOption, referral.option_id) if referral.option_id else None
    service = session.get(Service, referral.service_id)
    sessions = referral.msrp_sessions or (option.sessions if option else None) or (service.sessions if service else None)
    hours = (option.hours if option else None) or (service.total_hours if service else None)
    return sessions, round(hours * 60) if hours else None


def unsaved_budget(session: Session, referral: Referral) -> DeliveryBudget:
    """The budget a referral would start with, not added to the session (for reading only)."""
    sessions, minutes = bought(session, referral)
    return DeliveryBudget(referral_id=referral.id, sessions_bought=sessions, minutes_bought=minutes, sessions_extra=0,
                          minutes_extra=0, sessions_booked=0, minutes_booked=0, sessions_attended=0,
                          minutes_delivered=0, rar_days_max=None, rar_days_booked=0, rar_days_used=0)


def ensure_budget(*, session: Session, referral: Referral) -> DeliveryBudget:
    """The referral's budget row, made from what it bought the first time delivery touches it."""
    budget = session.get(DeliveryBudget, referral.id)
    if budget is not None:
        return budget
    sessions, minutes = bought(session, referral)
    statement = upsert_insert(session, DeliveryBudget.__table__).values(
        referral_id=referral.id, sessions_bought=sessions, minutes_bought=minutes, sessions_extra=0,
        minutes_extra=0, sessions_booked=0, minutes_booked=0, sessions_attended=0, minutes_delivered=0,
        rar_days_max=None, rar_days_booked=0, rar_days_used=0,
    ).on_conflict_do_nothing(index_elements=["referral_id"])
    session.execute(statement)  # two first bookings at once: one row, whoever wins
    return session.get(DeliveryBudget, referral.id, populate_existing=True)


def _hold(session: Session, budget: DeliveryBudget, minutes: int) -> None:
    """Take one session and `minutes` from the budget, or refuse with what is left."""
    table = DeliveryBudget.__table__.c
    result = session.execute(
        update(DeliveryBudget)
        .where(
            table.referral_id == budget.referral_id,
            or_(table.sessions_bought.is_(None), table.sessions_booked + 1 <= table.sessions_bought + table.sessions_extra),
            or_(table.minutes_bought.is_(None), table.minutes_booked + minutes <= table.minutes_bought + table.minutes_extra),
        )
        .values(sessions_booked=table.sessions_booked + 1, minutes_booked=table.minutes_booked + minutes)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.refresh(budget)
        raise Conflict(f"This would go past what was bought: {left_words(budget)}.", **left(budget))


def _release(session: Session, referral_id: int, minutes: int) -> None:
    table = DeliveryBudget.__table__.c
    session.execute(
        update(DeliveryBudget).where(table.referral_id == referral_id)
        .values(sessions_booked=table.sessions_booked - 1, minutes_booked=table.minutes_booked - minutes)
        .execution_options(synchronize_session=False)
    )


def left(budget: DeliveryBudget) -> dict[str, Any]:
    """Sessions and hours left to book (None where nothing is capped)."""
    sessions = None if budget.sessions_bought is None else budget.sessions_bought + budget.sessions_extra - budget.sessions_booked
    minutes = None if budget.minutes_bought is None else budget.minutes_bought + budget.minutes_extra - budget.minutes_booked
    return {"sessions_left": sessions, "hours_left": None if minutes is None else round(minutes / 60, 2)}


def left_words(budget: DeliveryBudget) -> str:
    """What is left to book, in words."""
    remaining = left(budget)
    parts = []
    if remaining["sessions_left"] is not None:
        parts.append(f"{remaining['sessions_left']} session{'s' if remaining['sessions_left'] != 1 else ''}")
    if remaining["hours_left"] is not None:
        parts.append(f"{remaining['hours_left']:g} hour{'s' if remaining['hours_left'] != 1 else ''}")
    return " and ".join(parts) + " left to book" if parts else "nothing is capped"


def _hold_day(session: Session, referral: Referral, budget: DeliveryBudget, day: dt.date) -> None:
    """Count `day` among the referral's delivery days; a new day past the RAR maximum is refused."""
    # RETURNING says whether this insert made the row (psycopg reports no rowcount for ON CONFLICT).
    inserted = session.execute(
        upsert_insert(session, DeliveryDay.__table__)
        .values(referral_id=referral.id, day=day, holding=0, attended=False)
        .on_conflict_do_nothing(index_elements=["referral_id", "day"])
        .returning(DeliveryDay.__table__.c.id)
    ).scalar() is not None
    if inserted and counts_rar_days(referral):
        table = DeliveryBudget.__table__.c
        result = session.execute(
            update(DeliveryBudget)
            .where(table.referral_id == referral.id,
                   or_(table.rar_days_max.is_(None), table.rar_days_booked < table.rar_days_max))
            .values(rar_days_booked=table.rar_days_booked + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            session.refresh(budget)
            raise Conflict(
                f"This would be a RAR day past the {budget.rar_days_max} the court set: book it on a day "
                "that already has a session, or ask the practitioner about the order.",
                rar_days_max=budget.rar_days_max, rar_days_booked=budget.rar_days_booked,
            )
    session.execute(
        update(DeliveryDay).where(DeliveryDay.referral_id == referral.id, DeliveryDay.day == day)
        .values(holding=DeliveryDay.holding + 1).execution_options(synchronize_session=False)
    )


def _release_day(session: Session, referral: Referral, day: dt.date) -> None:
    """One appointment fewer on `day`; a day left with none, never attended, is no longer a RAR day."""
    session.execute(
        update(DeliveryDay).where(DeliveryDay.referral_id == referral.id, DeliveryDay.day == day)
        .values(holding=DeliveryDay.holding - 1).execution_options(synchronize_session=False)
    )
    gone = session.execute(
        delete(DeliveryDay).where(DeliveryDay.referral_id == referral.id, DeliveryDay.day == day,
                                  DeliveryDay.holding <= 0, DeliveryDay.attended.is_(False))
        .execution_options(synchronize_session=False)
    ).rowcount
    if gone and counts_rar_days(referral):
        table = DeliveryBudget.__table__.c
        session.execute(
            update(DeliveryBudget).where(table.referral_id == referral.id)
            .values(rar_days_booked=table.rar_days_booked - 1).execution_options(synchronize_session=False)
        )


def set_rar_days(*, session: Session, user: User, referral_id: int, days: int | None) -> Budget:
    """The practitioner sets (or corrects) the most RAR days the court set for this referral."""
    referral = load_referral(session, user, referral_id)
    if Role(user.role) not in (Role.PRACTITIONER, Role.ADMIN):
        raise Forbidden("The practitioner who manages the order sets its RAR days.")
    if not counts_rar_days(referral):
        raise Conflict("This referral is not RAR or licence activity, so it uses no RAR days.")
    budget = ensure_budget(session=session, referral=referral)
    if days is not None and not 1 <= days <= 365:
        raise InvalidInput("Enter the RAR days the court set, from 1 to 365.", field="days")
    table = DeliveryBudget.__table__.c
    # Never below the days that already have sessions: checked in the UPDATE, so a booking racing it loses cleanly.
    fits = [] if days is None else [table.rar_days_booked <= days]
    result = session.execute(
        update(DeliveryBudget).where(table.referral_id == referral.id, *fits)
        .values(rar_days_max=days).execution_options(synchronize_session=False)
    )
    session.refresh(budget)
    if result.rowcount != 1:
        raise Conflict(
            f"{budget.rar_days_booked} days already have sessions booked or attended: the maximum cannot be fewer.",
            rar_days_booked=budget.rar_days_booked,
        )
    return budget_out(budget)


def budget_out(budget: DeliveryBudget) -> Budget:
    """The budget in numbers people read: hours, not minutes."""
    remaining = left(budget)
    hours = None if budget.minutes_bought is None else round((budget.minutes_bought + budget.minutes_extra) / 60, 2)
    return Budget(
        sessions_bought=None if budget.sessions_bought is None else budget.sessions_bought + budget.sessions_extra,
        sessions_booked=budget.sessions_booked, sessions_attended=budget.sessions_attended,
        sessions_left=remaining["sessions_left"], hours_bought=hours, hours_booked=round(budget.minutes_booked / 60, 2),
        hours_delivered=round(budget.minutes_delivered / 60, 2), hours_left=remaining["hours_left"],
        rar_days_max=budget.rar_days_max, rar_days_booked=budget.rar_days_booked, rar_days_used=budget.rar_days_used,
        rar_days_left=None if budget.rar_days_max is None else budget.rar_days_max - budget.rar_days_used,
    )


# --- appointments -----------------------------------------------------------------------------


def _check_time(session: Session, referral: Referral, data: AppointmentIn, *, now: dt.datetime,
                ignore: int | None = None, ahead_limit: bool = True) -> None:
    accepted = _accepted_at(session, referral.id)
    if accepted is not None and data.starts_at < accepted:
        raise InvalidInput(
            f"The appointment is before the provider accepted the referral ({accepted.astimezone(LONDON):%d %B %Y %H:%M}).",
            field="starts_at",
        )
    if ahead_limit and data.starts_at.date() > add_months_to_date(now.date(), BOOK_AHEAD_MONTHS):
        raise InvalidInput(f"Book appointments at most {BOOK_AHEAD_MONTHS} months ahead.", field="starts_at")
    # Overlap with another appointment of this referral still holding its time. No appointment is
    # longer than MAX_MINUTES, so only those starting within that much before the new one can reach it.
    nearby = session.scalars(
        select(Appointment).where(
            Appointment.referral_id == referral.id, Appointment.status.in_(HOLDING), Appointment.id != (ignore or 0),
            Appointment.starts_at < data.ends_at, Appointment.starts_at > data.starts_at - dt.timedelta(minutes=MAX_MINUTES),
        )
    )
    for other in nearby:
        if other.starts_at + dt.timedelta(minutes=other.duration_minutes) > data.starts_at:
            raise InvalidInput(
                f"This overlaps the appointment at {other.starts_at.astimezone(LONDON):%d %B %Y %H:%M}.",
                field="starts_at", appointment_id=other.id,
            )


def _check_place(session: Session, referral: Referral, data: AppointmentIn) -> None:
    if data.office:
        provider = session.get(Provider, referral.provider_id)
        offices = provider.offices if provider else []
        if offices and data.office not in offices:
            raise InvalidInput(f"Choose one of the provider's offices: {', '.join(offices)}.", field="office")


def book(*, session: Session, user: User, referral_id: int, data: AppointmentIn,
         now: dt.datetime | None = None) -> Appointment:
    """Book an appointment on an accepted referral, within what was bought (and the RAR days)."""
    now = utc_now(now)
    referral = load_referral(session, user, referral_id)
    _may_deliver(user, referral)
    return book_for(session=session, user=user, referral=referral, data=data, now=now)


def book_for(*, session: Session, user: User, referral: Referral, data: AppointmentIn, now: dt.datetime,
             group_session_id: int | None = None) -> Appointment:
    """Book on a referral already loaded and checked; a group session's place is not bound by the
    six-month horizon, because the group's schedule was fixed when it was made."""
    if Status(referral.status) not in BOOKABLE:
        raise Conflict(
            f"A referral that is {referral.status.replace('_', ' ')} cannot have appointments booked.",
            status=referral.status,
        )
    if referral.end_requested_at is not None:
        raise Conflict(
            f"An end of this referral was asked for on {referral.end_requested_at.astimezone(LONDON):%d %B %Y}: "
            "no new appointments can be booked. Record what happened at those already booked.",
            status=referral.status,
        )
    _check_time(session, referral, data, now=now, ahead_limit=group_session_id is None)
    _check_place(session, referral, data)
    budget = ensure_budget(session=session, referral=referral)
    _hold(session, budget, data.duration_minutes)
    _hold_day(session, referral, budget, _local_day(data.starts_at))
    appointment = Appointment(
        referral_id=referral.id, kind=data.kind.value, session_number=data.session_number, starts_at=data.starts_at,
        duration_minutes=data.duration_minutes, method=data.method.value, office=data.office, address=data.address,
        postcode=data.postcode, one_to_one=data.one_to_one, status="booked", booked_by_id=user.id, booked_at=now,
        group_session_id=group_session_id,
    )
    session.add(appointment)
    session.flush()
    facts.refresh(session, referral.id)
    return appointment


def reschedule(*, session: Session, user: User, appointment_id: int, data: RescheduleIn,
               now: dt.datetime | None = None) -> Appointment:
    """Move a booked appointment: the old one is kept as superseded (who, why), a new one is booked."""
    now = utc_now(now)
    old, referral = load_appointment(session, user, appointment_id)
    _may_deliver(user, referral)
    if old.status != "booked":
        raise Conflict("Only an appointment that has not happened yet can be moved.", status=old.status)
    _check_time(session, referral, data, now=now, ignore=old.id)
    _check_place(session, referral, data)
    claimed = session.execute(
        update(Appointment).where(Appointment.id == old.id, Appointment.status == "booked")
        .values(status="superseded", superseded_reason=" ".join(data.reason.split()), superseded_by_user_id=user.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise Conflict("Someone else changed this appointment first.")
    _release(session, referral.id, old.duration_minutes)
    _release_day(session, referral, _local_day(old.starts_at))
    fresh = book(session=session, user=user, referral_id=referral.id, now=now,
                 data=AppointmentIn.model_validate(data.model_dump(exclude={"reason"})))
    session.execute(
        update(Appointment).where(Appointment.id == old.id).values(superseded_by_id=fresh.id)
        .execution_options(synchronize_session=False)
    )
    session.refresh(old)
    return fresh


def record_feedback(*, session: Session, user: User, appointment_id: int, data: FeedbackIn,
                    now: dt.datetime | None = None) -> Appointment:
    """What happened at an appointment whose time has passed; recorded once (a second is refused)."""
    now = utc_now(now)
    appointment, referral = load_appointment(session, user, appointment_id)
    _may_deliver(user, referral)
    if appointment.starts_at > now:
        raise InvalidInput("Feedback can only be given once the appointment has started.", field="attended")
    happened = data.attended is not Attended.NO
    claimed = session.execute(
        update(Appointment)
        .where(Appointment.id == appointment.id, Appointment.status == "booked")
        .values(
            status="happened" if happened else "did_not_happen", attended=data.attended.value,
            late_reason=data.late_reason, absence=data.absence, absence_detail=data.absence_detail,
            session_summary=data.session_summary, session_response=data.session_response, behaviour=data.behaviour,
            concerns=data.concerns, notify_practitioner=data.notify_practitioner, feedback_by_id=user.id, feedback_at=now,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        session.refresh(appointment)
        if appointment.status == "superseded":
            raise Conflict("This appointment was moved: give feedback on the new one.", status=appointment.status)
        raise Conflict("Feedback for this appointment was already given.", status=appointment.status)
    table = DeliveryBudget.__table__.c
    day = _local_day(appointment.starts_at)
    if happened:
        session.execute(
            update(DeliveryBudget).where(table.referral_id == referral.id)
            .values(sessions_attended=table.sessions_attended + 1,
                    minutes_delivered=table.minutes_delivered + appointment.duration_minutes)
            .execution_options(synchronize_session=False)
        )
        first_on_day = session.execute(
            update(DeliveryDay).where(DeliveryDay.referral_id == referral.id, DeliveryDay.day == day,
                                      DeliveryDay.attended.is_(False))
            .values(attended=True).execution_options(synchronize_session=False)
        ).rowcount
        if first_on_day and counts_rar_days(referral):
            session.execute(
                update(DeliveryBudget).where(table.referral_id == referral.id)
                .values(rar_days_used=table.rar_days_used + 1).execution_options(synchronize_session=False)
            )
    else:
        # A session that did not happen uses none of what was bought.
        _release(session, referral.id, appointment.duration_minutes)
        _release_day(session, referral, day)
    if data.notify_practitioner or data.concerns:
        _tell_practitioner(session, referral, appointment, data, now=now)
    facts.refresh(session, referral.id)
    if happened and referral.status == Status.ALLOCATED.value:
        # The first assessment or session attended starts delivery: no bare "Start" needed.
        referrals.start(session=session, user=user, referral_id=referral.id, now=now)
    if happened:
        from ratecard.delivery import ending  # ending builds on this module: imported when needed

        ending.conclude_if_ready(session=session, user=user, referral_id=referral.id, now=now)
    session.refresh(appointment)
    return appointment


def _tell_practitioner(session: Session, referral: Referral, appointment: Appointment, data: FeedbackIn, *,
                       now: dt.datetime) -> None:
    practitioner = session.get(User, referral.created_by_id)
    if practitioner is None or not practitioner.email:
        return
    when = appointment.starts_at.astimezone(LONDON)
    body = (
        f"The provider has recorded feedback on the {appointment.kind} of referral {referral.reference} "
        f"on {when:%d %B %Y at %H:%M} and asked for you to be told.\n\n"
        "The feedback is in ratecard; sign in to read it."
    )
    session.execute(
        referral_queries.INSERT_OUTBOX,
        {"kind": "delivery_concern", "to_address": practitioner.email,
         "subject": f"Referral {referral.reference}: feedback needs your attention", "body": body,
         "referral_id": referral.id, "created_at": now, "attempts": 0},
    )


# --- reading ----------------------------------------------------------------------------------


def appointment_out(appointment: Appointment) -> AppointmentOut:
    """An appointment as the API answers it."""
    return AppointmentOut.model_validate(appointment, from_attributes=True)
