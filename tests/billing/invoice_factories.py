"""Factories for invoices: a referral of CLN with a price snapshotted on it, and sessions delivered."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from ratecard.accounts.models import User
from ratecard.billing.models import PriceEntry, PriceList, ReferralPrice
from ratecard.delivery import service as delivery
from ratecard.delivery.models import Appointment
from ratecard.referrals.models import Referral
from tests.delivery import factories as f

MONTH = "2026-11"  # the month of tests.delivery.factories' clock (accepted 2 Nov, now 30 Nov)


def priced(session: Session, referral: Referral, *, unit: str = "per_session", unit_price_pence: int = 12_345,
           vat_rate: str = "standard", minimum_units: Decimal | None = None, charge_rule: dict | None = None,
           units_bought: Decimal = Decimal(4)) -> ReferralPrice:
    """Snapshot a price onto `referral` (replacing one taken at acceptance), from a published list of its provider."""
    # Ended with 2026: in the shared committed database of the race tests, the price-list tests' own
    # far-off years never overlap these.
    price_list = PriceList(provider_id=referral.provider_id, title="Test prices", valid_from=dt.date(2026, 1, 1),
                           valid_to=dt.date(2026, 12, 31), status="published", example=False, created_at=f.ACCEPTED)
    entry = PriceEntry(price_list=price_list, service_id=referral.service_id, option_id=referral.option_id, unit=unit,
                       unit_price_pence=unit_price_pence, vat_rate=vat_rate, minimum_units=minimum_units,
                       charge_rule=charge_rule)
    session.add_all([price_list, entry])
    session.flush()
    values: dict[str, Any] = {
        "price_list_id": price_list.id, "price_entry_id": entry.id, "service_id": referral.service_id,
        "option_id": referral.option_id, "unit": unit, "unit_price_pence": unit_price_pence, "vat_rate": vat_rate,
        "minimum_units": minimum_units, "charge_rule": charge_rule, "units_bought": units_bought,
        "snapshotted_at": f.ACCEPTED,
    }
    snapshot = session.get(ReferralPrice, referral.id)
    if snapshot is None:
        snapshot = ReferralPrice(referral_id=referral.id, **values)
        session.add(snapshot)
    else:
        for key, value in values.items():
            setattr(snapshot, key, value)
    session.flush()
    return snapshot


def delivered(session: Session, people: dict[str, User], referral: Referral, *attended: str,
              minutes: int = 60, first_day: int = 7) -> list[Appointment]:
    """Sessions on days `first_day`, +1, +2... after acceptance, each with feedback `attended` (yes, late or no)."""
    found = []
    for n, came in enumerate(attended):
        appointment = f.booked(session, people["cw"], referral, day=first_day + n, duration_minutes=minutes)
        extra = {"late_reason": "Bus was late."} if came == "late" else {}
        if came == "no":
            extra = {"absence": "pop_acceptable", "absence_detail": "Ill."}
        delivery.record_feedback(session=session, user=people["cw"], appointment_id=appointment.id,
                                 data=f.feedback(attended=came, **extra), now=f.NOW)
        found.append(appointment)
    return found
