"""Accounts: creating users, signing in with lock-out, browser sessions, API tokens, the access log."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.orm import Session, joinedload

from ratecard.accounts import throttle
from ratecard.accounts.models import AccessLog, ApiToken, User, WebSession
from ratecard.accounts.roles import Role  # also imported from here by the other domains
from ratecard.db import utc_now
from ratecard.errors import Forbidden, InvalidInput, NotFound, RatecardError

MIN_PASSWORD = 12


_hasher = PasswordHasher()


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
    can_manage_prices: bool = False,
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
        can_manage_prices=bool(can_manage_prices and provider_id),
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


# --- administration ---------------------------------------------------------------------------

# Audit rows of administrators' changes go to the access log (its `action` is at most 40 characters).
_ACTION_LIMIT = 40


def _audit(session: Session, admin: User, action: str, now: dt.datetime | None) -> None:
    log_access(session=session, user=admin, action=action[:_ACTION_LIMIT], channel="web", now=now)


def _require_admin(admin: User) -> None:
    if admin.role != Role.ADMIN.value or not admin.active:
        raise Forbidden("Only administrators manage users.")


def list_users(*, session: Session, role: Role | None = None, provider_id: str | None = None) -> list[User]:
    """Every user, by name; only those of `role` and `provider_id` when given."""
    query = select(User).order_by(User.name, User.id)
    if role is not None:
        query = query.where(User.role == role.value)
    if provider_id:
        query = query.where(User.provider_id == provider_id)
    return list(session.scalars(query))


def get_user(*, session: Session, user_id: int) -> User:
    """One user, or NotFound."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"No user {user_id}.")
    return user


def _other_active_admins(session: Session, user: User) -> int:
    return len(session.scalars(
        select(User.id).where(User.role == Role.ADMIN.value, User.active.is_(True), User.id != user.id)
    ).all())


def _keeps_an_admin(session: Session, user: User, *, action: str) -> None:
    """Refuse a change that would leave no active administrator."""
    if user.role == Role.ADMIN.value and user.active and _other_active_admins(session, user) == 0:
        raise InvalidInput(f"You cannot {action} the last active administrator: make someone else an administrator first.")


def _end_sign_ins(session: Session, user: User) -> None:
    # Their browsers and API tokens stop working at once, not at the next expiry.
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))


def admin_create_user(
    *, session: Session, admin: User, email: str, name: str, role: Role | str, region: str | None = None,
    team: str | None = None, provider_id: str | None = None, now: dt.datetime | None = None,
) -> tuple[User, str]:
    """A new user made by an administrator, with a one-time password; returns (user, password)."""
    _require_admin(admin)
    email, name = email.strip(), name.strip()
    if not email or "@" not in email or len(email) > 200:
        raise InvalidInput("Enter an email address in the correct format, like name@example.com.", field="email")
    if not name or len(name) > 200:
        raise InvalidInput("Enter the person's full name.", field="name")
    role = as_role(role)
    region, team, provider_id = _placement(role, region, team, provider_id)
    _check_provider(session, provider_id)
    password = one_time_password()
    user = create_user(session=session, email=email, name=name, role=role, password=password, region=region,
                       team=team, provider_id=provider_id, now=now)
    _audit(session, admin, f"create user {user.id}", now)
    return user, password


def as_role(value: Role | str | None) -> Role:
    """The role named by `value`, or InvalidInput in words."""
    try:
        return Role(value or "")
    except ValueError:
        raise InvalidInput("Choose what the person does.", field="role") from None


def _placement(role: Role, region: str | None, team: str | None, provider_id: str | None) -> tuple[str | None, ...]:
    """The region, team and provider a role keeps: practitioners a region, provider staff a provider."""
    region, team, provider_id = ((v or "").strip() or None for v in (region, team, provider_id))
    if role is Role.PRACTITIONER:
        if not region:
            raise InvalidInput("Choose the practitioner's probation region.", field="region")
        return region, team, None
    if role in (Role.HUB, Role.CASEWORKER):
        if not provider_id:
            raise InvalidInput("Choose the provider this person works for.", field="provider_id")
        return None, team, provider_id.lower()
    return None, team, None


def _check_provider(session: Session, provider_id: str | None) -> None:
    # The providers table is the users table's foreign key target: read it from there, so accounts
    # (a low domain) need not import the catalogue.
    if provider_id is None:
        return
    providers = next(iter(User.__table__.c.provider_id.foreign_keys)).column.table
    if session.scalar(select(providers.c.id).where(providers.c.id == provider_id)) is None:
        raise InvalidInput(f"There is no provider '{provider_id.upper()}'.", field="provider_id")


def one_time_password() -> str:
    """A random password to hand over once (the person should change it)."""
    return secrets.token_urlsafe(12)  # 16 characters, above MIN_PASSWORD


def set_active(*, session: Session, admin: User, user_id: int, active: bool, now: dt.datetime | None = None) -> User:
    """Deactivate (signing them out everywhere) or reactivate a user; never the last active administrator."""
    _require_admin(admin)
    user = get_user(session=session, user_id=user_id)
    if user.active == active:
        return user
    if not active:
        if user.id == admin.id:
            raise InvalidInput("You cannot deactivate yourself: ask another administrator.")
        _keeps_an_admin(session, user, action="deactivate")
        _end_sign_ins(session, user)
    user.active = active
    session.flush()
    _audit(session, admin, f"{'reactivate' if active else 'deactivate'} user {user.id}", now)
    return user


def reset_password(*, session: Session, admin: User, user_id: int, now: dt.datetime | None = None) -> str:
    """Give a user a new one-time password (returned once) and sign them out everywhere."""
    _require_admin(admin)
    user = get_user(session=session, user_id=user_id)
    password = one_time_password()
    user.password_hash = hash_password(password)
    _end_sign_ins(session, user)
    session.flush()
    _audit(session, admin, f"reset password of user {user.id}", now)
    return password


def change_role(
    *, session: Session, admin: User, user_id: int, role: Role | str, region: str | None = None, team: str | None = None,
    provider_id: str | None = None, now: dt.datetime | None = None,
) -> User:
    """Change what a user does and where: role, region (practitioners), provider (hub, caseworkers)."""
    _require_admin(admin)
    user = get_user(session=session, user_id=user_id)
    role = as_role(role)
    region, team, provider_id = _placement(role, region, team, provider_id)
    _check_provider(session, provider_id)
    if role is not Role.ADMIN:
        _keeps_an_admin(session, user, action="change the role of")
    changed = (user.role, user.region, user.team, user.provider_id) != (role.value, region, team, provider_id)
    if provider_id != user.provider_id:
        user.can_manage_prices = False  # managing prices is for one provider: a move does not carry it
    user.role, user.region, user.team, user.provider_id = role.value, region, team, provider_id
    session.flush()
    if changed:
        _audit(session, admin, f"set role of user {user.id} to {role.value}", now)
    return user


def set_price_manager(*, session: Session, admin: User, user_id: int, allowed: bool,
                      now: dt.datetime | None = None) -> User:
    """Let a provider's staff member manage that provider's price lists, or stop them."""
    _require_admin(admin)
    user = get_user(session=session, user_id=user_id)
    if allowed and user.provider_id is None:
        raise InvalidInput("Only a provider's staff can manage its price lists: give them a provider first.",
                           field="can_manage_prices")
    if user.can_manage_prices != allowed:
        user.can_manage_prices = allowed
        session.flush()
        _audit(session, admin, f"{'allow' if allowed else 'stop'} user {user.id} managing price lists", now)
    return user
