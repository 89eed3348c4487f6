"""Who is calling: the signed-in browser's user or the API token's user, for route dependencies."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from ratecard.accounts import service
from ratecard.accounts.models import User
from ratecard.db import transaction
from ratecard.deps import DbSession
from ratecard.errors import NotSignedIn
from ratecard.security.csrf import SESSION_COOKIE

NO_TOKEN = "Send a valid API token as 'Authorization: Bearer <token>' (POST /api/v1/tokens gives one)."


async def api_user(request: Request, session: DbSession) -> User:
    """The user of the request's `Authorization: Bearer` token, or 401."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    user = service.token_user(session=session, token=token.strip()) if scheme.lower() == "bearer" and token else None
    if user is None:
        raise NotSignedIn(NO_TOKEN)
    return user


async def web_user(request: Request, session: DbSession) -> User:
    """The signed-in user of this browser, or a redirect to the sign-in page."""
    token = request.cookies.get(SESSION_COOKIE)
    settings = request.app.state.settings
    user = service.session_user(session=session, token=token, idle_minutes=settings.session_idle_minutes) if token else None
    if user is None:
        raise NotSignedIn("Sign in to continue.")
    request.state.user = user
    # Pages read the role after the request's session has ended (error pages too): keep it as plain text.
    request.state.role = user.role
    return user


ApiUser = Annotated[User, Depends(api_user)]
WebUser = Annotated[User, Depends(web_user)]


def client_address(request: Request) -> str:
    """The caller's address as the server saw it (behind a proxy, uvicorn's --forwarded-allow-ips decides)."""
    return request.client.host if request.client else "unknown"


async def check_credentials(request: Request, email: str, password: str) -> service.SignInAttempt:
    """Count the attempt in its own short transaction, then check the password in a thread.

    The count is committed before the password is checked, so parallel attempts see it, and no
    transaction (on SQLite, the write lock) is held while argon2 runs. LockedOut when throttled."""
    with transaction(request.app.state.sessions) as session:
        attempt = service.begin_sign_in(session=session, email=email, address=client_address(request))
    # argon2 releases the GIL: in a thread, the process serves other requests meanwhile.
    await run_in_threadpool(service.check_password, attempt=attempt, password=password)
    return attempt


def _needs_token(dependant: Any) -> bool:
    return any(d.call is api_user or _needs_token(d) for d in dependant.dependencies)


async def lacks_required_token(request: Request) -> bool:
    """Whether the request's route needs an API token and the request has no valid one.

    FastAPI validates the body before it runs dependencies; error handlers ask this first so that a
    caller without a token is told to sign in (401) before anything about what they sent."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None or not _needs_token(dependant):
        return False
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return True
    with transaction(request.app.state.sessions) as session:
        return service.token_user(session=session, token=token.strip()) is None
