"""Signing in and out of the web pages."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ratecard.accounts import service
from ratecard.accounts.deps import SESSION_COOKIE, check_credentials
from ratecard.accounts.roles import home
from ratecard.deps import DbSession
from ratecard.pages import render
from ratecard.security.csrf import FIELD, check_csrf

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    # Only paths on this site: never an absolute or protocol-relative URL (open redirect).
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/referrals"


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request, next: str | None = None) -> HTMLResponse:
    """The sign-in page."""
    return render(request, "accounts/login.html", next=_safe_next(next), error=None, email="", title="Sign in")


@router.post("/login")
async def login(request: Request, session: DbSession) -> Response:
    """Check the password (counting failures), start a session, go where the user was heading."""
    form = await request.form()
    check_csrf(request, str(form.get(FIELD, "")))
    email, password = str(form.get("email", "")), str(form.get("password", ""))
    target = _safe_next(str(form.get("next", "")))
    try:
        attempt = await check_credentials(request, email, password)
        user = service.finish_sign_in(session=session, attempt=attempt, password=password)
    except service.AuthError as exc:
        return render(request, "accounts/login.html", status_code=exc.status_code, next=target, error=str(exc),
                      email=email, title="Sign in")
    settings = request.app.state.settings
    token = service.start_session(session=session, user=user, hours=settings.session_hours)
    if target == "/referrals":  # heading nowhere in particular: each role's own start page
        target = home(user.role)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="lax", secure=request.url.scheme == "https",
        max_age=int(settings.session_hours * 3600),
    )
    return response


@router.post("/logout")
async def logout(request: Request, session: DbSession) -> Response:
    """End this browser's session."""
    form = await request.form()
    check_csrf(request, str(form.get(FIELD, "")))
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        service.end_session(session=session, token=token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
