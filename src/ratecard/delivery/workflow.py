"""The action plan's lifecycle: one transition table that every change of a plan is checked against."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ratecard.accounts.service import Role


class PlanStatus(StrEnum):
    """Where an action plan has got to."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"


class PlanAction(StrEnum):
    """A named change of an action plan."""

    SUBMIT = "submit"
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"


@dataclass(frozen=True)
class PlanTransition:
    """Which statuses an action leaves from, where it goes, who may take it, whether it needs a reason."""

    sources: frozenset[PlanStatus]
    target: PlanStatus
    roles: frozenset[Role]
    needs_reason: bool = False


PROVIDER = frozenset({Role.HUB, Role.CASEWORKER, Role.ADMIN})
PRACTITIONER = frozenset({Role.PRACTITIONER, Role.ADMIN})

PLAN_TRANSITIONS: dict[PlanAction, PlanTransition] = {
    PlanAction.SUBMIT: PlanTransition(frozenset({PlanStatus.DRAFT}), PlanStatus.SUBMITTED, PROVIDER),
    PlanAction.APPROVE: PlanTransition(frozenset({PlanStatus.SUBMITTED}), PlanStatus.APPROVED, PRACTITIONER),
    PlanAction.REQUEST_CHANGES: PlanTransition(
        frozenset({PlanStatus.SUBMITTED}), PlanStatus.CHANGES_REQUESTED, PRACTITIONER, needs_reason=True
    ),
}
# A plan in one of these is still being decided: no second plan may be started beside it.
OPEN_PLAN = frozenset({PlanStatus.DRAFT, PlanStatus.SUBMITTED})
