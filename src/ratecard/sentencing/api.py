"""REST API of the sentencing guide: thin routes over sentencing.service. Public: no personal data."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ratecard.sentencing import service
from ratecard.sentencing.schemas import CheckResult, Day, Order, RequirementsOut

router = APIRouter(prefix="/api/v1/sentencing", tags=["sentencing"])


@router.post("/check", response_model=CheckResult, summary="Whether a proposed community or suspended sentence order is lawful")
async def check(order: Order) -> CheckResult:
    """Every problem with a proposed order: `error` (unlawful) or `warning` (lawful, but against the
    guideline or needing something recorded), each with the requirement it concerns and its source.
    `valid` is true when there is no error. An order the schema accepts but whose fields contradict
    each other (a sentence date before the conviction date, hours on a curfew) is answered 422 with
    the field named. Nothing is stored."""
    return service.check(order=order)


@router.get("/requirements", response_model=RequirementsOut, summary="The requirements and their limits for a conviction date")
async def requirements(
    conviction_date: Annotated[Day, Query(description="The conviction date: it decides which limits apply.")],
) -> RequirementsOut:
    """Every requirement of Schedule 9 with its limits, conditions and sources as they stand for a
    conviction on `conviction_date`, the guideline's suggestions and providers' local advice."""
    return service.requirements_for(day=conviction_date)
