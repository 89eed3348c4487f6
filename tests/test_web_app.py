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
