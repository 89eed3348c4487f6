"""POST /api/v1/match and the web form, over the imported catalogue."""

from __future__ import annotations

import re

import pytest

from ratecard.security.csrf import COOKIE
from tests.clients import client_for


@pytest.fixture
def api(catalogue_sessions):
    return client_for(catalogue_sessions)


def test_it_decides_every_service_for_a_profile(api):
    response = api.post("/api/v1/match", json={"sex": "female", "age": 30, "area": "Lancashire"})
    assert response.status_code == 200
    body = response.json()
    assert len(body) > 100
    assert set(body[0]) == {"service_id", "provider", "name", "category", "result", "reasons"}
    results = [m["result"] for m in body]
    assert results == sorted(results, key=["eligible", "unknown", "for_someone_else", "ineligible"].index)
    norfolk_only = [m for m in body if m["provider"] == "NSF"]
    assert all(m["result"] == "ineligible" for m in norfolk_only)
    assert all(any(r["criterion"] == "area" and r["status"] == "failed" for r in m["reasons"]) for m in norfolk_only)


@pytest.mark.parametrize(
    ("profile", "field"),
    [
        ({"age": -3}, "age"),
        ({"ogrs": 140}, "ogrs"),
        ({"sex": "unknown-value"}, "sex"),
        ({"age": "thirty"}, "age"),
        ({"needs": "accommodation"}, "needs"),
        ({"shoe_size": 9}, "shoe_size"),
        ({"index_offences": ["parking"]}, "index_offences.0"),
    ],
)
def test_it_rejects_bad_profiles_with_field_level_messages(api, profile, field):
    response = api.post("/api/v1/match", json=profile)
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}


def _web_results(client, data: dict) -> dict[str, str]:
    client.get("/match")
    token = client.cookies.get(COOKIE)
    html = client.post("/match", data={**data, "csrf_token": token}).text
    results = dict(re.findall(r'data-service-id="([^"]+)" data-result="(\w+)"', html))
    # Each answer sits in the section of the page that names it.
    eligible_sections = re.findall(r'<h3 class="govuk-heading-s">Eligible</h3>(.*?)</ul>\s*(?:<h3|<details|<h2|$)', html, re.S)
    assert all('data-result="eligible"' in block for block in eligible_sections)
    return results


def test_it_gives_the_web_form_the_same_answers_as_the_api(api):
    profile = {"sex": "male", "age": "23", "area": "Norfolk", "ogrs": "55", "index_offences": ["violence"]}
    web = _web_results(api, profile)
    body = api.post("/api/v1/match", json={**profile, "age": 23, "ogrs": 55}).json()
    assert web == {m["service_id"]: m["result"] for m in body}


def test_it_refuses_a_form_without_the_csrf_token_and_says_why(api):
    response = api.post("/match", data={"age": "30", "csrf_token": "forged"})
    assert response.status_code == 403
    assert "not sent from this site" in response.text


def test_it_shows_form_errors_next_to_their_fields(api):
    api.get("/match")
    response = api.post("/match", data={"age": "-3", "ogrs": "140", "csrf_token": api.cookies.get(COOKIE)})
    assert response.status_code == 400
    assert 'href="#age"' in response.text and 'href="#ogrs"' in response.text
