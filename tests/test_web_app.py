"""How the application runs requests: handlers on the event loop, password checks in a thread."""

from __future__ import annotations

import inspect
import threading

from fastapi.routing import APIRoute

from ratecard.accounts import service as accounts
from ratecard.accounts.deps import api_user, web_user
from ratecard.config import Settings
from ratecard.deps import session_dependency
from ratecard.web_app import create_app
from tests.clients import client_for
from tests.referrals import factories as f


def test_it_runs_every_route_and_shared_dependency_on_the_event_loop():
    # A plain `def` would be sent to the thread pool: hops that cost a third of the server's CPU.
    app = create_app(settings=Settings())
    sync_routes = [r.path for r in app.routes if isinstance(r, APIRoute) and not inspect.iscoroutinefunction(r.endpoint)]
    assert sync_routes == []
    assert inspect.isasyncgenfunction(session_dependency)
    assert all(inspect.iscoroutinefunction(d) for d in (api_user, web_user))


def test_it_checks_passwords_in_a_worker_thread_not_on_the_event_loop(catalogue_sessions, monkeypatch):
    session = catalogue_sessions()
    user = f.user(session)
    session.commit()
    threads: list[str] = []
    original = accounts.check_password

    def recording(**kwargs):
        threads.append(threading.current_thread().name)
        return original(**kwargs)

    monkeypatch.setattr(accounts, "check_password", recording)
    client = client_for(catalogue_sessions)
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": f.PASSWORD})
    assert response.status_code == 201, response.text
    assert len(threads) == 1 and threads[0] != threading.main_thread().name
    assert "worker" in threads[0].lower()


def _migrated_sqlite(tmp_path, **engine_options):
    from sqlalchemy import create_engine

    from ratecard import migrate
    from ratecard.db import make_engine

    url = f"sqlite:///{tmp_path / 'busy.db'}"
    with make_engine(url).begin() as conn:
        migrate.upgrade(connection=conn)
    return url, (create_engine(url, **engine_options) if engine_options else make_engine(url, wait_seconds=0.2))


def test_it_answers_503_when_no_database_connection_comes_in_time(tmp_path):
    from fastapi.testclient import TestClient

    from ratecard.db import make_sessionmaker

    url, engine = _migrated_sqlite(tmp_path, pool_size=1, max_overflow=0, pool_timeout=0.2)
    held = engine.connect()  # the only connection, taken
    try:
        client = TestClient(create_app(settings=Settings(database_url=url), sessions=make_sessionmaker(engine)))
        response = client.get("/api/v1/providers")
        assert response.status_code == 503 and response.headers["retry-after"] == "2"
        assert "busy" in response.json()["detail"]
    finally:
        held.close()
        engine.dispose()


def test_it_answers_503_when_sqlites_write_lock_is_held_too_long(tmp_path):
    from fastapi.testclient import TestClient

    from ratecard.db import make_engine, make_sessionmaker

    url, engine = _migrated_sqlite(tmp_path)
    other = make_engine(url).connect()
    other.exec_driver_sql("SELECT 1")  # begins: BEGIN IMMEDIATE takes the write lock and keeps it
    try:
        client = TestClient(create_app(settings=Settings(database_url=url), sessions=make_sessionmaker(engine)))
        page = client.get("/services")
        assert page.status_code == 503 and "busy" in page.text
        assert client.get("/api/v1/providers").status_code == 503
    finally:
        other.rollback()
        other.close()
        engine.dispose()
