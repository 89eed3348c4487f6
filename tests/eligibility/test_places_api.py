"""GET /api/v1/places (suggestions as you type), the area field that uses them, and the results page
saying how the area was understood."""

from __future__ import annotations

import re

import pytest

from ratecard.security.csrf import COOKIE
from tests.clients import client_for


@pytest.fixture
def api(catalogue_sessions):
    return client_for(catalogue_sessions)


def test_it_suggests_both_ashfords_with_their_counties(api):
    response = api.get("/api/v1/places", params={"q": "Ashf"})
    assert response.status_code == 200
    body = response.json()
    assert 1 <= len(body) <= 10
    assert all(set(s) == {"value", "label", "county", "kind"} for s in body)
    labels = [s["label"] for s in body]
    assert "Ashford, Kent" in labels and "Ashford, Surrey" in labels
    kent = next(s for s in body if s["label"] == "Ashford, Kent")
    assert kent["county"] == "Kent" and kent["value"] == "Ashford, Kent"


def test_it_gives_at_most_ten_suggestions_and_none_for_nonsense(api):
    assert len(api.get("/api/v1/places", params={"q": "b"}).json()) == 10
    assert api.get("/api/v1/places", params={"q": "Zzqxv"}).json() == []


def test_it_needs_no_sign_in(api):
    response = api.get("/api/v1/places", params={"q": "Black"})
    assert response.status_code == 200
    assert any(s["value"] == "Blackpool" and s["county"] == "Lancashire" for s in response.json())


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "x" * 101}])
def test_it_rejects_a_missing_empty_or_too_long_q_with_422_and_the_field(api, params):
    response = api.get("/api/v1/places", params=params)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Invalid request"
    assert "q" in {e["field"] for e in body["errors"]}


def test_it_documents_the_endpoint_with_a_response_model(api):
    spec = api.get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/api/v1/places"]["get"]
    q = next(p for p in operation["parameters"] if p["name"] == "q")
    assert q["required"] and q["schema"]["minLength"] == 1 and q["schema"]["maxLength"] == 100
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["type"] == "array" and schema["items"]["$ref"].endswith("/PlaceSuggestion")
    assert {"value", "label", "county"} <= set(spec["components"]["schemas"]["PlaceSuggestion"]["properties"])


def test_the_match_form_marks_the_area_field_for_suggestions_and_loads_the_script(api):
    html = api.get("/match").text
    assert re.search(r'<input[^>]*id="area"[^>]*data-place-suggestions', html, re.S)
    assert '<script type="module" src="/static/app/places.js"></script>' in html
    script = api.get("/static/app/places.js")
    assert script.status_code == 200 and "/api/v1/places" in script.text


def _results(client, area: str) -> str:
    client.get("/match")
    response = client.post("/match", data={"area": area, "csrf_token": client.cookies.get(COOKIE)})
    assert response.status_code == 200
    return response.text


def test_the_results_name_the_county_the_area_was_understood_as(api):
    html = _results(api, "Morecambe")
    assert re.search(r"data-area-understood>Area: <strong>Morecambe, Lancashire</strong>", html)


def test_the_results_say_when_the_area_is_in_several_counties(api):
    html = _results(api, "Ashford")
    assert "data-area-note" in html
    assert "more than one" in html and "Kent" in html and "Surrey" in html


def test_the_results_say_when_nobody_knows_the_area(api):
    html = _results(api, "Zzqxville")
    assert "data-area-note" in html and "is not a town, village" in html


def test_the_results_say_nothing_of_the_area_when_none_was_given(api):
    api.get("/match")
    html = api.post("/match", data={"age": "30", "csrf_token": api.cookies.get(COOKIE)}).text
    assert "data-area-understood" not in html and "data-area-note" not in html
