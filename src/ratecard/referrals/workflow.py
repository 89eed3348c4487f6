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
    CANCELLED = "cancelled"  # ended after acceptance with no session attended (charges may apply)


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
    """Which statuses an action leaves from, where it goes, who may do it, whether it needs a reason,
    and which coded list of data/referrals/reasons.yaml that reason comes from."""

    sources: frozenset[Status]
    target: Status
    roles: frozenset[Role]
    needs_reason: bool = False
    reasons: str | None = None  # "withdraw" or "end": the reason is a code of that list


PRACTITIONERS = frozenset({Role.PRACTITIONER, Role.ADMIN})  # who makes referrals
_HUB = frozenset({Role.HUB, Role.ADMIN})
_DELIVERY = frozenset({Role.HUB, Role.CASEWORKER, Role.ADMIN})
_BOTH_SIDES = PRACTITIONERS | _DELIVERY
# Accepted and not yet ended: the hub may deliver, and either side may ask to end it.
BEING_DELIVERED = frozenset({Status.ACCEPTED, Status.ALLOCATED, Status.IN_PROGRESS})

TRANSITIONS: dict[Action, Transition] = {
    Action.SUBMIT: Transition(frozenset({Status.DRAFT}), Status.REFERRED, PRACTITIONERS),
    Action.TRANSFER: Transition(frozenset({Status.REFERRED}), Status.TRANSFERRED, PRACTITIONERS),
    Action.ACCEPT: Transition(frozenset({Status.TRANSFERRED}), Status.ACCEPTED, _HUB),
    Action.REJECT: Transition(frozenset({Status.TRANSFERRED}), Status.REJECTED, _HUB, needs_reason=True),
    Action.ALLOCATE: Transition(frozenset({Status.ACCEPTED}), Status.ALLOCATED, _HUB),
    Action.START: Transition(frozenset({Status.ALLOCATED}), Status.IN_PROGRESS, _DELIVERY),
    # How an accepted referral ends is decided by what was delivered (delivery/ending.py applies the
    # one rule of delivery/outcomes.py::end_state), whichever side's request or report brings it about.
    Action.COMPLETE: Transition(BEING_DELIVERED, Status.COMPLETED, _BOTH_SIDES),
    Action.END_EARLY: Transition(BEING_DELIVERED, Status.ENDED_EARLY, _BOTH_SIDES, needs_reason=True, reasons="end"),
    Action.WITHDRAW: Transition(
        frozenset({Status.DRAFT, Status.REFERRED, Status.TRANSFERRED}), Status.WITHDRAWN, PRACTITIONERS,
        needs_reason=True, reasons="withdraw",
    ),
    Action.CANCEL: Transition(BEING_DELIVERED, Status.CANCELLED, _BOTH_SIDES, needs_reason=True, reasons="end"),
}

# Taken only by the ending rule, never by a bare request: the generic routes refuse them.
ENDED_BY_DELIVERY = frozenset({Action.COMPLETE, Action.END_EARLY, Action.CANCEL})
HOW_IT_ENDS = (
    "A referral the provider has accepted now ends by what was delivered: ask to end it on its delivery page "
    "(POST /api/v1/referrals/{id}/end-request, with a coded reason). It is cancelled at once if no session was "
    "attended, otherwise it ends early or completes once the provider's end-of-service report is in."
)

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
    """The actions `role` may request on a referral in `status` (the ending rule's own are not requested)."""
    return [action for action, t in TRANSITIONS.items()
            if status in t.sources and role in t.roles and action not in ENDED_BY_DELIVERY]


def actions_from(status: Status) -> list[Action]:
    """Every action the table lets someone request from `status`."""
    return [action for action, t in TRANSITIONS.items() if status in t.sources and action not in ENDED_BY_DELIVERY]


def being_delivered(status: Status) -> bool:
    """Whether a referral in `status` is accepted and not yet ended (so it may be asked to end)."""
    return status in BEING_DELIVERED
