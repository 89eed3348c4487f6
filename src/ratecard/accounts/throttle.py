"""Sign-in throttling: attempts counted atomically per account and address, per account, and per address.

Every attempt is counted before its password is checked, by one `INSERT ... ON CONFLICT DO UPDATE
... RETURNING` per key, so parallel attempts cannot all read the same count: at most `limit`
passwords are ever checked in a window, however many arrive at once. Keys are hashes, so the table
holds no email addresses, and an unknown email is counted exactly like a known one (its answers and
their timing reveal nothing). An attacker at one address who exhausts an account's budget there does
not lock its owner out elsewhere; only a much larger number of attempts from every address together
does, which is what stops guessing spread over many machines.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import case, delete, update
from sqlalchemy.orm import Session

from ratecard.accounts.models import LoginThrottle
from ratecard.db import upsert_insert


@dataclass(frozen=True)
class Limit:
    """At most `attempts` sign-in attempts per `minutes` for one key."""

    attempts: int
    minutes: int


# Reviewed policy, not statute: five tries from one place (the familiar bank-card rule), a budget
# for an account across all places big enough that a handful of attackers cannot spend it idly,
# and one for an address big enough for a probation office's staff behind one NAT address.
PER_ACCOUNT_AND_ADDRESS = Limit(attempts=5, minutes=15)
PER_ACCOUNT = Limit(attempts=50, minutes=15)
PER_ADDRESS = Limit(attempts=100, minutes=15)


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def keys_for(email: str, address: str) -> list[tuple[str, Limit]]:
    """The throttle keys one sign-in attempt counts against, each with its limit."""
    email = email.strip().lower()
    return [
        ("pair:" + _hash(email, address), PER_ACCOUNT_AND_ADDRESS),
        ("acct:" + _hash(email), PER_ACCOUNT),
        ("addr:" + _hash(address), PER_ADDRESS),
    ]


def count_attempt(*, session: Session, keys: list[tuple[str, Limit]], now: dt.datetime) -> dt.datetime | None:
    """Count one attempt against every key; the time the caller may try again if any key is over its limit."""
    table = LoginThrottle.__table__
    refused_until: dt.datetime | None = None
    for key, limit in keys:
        window_end = now + dt.timedelta(minutes=limit.minutes)
        expired = table.c.reset_at <= now
        statement = (
            upsert_insert(session, table)
            .values(key=key, attempts=1, reset_at=window_end)
            .on_conflict_do_update(
                index_elements=[table.c.key],
                set_={
                    "attempts": case((expired, 1), else_=table.c.attempts + 1),
                    "reset_at": case((expired, window_end), else_=table.c.reset_at),
                },
            )
            .returning(table.c.attempts, table.c.reset_at)
        )
        attempts, reset_at = session.execute(statement).one()
        if attempts > limit.attempts:
            refused_until = max(refused_until or reset_at, reset_at)
    return refused_until


def forgive(*, session: Session, keys: list[tuple[str, Limit]]) -> None:
    """After a right password: the account's counts start again, and the address's loses this attempt."""
    table = LoginThrottle.__table__
    account_keys = [key for key, limit in keys if limit is not PER_ADDRESS]
    session.execute(delete(table).where(table.c.key.in_(account_keys)))
    for key, limit in keys:
        if limit is PER_ADDRESS:
            session.execute(update(table).where(table.c.key == key, table.c.attempts > 0).values(attempts=table.c.attempts - 1))
