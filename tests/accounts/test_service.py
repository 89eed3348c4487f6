"""Signing in: argon2 hashes, lock-out after repeated failures, session expiry, API tokens."""

from __future__ import annotations

import datetime as dt

import pytest

from ratecard.accounts import service, throttle
from ratecard.accounts.service import Role
from ratecard.errors import InvalidInput
from tests.referrals import factories as f

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


def test_it_stores_only_an_argon2id_hash(catalogue_session):
    user = f.user(catalogue_session)
    assert user.password_hash.startswith("$argon2id$") and f.PASSWORD not in user.password_hash
    assert service.authenticate(session=catalogue_session, email=user.email.upper(), password=f.PASSWORD) is user


def test_it_locks_the_account_after_five_failures_then_lets_it_in_later(catalogue_session):
    s = catalogue_session
    user = f.user(s)
    limit = throttle.PER_ACCOUNT_AND_ADDRESS
    for _ in range(limit.attempts):
        with pytest.raises(service.AuthError) as caught:
            service.authenticate(session=s, email=user.email, password="wrong", now=NOW)
        assert not isinstance(caught.value, service.LockedOut)
    with pytest.raises(service.LockedOut):
        service.authenticate(session=s, email=user.email, password=f.PASSWORD, now=NOW + dt.timedelta(minutes=1))
    later = NOW + dt.timedelta(minutes=limit.minutes + 1)
    assert service.authenticate(session=s, email=user.email, password=f.PASSWORD, now=later) is user


def test_it_does_not_lock_the_owner_out_from_another_address(catalogue_session):
    s = catalogue_session
    user = f.user(s)
    for _ in range(throttle.PER_ACCOUNT_AND_ADDRESS.attempts + 3):
        with pytest.raises(service.AuthError):
            service.authenticate(session=s, email=user.email, password="wrong", address="203.0.113.9", now=NOW)
    assert service.authenticate(session=s, email=user.email, password=f.PASSWORD, address="198.51.100.7", now=NOW) is user


def test_it_locks_an_account_attacked_from_many_addresses(catalogue_session):
    s = catalogue_session
    user = f.user(s)
    for n in range(throttle.PER_ACCOUNT.attempts):
        with pytest.raises(service.AuthError):
            service.authenticate(session=s, email=user.email, password="wrong", address=f"203.0.113.{n}", now=NOW)
    with pytest.raises(service.LockedOut):
        service.authenticate(session=s, email=user.email, password=f.PASSWORD, address="198.51.100.7", now=NOW)


def test_it_throttles_an_address_trying_many_accounts(catalogue_session):
    s = catalogue_session
    for n in range(throttle.PER_ADDRESS.attempts):
        with pytest.raises(service.AuthError):
            service.authenticate(session=s, email=f"guess{n}@example.test", password="wrong", address="203.0.113.1", now=NOW)
    user = f.user(s)
    with pytest.raises(service.LockedOut):
        service.authenticate(session=s, email=user.email, password=f.PASSWORD, address="203.0.113.1", now=NOW)


def test_it_forgives_failures_after_a_right_password(catalogue_session):
    s = catalogue_session
    user = f.user(s)
    for _ in range(2):
        for _ in range(throttle.PER_ACCOUNT_AND_ADDRESS.attempts - 1):
            with pytest.raises(service.AuthError):
                service.authenticate(session=s, email=user.email, password="wrong", now=NOW)
        assert service.authenticate(session=s, email=user.email, password=f.PASSWORD, now=NOW) is user


def test_it_answers_an_unknown_email_as_it_answers_a_locked_account(catalogue_session):
    s = catalogue_session
    user = f.user(s)
    answers = {}
    for email in (user.email, "nobody@example.test"):
        kinds = []
        for _ in range(throttle.PER_ACCOUNT_AND_ADDRESS.attempts + 1):
            with pytest.raises(service.AuthError) as caught:
                service.authenticate(session=s, email=email, password="wrong", now=NOW)
            kinds.append((type(caught.value).__name__, str(caught.value)))
        answers[email] = kinds
    assert answers[user.email] == answers["nobody@example.test"]
    assert answers[user.email][-1][0] == "LockedOut"


def test_it_says_the_same_for_an_unknown_email_and_a_wrong_password(catalogue_session):
    user = f.user(catalogue_session)
    messages = set()
    for email in (user.email, "nobody@example.test"):
        with pytest.raises(service.AuthError) as caught:
            service.authenticate(session=catalogue_session, email=email, password="wrong")
        messages.add(str(caught.value))
    assert len(messages) == 1


def test_it_ends_sessions_when_idle_or_expired(catalogue_session):
    s = catalogue_session
    user = f.user(s)
    token = service.start_session(session=s, user=user, hours=8, now=NOW)
    assert service.session_user(session=s, token=token, idle_minutes=30, now=NOW + dt.timedelta(minutes=29)) is user
    assert service.session_user(session=s, token=token, idle_minutes=30, now=NOW + dt.timedelta(minutes=29 + 31)) is None
    fresh = service.start_session(session=s, user=user, hours=1, now=NOW)
    for minutes in range(20, 61, 20):  # active all along, but the session's life is one hour
        seen = service.session_user(session=s, token=fresh, idle_minutes=30, now=NOW + dt.timedelta(minutes=minutes))
    assert seen is None


def test_it_issues_expiring_api_tokens_stored_as_hashes(catalogue_session):
    s = catalogue_session
    user = f.user(s)
    token = service.issue_token(session=s, user=user, days=1, now=NOW)
    assert service.token_user(session=s, token=token, now=NOW) is user
    assert service.token_user(session=s, token=token, now=NOW + dt.timedelta(days=2)) is None
    assert service.token_user(session=s, token=token + "x", now=NOW) is None


@pytest.mark.parametrize(
    ("role", "extra", "message"),
    [(Role.PRACTITIONER, {}, "region"), (Role.HUB, {}, "provider"), (Role.CASEWORKER, {}, "provider")],
)
def test_it_refuses_users_without_what_their_role_needs(catalogue_session, role, extra, message):
    with pytest.raises(InvalidInput, match=message):
        service.create_user(session=catalogue_session, email="x@example.test", name="X", role=role, password="long enough password", **extra)
