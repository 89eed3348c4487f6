"""Who is calling: the signed-in browser's user or the API token's user, for route dependencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ratecard.accounts import service
from ratecard.accounts.models import User
from ratecard.deps import DbSession
from ratecard.errors import NotSignedIn

SESSION_COOKIE = "ratecard_session"


async def api_user(request: Request, session: DbSession) -> User:
    """The user of the request's `Authorization: Bearer` token, or 401."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    user = service.token_user(session=session, token=token.strip()) if scheme.lower() == "bearer" and token else None
    if user is None:
        raise NotSignedIn("Send a valid API token as 'Authorization: Bearer <token>' (POST /api/v1/tokens gives one).")
    return user


async def web_user(request: Request, session: DbSession) -> User:
    """The signed-in user of this browser, or a redirect to the sign-in page."""
    token = request.cookies.get(SESSION_COOKIE)
    settings = request.app.state.settings
    user = service.session_user(session=session, token=token, idle_minutes=settings.session_idle_minutes) if token else None
    if user is None:
        raise NotSignedIn("Sign in to continue.")
    request.state.user = user
    return user


ApiUser = Annotated[User, Depends(api_user)]
WebUser = Annotated[User, Depends(web_user)]
