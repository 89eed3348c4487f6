"""Money as people type and read it: '12.50' or '£1,234.56' to integer pence, and back. Never float."""

from __future__ import annotations

import re
from decimal import Decimal

# Pounds with optional thousands commas and up to two decimals: 12, 12.5, 12.50, 1,234.56, £100.
_AMOUNT = re.compile(r"^£?(?P<pounds>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<pence>\d{1,2}))?$")
MOST_PENCE = 100_000_000  # £1,000,000: no unit price of a rehabilitation service comes near it


def parse_pence(text: str) -> int:
    """Integer pence from an amount in pounds such as '12.50'; ValueError in plain words otherwise."""
    cleaned = text.strip().replace(" ", "")
    if cleaned.startswith(("-", "£-", "−")):
        raise ValueError(f"'{text.strip()}' is negative: a price must be £0.00 or more")
    match = _AMOUNT.match(cleaned)
    if not match:
        raise ValueError(f"'{text.strip()}' is not an amount in pounds and pence, such as 12.50")
    pence = int(match["pounds"].replace(",", "")) * 100 + int((match["pence"] or "0").ljust(2, "0"))
    if pence > MOST_PENCE:
        raise ValueError(f"'{text.strip()}' is more than £1,000,000.00")
    return pence


def pounds(pence: int) -> str:
    """Pence as a plain amount for a form or CSV: 1250 -> '12.50'."""
    sign = "-" if pence < 0 else ""
    whole, rest = divmod(abs(pence), 100)
    return f"{sign}{whole}.{rest:02d}"


def money(pence: int) -> str:
    """Pence as shown on pages: '£1,234.56'."""
    sign = "-" if pence < 0 else ""
    whole, rest = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}.{rest:02d}"


def parse_units(text: str) -> Decimal:
    """A number of units such as '1' or '1.5' (at most two decimals); ValueError in plain words otherwise."""
    cleaned = text.strip()
    if not re.fullmatch(r"\d{1,6}(?:\.\d{1,2})?", cleaned):
        raise ValueError(f"'{cleaned}' is not a number of units such as 1 or 1.5")
    return Decimal(cleaned)
