"""CSRF protection for web forms: a random token in a cookie, echoed in a hidden field, compared.

Each browser gets a random token in an HttpOnly, SameSite=Lax cookie; every form carries the same
token in a hidden `csrf_token` field; a POST whose field does not match its cookie is refused.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request, Response

from ratecard.errors import RatecardError

COOKIE = "ratecard_csrf"
FIELD = "csrf_token"


class CsrfError(RatecardError):
    """A form arrived without the token this browser was given."""

    status_code = 403


def csrf_token(request: Request) -> str:
    """This browser's token (a new one if it has none yet); call set_csrf_cookie on the response."""
    token = request.cookies.get(COOKIE)
    if not token or len(token) != 43:
        token = getattr(request.state, "new_csrf", None) or secrets.token_urlsafe(32)
        request.state.new_csrf = token
    return token


def set_csrf_cookie(request: Request, response: Response) -> None:
    """Send the token cookie if this request made a new one."""
    token = getattr(request.state, "new_csrf", None)
    if token:
        response.set_cookie(COOKIE, token, httponly=True, samesite="lax", secure=request.url.scheme == "https")


def check_csrf(request: Request, submitted: str | None) -> None:
    """Raise CsrfError unless the submitted token matches the browser's cookie."""
    cookie = request.cookies.get(COOKIE)
    if not cookie or not submitted or not hmac.compare_digest(cookie, submitted):
        raise CsrfError("The form could not be accepted: it was not sent from this site, or your session ended. Please try again.")
