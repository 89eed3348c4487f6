"""REST API of eligibility: thin routes over eligibility.service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from ratecard import places

from ratecard.deps import DbSession
from ratecard.eligibility import service
from ratecard.eligibility.engine import Match
from ratecard.eligibility.profile import Profile

router = APIRouter(prefix="/api/v1", tags=["eligibility"])


@router.post("/match", response_model=list[Match], summary="Which interventions fit this person, and why not")
async def match(session: DbSession, profile: Profile) -> list[Match]:
    """Every listed service decided for the profile: `eligible`, `unknown` (with the fields that would
    decide it) or `ineligible` (with every failing criterion and its brochure line). Every profile
    field is optional; send what you know."""
    return service.match(session=session, profile=profile)


@router.get("/rules-report", response_model=list[service.CoverageRow], summary="How much of each brochure's criteria is encoded")
async def rules_report(session: DbSession) -> list[service.CoverageRow]:
    """Per service: printed criteria lines, how many a rule cites, and full / partial / none."""
    return service.rules_report(session=session)


class PlaceSuggestion(BaseModel):
    """One suggestion for an area field: put `value` in the field; show `label`."""

    value: str = Field(description="What to enter as the area: resolves to this one place, e.g. 'Ashford, Kent'.")
    label: str = Field(description="The place with its county, e.g. 'Ashford, Kent'.")
    county: str = Field(description="The ceremonial county (or group of counties) it lies in, e.g. 'Kent'.")
    kind: str = Field(description="town, district, unitary, council, county or group.")


@router.get("/places", response_model=list[PlaceSuggestion], tags=["places"], summary="Places starting with what was typed")
async def suggest_places(
    q: Annotated[str, Query(min_length=1, max_length=100, description="The start of a town, village, authority or county.")],
) -> list[PlaceSuggestion]:
    """Up to 10 towns, villages, local authorities and counties of England and Wales whose name starts
    with `q`, exact names first, then the largest: for suggestions as you type an area. A name in
    several counties comes once per county ("Ashford, Kent", "Ashford, Surrey"). Public: no personal data."""
    return [
        PlaceSuggestion(value=s.value, label=s.label, county=s.county, kind=s.kind)
        for s in places.suggest_places(q, limit=10)
    ]
