"""Quotes: what a referral costs from the price list in force on its referral date, and the price
snapshotted onto it at acceptance (which later price lists never change)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ratecard.accounts.models import User
from ratecard.billing import prices
from ratecard.billing.money import money
from ratecard.billing.models import PriceEntry, PriceList, ReferralPrice
from ratecard.billing.schemas import QuoteLine, QuoteOut
from ratecard.billing.vat import vat_pence
from ratecard.catalogue.models import Service, ServiceOption
from ratecard.referrals import service as referrals
from ratecard.referrals.models import Referral


def units_bought(*, unit: str, referral: Referral, service: Service, option: ServiceOption | None) -> Decimal | None:
    """How many units of `unit` the referral buys: the option's (or service's) sessions or hours, the MSRP
    modules chosen, one referral; None when the catalogue prints no number for that unit."""
    # The order delivery's budget counts them in (delivery.service.bought): MSRP choice, option, service.
    sessions = referral.msrp_sessions or (option.sessions if option else None) or service.sessions
    if unit == "per_referral":
        return Decimal(1)
    if unit == "per_session":
        return Decimal(sessions) if sessions else None
    if unit == "per_hour":
        hours = (option.hours if option else None) or service.total_hours
        if hours:
            return Decimal(str(hours))
        minutes = (option.session_minutes if option else None) or service.session_minutes
        return (Decimal(sessions * minutes) / 60).quantize(Decimal("0.01")) if sessions and minutes else None
    if unit == "per_module":
        return Decimal(len(referral.msrp_modules)) if referral.msrp_modules else None
    if unit == "per_day":
        return Decimal(service.rar_days) if service.rar_days else None
    return None


def net_of(units: Decimal, unit_price_pence: int) -> int:
    """Units x unit price, rounded half-up to the penny (hours may be fractional)."""
    return int((units * unit_price_pence).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def line_for(*, entry: PriceEntry | ReferralPrice, referral: Referral, service: Service,
             option: ServiceOption | None, units: Decimal | None = None) -> QuoteLine:
    """One quote line for `entry`: units (at least the minimum) x unit price, its VAT and total."""
    notes: list[str] = []
    if units is None:
        units = units_bought(unit=entry.unit, referral=referral, service=service, option=option)
    if units is None:
        notes.append("The brochure prints no number of units for this option: quoted for one.")
        units = Decimal(1)
    minimum = Decimal(entry.minimum_units) if entry.minimum_units is not None else None
    if minimum is not None and units < minimum:
        notes.append(f"Minimum charge of {units_text(minimum)} {unit_words(entry.unit, minimum)}.")
        units = minimum
    rule = entry.charge_rule or {}
    if rule.get("kind") == "cancellation_after_registration":
        notes.append(f"{money(int(rule['amount_pence']))} is charged if cancelled after registration.")
    net = net_of(units, entry.unit_price_pence)
    vat = vat_pence(net, entry.vat_rate)
    return QuoteLine(
        service_id=service.id, option_id=option.id if option else None,
        description=service.name + (f": {option.name}" if option else ""),
        unit=entry.unit, units=units, unit_price_pence=entry.unit_price_pence, net_pence=net,
        vat_rate=entry.vat_rate, vat_pence=vat, total_pence=net + vat, minimum_units=minimum, notes=notes,
    )


_UNIT_WORDS = {"per_referral": ("referral", "referrals"), "per_session": ("session", "sessions"),
               "per_hour": ("hour", "hours"), "per_module": ("module", "modules"), "per_day": ("day", "days")}


def unit_words(unit: str, count: Decimal | int = 2) -> str:
    """The unit in words: 'hour' or 'hours'."""
    one, many = _UNIT_WORDS.get(unit, (unit, unit))
    return one if Decimal(count) == 1 else many


def units_text(units: Decimal | int) -> str:
    """A number of units without trailing zeros: 4, 1.5."""
    return format(Decimal(units).normalize(), "f")


def conditions(entry: PriceEntry) -> list[str]:
    """An entry's conditions beside its unit price, in words: its minimum and its cancellation charge."""
    found = []
    if entry.minimum_units is not None:
        found.append(f"minimum {units_text(entry.minimum_units)} {unit_words(entry.unit, entry.minimum_units)}")
    if (entry.charge_rule or {}).get("kind") == "cancellation_after_registration":
        found.append(f"{money(int(entry.charge_rule['amount_pence']))} if cancelled after registration")
    return found


def period_words(price_list: PriceList) -> str:
    """'from 1 January 2027 to 31 March 2027' or 'from 1 January 2027, open-ended'."""
    start = f"{price_list.valid_from:%-d %B %Y}"
    return f"from {start} to {price_list.valid_to:%-d %B %Y}" if price_list.valid_to else f"from {start}, open-ended"


def snapshot_of(*, session: Session, referral_id: int) -> ReferralPrice | None:
    """The price snapshotted onto the referral at acceptance, if any."""
    return session.get(ReferralPrice, referral_id)


def quote_for(*, session: Session, referral: Referral) -> QuoteOut:
    """The quote of a referral the caller may see: its snapshot once accepted, else the list in force."""
    service = session.get(Service, referral.service_id)
    option = session.get(ServiceOption, referral.option_id) if referral.option_id else None
    assert service is not None
    on = referral.referral_date
    snapshot = snapshot_of(session=session, referral_id=referral.id)
    if snapshot is not None:
        price_list = session.get(PriceList, snapshot.price_list_id)
        line = line_for(entry=snapshot, referral=referral, service=service, option=option,
                        units=Decimal(snapshot.units_bought))
        return _totals(QuoteOut(referral_id=referral.id, price_list_id=snapshot.price_list_id,
                                price_list_title=price_list.title if price_list else None,
                                example=bool(price_list and price_list.example), on=on, lines=[line],
                                snapshotted=True))
    price_list = prices.in_force(session=session, provider_id=referral.provider_id, on=on)
    if price_list is None:
        return QuoteOut(referral_id=referral.id, price_list_id=None, on=on,
                        message=f"No price list of this provider is in force on {on:%-d %B %Y}, so there is no quote.")
    entry = _entry_in(session, price_list.id, service.id, option.id if option else None)
    if entry is None:
        return QuoteOut(referral_id=referral.id, price_list_id=price_list.id, price_list_title=price_list.title,
                        example=price_list.example, on=on,
                        message=f"The price list in force on {on:%-d %B %Y} has no price for this "
                                + ("option." if option else "service."))
    line = line_for(entry=entry, referral=referral, service=service, option=option)
    return _totals(QuoteOut(referral_id=referral.id, price_list_id=price_list.id, price_list_title=price_list.title,
                            example=price_list.example, on=on, lines=[line]))


def quote(*, session: Session, user: User, referral_id: int) -> QuoteOut:
    """The quote of one referral the user may see (another's referral is not found)."""
    referral = referrals.get_referral(session=session, user=user, referral_id=referral_id, channel="api")
    return quote_for(session=session, referral=referral)


def _entry_in(session: Session, price_list_id: int, service_id: str, option_id: str | None) -> PriceEntry | None:
    option_clause = PriceEntry.option_id.is_(None) if option_id is None else PriceEntry.option_id == option_id
    return session.scalar(select(PriceEntry).where(
        PriceEntry.price_list_id == price_list_id, PriceEntry.service_id == service_id, option_clause))


def _totals(out: QuoteOut) -> QuoteOut:
    out.net_pence = sum(line.net_pence for line in out.lines)
    out.vat_pence = sum(line.vat_pence for line in out.lines)
    out.total_pence = sum(line.total_pence for line in out.lines)
    return out
