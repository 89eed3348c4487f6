"""HTTP clients on the app, bound to a test's rolled-back database."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from ratecard.config import Settings
from ratecard.web_app import create_app


def client_for(sessions: sessionmaker[Session]) -> TestClient:
    """A test client whose requests use `sessions` (so their writes roll back with the test)."""
    return TestClient(create_app(settings=Settings(), sessions=sessions))


def form_token(client: TestClient, path: str = "/login") -> str:
    """The CSRF token a page at `path` puts in its forms, read as a browser would from the hidden field."""
    page = client.get(path).text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, f"no form token on {path}"
    return found.group(1)
