"""REST API of eligibility: thin routes over eligibility.service."""

from __future__ import annotations

from fastapi import APIRouter

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
