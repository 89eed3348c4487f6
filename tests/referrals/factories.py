"""Factories for people, users and referrals on the loaded catalogue."""

from __future__ import annotations

import datetime as dt
import itertools
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from ratecard.accounts.models import User
from ratecard.accounts.service import Role, create_user, hash_password
from ratecard.referrals import service
from ratecard.referrals.models import Referral
from ratecard.referrals.schemas import ReferralIn

PASSWORD = "correct horse battery staple"
_n = itertools.count(1)


@cache
def password_hash() -> str:
    """One argon2 hash for every test user (hashing is slow on purpose)."""
    return hash_password(PASSWORD)


def user(session: Session, role: Role = Role.PRACTITIONER, **overrides: Any) -> User:
    """A user of `role`; practitioners in the North West, provider staff of CLN by default."""
    n = next(_n)
    values: dict[str, Any] = {"email": f"user{n}@example.test", "name": f"User {n}", "role": role}
    if role is Role.PRACTITIONER:
        values |= {"region": "North West", "team": "Preston OMU"}
    if role in (Role.HUB, Role.CASEWORKER):
        values |= {"provider_id": "cln"}
    return create_user(session=session, password_hash=password_hash(), **(values | overrides))


def crn() -> str:
    """A fresh, valid CRN."""
    return f"T{next(_n):06d}"


def referral_in(**overrides: Any) -> ReferralIn:
    """A referral of a man in Lancashire to CLN's Conflict Resolution course (no options, no prerequisites)."""
    person = {"crn": crn(), "name": "Sam Example", "sex": "male", "area": "Lancashire", "date_of_birth": "1990-05-01"}
    person |= overrides.pop("person", {})
    start = dt.date.today() + dt.timedelta(days=14)
    values: dict[str, Any] = {
        "person": person,
        "service_id": "cln-conflict-resolution",
        "expected_start": start.isoformat(),
        "expected_end": (start + dt.timedelta(days=60)).isoformat(),
        "risk_notes": "Low risk of harm.",
    }
    return ReferralIn.model_validate(values | overrides)


def draft(session: Session, practitioner: User, **overrides: Any) -> Referral:
    """A draft referral made by `practitioner`."""
    referral, _ = service.create_referral(session=session, user=practitioner, data=referral_in(**overrides))
    return referral


def transferred(session: Session, practitioner: User, **overrides: Any) -> Referral:
    """A referral submitted and transferred to the hub."""
    referral = draft(session, practitioner, **overrides)
    service.submit(session=session, user=practitioner, referral_id=referral.id)
    return service.transfer(session=session, user=practitioner, referral_id=referral.id)
