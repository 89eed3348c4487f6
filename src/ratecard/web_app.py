"""The ASGI application: REST API under /api/v1, web pages, the API reference at /docs, static assets."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import govuk_frontend_jinja
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from ratecard import apidocs
from ratecard.accounts import api as accounts_api
from ratecard.accounts import web as accounts_web
from ratecard.admin import web as admin_web
from ratecard.billing import api as billing_api
from ratecard.billing import invoice_api, invoice_web
from ratecard.billing import web as billing_web
from ratecard.brochure import web as brochure_web
from ratecard.catalogue import api as catalogue_api
from ratecard.catalogue import web as catalogue_web
from ratecard.delivery import api as delivery_api
from ratecard.delivery import web as delivery_web
from ratecard.eligibility import api as eligibility_api
from ratecard.eligibility import web as eligibility_web
from ratecard.referrals import api as referrals_api
from ratecard.referrals import web as referrals_web
from ratecard.sentencing import api as sentencing_api
from ratecard.sentencing import web as sentencing_web
from ratecard.accounts.deps import NO_TOKEN, lacks_required_token
from ratecard.accounts.service import LockedOut
from ratecard.config import Settings, get_settings
from ratecard.db import make_engine, make_sessionmaker
from ratecard.errors import InvalidInput, NotSignedIn, RatecardError
from ratecard.openapi import describe
from ratecard.pages import error_page, render
from ratecard.security.edge import EdgeGuard
from ratecard.security.headers import SecurityHeaders, inline_script_hashes
from ratecard.templating import make_templates

STATIC_DIR = Path(__file__).parent / "static"
PAGE_TEMPLATE = Path(govuk_frontend_jinja.__file__).parent / "templates" / "template.html"
# Swagger UI's own markup fails accessibility checks: it is kept only as an explorer at /docs/try.
_DOCS_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>ratecard API explorer</title>
<link rel="stylesheet" href="/static/swagger/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/static/swagger/swagger-ui-bundle.js"></script>
<script src="/static/app/docs.js"></script></body></html>
"""


def create_app(*, settings: Settings | None = None, sessions: sessionmaker[Session] | None = None) -> FastAPI:
    """Build the application for `settings` (default: the environment) and a session factory."""
    settings = settings or get_settings()
    if sessions is None:
        sessions = make_sessionmaker(
            make_engine(settings.database_url, echo=settings.sql_echo, wait_seconds=settings.db_wait_seconds)
        )
    app = FastAPI(
        title="ratecard",
        version="0.1.0",
        description=(
            "Find, buy, deliver and pay for rehabilitation interventions. The catalogue is built from "
            "the probation providers' published brochures."
        ),
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # served below from the app's own copy of Swagger UI: no CDN
        redoc_url=None,
    )
    app.openapi = lambda: describe(app)  # type: ignore[method-assign]
    app.add_middleware(
        EdgeGuard, max_body_bytes=settings.max_body_bytes, max_header_bytes=settings.max_header_bytes,
        body_timeout=settings.body_timeout_seconds,
        headers=SecurityHeaders(script_hashes=inline_script_hashes(PAGE_TEMPLATE), relaxed_style_paths=("/docs/try",)),
    )
    app.state.settings = settings
    app.state.sessions = sessions
    app.state.templates = make_templates()

    assets = settings.assets_dir
    app.mount("/assets", StaticFiles(directory=assets / "govuk-frontend/dist/govuk/assets", check_dir=False), "assets")
    app.mount("/static/govuk", StaticFiles(directory=assets / "govuk-frontend/dist/govuk", check_dir=False), "govuk")
    app.mount(
        "/static/moj", StaticFiles(directory=assets / "@ministryofjustice/frontend/moj", check_dir=False), "moj"
    )
    app.mount("/static/swagger", StaticFiles(directory=assets / "swagger-ui-dist", check_dir=False), "swagger")
    app.mount("/static/app", StaticFiles(directory=STATIC_DIR), "app_static")

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    async def api_docs(request: Request) -> HTMLResponse:
        """The API reference: a GOV.UK page made from the OpenAPI document."""
        info, tags, schemas = apidocs.reference(app)
        token = next((op.anchor for tag in tags for op in tag.operations if op.path == "/api/v1/tokens"), "")
        return render(request, "docs/reference.html", info=info, tags=tags, schemas=schemas, token_anchor=token,
                      title="API reference")

    @app.get("/docs/try", include_in_schema=False)
    async def api_explorer() -> HTMLResponse:
        """Swagger UI, to try requests (it does not meet accessibility standards; /docs does)."""
        return HTMLResponse(_DOCS_PAGE)

    app.include_router(catalogue_api.router)
    app.include_router(catalogue_web.router)
    app.include_router(brochure_web.router)
    app.include_router(eligibility_api.router)
    app.include_router(eligibility_web.router)
    app.include_router(accounts_api.router)
    app.include_router(accounts_web.router)
    app.include_router(referrals_api.router)
    app.include_router(referrals_web.router)
    app.include_router(delivery_api.router)
    app.include_router(delivery_web.router)
    app.include_router(admin_web.router)
    app.include_router(invoice_api.router)
    app.include_router(invoice_web.router)
    app.include_router(sentencing_api.router)
    app.include_router(sentencing_web.router)
    app.include_router(billing_api.router)
    app.include_router(billing_web.router)

    @app.exception_handler(RatecardError)
    async def _domain_error(request: Request, exc: RatecardError):  # type: ignore[no-untyped-def]
        if request.url.path.startswith("/api/"):
            headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, NotSignedIn) else None
            if isinstance(exc, LockedOut):
                headers = {"Retry-After": str(exc.details.pop("retry_after", 60))}
            body = {"detail": str(exc), **exc.details}
            if isinstance(exc, InvalidInput):
                # The same shape as a request that failed validation: every problem with its field.
                problems = [str(p) for p in exc.details.get("problems", [])] or [str(exc)]
                body["errors"] = [{"field": str(exc.details.get("field", "body")), "message": p} for p in problems]
            return JSONResponse(body, status_code=exc.status_code, headers=headers)
        if isinstance(exc, NotSignedIn):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)
        return error_page(request, exc.status_code, str(exc), details=exc.details)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):  # type: ignore[no-untyped-def]
        api = request.url.path.startswith("/api/")
        if exc.status_code == 400 and api:
            # FastAPI's answer to a body it could not decode (not UTF-8, not a form): an invalid request.
            if await lacks_required_token(request):
                return _no_token()
            errors = [{"field": "body", "message": "The body could not be read: send JSON in UTF-8."}]
            return JSONResponse({"detail": "Invalid request", "errors": errors}, status_code=422)
        headers = exc.headers
        if exc.status_code == 405:
            # Starlette names only the first route that matched the path; name every method it serves.
            headers = {**(headers or {}), "Allow": ", ".join(_methods_for(app, request.url.path))}
        if api or request.url.path.startswith("/static"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)
        return error_page(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):  # type: ignore[no-untyped-def]
        errors = [_field_error(e) for e in exc.errors()]
        if request.url.path.startswith("/api/"):
            # Who is asking comes before what they sent: no token, 401, whatever the body holds.
            if await lacks_required_token(request):
                return _no_token()
            return JSONResponse({"detail": "Invalid request", "errors": errors}, status_code=422)
        message = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return error_page(request, 400, message)

    @app.exception_handler(sa_exc.TimeoutError)
    @app.exception_handler(sa_exc.OperationalError)
    async def _busy(request: Request, exc: Exception):  # type: ignore[no-untyped-def]
        # Waited `db_wait_seconds` for a connection or SQLite's write lock: say so, and when to retry.
        if isinstance(exc, sa_exc.OperationalError) and "locked" not in str(exc).lower():
            raise exc
        message = "The service is busy. Try again in a few seconds."
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": message}, status_code=503, headers={"Retry-After": "2"})
        response = error_page(request, 503, message)
        response.headers["Retry-After"] = "2"
        return response

    return app


def _methods_for(app: FastAPI, path: str) -> list[str]:
    """Every HTTP method some route serves at `path`."""
    methods = []
    for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"):
        scope = {"type": "http", "path": path, "root_path": "", "method": method, "headers": []}
        if any(route.matches(scope)[0] is Match.FULL for route in app.routes):
            methods.append(method)
    return methods


def _no_token() -> JSONResponse:
    return JSONResponse({"detail": NO_TOKEN}, status_code=401, headers={"WWW-Authenticate": "Bearer"})


def _field_error(error: dict) -> dict[str, str]:  # type: ignore[type-arg]
    """One validation error as {field, message}, in words a person can act on."""
    loc = [str(p) for p in error["loc"]]
    if error.get("type") == "json_invalid":
        return {"field": "body", "message": "The body is not valid JSON."}
    field = ".".join(loc[1:]) if len(loc) > 1 else (loc[0] if loc else "body")
    return {"field": field, "message": error["msg"]}
