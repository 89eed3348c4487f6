"""Engines and sessions. The caller (request or CLI command) owns the transaction."""

from __future__ import annotations

from typing import Any

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import datetime as dt

from sqlalchemy import DateTime, Engine, MetaData, Table, create_engine, event
from sqlalchemy.types import TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# The largest id an INTEGER column holds on every backend (PostgreSQL's is 32-bit, SQLite's 64).
MAX_ID = 2**31 - 1


def utc_now(now: dt.datetime | None = None) -> dt.datetime:
    """`now` if given (tests pin the clock), else the current time in UTC."""
    return now or dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp that always comes back timezone-aware in UTC (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: object) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("ratecard stores only timezone-aware datetimes")
        return value.astimezone(dt.UTC) if value is not None else None

    def process_result_value(self, value: dt.datetime | None, dialect: object) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


class Base(DeclarativeBase):
    """Declarative base with constraint names that Alembic batch mode can find on SQLite."""

    metadata = MetaData(naming_convention=NAMING)


def make_engine(url: str, *, echo: bool = False, wait_seconds: float = 5) -> Engine:
    """An engine for `url`; SQLite gets foreign keys and real transactions (savepoints work).

    `wait_seconds` bounds how long a request waits for SQLite's write lock or a pooled PostgreSQL
    connection; beyond it the request fails fast (the app answers 503) instead of queueing for ever."""
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy emit BEGIN.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(wait_seconds * 1000)}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection) -> None:  # type: ignore[no-untyped-def]
            # IMMEDIATE takes the write lock up front, so concurrent transactions (several worker
            # processes) queue on busy_timeout. A plain BEGIN reads first and fails with "database
            # is locked" when two of them later try to write.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # No pre-ping (a round trip per checkout). A worker runs one request at a time, so it needs one
    # connection, plus one for a sign-in checked in a thread; the rest is headroom. Connections are
    # kept, not opened per request: opening one costs PostgreSQL a process.
    return create_engine(url, echo=echo, pool_recycle=1800, pool_size=5, max_overflow=10, pool_timeout=wait_seconds)


def upsert_insert(session: Session, table: Table) -> Any:
    """An INSERT on `table` with ON CONFLICT clauses for the session's backend (SQLite or PostgreSQL)."""
    # Imported here: the PostgreSQL dialect package costs a tenth of a second to load, and only
    # writes that upsert need it.
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql as dialect
    else:
        from sqlalchemy.dialects import sqlite as dialect
    return dialect.insert(table)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work is committed if the block succeeds and rolled back if it raises."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


_default: sessionmaker[Session] | None = None


def default_sessions() -> sessionmaker[Session]:
    """The process's session factory for the configured DATABASE_URL, made on first use."""
    global _default
    if _default is None:
        from ratecard.config import get_settings

        settings = get_settings()
        _default = make_sessionmaker(
            make_engine(settings.database_url, echo=settings.sql_echo, wait_seconds=settings.db_wait_seconds)
        )
    return _default
