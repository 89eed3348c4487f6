"""The performance page's filters on the web: dates, service and region, carried to the chart and the CSV."""

from __future__ import annotations

import csv
import io

import pytest

from ratecard.accounts.service import Role
from tests.clients import signed_in
from tests.referrals import factories as rf

OTHER_SERVICE = "cln-emotional-resilience"


@pytest.fixture
def site(catalogue_sessions):
    """Three referrals received by CLN today: two to Conflict Resolution (one from the North West, one
    from the East of England) and one to another service from the North West."""
    with catalogue_sessions() as s:
        north = rf.user(s)
        east = rf.user(s, region="East of England")
        people = {"hub": rf.user(s, Role.HUB), "hub_other": rf.user(s, Role.HUB, provider_id="nsf"),
                  "admin": rf.user(s, Role.ADMIN)}
        made = [rf.transferred(s, north), rf.transferred(s, east), rf.transferred(s, north, service_id=OTHER_SERVICE)]
        refs = [r.reference for r in made]
        s.commit()
    return catalogue_sessions, people, refs


def _browser(sessions, user):
    return signed_in(sessions, user)


def _csv_refs(client, query: str) -> set[str]:
    answer = client.get("/reports/performance.csv?" + query)
    assert answer.status_code == 200
    return {row["reference"] for row in csv.DictReader(io.StringIO(answer.text))}


def test_it_offers_the_providers_services_and_the_regions_as_selects(site):
    sessions, people, _ = site
    page = _browser(sessions, people["hub"]).get("/reports/performance").text
    services = page.split('id="service_id"', 1)[1].split("</select>", 1)[0]
    assert 'value="cln-conflict-resolution"' in services and 'value="nsf-' not in services  # its own provider's only
    regions = page.split('id="region"', 1)[1].split("</select>", 1)[0]
    assert ">North West<" in regions and ">East of England<" in regions


@pytest.mark.parametrize(
    ("query", "expected", "total"),
    [
        ("", {0, 1, 2}, 3),
        ("service_id=cln-conflict-resolution", {0, 1}, 2),
        ("region=North+West", {0, 2}, 2),
        ("service_id=cln-conflict-resolution&region=East+of+England", {1}, 1),
    ],
)
def test_it_narrows_the_figures_the_chart_and_the_csv_alike(site, query, expected, total):
    sessions, people, refs = site
    hub = _browser(sessions, people["hub"])
    page = hub.get("/reports/performance?" + query).text
    assert f"{total}.</p>" in page.split("Referrals received from", 1)[1][:200]
    links = [part.split('"', 1)[0].replace("&amp;", "&") for part in page.split('/reports/performance.')[1:]]
    for link in links:  # the chart's and the CSV's links carry every filter
        for part in filter(None, query.split("&")):
            assert part in link
    if "service_id=" in query:
        assert 'value="cln-conflict-resolution" selected' in page
    assert hub.get("/reports/performance.svg?" + query).status_code == 200
    assert _csv_refs(hub, query) == {refs[i] for i in expected}


@pytest.mark.parametrize("path", ["/reports/performance", "/reports/performance.svg", "/reports/performance.csv"])
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("service_id=nsf-no-such", "Choose a service from the list"),
        ("service_id=" + "x" * 300, "Choose a service and a region from the lists"),
        ("region=Atlantis", "Choose a region from the list"),
        ("date_from=yesterday", "Enter dates as YYYY-MM-DD"),
    ],
)
def test_it_refuses_a_bad_filter_in_plain_words(site, path, query, message):
    sessions, people, _ = site
    answer = _browser(sessions, people["hub"]).get(f"{path}?{query}")
    assert 400 <= answer.status_code < 500 and message in answer.text


def test_it_keeps_another_providers_service_out_of_a_hubs_report(site):
    sessions, people, _ = site
    nsf = _browser(sessions, people["hub_other"])
    assert nsf.get("/reports/performance?service_id=cln-conflict-resolution").status_code == 422
    assert "3.</p>" in _browser(sessions, people["admin"]).get("/reports/performance?provider=cln").text
