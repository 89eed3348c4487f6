"""The ASGI application: REST API under /api/v1, web pages, OpenAPI at /docs, static assets."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException

from ratecard.accounts import api as accounts_api
from ratecard.accounts import web as accounts_web
from ratecard.catalogue import api as catalogue_api
from ratecard.catalogue import web as catalogue_web
from ratecard.eligibility import api as eligibility_api
from ratecard.eligibility import web as eligibility_web
from ratecard.referrals import api as referrals_api
from ratecard.referrals import web as referrals_web
from ratecard.config import Settings, get_settings
from ratecard.db import make_engine, make_sessionmaker
from ratecard.errors import NotSignedIn, RatecardError
from ratecard.pages import error_page
from ratecard.templating import make_templates

STATIC_DIR = __import__("pathlib").Path(__file__).parent / "static"


def create_app(*, settings: Settings | None = None, sessions: sessionmaker[Session] | None = None) -> FastAPI:
    """Build the application for `settings` (default: the environment) and a session factory."""
    settings = settings or get_settings()
    if sessions is None:
        sessions = make_sessionmaker(make_engine(settings.database_url, echo=settings.sql_echo))
    app = FastAPI(
        title="ratecard",
        version="0.1.0",
        description=(
            "Find, buy, deliver and pay for rehabilitation interventions. The catalogue is built from "
            "the probation providers' published brochures."
        ),
        openapi_url="/api/v1/openapi.json",
        docs_url="/docs",
        redoc_url=None,
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
    app.mount("/static/app", StaticFiles(directory=STATIC_DIR), "app_static")

    app.include_router(catalogue_api.router)
    app.include_router(catalogue_web.router)
    app.include_router(eligibility_api.router)
    app.include_router(eligibility_web.router)
    app.include_router(accounts_api.router)
    app.include_router(accounts_web.router)
    app.include_router(referrals_api.router)
    app.include_router(referrals_web.router)

    @app.exception_handler(RatecardError)
    async def _domain_error(request: Request, exc: RatecardError):  # type: ignore[no-untyped-def]
        if request.url.path.startswith("/api/"):
            headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, NotSignedIn) else None
            return JSONResponse({"detail": str(exc), **exc.details}, status_code=exc.status_code, headers=headers)
        if isinstance(exc, NotSignedIn):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)
        return error_page(request, exc.status_code, str(exc), details=exc.details)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):  # type: ignore[no-untyped-def]
        if request.url.path.startswith("/api/") or request.url.path.startswith("/static"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        return error_page(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):  # type: ignore[no-untyped-def]
        errors = [
            {"field": ".".join(str(p) for p in e["loc"][1:]) or str(e["loc"][0]), "message": e["msg"]}
            for e in exc.errors()
        ]
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "Invalid request", "errors": errors}, status_code=422)
        message = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return error_page(request, 400, message)

    return app
