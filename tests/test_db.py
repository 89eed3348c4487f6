"""Engines: SQLite transactions queue for the write lock instead of failing when several run at once."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Integer, String, func, insert, select
from sqlalchemy.orm import Mapped, mapped_column, DeclarativeBase

from ratecard.db import make_engine, make_sessionmaker, transaction

WRITERS = 6


class _Base(DeclarativeBase):
    pass


class _Tally(_Base):
    __tablename__ = "tally"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    by: Mapped[str] = mapped_column(String(20))


def test_it_lets_concurrent_sqlite_transactions_that_read_then_write_all_commit(tmp_path):
    # Each worker process has its own connection; threads with their own connections lock the file alike.
    engine = make_engine(f"sqlite:///{tmp_path / 'race.db'}")
    _Base.metadata.create_all(engine)
    sessions = make_sessionmaker(engine)
    barrier = threading.Barrier(WRITERS)

    def one(n: int) -> str:
        barrier.wait()
        try:
            with transaction(sessions) as session:
                seen = session.scalar(select(func.count()).select_from(_Tally))  # read first, as services do
                time.sleep(0.02)  # ...so that, with a plain BEGIN, the others read too before anyone writes
                session.execute(insert(_Tally), {"by": f"writer {n} saw {seen}"})
            return "ok"
        except Exception as exc:  # noqa: BLE001 - the test reports whatever went wrong
            return f"{type(exc).__name__}: {exc}"

    with ThreadPoolExecutor(WRITERS) as pool:
        results = list(pool.map(one, range(WRITERS)))
    assert results == ["ok"] * WRITERS
    with sessions() as session:
        # Serialised: every writer saw all the rows committed before it.
        assert sorted(int(by.rsplit(" ", 1)[1]) for by in session.scalars(select(_Tally.by))) == list(range(WRITERS))
    engine.dispose()
