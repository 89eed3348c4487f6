"""The price-list lifecycle: one transition table that every status change is checked against."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ListStatus(StrEnum):
    """Where a price list has got to."""

    DRAFT = "draft"  # being written: entries may change
    PUBLISHED = "published"  # in force for its validity: never edited again
    # A newer list took over from a date: the list's end was brought forward to the day before; it is
    # still the price of the days it covered (quotes of referrals dated then read it).
    SUPERSEDED = "superseded"


class ListAction(StrEnum):
    """A named transition of a price list."""

    PUBLISH = "publish"
    SUPERSEDE = "supersede"


@dataclass(frozen=True)
class Transition:
    """Which statuses an action leaves from and where it goes."""

    sources: frozenset[ListStatus]
    target: ListStatus


TRANSITIONS: dict[ListAction, Transition] = {
    ListAction.PUBLISH: Transition(frozenset({ListStatus.DRAFT}), ListStatus.PUBLISHED),
    # A superseded list can be superseded again by a list starting earlier still within its days.
    ListAction.SUPERSEDE: Transition(frozenset({ListStatus.PUBLISHED, ListStatus.SUPERSEDED}), ListStatus.SUPERSEDED),
}

# Lists that are (or were) prices in force for their validity: drafts never are.
LIVE_STATUSES = (ListStatus.PUBLISHED.value, ListStatus.SUPERSEDED.value)
