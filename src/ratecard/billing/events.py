"""What a referral's delivery makes billable, as pure functions over the delivery facts and the price
snapshotted at acceptance: which events, how many units each, and their net and VAT.

Each event has a key (kind, source) unique per referral, so the invoice run can write every event
it finds with ON CONFLICT DO NOTHING and the same session, module or cancellation is billed once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ratecard.billing.quotes import net_of
from ratecard.billing.vat import vat_pence

ATTENDED = ("yes", "late")  # a late arrival is still a session delivered


@dataclass(frozen=True)
class Price:
    """The part of a referral's price snapshot the rules read."""

    unit: str  # per_referral | per_session | per_hour | per_module | per_day
    unit_price_pence: int
    vat_rate: str
    minimum_units: Decimal | None = None
    charge_rule: dict | None = None
    units_bought: Decimal | None = None


@dataclass(frozen=True)
class Session:
    """An attended (or not) session of the referral: what delivery recorded."""

    appointment_id: int
    starts_at: dt.datetime
    duration_minutes: int
    attended: str | None  # yes | late | no | None (no feedback yet)


@dataclass(frozen=True)
class Facts:
    """What happened on one referral, as far as billing cares."""

    referral_id: int
    sessions: tuple[Session, ...] = ()
    cancelled_at: dt.datetime | None = None
    registered_at: dt.datetime | None = None  # e.g. registered for the CSCS test
    cancellation_charge_pence: int | None = None  # recorded by referrals.cancel after registration


@dataclass(frozen=True)
class Event:
    """One billable thing: what, from which fact, when, how many units at what price."""

    referral_id: int
    kind: str  # referral | session | hours | module | day | cancellation
    source: str  # the fact it comes from: "appointment:12", "module:2", "day:2027-01-05", "cancellation"
    occurred_at: dt.datetime
    units: Decimal
    unit_price_pence: int
    vat_rate: str

    @property
    def net_pence(self) -> int:
        """Units times the unit price, rounded half-up to the penny."""
        return net_of(Decimal(self.units), self.unit_price_pence)

    @property
    def vat_pence(self) -> int:
        """VAT on this event's net at its rate."""
        return vat_pence(self.net_pence, self.vat_rate)


def _attended(facts: Facts) -> list[Session]:
    return sorted((s for s in facts.sessions if s.attended in ATTENDED), key=lambda s: (s.starts_at, s.appointment_id))


def _hours(minutes: int, minimum: Decimal | None) -> Decimal:
    hours = (Decimal(minutes) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return max(hours, minimum) if minimum is not None else hours


def _sessions_per_module(price: Price, sessions_bought: int | None) -> int:
    """Module n starts with the first session of its share of the sessions bought (sessions bought /
    modules bought, at least one session a module)."""
    modules = max(1, int(price.units_bought or 1))
    return max(1, (sessions_bought or modules) // modules)


def events_of(facts: Facts, price: Price, *, sessions_bought: int | None = None) -> Iterator[Event]:
    """Every event the facts make billable under the price (whether already billed or not)."""
    attended = _attended(facts)
    one = Decimal(1)

    def event(kind: str, source: str, at: dt.datetime, units: Decimal = one) -> Event:
        return Event(facts.referral_id, kind, source, at, units, price.unit_price_pence, price.vat_rate)

    if price.unit == "per_referral" and attended:
        yield event("referral", "first_session", attended[0].starts_at)
    elif price.unit == "per_session":
        for s in attended:
            yield event("session", f"appointment:{s.appointment_id}", s.starts_at)
    elif price.unit == "per_hour":
        for s in attended:
            yield event("hours", f"appointment:{s.appointment_id}", s.starts_at, _hours(s.duration_minutes, price.minimum_units))
    elif price.unit == "per_module":
        per_module = _sessions_per_module(price, sessions_bought)
        modules = max(1, int(price.units_bought or 1))
        for n, first in enumerate(attended[::per_module][:modules], start=1):
            yield event("module", f"module:{n}", first.starts_at)
    elif price.unit == "per_day":
        days: dict[dt.date, dt.datetime] = {}
        for s in attended:
            days.setdefault(s.starts_at.date(), s.starts_at)
        for day, at in days.items():
            yield event("day", f"day:{day.isoformat()}", at)
    charge = cancellation_charge(facts, price)
    if charge is not None and facts.cancelled_at is not None:
        yield Event(facts.referral_id, "cancellation", "cancellation", facts.cancelled_at, one, charge, price.vat_rate)


def cancellation_charge(facts: Facts, price: Price) -> int | None:
    """The charge of a cancellation after registration: the snapshot's rule when it has one, else what
    the referral recorded when it was cancelled (the brochure's charge, KSS CSCS's £100). None when it
    was not cancelled, or cancelled before registration (nothing is charged then)."""
    if facts.cancelled_at is None or facts.registered_at is None or facts.registered_at > facts.cancelled_at:
        return None
    rule = price.charge_rule or {}
    if rule.get("kind") == "cancellation_after_registration" and rule.get("amount_pence") is not None:
        return int(rule["amount_pence"])
    return facts.cancellation_charge_pence


def billable_by(events: Iterable[Event], *, until: dt.datetime) -> list[Event]:
    """The events that happened before `until` (the end of the month invoiced)."""
    return [e for e in events if e.occurred_at < until]
