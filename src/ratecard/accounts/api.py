"""API sign-in: exchange an email and password for a bearer token."""

from __future__ import annotations

from fastapi import APIRouter, Request

from ratecard.accounts import service
from ratecard.accounts.deps import check_credentials
from ratecard.deps import DbSession
from ratecard.accounts.schemas import TokenIn, TokenOut

router = APIRouter(prefix="/api/v1", tags=["accounts"])


@router.post("/tokens", response_model=TokenOut, status_code=201, summary="Get an API token",
             responses={401: {"description": "Wrong email or password"}, 429: {"description": "Locked out"}})
async def create_token(request: Request, session: DbSession, credentials: TokenIn) -> TokenOut:
    """A bearer token for the API; at most five attempts per account
    from one address in 15 minutes (and 50 per account, 100 per address, from anywhere), then 429."""
    attempt = await check_credentials(request, credentials.email, credentials.password)
    user = service.finish_sign_in(session=session, attempt=attempt, password=credentials.password)
    days = request.app.state.settings.token_days
    return TokenOut(token=service.issue_token(session=session, user=user, days=days), expires_in_days=days, role=user.role)
