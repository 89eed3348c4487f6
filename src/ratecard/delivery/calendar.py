"""Caseworkers' calendars: an iCalendar feed of their appointments behind a revocable secret address.

The feed holds no names: each event says what it is, the CRN and the referral's reference, and the
office (never a home address), because a calendar app keeps copies wherever it syncs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ratecard.accounts.models import User
from ratecard.accounts.service import Role
from ratecard.db import upsert_insert, utc_now
from ratecard.delivery.models import Appointment, CalendarFeed
from ratecard.errors import Forbidden, NotFound
from ratecard.referrals.models import Person, Referral

# What the feed shows: from a month back to six months ahead.
PAST_DAYS, AHEAD_DAYS = 31, 183
METHOD_WORDS = {"phone": "By phone", "video": "By video call"}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_feed(*, session: Session, user: User, now: dt.datetime | None = None) -> str:
    """A new secret feed token for a caseworker; any earlier address stops working."""
    if Role(user.role) is not Role.CASEWORKER:
        raise Forbidden("Calendar feeds are for caseworkers' own appointments.")
    token = secrets.token_urlsafe(32)
    statement = upsert_insert(session, CalendarFeed.__table__).values(
        user_id=user.id, token_hash=_hash(token), created_at=utc_now(now))
    session.execute(statement.on_conflict_do_update(
        index_elements=["user_id"], set_={"token_hash": statement.excluded.token_hash, "created_at": statement.excluded.created_at}))
    return token


def revoke_feed(*, session: Session, user: User) -> bool:
    """End the caseworker's feed address; whether there was one."""
    return session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id)).rowcount == 1


def feed(*, session: Session, token: str, now: dt.datetime | None = None) -> bytes:
    """The iCalendar file of the appointments of referrals allocated to the token's caseworker."""
    from icalendar import Calendar, Event

    now = utc_now(now)
    owner = session.scalar(
        select(User).join(CalendarFeed, CalendarFeed.user_id == User.id).where(CalendarFeed.token_hash == _hash(token))
    )
    if owner is None or not owner.active:
        raise NotFound("No such calendar.")  # a revoked or mistyped address looks like one that never was
    rows = session.execute(
        select(Appointment, Referral.reference, Person.crn)
        .join(Referral, Referral.id == Appointment.referral_id).join(Person, Person.id == Referral.person_id)
        .where(Referral.caseworker_id == owner.id, Referral.provider_id == owner.provider_id,
               Appointment.status.in_(("booked", "happened")),
               Appointment.starts_at >= now - dt.timedelta(days=PAST_DAYS),
               Appointment.starts_at <= now + dt.timedelta(days=AHEAD_DAYS))
        .order_by(Appointment.starts_at)
    ).all()
    calendar = Calendar()
    calendar.add("prodid", "-//ratecard//delivery//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "ratecard appointments")
    for appointment, reference, crn in rows:
        what = "Assessment" if appointment.kind == "assessment" else (
            f"Session {appointment.session_number}" if appointment.session_number else "Session")
        event = Event()
        event.add("uid", f"appointment-{appointment.id}@ratecard")
        event.add("dtstamp", now)
        event.add("dtstart", appointment.starts_at)
        event.add("dtend", appointment.starts_at + dt.timedelta(minutes=appointment.duration_minutes))
        event.add("summary", f"{what} – {crn} ({reference})")
        event.add("location", appointment.office or METHOD_WORDS.get(appointment.method, "In person (address in ratecard)"))
        calendar.add_component(event)
    return calendar.to_ical()
