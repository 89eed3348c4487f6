"""Web pages of the catalogue: thin routes that render what catalogue.service returns."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from ratecard.accounts import service as accounts
from ratecard.accounts.models import User
from ratecard.accounts.service import Role
from ratecard.catalogue import extensions, service
from ratecard.catalogue.schemas import Delivery, Kind, OptionOut, ProviderOut, ServiceFilters, ServiceOut, Setting
from ratecard.deps import DbSession, PageNumber
from ratecard.pages import render
from ratecard.security.csrf import SESSION_COOKIE

router = APIRouter(include_in_schema=False)

_FILTER_FIELDS = ("q", "provider", "category", "kind", "delivery", "area", "setting", "rar_usable")


def optional_user(request: Request, session) -> User | None:  # type: ignore[no-untyped-def]
    """The signed-in user of this browser, if any: public pages show a little more to some roles."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    idle = request.app.state.settings.session_idle_minutes
    user = accounts.session_user(session=session, token=token, idle_minutes=idle)
    if user is not None:
        request.state.user = user
        request.state.role = user.role  # the navigation's Admin link reads it
    return user


def transfer_team(provider: ProviderOut) -> str | None:
    """The transfer's team: a named team, or the brochure's instruction for it ("Select geographical area")."""
    if provider.transfer is None:
        return None
    if provider.transfer.team:
        return provider.transfer.team
    for step in provider.transfer.steps:
        key, sep, value = step.partition(":")
        if sep and key.strip().lower() == "team" and value.strip():
            return value.strip()
    return None


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, session: DbSession) -> HTMLResponse:
    """Start page: search box, categories and providers."""
    return render(
        request,
        "home.html",
        choices=service.filter_choices(session=session),
        providers=service.list_providers(session=session),
    )


def _filters_from(request: Request) -> tuple[ServiceFilters, dict[str, str], list[dict[str, str]]]:
    raw = {k: v.strip() for k, v in request.query_params.items() if k in _FILTER_FIELDS and v.strip()}
    try:
        return ServiceFilters(**raw), raw, []
    except ValidationError as exc:
        errors = [{"text": f"{'.'.join(map(str, e['loc']))}: {e['msg']}", "href": f"#{e['loc'][0]}"} for e in exc.errors()]
        return ServiceFilters(), raw, errors


@router.get("/services", response_class=HTMLResponse)
async def services(request: Request, session: DbSession, page: PageNumber = 1) -> HTMLResponse:
    """The catalogue with filters and search; works as a plain GET form without JavaScript."""
    filters, raw, errors = _filters_from(request)
    result = service.list_services(
        session=session, filters=filters, page=page, per_page=request.app.state.settings.page_size
    )
    def page_url(number: int) -> str:
        return "/services?" + urlencode({**raw, "page": number})

    past_end = result.page > result.pages and result.total > 0
    return render(
        request,
        "catalogue/list.html",
        status_code=400 if errors else 404 if past_end else 200,
        past_end=past_end,
        result=result,
        raw=raw,
        errors=errors,
        choices=service.filter_choices(session=session),
        kinds=list(Kind),
        deliveries=list(Delivery),
        settings=list(Setting),
        page_url=page_url,
    )


def options_by_nsi_category(item: ServiceOut) -> list[OptionOut]:
    """The options "How to refer" lists one by one: all when bought under several NSI main categories, else none."""
    categories = {option.nsi_category or item.nsi_category for option in item.options}
    return list(item.options) if len(categories) > 1 else []


@router.get("/services/{service_id}", response_class=HTMLResponse)
async def service_page(request: Request, session: DbSession, service_id: str) -> HTMLResponse:
    """One service in full, with how to refer."""
    item = service.get_service(session=session, service_id=service_id)
    provider = service.get_provider(session=session, provider_id=item.provider)
    user = optional_user(request, session)
    return render(
        request, "catalogue/service.html", service=item, provider=provider, nsi_options=options_by_nsi_category(item),
        transfer_team=transfer_team(provider), show_review_notes=user is not None and user.role == Role.ADMIN.value,
        panels=extensions.service_panels(session=session, service_id=item.id),
    )


@router.get("/providers", response_class=HTMLResponse)
async def providers(request: Request, session: DbSession) -> HTMLResponse:
    """Every provider."""
    return render(request, "catalogue/providers.html", providers=service.list_providers(session=session))


@router.get("/providers/{provider_id}", response_class=HTMLResponse)
async def provider_page(request: Request, session: DbSession, provider_id: str) -> HTMLResponse:
    """One provider: hub, how to transfer, and its services by category."""
    provider = service.get_provider(session=session, provider_id=provider_id)
    by_category = service.services_by_category(session=session, provider_code=provider.code)
    return render(request, "catalogue/provider.html", provider=provider, by_category=by_category)
