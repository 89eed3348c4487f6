"""VAT rates, read once from data/billing/vat.yaml (reviewed data, with its HMRC source), and VAT per line."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel

VAT_FILE = Path(__file__).resolve().parents[3] / "data" / "billing" / "vat.yaml"


class VatRate(BaseModel):
    """One VAT rate: its code, the words shown and the percentage."""

    code: str
    label: str
    percent: Decimal


class VatRates(BaseModel):
    """The rates of data/billing/vat.yaml and where they come from."""

    source: str
    rates: list[VatRate]


@lru_cache(maxsize=1)
def rates() -> dict[str, VatRate]:
    """Every VAT rate by code."""
    import yaml

    data = VatRates.model_validate(yaml.safe_load(VAT_FILE.read_text(encoding="utf-8")))
    return {rate.code: rate for rate in data.rates}


def vat_pence(net_pence: int, rate: str) -> int:
    """The VAT on one line of `net_pence` at `rate`, worked in Decimal and rounded half-up to the penny."""
    found = rates().get(rate)
    if found is None:
        raise KeyError(f"unknown VAT rate {rate!r}")
    return int((Decimal(net_pence) * found.percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
