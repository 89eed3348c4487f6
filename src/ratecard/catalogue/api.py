"""REST API of the catalogue: thin routes over catalogue.service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ratecard.catalogue import service
from ratecard.catalogue.schemas import ProviderOut, ServiceFilters, ServiceOut, ServicePage
from ratecard.deps import DbSession

router = APIRouter(prefix="/api/v1", tags=["catalogue"])

_NOT_FOUND = {404: {"description": "No such id", "content": {"application/json": {"example": {"detail": "..."}}}}}


@router.get("/services", response_model=ServicePage, summary="Search and filter services")
async def list_services(
    session: DbSession,
    filters: Annotated[ServiceFilters, Query()],
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 20,
) -> ServicePage:
    """Listed services matching every filter given; `q` matches words anywhere in the service."""
    return service.list_services(session=session, filters=filters, page=page, per_page=per_page)


@router.get("/services/{service_id}", response_model=ServiceOut, responses=_NOT_FOUND, summary="One service")
async def get_service(session: DbSession, service_id: str) -> ServiceOut:
    """Everything the catalogue knows of one service, with its options and source lines."""
    return service.get_service(session=session, service_id=service_id)


@router.get("/providers", response_model=list[ProviderOut], summary="Providers")
async def list_providers(session: DbSession) -> list[ProviderOut]:
    """Every provider, with hub, transfer instructions and number of services."""
    return service.list_providers(session=session)


@router.get("/providers/{provider_id}", response_model=ProviderOut, responses=_NOT_FOUND, summary="One provider")
async def get_provider(session: DbSession, provider_id: str) -> ProviderOut:
    """One provider by code (NSF, CLN, KSS...)."""
    return service.get_provider(session=session, provider_id=provider_id)


@router.get("/filters", summary="Values the service filters can take")
async def filter_choices(session: DbSession) -> dict[str, list]:
    """Providers, categories and areas present in the catalogue."""
    return service.filter_choices(session=session)
