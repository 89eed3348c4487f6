"""Rendering web pages: every page gets the request and this browser's CSRF token."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from ratecard.security.csrf import FIELD, csrf_token, set_csrf_cookie


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page from `template`, with `csrf_field` and `csrf_token` in its context."""
    token = csrf_token(request)
    response = request.app.state.templates.TemplateResponse(
        request, template, {"csrf_token": token, "csrf_field_name": FIELD, **context}, status_code=status_code
    )
    set_csrf_cookie(request, response)
    return response


def error_page(request: Request, status_code: int, message: str, details: dict[str, Any] | None = None) -> HTMLResponse:
    """A GOV.UK-styled error page."""
    titles = {
        400: "There is a problem with the request",
        403: "You cannot do that",
        404: "Page not found",
        409: "That cannot be done now",
    }
    title = titles.get(status_code, "Sorry, there is a problem")
    problems = list((details or {}).get("problems", []))
    return render(request, "error.html", status_code=status_code, title=title, message=message, problems=problems)
