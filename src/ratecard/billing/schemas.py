"""What billing's API reads and answers: price lists, their entries and quotes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Unit = Literal["per_referral", "per_session", "per_hour", "per_module", "per_day"]
VatRateCode = Literal["standard", "reduced", "zero", "exempt"]
PriceListStatus = Literal["draft", "published", "superseded"]


class QuoteLine(BaseModel):
    """One line of a quote: what is bought, how many units, at what price, with VAT."""

    service_id: str
    option_id: str | None
    description: str
    unit: Unit
    units: Decimal
    unit_price_pence: int
    net_pence: int
    vat_rate: VatRateCode
    vat_pence: int
    total_pence: int
    minimum_units: Decimal | None = None
    notes: list[str] = Field(default_factory=list)


class QuoteOut(BaseModel):
    """A referral's quote from the price list in force on its referral date (or why there is none)."""

    referral_id: int
    price_list_id: int | None
    price_list_title: str | None = None
    example: bool = False
    on: dt.date
    lines: list[QuoteLine] = Field(default_factory=list)
    net_pence: int = 0
    vat_pence: int = 0
    total_pence: int = 0
    snapshotted: bool = False  # True once acceptance fixed the price
    message: str | None = None


class ChargeRule(BaseModel):
    """A charge the brochure prints beside the unit price (CSCS: £100 if cancelled after registration)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["cancellation_after_registration"]
    amount_pence: int = Field(ge=0)


class PriceEntryIn(BaseModel):
    """One entry of a draft price list, as the API takes it (amounts in integer pence)."""

    model_config = ConfigDict(extra="forbid")

    service_id: str = Field(min_length=1, max_length=200)
    option_id: str | None = Field(default=None, max_length=400)
    unit: Unit
    unit_price_pence: int = Field(ge=0, le=100_000_000)
    vat_rate: VatRateCode = "standard"
    minimum_units: Decimal | None = Field(default=None, ge=0, le=Decimal("999999.99"), decimal_places=2)
    charge_rule: ChargeRule | None = None
    note: str | None = Field(default=None, max_length=500)


class PriceEntryOut(PriceEntryIn):
    """One entry of a price list."""

    model_config = ConfigDict(from_attributes=True, extra="ignore")

    id: int


class PriceListIn(BaseModel):
    """A new draft price list for a provider, optionally with its entries."""

    model_config = ConfigDict(extra="forbid")

    provider_id: str = Field(min_length=1, max_length=16)
    title: str = Field(min_length=1, max_length=200)
    valid_from: dt.date
    valid_to: dt.date | None = None
    entries: list[PriceEntryIn] = Field(default_factory=list, max_length=2000)


class PriceEntriesIn(BaseModel):
    """Every entry of a draft price list at once (replacing those it had)."""

    model_config = ConfigDict(extra="forbid")

    entries: list[PriceEntryIn] = Field(max_length=2000)


class PriceListCsvIn(BaseModel):
    """A price list's entries as CSV text (the export's columns)."""

    model_config = ConfigDict(extra="forbid")

    csv: str = Field(max_length=2_000_000)


class PriceListHistoryOut(BaseModel):
    """One status change of a price list."""

    model_config = ConfigDict(from_attributes=True)

    from_status: str | None
    to_status: str
    at: dt.datetime
    by_user_id: int | None
    reason: str | None


class PriceListRow(BaseModel):
    """A price list in a list: no entries."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    provider_id: str
    title: str
    valid_from: dt.date
    valid_to: dt.date | None
    status: PriceListStatus
    example: bool


class PriceListOut(PriceListRow):
    """A price list, its entries and its history."""

    created_at: dt.datetime
    published_at: dt.datetime | None
    entries: list[PriceEntryOut] = Field(default_factory=list)
    history: list[PriceListHistoryOut] = Field(default_factory=list)


def rule_dict(rule: Any) -> dict[str, Any] | None:
    """A charge rule as stored (JSON), from its model or None."""
    return rule.model_dump() if rule is not None else None
