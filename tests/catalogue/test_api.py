"""The catalogue's REST API over the imported brochures."""

from __future__ import annotations

import re

import pytest

from tests.clients import client_for


@pytest.fixture
def api(catalogue_sessions):
    return client_for(catalogue_sessions)


def _names(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["items"]]


def test_it_lists_services_with_totals_and_pages(api):
    first = api.get("/api/v1/services", params={"per_page": 10}).json()
    second = api.get("/api/v1/services", params={"per_page": 10, "page": 2}).json()
    assert first["total"] > 100
    assert first["pages"] == -(-first["total"] // 10)
    assert len(first["items"]) == 10
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}


def test_it_finds_accommodation_in_lancashire_only_from_the_provider_covering_it(api):
    body = api.get("/api/v1/services", params={"q": "accommodation in Lancashire", "per_page": 50}).json()
    assert body["total"] >= 1
    assert {item["provider"] for item in body["items"]} == {"CLN"}
    assert all("Lancashire" in item["areas"] for item in body["items"])


def test_it_finds_womens_services_in_every_provider_that_offers_them(api):
    body = api.get("/api/v1/services", params={"q": "women", "per_page": 100}).json()
    providers = {item["provider"] for item in body["items"]}
    assert {"NSF", "CLN", "ESX", "KSS"} <= providers
    assert any("Women" in item["name"] for item in body["items"])


def test_it_finds_tsp_by_its_alias_first(api):
    body = api.get("/api/v1/services", params={"q": "TSP", "per_page": 50}).json()
    assert body["items"], "TSP should be found"
    assert all("TSP" in item["aliases"] or "Thinking" in item["name"] for item in body["items"][:4])


def test_it_filters_by_area_so_lancashire_only_services_are_not_in_cumbria(api):
    lancs = {i["name"] for i in api.get("/api/v1/services", params={"area": "Lancashire", "per_page": 200}).json()["items"]}
    cumbria = {i["name"] for i in api.get("/api/v1/services", params={"area": "Cumbria", "per_page": 200}).json()["items"]}
    only_lancs = lancs - cumbria
    assert any("Drink Impaired" in name for name in only_lancs)


def test_it_combines_filters(api):
    body = api.get(
        "/api/v1/services", params={"provider": "NSF", "category": "Accommodation", "per_page": 50}
    ).json()
    assert body["total"] >= 1
    assert {(i["provider"], i["category"]) for i in body["items"]} == {("NSF", "Accommodation")}


def test_it_filters_rar_usable_services(api):
    body = api.get("/api/v1/services", params={"rar_usable": "true", "per_page": 200}).json()
    assert body["total"] > 10
    assert all(item["rar_usable"] is True for item in body["items"])


def test_it_returns_one_service_in_full(api):
    first = api.get("/api/v1/services", params={"provider": "NSF", "q": "accommodation"}).json()["items"][0]
    body = api.get(f"/api/v1/services/{first['id']}").json()
    assert body["id"] == first["id"]
    assert body["source"]["file"] == "000_660fad277a9deb43.txt"
    assert body["nsi_category"].startswith("ES")
    assert [o["level"] for o in body["options"]][:4] == ["assessment", "low", "medium", "high"]


def test_it_answers_404_with_a_message_for_unknown_ids(api):
    for path in ("/api/v1/services/nsf-no-such-thing", "/api/v1/providers/zzz"):
        response = api.get(path)
        assert response.status_code == 404
        assert "No " in response.json()["detail"]


@pytest.mark.parametrize(
    "params",
    [{"kind": "spaceship"}, {"delivery": "telepathy"}, {"page": "0"}, {"per_page": "100000"}, {"rar_usable": "maybe"}],
)
def test_it_rejects_bad_filters_with_422_and_the_field(api, params):
    response = api.get("/api/v1/services", params=params)
    assert response.status_code == 422
    assert list(params)[0] in {e["field"] for e in response.json()["errors"]}


def test_it_lists_providers_with_hub_and_transfer_facts(api):
    providers = {p["code"]: p for p in api.get("/api/v1/providers").json()}
    assert set(providers) == {"NSF", "CLN", "ESX", "DLNR", "KSS"}
    assert providers["NSF"]["nsi_provider_name"] == "CPA Norfolk and Suffolk"
    assert providers["KSS"]["transfer"]["reason"] == "External NSI Referral"
    assert all(p["service_count"] > 0 for p in providers.values())


def test_it_documents_the_api_in_openapi(api):
    spec = api.get("/api/v1/openapi.json").json()
    assert {"/api/v1/services", "/api/v1/services/{service_id}", "/api/v1/providers"} <= set(spec["paths"])
    assert api.get("/docs").status_code == 200


def _area_ids(api, area: str) -> set[str]:
    response = api.get("/api/v1/services", params={"area": area, "per_page": 200})
    assert response.status_code == 200, response.text
    return {i["id"] for i in response.json()["items"]}


def test_it_filters_by_a_town_as_the_county_that_serves_it(api):
    lancashire = _area_ids(api, "Lancashire")
    assert lancashire
    assert _area_ids(api, "Blackpool") == lancashire
    assert _area_ids(api, "Morecambe") == lancashire
    assert _area_ids(api, "blackpool") == lancashire


def test_it_filters_by_a_postcode_as_the_county_it_is_in(api):
    assert _area_ids(api, "LA4 4AA") == _area_ids(api, "Lancashire")


def test_it_filters_by_a_name_in_two_counties_as_either(api):
    ashford = _area_ids(api, "Ashford")
    assert _area_ids(api, "Kent") | _area_ids(api, "Surrey") == ashford
    assert _area_ids(api, "Ashford, Kent") == _area_ids(api, "Kent")


def test_it_keeps_only_exact_area_names_for_a_place_nobody_knows(api):
    assert _area_ids(api, "Zzqxville") == set()


def test_the_web_filter_uses_places_too(api):
    def listed(area: str) -> list[str]:
        response = api.get("/services", params={"area": area})
        assert response.status_code == 200
        return re.findall(r'href="/services/([a-z0-9-]+)"', response.text)

    assert listed("Blackpool") and listed("Blackpool") == listed("Lancashire")
    assert set(listed("Blackpool")) != set(listed("Norfolk"))
