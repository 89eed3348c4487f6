"""What domains above the referrals add to the referral pages, without the referrals importing them.

Delivery sits above the referrals (tests/test_layers.py), yet the practitioner's dashboard and the
referral page show its alerts. So the referral pages ask this registry, and delivery registers its
providers here when its web module is loaded (the app mounts it): the dependency points upwards only
at run time, through plain functions, never through an import.

A transition listener is told of a referral's status change inside the transaction that made it
(billing snapshots the price when the hub accepts), so it commits or rolls back with the change.

A row-facts provider answers for a whole page of referrals at once, so it can read them in a fixed
number of queries; a panel provider answers for one referral the page already checked the user may see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from ratecard.db import utc_now


@dataclass(frozen=True)
class Fact:
    """A short fact about a referral for a list row: an alert if it needs attention, else information."""

    text: str
    attention: bool = False


@dataclass(frozen=True)
class Panel:
    """A block of the referral page: a heading, rows of (label, value), alerts and a link to more."""

    title: str
    rows: list[tuple[str, str]]
    alerts: list[str] = field(default_factory=list)
    link: tuple[str, str] | None = None  # (address, words)
    heading: str | None = None  # the block's heading when "<title> so far" does not fit (a quote)


RowFacts = Callable[[Session, Sequence[int], dt.datetime], dict[int, list[Fact]]]
PanelOf = Callable[[Session, int, dt.datetime], Panel | None]
# (session, the referral after the change, the action's name, the user, now)
TransitionListener = Callable[[Session, Any, str, Any, dt.datetime], None]

# By name, so registering again (each app made in the tests) replaces rather than repeats.
_row_facts: dict[str, RowFacts] = {}
_panels: dict[str, PanelOf] = {}
_listeners: dict[str, TransitionListener] = {}


def register_row_facts(name: str, provider: RowFacts) -> None:
    """Add (or replace) a provider of facts for list rows: (session, referral ids, now) -> {id: [Fact]}."""
    _row_facts[name] = provider


def register_panel(name: str, provider: PanelOf) -> None:
    """Add (or replace) a provider of a referral page's panel: (session, referral id, now) -> Panel or None."""
    _panels[name] = provider


def register_transition_listener(name: str, listener: TransitionListener) -> None:
    """Add (or replace) a listener told of every status change: (session, referral, action, user, now)."""
    _listeners[name] = listener


def transitioned(*, session: Session, referral: Any, action: str, user: Any, now: dt.datetime) -> None:
    """Tell every listener of a status change, inside the transaction that made it."""
    for listener in _listeners.values():
        listener(session, referral, action, user, now)


def row_facts(*, session: Session, referral_ids: Sequence[int], now: dt.datetime | None = None) -> dict[int, list[Fact]]:
    """Every provider's facts for the referrals `referral_ids` (already those the user may see)."""
    now = utc_now(now)
    found: dict[int, list[Fact]] = {}
    if not referral_ids:
        return found
    for provider in _row_facts.values():
        for referral_id, facts in provider(session, referral_ids, now).items():
            found.setdefault(referral_id, []).extend(facts)
    return found


def needing_attention(facts: dict[int, list[Fact]]) -> int:
    """How many of the referrals have a fact that needs attention."""
    return sum(1 for listed in facts.values() if any(f.attention for f in listed))


def panels(*, session: Session, referral_id: int, now: dt.datetime | None = None) -> list[Panel]:
    """Every provider's panel for one referral the caller has checked the user may see."""
    now = utc_now(now)
    return [p for provider in _panels.values() if (p := provider(session, referral_id, now)) is not None]
