"""The OpenAPI description tells the truth about error bodies and constraints."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ratecard.config import Settings
from ratecard.web_app import create_app


@pytest.fixture(scope="module")
def spec():
    return TestClient(create_app(settings=Settings(database_url="sqlite://"))).get("/api/v1/openapi.json").json()


def test_it_describes_the_422_body_the_api_really_sends(spec):
    schemas = spec["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    invalid = schemas["InvalidRequestOut"]
    assert invalid["properties"]["detail"]["type"] == "string"
    assert invalid["properties"]["errors"]["type"] == "array"
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if "422" in operation["responses"]:
                ref = operation["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/InvalidRequestOut"), (method, path)


def test_it_gives_every_error_answer_a_body(spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for code, response in operation["responses"].items():
                if code[0] in "45":
                    assert "content" in response, (method, path, code)


def test_it_publishes_the_oasys_score_limits(spec):
    oasys = spec["components"]["schemas"]["Profile"]["properties"]["oasys"]
    choices = oasys.get("anyOf", [oasys])
    scores = next(c for c in choices if c.get("type") == "object")["additionalProperties"]
    assert (scores["minimum"], scores["maximum"]) == (0, 10)


def test_it_publishes_the_id_range(spec):
    parameter = next(p for p in spec["paths"]["/api/v1/referrals/{referral_id}"]["get"]["parameters"] if p["name"] == "referral_id")
    assert parameter["schema"]["maximum"] == 2**31 - 1 and parameter["schema"]["minimum"] == 1


def test_it_names_every_method_a_path_serves_when_refusing_another():
    client = TestClient(create_app(settings=Settings(database_url="sqlite://")))
    response = client.request("OPTIONS", "/api/v1/referrals")
    assert response.status_code == 405 and response.headers["allow"] == "GET, POST"


@pytest.mark.parametrize("value", [0, 20261201, 1.5])
def test_it_refuses_a_number_where_the_schema_promises_a_date(value):
    client = TestClient(create_app(settings=Settings(database_url="sqlite://")))
    response = client.post("/api/v1/match", json={"date_of_birth": value})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "date_of_birth"
