"""HTTP clients on the app, bound to a test's rolled-back database."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from ratecard.config import Settings
from ratecard.web_app import create_app


def client_for(sessions: sessionmaker[Session]) -> TestClient:
    """A test client whose requests use `sessions` (so their writes roll back with the test)."""
    return TestClient(create_app(settings=Settings(), sessions=sessions))
