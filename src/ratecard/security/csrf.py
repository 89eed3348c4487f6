"""CSRF protection for web forms: a token bound to the browser's session, echoed in a hidden field.

A signed-in browser's token is derived from its session cookie (an HMAC keyed by the session's
secret token), so it cannot be chosen by anyone who does not hold that session: a cookie and field
pair planted by an attacker does not match. Before sign-in (the sign-in form itself) the token is a
random value in an HttpOnly, SameSite=Lax cookie that the form must echo. Every form carries the
token in a hidden `csrf_token` field; a POST whose field does not match is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request, Response

from ratecard.errors import RatecardError

COOKIE = "ratecard_csrf"
FIELD = "csrf_token"
SESSION_COOKIE = "ratecard_session"  # the sign-in cookie (accounts.deps) the token is bound to


def _bound_to_session(request: Request) -> str | None:
    session_token = request.cookies.get(SESSION_COOKIE)
    if not session_token:
        return None
    return hmac.new(session_token.encode(), b"ratecard csrf", hashlib.sha256).hexdigest()


class CsrfError(RatecardError):
    """A form arrived without the token this browser was given."""

    status_code = 403


def csrf_token(request: Request) -> str:
    """This browser's token (a new one if it has none yet); call set_csrf_cookie on the response."""
    bound = _bound_to_session(request)
    if bound is not None:
        return bound
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
    """Raise CsrfError unless the submitted token is this browser's (its session's, or before sign-in its cookie's)."""
    expected = _bound_to_session(request) or request.cookies.get(COOKIE)
    if not expected or not submitted or not hmac.compare_digest(expected.encode(), submitted.encode()):
        raise CsrfError("The form could not be accepted: it was not sent from this site, or your session ended. Please try again.")
