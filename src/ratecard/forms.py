"""Reading GOV.UK form patterns (the three-box date input) into values pydantic can check."""

from __future__ import annotations

from starlette.datastructures import FormData


def date_from_parts(form: FormData, name: str) -> str | None:
    """'2026-12-01' from the boxes name-day, name-month and name-year; None when all are empty.

    Boxes that are not all numbers come back joined as typed, so validation reports them.
    """
    year, month, day = (str(form.get(f"{name}-{part}", "")).strip() for part in ("year", "month", "day"))
    if not (year or month or day):
        return None
    if year.isdecimal() and month.isdecimal() and day.isdecimal() and len(year) <= 4 and len(month) <= 2 and len(day) <= 2:
        return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
    return f"{year}-{month}-{day}"
