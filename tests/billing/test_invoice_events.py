"""The billable-event rules, as pure functions over delivery facts and a referral's price snapshot."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ratecard.billing.events import Facts, Price, Session, billable_by, cancellation_charge, events_of

T0 = dt.datetime(2027, 1, 4, 10, 0, tzinfo=dt.UTC)


def _sessions(*attended: str | None, minutes: int = 60, gap_days: int = 1) -> tuple[Session, ...]:
    return tuple(Session(i + 1, T0 + dt.timedelta(days=i * gap_days), minutes, a) for i, a in enumerate(attended))


def _price(unit: str, **overrides) -> Price:
    return Price(**({"unit": unit, "unit_price_pence": 12_345, "vat_rate": "standard"} | overrides))


@pytest.mark.parametrize(("unit", "expected"), [
    ("per_session", [("session", "appointment:1"), ("session", "appointment:2"), ("session", "appointment:4")]),
    ("per_referral", [("referral", "first_session")]),
    ("per_hour", [("hours", "appointment:1"), ("hours", "appointment:2"), ("hours", "appointment:4")]),
])
def test_it_bills_only_attended_or_late_sessions(unit, expected):
    facts = Facts(7, _sessions("yes", "late", "no", "yes", None))
    assert [(e.kind, e.source) for e in events_of(facts, _price(unit))] == expected


def test_it_bills_a_per_referral_price_when_the_first_session_is_attended():
    assert list(events_of(Facts(7, _sessions("no", None)), _price("per_referral"))) == []
    (event,) = events_of(Facts(7, _sessions("no", "yes", "yes")), _price("per_referral"))
    assert (event.occurred_at, event.units, event.net_pence) == (T0 + dt.timedelta(days=1), 1, 12_345)


@pytest.mark.parametrize(("minutes", "minimum", "units", "net"), [
    (90, None, Decimal("1.5"), 18_518),  # 1.5 x 123.45 = 185.175 -> £185.18, half-up
    (30, Decimal(1), Decimal(1), 12_345),  # the RJ hourly rate's one-hour minimum
    (45, None, Decimal("0.75"), 9_259),
    (120, Decimal(1), Decimal(2), 24_690),
])
def test_it_bills_hours_delivered_respecting_the_minimum(minutes, minimum, units, net):
    (event,) = events_of(Facts(7, _sessions("yes", minutes=minutes)), _price("per_hour", minimum_units=minimum))
    assert (event.units, event.net_pence) == (units, net)


def test_it_bills_each_started_module_once():
    price = _price("per_module", units_bought=Decimal(3))
    six_bought = {"sessions_bought": 6}  # two sessions a module
    assert [e.source for e in events_of(Facts(7, _sessions("yes")), price, **six_bought)] == ["module:1"]
    assert [e.source for e in events_of(Facts(7, _sessions("yes", "yes", "yes")), price, **six_bought)] == [
        "module:1", "module:2"]
    everything = Facts(7, _sessions(*["yes"] * 9))
    assert [e.source for e in events_of(everything, price, **six_bought)] == ["module:1", "module:2", "module:3"]


def test_it_bills_each_distinct_day_attended_once():
    two_a_day = tuple(Session(i + 1, T0 + dt.timedelta(hours=i * 2 + (24 if i >= 2 else 0)), 60, "yes") for i in range(4))
    assert [e.source for e in events_of(Facts(7, two_a_day), _price("per_day"))] == ["day:2027-01-04", "day:2027-01-05"]


@pytest.mark.parametrize(("registered", "recorded", "rule", "charge"), [
    (True, 10_000, None, 10_000),  # KSS CSCS: £100 recorded at cancellation after registration
    (True, None, {"kind": "cancellation_after_registration", "amount_pence": 7_500}, 7_500),  # the snapshot's rule
    (False, None, {"kind": "cancellation_after_registration", "amount_pence": 7_500}, None),  # before registration
    (True, None, None, None),  # nothing charged for this service
])
def test_it_charges_a_cancellation_only_after_registration(registered, recorded, rule, charge):
    cancelled = T0 + dt.timedelta(days=10)
    facts = Facts(7, (), cancelled_at=cancelled, registered_at=T0 if registered else None,
                  cancellation_charge_pence=recorded)
    price = _price("per_session", charge_rule=rule, vat_rate="exempt")
    assert cancellation_charge(facts, price) == charge
    found = [(e.kind, e.unit_price_pence, e.vat_pence) for e in events_of(facts, price)]
    assert found == ([("cancellation", charge, 0)] if charge else [])


def test_it_works_vat_per_event_half_up_to_the_penny():
    # 20% of £0.03 is 0.6p -> 1p; of £0.02 is 0.4p -> 0p.
    assert [e.vat_pence for e in events_of(Facts(1, _sessions("yes")), _price("per_session", unit_price_pence=3))] == [1]
    assert [e.vat_pence for e in events_of(Facts(1, _sessions("yes")), _price("per_session", unit_price_pence=2))] == [0]


def test_it_keeps_only_the_events_before_the_end_of_the_month():
    found = list(events_of(Facts(7, _sessions("yes", "yes", gap_days=30)), _price("per_session")))
    assert [e.source for e in billable_by(found, until=dt.datetime(2027, 2, 1, tzinfo=dt.UTC))] == ["appointment:1"]
