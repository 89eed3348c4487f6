"""Test databases: every DB test runs on SQLite, and on PostgreSQL when RATECARD_TEST_DATABASE_URL is set.

Each backend gets two schemas migrated by Alembic once per run — one empty, one with the five
brochures imported — and every test works inside a transaction that is rolled back at its end.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session, sessionmaker

from ratecard import migrate
from ratecard.catalogue.loading import import_files
from ratecard.db import make_engine, make_sessionmaker
from tests.paths import ALL_BROCHURES, CLN, OVERLAYS

PG_URL = os.environ.get("RATECARD_TEST_DATABASE_URL")
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(not PG_URL, reason="PostgreSQL tests need RATECARD_TEST_DATABASE_URL"),
    ),
]


def _pg_url(url: str) -> str:
    return "postgresql+psycopg://" + url.split("://", 1)[1] if url.startswith("postgresql://") else url


def _engine(backend: str, name: str, tmp: Path) -> Engine:
    if backend == "sqlite":
        return make_engine(f"sqlite:///{tmp / (name + '.db')}")
    schema = f"ratecard_test_{name}"
    admin = make_engine(_pg_url(PG_URL or ""))
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    from sqlalchemy import create_engine

    return create_engine(_pg_url(PG_URL or ""), connect_args={"options": f"-csearch_path={schema}"})


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database kind a DB test runs on."""
    return request.param


def _migrated(backend: str, name: str, tmp_path_factory: pytest.TempPathFactory) -> Engine:
    engine = _engine(backend, name, tmp_path_factory.mktemp(f"{backend}-{name}"))
    with engine.begin() as conn:
        migrate.upgrade(connection=conn)
    return engine


@pytest.fixture(scope="session")
def empty_engine(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A migrated, empty database of `backend`."""
    engine = _migrated(backend, "empty", tmp_path_factory)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def loaded_engine(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A migrated database of `backend` with the five brochures imported."""
    engine = _migrated(backend, "loaded", tmp_path_factory)
    reports = import_files(ALL_BROCHURES, sessions=make_sessionmaker(engine), overlay_dir=OVERLAYS)
    failed = [r.error for r in reports if r.error]
    assert not failed, f"brochures failed to import: {failed}"
    yield engine
    engine.dispose()


def _rolled_back(engine: Engine) -> Iterator[Connection]:
    connection = engine.connect()
    outer = connection.begin()
    try:
        yield connection
    finally:
        outer.rollback()
        connection.close()


@pytest.fixture
def db_connection(empty_engine: Engine) -> Iterator[Connection]:
    """A connection to the empty database inside a transaction rolled back after the test."""
    yield from _rolled_back(empty_engine)


@pytest.fixture
def catalogue_connection(loaded_engine: Engine) -> Iterator[Connection]:
    """A connection to the loaded catalogue inside a transaction rolled back after the test."""
    yield from _rolled_back(loaded_engine)


def _factory(connection: Connection) -> sessionmaker[Session]:
    # Commits inside the code under test become savepoints of the test's outer transaction.
    return sessionmaker(bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint")


@pytest.fixture
def sessions(db_connection: Connection) -> sessionmaker[Session]:
    """A session factory on the empty database (work is rolled back after the test)."""
    return _factory(db_connection)


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session on the empty database."""
    with sessions() as s:
        yield s


@pytest.fixture
def catalogue_sessions(catalogue_connection: Connection) -> sessionmaker[Session]:
    """A session factory on the loaded catalogue."""
    return _factory(catalogue_connection)


@pytest.fixture
def catalogue_session(catalogue_sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session on the loaded catalogue."""
    with catalogue_sessions() as s:
        yield s


@pytest.fixture(scope="session")
def committed_sessions(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[sessionmaker[Session]]:
    """Sessions on a real database of `backend` (CLN's brochure imported) whose commits are real.

    For races: parallel transactions must see each other's commits, which a rolled-back test
    transaction cannot show. Tests here make their own users and CRNs, so they do not collide."""
    engine = _migrated(backend, "committed", tmp_path_factory)
    if backend == "postgresql":
        # One connection per racing thread.
        url = engine.url
        engine.dispose()
        from sqlalchemy import create_engine

        engine = create_engine(url, connect_args={"options": "-csearch_path=ratecard_test_committed"}, pool_size=5, max_overflow=70)
    factory = make_sessionmaker(engine)
    import_files([CLN], sessions=factory, overlay_dir=OVERLAYS)
    yield factory
    engine.dispose()


@pytest.fixture
def world(catalogue_sessions):
    """Users of every role, each with an API token, and a client on the rolled-back catalogue."""
    from ratecard.accounts.service import Role, issue_token
    from tests.clients import client_for
    from tests.referrals import factories as f

    session = catalogue_sessions()
    cast = {
        "pp": f.user(session),
        "pp_other": f.user(session, region="East of England"),
        "hub": f.user(session, Role.HUB),
        "hub_other": f.user(session, Role.HUB, provider_id="nsf"),
        "cw": f.user(session, Role.CASEWORKER),
        "cw_other": f.user(session, Role.CASEWORKER),
        "admin": f.user(session, Role.ADMIN),
    }
    headers = {name: {"Authorization": f"Bearer {issue_token(session=session, user=u)}"} for name, u in cast.items()}
    headers["anon"] = {}
    session.commit()
    return {"client": client_for(catalogue_sessions), "users": cast, "h": headers, "sessions": catalogue_sessions}
