"""Factories for delivery: referrals the hub has accepted and allocated, and appointments on them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from ratecard.accounts.models import User
from ratecard.accounts.service import Role
from ratecard.delivery import service
from ratecard.delivery.models import Appointment
from ratecard.delivery.schemas import AppointmentIn, FeedbackIn
from ratecard.referrals import service as referrals
from ratecard.referrals.models import Referral
from tests.referrals import factories as rf

# The clock of these tests: the hub accepts at ACCEPTED, appointments follow.
ACCEPTED = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


def cast(session: Session, *, other_provider: bool = True) -> dict[str, User]:
    """A practitioner, CLN's hub and a caseworker, another caseworker, an admin and (when NSF's
    brochure is loaded) NSF's hub."""
    people = {
        "pp": rf.user(session),
        "hub": rf.user(session, Role.HUB),
        "cw": rf.user(session, Role.CASEWORKER),
        "cw_other": rf.user(session, Role.CASEWORKER),
        "admin": rf.user(session, Role.ADMIN),
    }
    if other_provider:
        people["hub_other"] = rf.user(session, Role.HUB, provider_id="nsf")
    return people


def allocated(session: Session, people: dict[str, User], **overrides: Any) -> Referral:
    """A referral (CLN's Conflict Resolution, 4 one-hour sessions) accepted and allocated to people['cw']."""
    referral = rf.transferred(session, people["pp"], **overrides)
    referrals.accept(session=session, user=people["hub"], referral_id=referral.id, now=ACCEPTED)
    return referrals.allocate(session=session, user=people["hub"], referral_id=referral.id,
                              caseworker_id=people["cw"].id, now=ACCEPTED)


def appointment_in(**overrides: Any) -> AppointmentIn:
    """A one-hour session by video, a week after acceptance unless told otherwise."""
    values: dict[str, Any] = {
        "kind": "session", "starts_at": (ACCEPTED + dt.timedelta(days=7)).isoformat(), "duration_minutes": 60,
        "method": "video",
    }
    return AppointmentIn.model_validate(values | overrides)


def booked(session: Session, user: User, referral: Referral, *, day: int = 7, hour: int = 10, **overrides: Any) -> Appointment:
    """An appointment `day` days after acceptance at `hour` UTC."""
    starts = ACCEPTED.replace(hour=hour) + dt.timedelta(days=day)
    return service.book(session=session, user=user, referral_id=referral.id, now=NOW,
                        data=appointment_in(starts_at=starts.isoformat(), **overrides))


def feedback(**overrides: Any) -> FeedbackIn:
    """They came, on time."""
    return FeedbackIn.model_validate({"attended": "yes", "session_summary": "Worked on triggers."} | overrides)
