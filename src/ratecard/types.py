"""Value types shared by the input schemas of every domain."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BeforeValidator


def _iso_date_only(value: object) -> object:
    # pydantic's lax mode reads a number as days since 1970 ("date_of_birth": 0 is 1 January 1970);
    # the API promises an ISO date string, so a number is refused instead of silently converted.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError("Enter a date as YYYY-MM-DD, for example 2026-12-01")
    return value


# A calendar date given as 'YYYY-MM-DD' (or a date object, from code); never a number.
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_only)]
