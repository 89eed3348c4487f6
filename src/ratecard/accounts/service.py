"""Accounts: creating users, signing in with lock-out, browser sessions, API tokens, the access log."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.orm import Session, joinedload

from ratecard.accounts import throttle
from ratecard.accounts.models import AccessLog, ApiToken, User, WebSession
from ratecard.db import utc_now
from ratecard.errors import InvalidInput, RatecardError

MIN_PASSWORD = 12

_hasher = PasswordHasher()


class Role(StrEnum):
    """What a user does, which decides what they may see and change."""

    PRACTITIONER = "practitioner"  # refers people; sees their region's referrals
    HUB = "hub"  # provider hub staff: accept, reject, allocate for their provider
    CASEWORKER = "caseworker"  # provider staff: deliver what is allocated to them
    ADMIN = "admin"


class AuthError(RatecardError):
    """Signing in failed; the message never says whether the email exists."""

    status_code = 401


class LockedOut(AuthError):
    """Too many sign-in attempts for this account from here (or for it, or from here, at all)."""

    status_code = 429


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher.hash(password)


def create_user(
    *,
    session: Session,
    email: str,
    name: str,
    role: Role,
    password: str | None = None,
    password_hash: str | None = None,
    region: str | None = None,
    team: str | None = None,
    provider_id: str | None = None,
    now: dt.datetime | None = None,
) -> User:
    """A new user; practitioners need a region, hub staff and caseworkers a provider."""
    if password is not None and len(password) < MIN_PASSWORD:
        raise InvalidInput(f"Passwords must be at least {MIN_PASSWORD} characters.")
    if role is Role.PRACTITIONER and not region:
        raise InvalidInput("A practitioner belongs to a probation region.")
    if role in (Role.HUB, Role.CASEWORKER) and not provider_id:
        raise InvalidInput("Hub staff and caseworkers belong to a provider.")
    if session.scalar(select(User.id).where(User.email == email.lower())):
        raise InvalidInput(f"There is already a user {email}.")
    user = User(
        email=email.lower(), name=name, role=role.value, region=region, team=team, provider_id=provider_id,
        password_hash=password_hash or hash_password(password or secrets.token_urlsafe(24)),
        active=True, created_at=utc_now(now),
    )
    session.add(user)
    session.flush()
    return user


@dataclass
class SignInAttempt:
    """One counted sign-in attempt: who it names (if anyone) and the throttle keys it was counted against."""

    email: str
    keys: list[tuple[str, throttle.Limit]]
    user_id: int | None
    password_hash: str | None
    password_ok: bool = False


def begin_sign_in(*, session: Session, email: str, address: str, now: dt.datetime | None = None) -> SignInAttempt:
    """Count an attempt (atomically, before any password is checked); LockedOut once a limit is reached.

    Commit this before checking the password, so parallel attempts see each other's counts."""
    now = utc_now(now)
    email = email.strip().lower()
    keys = throttle.keys_for(email, address)
    refused_until = throttle.count_attempt(session=session, keys=keys, now=now)
    if refused_until is not None:
        # The same answer for an unknown email as for a known one: it reveals nothing.
        wait = max(1, int((refused_until - now).total_seconds()))
        raise LockedOut(f"Too many attempts to sign in. Try again after {refused_until:%H:%M} UTC.", retry_after=wait)
    row = session.execute(select(User.id, User.password_hash).where(User.email == email, User.active.is_(True))).first()
    return SignInAttempt(email=email, keys=keys, user_id=row.id if row else None, password_hash=row.password_hash if row else None)


def check_password(*, attempt: SignInAttempt, password: str) -> bool:
    """Whether `password` is right (argon2, no database: run it outside any transaction, in a thread)."""
    if attempt.password_hash is None:
        _hasher.hash(password)  # spend the same time, so timing does not reveal which emails exist
        attempt.password_ok = False
        return False
    try:
        attempt.password_ok = _hasher.verify(attempt.password_hash, password)
    except (VerificationError, InvalidHashError):
        attempt.password_ok = False
    return attempt.password_ok


def finish_sign_in(*, session: Session, attempt: SignInAttempt, password: str) -> User:
    """The signed-in user after a right password (their counts forgiven), else AuthError."""
    user = session.get(User, attempt.user_id) if attempt.password_ok and attempt.user_id else None
    if user is None or not user.active:
        raise AuthError("The email or password is not right.")
    throttle.forgive(session=session, keys=attempt.keys)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.flush()
    return user


def authenticate(
    *, session: Session, email: str, password: str, address: str = "local", now: dt.datetime | None = None
) -> User:
    """Count, check and finish a sign-in in one session (the CLI and tests; web and API commit the count first)."""
    attempt = begin_sign_in(session=session, email=email, address=address, now=now)
    check_password(attempt=attempt, password=password)
    return finish_sign_in(session=session, attempt=attempt, password=password)


def start_session(*, session: Session, user: User, hours: float, now: dt.datetime | None = None) -> str:
    """A new browser session for `user`; returns the cookie token (stored only as a hash)."""
    now = utc_now(now)
    token = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=_digest(token), user_id=user.id, created_at=now, last_seen_at=now,
            expires_at=now + dt.timedelta(hours=hours),
        )
    )
    session.flush()
    return token


# The session row and its user in one query (this runs on every signed-in page).
_SESSION_ROW = select(WebSession).options(joinedload(WebSession.user)).where(WebSession.token_hash == bindparam("digest"))


def session_user(*, session: Session, token: str, idle_minutes: float, now: dt.datetime | None = None) -> User | None:
    """The user of a live browser session, or None when it is unknown, expired or idle too long."""
    now = utc_now(now)
    row = session.scalar(_SESSION_ROW, {"digest": _digest(token)})
    if row is None:
        return None
    if row.expires_at <= now or row.last_seen_at + dt.timedelta(minutes=idle_minutes) <= now:
        session.delete(row)
        session.flush()
        return None
    if not row.user.active:
        return None
    if (now - row.last_seen_at).total_seconds() > 60:
        row.last_seen_at = now  # sliding idle timeout, written at most once a minute
    return row.user


def end_session(*, session: Session, token: str) -> None:
    """Sign a browser out."""
    session.execute(delete(WebSession).where(WebSession.token_hash == _digest(token)))


def issue_token(*, session: Session, user: User, name: str = "api", days: int = 30, now: dt.datetime | None = None) -> str:
    """A new API token for `user`; returns it once (only its hash is kept)."""
    now = utc_now(now)
    token = "rc_" + secrets.token_urlsafe(32)
    session.add(
        ApiToken(token_hash=_digest(token), user_id=user.id, name=name, created_at=now, expires_at=now + dt.timedelta(days=days))
    )
    session.flush()
    return token


# Built once (this runs on every API call): the statement keeps its cache key between requests.
_TOKEN_USER = (
    select(User)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(ApiToken.token_hash == bindparam("digest"), ApiToken.expires_at > bindparam("now"), User.active.is_(True))
)
_INSERT_ACCESS = insert(AccessLog.__table__)


def token_user(*, session: Session, token: str, now: dt.datetime | None = None) -> User | None:
    """The user of a valid, unexpired API token, or None."""
    return session.scalar(_TOKEN_USER, {"digest": _digest(token), "now": utc_now(now)})


def log_access(
    *, session: Session, user: User, action: str, channel: str, referral_id: int | None = None,
    crn: str | None = None, now: dt.datetime | None = None,
) -> None:
    """Record that `user` read a person's data."""
    session.execute(
        _INSERT_ACCESS,
        {"user_id": user.id, "referral_id": referral_id, "person_crn": crn, "action": action, "channel": channel, "at": utc_now(now)},
    )


def caseworkers(*, session: Session, provider_id: str) -> list[User]:
    """The active caseworkers of a provider, by name."""
    return list(
        session.scalars(
            select(User)
            .where(User.provider_id == provider_id, User.role == Role.CASEWORKER.value, User.active.is_(True))
            .order_by(User.name)
        )
    )
