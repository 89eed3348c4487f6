"""Proposed orders for the sentencing tests: a lawful one by default, changed by keyword."""

from __future__ import annotations

from typing import Any

import pytest

from ratecard.sentencing.schemas import Order

AFTER_2022 = "2024-03-01"  # conviction after the Police, Crime, Sentencing and Courts Act 2022 changes
BEFORE_2022 = "2021-05-01"


def order_data(*requirements: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A community order of 36 months convicted in 2024 with unpaid work, unless told otherwise."""
    data: dict[str, Any] = {"order_type": "community_order", "conviction_date": AFTER_2022, "length_months": 36,
                            "requirements": list(requirements) or [{"type": "unpaid_work", "hours": 100}]}
    data.update(fields)
    return data


def sso_data(*requirements: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A suspended sentence order: 6 months suspended for 24 months, supervised for 24, unless told otherwise."""
    data: dict[str, Any] = {"order_type": "suspended_sentence_order", "conviction_date": AFTER_2022,
                            "custodial_term_months": 6, "operational_period_months": 24, "supervision_period_months": 24,
                            "requirements": list(requirements) or [{"type": "unpaid_work", "hours": 100}]}
    data.update(fields)
    return data


@pytest.fixture
def make_order():
    """Build an Order from order_data's arguments."""
    def make(*requirements: dict[str, Any], **fields: Any) -> Order:
        return Order.model_validate(order_data(*requirements, **fields))
    return make
