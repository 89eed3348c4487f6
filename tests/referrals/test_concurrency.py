"""Races on PostgreSQL: many people accepting or allocating one referral at the same moment.

Each attempt runs in its own connection and transaction, committed for real, in its own schema
(dropped afterwards) — the rolled-back test transaction cannot show what other transactions see.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, func, select, text

from ratecard import migrate
from ratecard.accounts.service import Role
from ratecard.catalogue.loading import import_files
from ratecard.db import make_sessionmaker
from ratecard.errors import Conflict
from ratecard.referrals import service
from ratecard.referrals.models import ReferralHistory
from tests.conftest import PG_URL, _pg_url
from tests.paths import CLN, OVERLAYS
from tests.referrals import factories as f

pytestmark = pytest.mark.skipif(not PG_URL, reason="concurrency tests run on PostgreSQL: set RATECARD_TEST_DATABASE_URL")
ATTEMPTS = 50


@pytest.fixture(scope="module")
def sessions():
    schema = "ratecard_test_race"
    admin = create_engine(_pg_url(PG_URL or ""))
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = create_engine(
        _pg_url(PG_URL or ""), connect_args={"options": f"-csearch_path={schema}"}, pool_size=ATTEMPTS, max_overflow=5
    )
    with engine.begin() as conn:
        migrate.upgrade(connection=conn)
    factory = make_sessionmaker(engine)
    import_files([CLN], sessions=factory, overlay_dir=OVERLAYS)
    yield factory
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()


def _race(sessions, attempt) -> list[int]:
    barrier = threading.Barrier(ATTEMPTS)

    def one(_: int) -> int:
        barrier.wait()  # everyone starts together
        with sessions() as s:
            try:
                attempt(s)
                s.commit()
                return 200
            except Conflict:
                s.rollback()
                return 409

    with ThreadPoolExecutor(max_workers=ATTEMPTS) as pool:
        return list(pool.map(one, range(ATTEMPTS)))


def _setup(sessions):
    with sessions() as s:
        pp, hub, worker = f.user(s), f.user(s, Role.HUB), f.user(s, Role.CASEWORKER)
        referral = f.transferred(s, pp)
        s.commit()
        return referral.id, hub, worker


def _history_count(sessions, referral_id, status):
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(ReferralHistory).where(
            ReferralHistory.referral_id == referral_id, ReferralHistory.to_status == status))


def test_it_lets_exactly_one_of_fifty_parallel_accepts_win(sessions):
    referral_id, hub, _ = _setup(sessions)
    results = _race(sessions, lambda s: service.accept(session=s, user=s.merge(hub), referral_id=referral_id))
    assert (results.count(200), results.count(409)) == (1, ATTEMPTS - 1)
    assert _history_count(sessions, referral_id, "accepted") == 1


def test_it_lets_exactly_one_of_fifty_parallel_allocations_win(sessions):
    referral_id, hub, worker = _setup(sessions)
    with sessions() as s:
        service.accept(session=s, user=s.merge(hub), referral_id=referral_id)
        s.commit()
    results = _race(
        sessions, lambda s: service.allocate(session=s, user=s.merge(hub), referral_id=referral_id, caseworker_id=worker.id)
    )
    assert (results.count(200), results.count(409)) == (1, ATTEMPTS - 1)
    assert _history_count(sessions, referral_id, "allocated") == 1
