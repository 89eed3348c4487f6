"""A price list's entries as CSV: read with every row checked (problems named by line), and written.

Columns: service_id, option_id, service, option, unit, unit_price (pounds, "12.50"), vat_rate,
minimum_units, cancellation_charge (pounds, charged if cancelled after registration), note. The
service and option names are for people reading the file; ratecard goes by the ids."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from ratecard.billing.money import parse_pence, parse_units, pounds
from ratecard.billing.schemas import PriceEntryIn

COLUMNS = ("service_id", "option_id", "service", "option", "unit", "unit_price", "vat_rate", "minimum_units",
           "cancellation_charge", "note")
REQUIRED = ("service_id", "option_id", "unit", "unit_price", "vat_rate")
MOST_ROWS = 2000


def read(text: str) -> tuple[list[PriceEntryIn], list[str], list[str]]:
    """(entries, the line each came from, problems): one problem per bad line, "line N: ..."."""
    if text.startswith("\ufeff"):
        text = text[1:]  # a spreadsheet's byte-order mark
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        return [], [], [f"line 1: the header lacks the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
                        f" (columns: {', '.join(COLUMNS)})"]
    reader.fieldnames = header
    entries: list[PriceEntryIn] = []
    lines: list[str] = []
    problems: list[str] = []
    start = 2
    try:
        for row in reader:
            line = f"line {start}"
            start = reader.line_num + 1
            if not any((value or "").strip() for key, value in row.items() if key is not None):
                continue  # a blank line
            if len(entries) + len(problems) >= MOST_ROWS:
                problems.append(f"{line}: a price list holds at most {MOST_ROWS} entries")
                break
            try:
                entries.append(entry_of(row))
                lines.append(line)
            except ValueError as exc:
                problems.append(f"{line}: {exc}")
    except csv.Error as exc:
        problems.append(f"line {reader.line_num}: the file is not valid CSV ({exc})")
    if not entries and not problems:
        problems.append("the file has no price rows below its header")
    return entries, lines, problems


def entry_of(row: dict[str, Any]) -> PriceEntryIn:
    """One CSV row as an entry; ValueError naming the column (the first problem of the row)."""
    if None in row:
        raise ValueError("the row has more cells than the header has columns")
    cell = {key: (value or "").strip() for key, value in row.items()}
    values: dict[str, Any] = {
        "service_id": cell.get("service_id", ""), "option_id": cell.get("option_id") or None,
        "unit": cell.get("unit", ""), "vat_rate": cell.get("vat_rate", ""), "note": cell.get("note") or None,
    }
    for column, key in (("unit_price", "unit_price_pence"), ("cancellation_charge", "amount")):
        if cell.get(column):
            try:
                values[key] = parse_pence(cell[column])
            except ValueError as exc:
                raise ValueError(f"{column}: {exc}") from None
        elif column == "unit_price":
            raise ValueError("unit_price: give the price in pounds and pence, such as 12.50")
    if "amount" in values:
        values["charge_rule"] = {"kind": "cancellation_after_registration", "amount_pence": values.pop("amount")}
    if cell.get("minimum_units"):
        try:
            values["minimum_units"] = parse_units(cell["minimum_units"])
        except ValueError as exc:
            raise ValueError(f"minimum_units: {exc}") from None
    try:
        return PriceEntryIn.model_validate(values)
    except ValidationError as exc:
        raise ValueError(first_problem(exc)) from None


def first_problem(exc: ValidationError) -> str:
    """The first problem pydantic found, as 'column: message' in the file's words."""
    error = exc.errors()[0]
    column = {"unit_price_pence": "unit_price", "charge_rule": "cancellation_charge"}.get(
        str(error["loc"][0]) if error["loc"] else "", str(error["loc"][0]) if error["loc"] else "row")
    message = str(error["msg"])
    if error["type"] == "literal_error":
        message = f"'{error['input']}' is not one of {message.removeprefix('Input should be ')}"
    return f"{column}: {message}"


def units_text(units: Any) -> str:
    """A number of units without trailing zeros: Decimal('1.00') -> '1', Decimal('1.50') -> '1.5'."""
    return format(Decimal(units).normalize(), "f")


def write(rows: Iterable[Sequence[Any]]) -> str:
    """CSV text with the header and `rows` (already in COLUMNS order)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


def row_of(*, service_id: str, option_id: str | None, service: str, option: str | None, unit: str,
           unit_price_pence: int, vat_rate: str, minimum_units: Any, charge_rule: dict[str, Any] | None,
           note: str | None) -> list[str]:
    """One entry as a CSV row."""
    charge = (charge_rule or {}).get("amount_pence")
    return [service_id, option_id or "", service, option or "", unit, pounds(unit_price_pence), vat_rate,
            "" if minimum_units is None else units_text(minimum_units),
            "" if charge is None else pounds(int(charge)), note or ""]
