"""Sign-in throttling under concurrency: parallel attempts, each in its own committed transaction.

The attempts go through the same steps as the web and API sign-in (count in a short transaction of
its own, check the password outside it, finish), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from ratecard.accounts import service, throttle
from ratecard.accounts.models import LoginThrottle
from ratecard.db import transaction
from tests.referrals import factories as f

TIMEOUT = 120  # seconds for a whole burst: argon2 is slow on purpose


def _attempt(sessions, email: str, password: str, address: str) -> int:
    """One sign-in as the routes make it: 201, 401 or 429."""
    try:
        with transaction(sessions) as s:
            attempt = service.begin_sign_in(session=s, email=email, address=address)
        service.check_password(attempt=attempt, password=password)
        with transaction(sessions) as s:
            service.finish_sign_in(session=s, attempt=attempt, password=password)
        return 201
    except service.LockedOut:
        return 429
    except service.AuthError:
        return 401


def _burst(sessions, passwords: list[str], email: str, address: str = "203.0.113.5") -> list[int]:
    barrier = threading.Barrier(len(passwords), timeout=30)

    def one(password: str) -> int:
        barrier.wait()  # all released together
        return _attempt(sessions, email, password, address)

    with ThreadPoolExecutor(max_workers=len(passwords)) as pool:
        return list(pool.map(one, passwords, timeout=TIMEOUT))


@pytest.fixture
def account(committed_sessions):
    with transaction(committed_sessions) as s:
        user = f.user(s)
    return user.email


def test_it_checks_at_most_five_of_sixty_parallel_wrong_passwords_and_locks(committed_sessions, account):
    results = _burst(committed_sessions, ["wrong password"] * 60, account)
    limit = throttle.PER_ACCOUNT_AND_ADDRESS.attempts
    assert (results.count(401), results.count(429)) == (limit, 60 - limit)
    assert _attempt(committed_sessions, account, f.PASSWORD, "203.0.113.5") == 429  # locked, even for the right one
    # ...but only from there: the owner elsewhere still signs in.
    assert _attempt(committed_sessions, account, f.PASSWORD, "198.51.100.20") == 201


def test_it_refuses_the_right_password_sent_while_forty_wrong_ones_are_in_flight(committed_sessions, account):
    address = "203.0.113.6"
    limit = throttle.PER_ACCOUNT_AND_ADDRESS.attempts
    pair_key = throttle.keys_for(account, address)[0][0]

    def right_once_the_limit_is_counted() -> int:
        # Sent while the wrong ones are still being checked (argon2 takes tens of milliseconds).
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with transaction(committed_sessions) as s:
                if (s.scalar(select(LoginThrottle.attempts).where(LoginThrottle.key == pair_key)) or 0) >= limit:
                    break
            time.sleep(0.002)
        return _attempt(committed_sessions, account, f.PASSWORD, address)

    with ThreadPoolExecutor(max_workers=2) as pool:
        right = pool.submit(right_once_the_limit_is_counted)
        wrong = pool.submit(_burst, committed_sessions, ["wrong password"] * 40, account, address)
        assert right.result(timeout=TIMEOUT) == 429
        results = wrong.result(timeout=TIMEOUT)
    assert (results.count(401), results.count(429)) == (limit, 40 - limit)
