"""The referral lifecycle: one transition table that every status change is checked against."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ratecard.accounts.service import Role


class Status(StrEnum):
    """Where a referral has got to."""

    DRAFT = "draft"
    REFERRED = "referred"  # submitted by the practitioner (the NSI is added, status "Referred")
    TRANSFERRED = "transferred"  # transfer requested: with the provider's hub, unallocated
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    ALLOCATED = "allocated"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    ENDED_EARLY = "ended_early"
    WITHDRAWN = "withdrawn"  # by the practitioner before the hub accepted
    CANCELLED = "cancelled"  # by the practitioner after acceptance (charges may apply)


class Action(StrEnum):
    """A named transition."""

    SUBMIT = "submit"
    TRANSFER = "transfer"
    ACCEPT = "accept"
    REJECT = "reject"
    ALLOCATE = "allocate"
    START = "start"
    COMPLETE = "complete"
    END_EARLY = "end_early"
    WITHDRAW = "withdraw"
    CANCEL = "cancel"


@dataclass(frozen=True)
class Transition:
    """Which statuses an action leaves from, where it goes, who may do it, whether it needs a reason."""

    sources: frozenset[Status]
    target: Status
    roles: frozenset[Role]
    needs_reason: bool = False


PRACTITIONERS = frozenset({Role.PRACTITIONER, Role.ADMIN})  # who makes referrals
_HUB = frozenset({Role.HUB, Role.ADMIN})
_DELIVERY = frozenset({Role.HUB, Role.CASEWORKER, Role.ADMIN})

TRANSITIONS: dict[Action, Transition] = {
    Action.SUBMIT: Transition(frozenset({Status.DRAFT}), Status.REFERRED, PRACTITIONERS),
    Action.TRANSFER: Transition(frozenset({Status.REFERRED}), Status.TRANSFERRED, PRACTITIONERS),
    Action.ACCEPT: Transition(frozenset({Status.TRANSFERRED}), Status.ACCEPTED, _HUB),
    Action.REJECT: Transition(frozenset({Status.TRANSFERRED}), Status.REJECTED, _HUB, needs_reason=True),
    Action.ALLOCATE: Transition(frozenset({Status.ACCEPTED}), Status.ALLOCATED, _HUB),
    Action.START: Transition(frozenset({Status.ALLOCATED}), Status.IN_PROGRESS, _DELIVERY),
    Action.COMPLETE: Transition(frozenset({Status.IN_PROGRESS}), Status.COMPLETED, _DELIVERY),
    Action.END_EARLY: Transition(
        frozenset({Status.ALLOCATED, Status.IN_PROGRESS}), Status.ENDED_EARLY, _DELIVERY, needs_reason=True
    ),
    Action.WITHDRAW: Transition(
        frozenset({Status.DRAFT, Status.REFERRED, Status.TRANSFERRED}), Status.WITHDRAWN, PRACTITIONERS, needs_reason=True
    ),
    Action.CANCEL: Transition(
        frozenset({Status.ACCEPTED, Status.ALLOCATED, Status.IN_PROGRESS}), Status.CANCELLED, PRACTITIONERS,
        needs_reason=True,
    ),
}

TERMINAL = frozenset(
    {Status.REJECTED, Status.COMPLETED, Status.ENDED_EARLY, Status.WITHDRAWN, Status.CANCELLED}
)
# Statuses in which a referral still holds the person's place on the service.
OPEN_STATUSES = tuple(s.value for s in Status if s not in TERMINAL)
# Statuses that count as having bought a service: anything but a draft or one that came to nothing.
TAKEN_STATUSES = tuple(
    s.value for s in Status if s not in {Status.DRAFT, Status.REJECTED, Status.WITHDRAWN, Status.CANCELLED}
)

# Registration (a charge may follow a later cancellation) is recorded by the provider during delivery.
REGISTRATION_ROLES = _DELIVERY
REGISTRATION_STATUSES = frozenset({Status.ACCEPTED, Status.ALLOCATED, Status.IN_PROGRESS})


def may_record_registration(status: Status, role: Role) -> bool:
    """Whether `role` may record registration on a referral in `status`."""
    return role in REGISTRATION_ROLES and status in REGISTRATION_STATUSES


def allowed_actions(status: Status, role: Role) -> list[Action]:
    """The actions `role` may take on a referral in `status`."""
    return [action for action, t in TRANSITIONS.items() if status in t.sources and role in t.roles]


def actions_from(status: Status) -> list[Action]:
    """Every action the table allows from `status`, whoever takes it."""
    return [action for action, t in TRANSITIONS.items() if status in t.sources]
