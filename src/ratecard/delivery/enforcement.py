"""Enforcement after missed appointments: an unacceptable absence asks the practitioner for a warning;
a second within the warning window of a warning is breach action due (data/delivery/enforcement.yaml)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ratecard.accounts.models import User
from ratecard.accounts.service import Role
from ratecard.db import utc_now
from ratecard.delivery import service
from ratecard.delivery.codes import absence_codes, enforcement_rules
from ratecard.delivery.models import Appointment, EnforcementWarning
from ratecard.delivery.schemas import LONDON
from ratecard.errors import Conflict, Forbidden, InvalidInput, NotFound


@dataclass(frozen=True)
class Failure:
    """One unacceptable absence and what it calls for: 'warning due', 'warned' or 'breach action due'."""

    appointment_id: int
    on: dt.date
    state: str
    warning_on: dt.date | None  # the warning given for it, or the earlier warning a breach follows


def failures(session: Session, referral_id: int) -> list[Failure]:
    """Each unacceptable absence of the referral, in time order, with what it calls for."""
    return failures_of(session, [referral_id]).get(referral_id, [])


def failures_of(session: Session, referral_ids: Sequence[int]) -> dict[int, list[Failure]]:
    """failures() of many referrals in two queries (a dashboard page's), by referral."""
    if not referral_ids:
        return {}
    codes = [c.code for c in absence_codes().codes if c.enforceable]
    absences = session.execute(
        select(Appointment.id, Appointment.referral_id, Appointment.starts_at)
        .where(Appointment.referral_id.in_(referral_ids), Appointment.absence.in_(codes))
        .order_by(Appointment.referral_id, Appointment.starts_at)
    ).all()
    if not absences:
        return {}
    warnings: dict[int, dict[int, dt.date]] = {}
    for appointment_id, referral_id, given_on in session.execute(
        select(EnforcementWarning.appointment_id, EnforcementWarning.referral_id, EnforcementWarning.given_on)
        .where(EnforcementWarning.referral_id.in_({a.referral_id for a in absences}))
    ):
        warnings.setdefault(referral_id, {})[appointment_id] = given_on
    found: dict[int, list[Failure]] = {}
    for appointment_id, referral_id, starts_at in absences:
        found.setdefault(referral_id, []).append(
            _failure(appointment_id, starts_at.astimezone(LONDON).date(), warnings.get(referral_id, {})))
    return found


def _failure(appointment_id: int, day: dt.date, warnings: dict[int, dt.date]) -> Failure:
    """What one unacceptable absence on `day` calls for, given the referral's warnings (by absence)."""
    months = enforcement_rules().warning_window_months
    earlier = [given_on for warned, given_on in warnings.items()
               if warned != appointment_id and given_on <= day <= service.add_months_to_date(given_on, months)]
    if earlier:
        return Failure(appointment_id, day, "breach action due", max(earlier))
    if appointment_id in warnings:
        return Failure(appointment_id, day, "warned", warnings[appointment_id])
    return Failure(appointment_id, day, "warning due", None)


def alerts(session: Session, referral_id: int) -> list[str]:
    """The practitioner's enforcement alerts, in words."""
    source = enforcement_rules().source
    words = []
    for f in failures(session, referral_id):
        if f.state == "warning due":
            words.append(f"Warning due: unacceptable absence on {f.on:%-d %B %Y}")
        elif f.state == "breach action due":
            words.append(f"Breach action due: unacceptable absence on {f.on:%-d %B %Y}, within "
                         f"{enforcement_rules().warning_window_months} months of the warning of {f.warning_on:%-d %B %Y} ({source})")
    return words


def record_warning(*, session: Session, user: User, appointment_id: int, given_on: dt.date | None = None,
                   note: str | None = None, now: dt.datetime | None = None) -> EnforcementWarning:
    """The practitioner records the warning given for one unacceptable absence (once)."""
    now = utc_now(now)
    appointment = session.get(Appointment, appointment_id)
    if appointment is None:
        raise NotFound(f"No appointment {appointment_id}.")
    try:
        referral = service.load_referral(session, user, appointment.referral_id)
    except NotFound:
        raise NotFound(f"No appointment {appointment_id}.") from None
    if Role(user.role) not in (Role.PRACTITIONER, Role.ADMIN):
        raise Forbidden("The practitioner who manages the order gives warnings.")
    code = absence_codes().get(appointment.absence or "")
    if code is None or not code.enforceable:
        raise Conflict("A warning follows an unacceptable absence; this appointment has none.")
    given_on = given_on or now.astimezone(LONDON).date()
    if given_on < appointment.starts_at.astimezone(LONDON).date() or given_on > now.astimezone(LONDON).date():
        raise InvalidInput("The warning's date is between the absence and today.", field="given_on")
    warning = EnforcementWarning(referral_id=referral.id, appointment_id=appointment.id, given_on=given_on,
                                 given_by_id=user.id, note=" ".join(note.split()) if note and note.strip() else None)
    try:
        with session.begin_nested():  # the unique appointment_id says "once", whoever races
            session.add(warning)
    except IntegrityError:
        raise Conflict("A warning for this absence was already recorded.") from None
    return warning
