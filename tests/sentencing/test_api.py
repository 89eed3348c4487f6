"""POST /api/v1/sentencing/check and GET /api/v1/sentencing/requirements: public, the service's answer, 422 named."""

from __future__ import annotations

import pytest

from ratecard.sentencing.schemas import Order
from ratecard.sentencing.service import check
from tests.clients import client_for
from tests.sentencing.conftest import BEFORE_2022, order_data, sso_data
from tests.sentencing.test_schemas import BAD


@pytest.fixture
def api(sessions):
    return client_for(sessions)


@pytest.mark.parametrize("data", [
    order_data(),
    order_data({"type": "curfew", "hours_per_day": 18, "days_per_week": 7, "months": 6}, conviction_date=BEFORE_2022),
    sso_data({"type": "exclusion", "months": 30}, supervision_period_months=30),
    order_data({"type": "rehabilitation_activity", "days": 20}),
])
def test_it_answers_as_the_service_does_without_a_token(api, data):
    response = api.post("/api/v1/sentencing/check", json=data)
    assert response.status_code == 200
    assert response.json() == check(order=Order.model_validate(data)).model_dump(mode="json")
    assert set(response.json()) == {"valid", "problems"}


def test_it_says_an_unlawful_curfew_is_unlawful(api):
    body = api.post("/api/v1/sentencing/check", json=order_data(
        {"type": "curfew", "hours_per_day": 18, "months": 6, "electronic_monitoring": True}, conviction_date=BEFORE_2022)).json()
    assert body["valid"] is False
    assert body["problems"][0] == {
        "severity": "error", "requirement": "curfew", "source": "Sentencing Act 2020, Schedule 9, paragraph 9(4)",
        "message": "Curfew requirement: 18 hours in any day is more than the maximum of 16 for a conviction before 28 June 2022.",
    }


@pytest.mark.parametrize("data,field", BAD)
def test_it_answers_422_naming_the_field(api, data, field):
    data = {k: v for k, v in data.items() if v is not None}
    response = api.post("/api/v1/sentencing/check", json=data)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert any(field in e["field"] or e["message"].startswith(field) or field in e["message"] for e in errors), errors


def test_it_answers_422_to_a_body_that_is_not_json(api):
    response = api.post("/api/v1/sentencing/check", content=b"order_type: community_order", headers={"content-type": "application/json"})
    assert response.status_code == 422


def test_it_lists_the_requirements_for_a_conviction_date(api):
    before = api.get("/api/v1/sentencing/requirements", params={"conviction_date": "2021-05-01"}).json()
    after = api.get("/api/v1/sentencing/requirements", params={"conviction_date": "2024-05-01"}).json()
    def daily(body):
        curfew = next(r for r in body["requirements"] if r["type"] == "curfew")
        return next(lim["max"] for lim in curfew["limits"] if lim["field"] == "hours_per_day")
    assert (daily(before), daily(after)) == (16, 20)
    assert len(after["requirements"]) == 14
    assert api.get("/api/v1/sentencing/requirements", params={"conviction_date": "2024-13-01"}).status_code == 422


@pytest.mark.parametrize("value", [0, "0", 20240301, "2024-3-1", "1 March 2024"])
def test_it_refuses_a_date_not_written_yyyy_mm_dd(api, value):
    response = api.post("/api/v1/sentencing/check", json=order_data(conviction_date=value))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "conviction_date"
    response = api.get("/api/v1/sentencing/requirements", params={"conviction_date": str(value)})
    assert response.status_code == 422
