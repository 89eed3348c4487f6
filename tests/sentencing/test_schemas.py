"""The order's shape: unknown fields and types refused, and fields that contradict each other named."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ratecard.sentencing.schemas import Order
from tests.sentencing.conftest import order_data, sso_data

# (the order, the field the message must name): every way an order can be badly formed.
BAD = [
    (order_data({"type": "community_service", "hours": 40}), "requirements.0.type"),
    (order_data({"type": "unpaid_work", "hours": -5}), "requirements.0.hours"),
    (order_data({"type": "unpaid_work"}), "hours"),
    (order_data({"type": "curfew", "hours": 10, "months": 2}), "hours"),
    (order_data({"type": "unpaid_work", "hours": 40, "willing": True}), "willing"),
    (order_data({"type": "rehabilitation_activity", "days": 10, "electronic_monitoring": True}), "electronic_monitoring"),
    (order_data({"type": "unpaid_work", "hours": 40, "colour": "red"}), "requirements.0.colour"),
    (order_data(sentence_date="2024-02-01"), "sentence_date"),
    (order_data(offence_date="2024-04-01"), "offence_date"),
    (order_data(conviction_date="2024-02-30"), "conviction_date"),
    (order_data(length_months=None), "length_months"),
    (order_data(length_months=-1), "length_months"),
    (order_data(custodial_term_months=6), "custodial_term_months"),
    (order_data(order_type="youth_order"), "order_type"),
    (order_data(judge="Smith"), "judge"),
    (order_data(offender={"age": 30, "name": "A Person"}), "offender.name"),
    (sso_data(length_months=12), "length_months"),
    (sso_data(operational_period_months=None), "operational_period_months"),
    (sso_data(supervision_period_months=None), "supervision_period_months"),
    (sso_data(custodial_term_months=None), "custodial_term_months"),
]


def _locate(exc: ValidationError) -> list[str]:
    return [".".join(str(p) for p in e["loc"]) + " " + str(e["msg"]) for e in exc.errors()]


@pytest.mark.parametrize("data,field", BAD)
def test_it_refuses_a_badly_formed_order_naming_the_field(data, field):
    data = {k: v for k, v in data.items() if v is not None}
    with pytest.raises(ValidationError) as caught:
        Order.model_validate(data)
    assert any(field in line for line in _locate(caught.value)), _locate(caught.value)


def test_it_keeps_no_value_error_prefix_on_its_own_messages():
    with pytest.raises(ValidationError) as caught:
        Order.model_validate(order_data(sentence_date="2024-02-01"))
    assert caught.value.errors()[0]["msg"] == "sentence_date: the sentence date is before the conviction date"


def test_it_accepts_a_sentence_on_the_day_of_conviction():
    assert Order.model_validate(order_data(sentence_date="2024-03-01", offence_date="2024-03-01")).sentence_date
