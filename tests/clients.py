"""HTTP clients on the app, bound to a test's rolled-back database."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from ratecard.accounts.models import User
from ratecard.config import Settings
from ratecard.web_app import create_app
from tests.referrals.factories import PASSWORD


def client_for(sessions: sessionmaker[Session]) -> TestClient:
    """A test client whose requests use `sessions` (so their writes roll back with the test)."""
    return TestClient(create_app(settings=Settings(), sessions=sessions))


def form_token(client: TestClient, path: str = "/login") -> str:
    """The CSRF token a page at `path` puts in its forms, read as a browser would from the hidden field."""
    page = client.get(path).text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, f"no form token on {path}"
    return found.group(1)


def signed_in(sessions: sessionmaker[Session], user: User, *, next_page: str = "/referrals") -> TestClient:
    """A test client signed in through the login form as `user` (made by the factories, with their
    password), as a browser would: the form's CSRF token, then the redirect to `next_page`."""
    client = client_for(sessions)
    answer = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": form_token(client),
                                         "next": next_page}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == next_page, answer.text
    return client
