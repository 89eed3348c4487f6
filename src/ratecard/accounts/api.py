"""API sign-in: exchange an email and password for a bearer token."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ratecard.accounts import service
from ratecard.deps import DbSession
from ratecard.referrals.schemas import TokenIn, TokenOut

router = APIRouter(prefix="/api/v1", tags=["accounts"])


@router.post("/tokens", response_model=TokenOut, status_code=201, summary="Get an API token",
             responses={401: {"description": "Wrong email or password"}, 429: {"description": "Locked out"}})
async def create_token(request: Request, session: DbSession, credentials: TokenIn) -> TokenOut | JSONResponse:
    """A bearer token for the API; five wrong passwords in a row lock the account for 15 minutes."""
    try:
        # argon2 releases the GIL: in a thread, the process serves other requests meanwhile.
        user = await run_in_threadpool(
            service.authenticate, session=session, email=credentials.email, password=credentials.password
        )
    except service.AuthError as exc:
        # Returned, not raised, so the failure count is committed.
        return JSONResponse({"detail": str(exc)}, status_code=exc.status_code)
    days = request.app.state.settings.token_days
    return TokenOut(token=service.issue_token(session=session, user=user, days=days), expires_in_days=days, role=user.role)
