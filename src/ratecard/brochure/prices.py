"""The prices a rate card prints: each service's (or option's) entry in the price list in force, in words."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from ratecard.billing import prices as billing_prices
from ratecard.billing import vat
from ratecard.billing.models import PriceEntry, PriceList
from ratecard.billing.quotes import money, unit_words
from ratecard.brochure.schemas import PriceLine, PriceListNote
from ratecard.catalogue.schemas import ServiceOut

ON_REQUEST = "Price on request"


def _vat_words(rate: str) -> str:
    if rate == "exempt":
        return "exempt from VAT"
    found = vat.rates().get(rate)
    percent = f"{found.percent.normalize():f}%" if found else rate
    return "no VAT (zero rate)" if found and found.percent == 0 else f"plus VAT at {percent}"


def _units(value: Decimal) -> str:
    return f"{value.normalize():f}"


def price_words(entry: PriceEntry) -> str:
    """'£120.00 per session, plus VAT at 20%; at least 1 hour; £100.00 if cancelled after registration'."""
    words = [f"{money(entry.unit_price_pence)} per {unit_words(entry.unit, 1)}, {_vat_words(entry.vat_rate)}"]
    if entry.minimum_units:
        words.append(f"at least {_units(entry.minimum_units)} {unit_words(entry.unit, entry.minimum_units)}")
    rule = entry.charge_rule or {}
    if rule.get("kind") == "cancellation_after_registration":
        words.append(f"{money(int(rule['amount_pence']))} if cancelled after registration")
    return "; ".join(words)


class PriceBook:
    """The entries of a provider's price list in force on a day, read once for the whole rate card."""

    def __init__(self, *, session: Session, provider_id: str, on: dt.date) -> None:
        self.price_list: PriceList | None = billing_prices.in_force(session=session, provider_id=provider_id, on=on)
        entries = self.price_list.entries if self.price_list else []
        self._entries = {(e.service_id, e.option_id): e for e in entries}

    def note(self) -> PriceListNote | None:
        """The price list the prices come from, or None when none is in force."""
        if self.price_list is None:
            return None
        p = self.price_list
        return PriceListNote(title=p.title, valid_from=p.valid_from, valid_to=p.valid_to, example=p.example)

    def lines(self, service: ServiceOut) -> list[PriceLine]:
        """One line per orderable option (or one for the service), priced or 'Price on request'."""
        wanted = [(o.id, o.name) for o in service.options] or [(None, None)]
        lines = []
        for option_id, name in wanted:
            # An entry for the service as a whole prices each of its options alike.
            entry = self._entries.get((service.id, option_id)) or self._entries.get((service.id, None))
            lines.append(
                PriceLine(option=name, text=price_words(entry), priced=True)
                if entry else PriceLine(option=name, text=ON_REQUEST, priced=False)
            )
        return lines
