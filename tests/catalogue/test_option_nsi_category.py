"""Each orderable option keeps the NSI main category it is bought under: stored, shown, and referred with."""

from __future__ import annotations

import html
import re

import pytest

from ratecard.catalogue.models import ServiceOption
from tests.clients import client_for
from tests.referrals import factories as f

EXTRA_MODULES = "kss-delivery-of-modules-from-msrp"
ETE_MODULE = f"{EXTRA_MODULES}--e-t-e"
BESPOKE = "kss-bespoke-services"

# Options of the real KSS brochure and the main category printed above each (lines 1126-1190).
PRINTED = [
    (f"{EXTRA_MODULES}--accommodation", "ES - Accommodation KSS"),
    (ETE_MODULE, "ES - E/T/E KSS"),
    (f"{EXTRA_MODULES}--finance-benefit-debt", "ES - Finance / Benefit / Debt KSS"),
    (f"{EXTRA_MODULES}--attitudes-thinking-and-behaviour", "ES - Attitudes, Thinking and Behaviour KSS"),
    ("kss-delivery-of-health-modules-from-msrp--physical-health", "ES - Physical Health KSS"),
    (f"{BESPOKE}--case-management-support", "ES - Other KSS"),
    (f"{BESPOKE}--supporting-drug-rehabilitation-requirement", "ES - Drugs / Alcohol KSS"),
]


@pytest.fixture
def client(catalogue_sessions):
    return client_for(catalogue_sessions)


@pytest.mark.parametrize(("option_id", "main"), PRINTED, ids=[o.split("--")[1] for o, _ in PRINTED])
def test_it_stores_the_main_category_of_each_option(catalogue_session, option_id, main):
    assert catalogue_session.get(ServiceOption, option_id).nsi_category == main


def test_it_includes_each_options_category_in_the_api(client):
    body = client.get(f"/api/v1/services/{EXTRA_MODULES}").json()
    assert body["nsi_category"] == "ES - Accommodation KSS"  # the service keeps its first for display
    categories = {o["id"]: o["nsi_category"] for o in body["options"]}
    assert len(categories) == 8 and len(set(categories.values())) == 8
    assert categories[ETE_MODULE] == "ES - E/T/E KSS"


def test_it_leaves_the_category_of_options_to_their_service_where_a_brochure_prints_none(client):
    body = client.get("/api/v1/services/esx-substance-misuse-mentoring").json()
    assert [o["nsi_category"] for o in body["options"]] == [None, None, None]


def _panel(page: str) -> str:
    return html.unescape(page.split('id="how-to-refer"', 1)[1].split("</aside>", 1)[0])


def _option_rows(panel: str) -> list[tuple[str, str, str]]:
    """(option, NSI main category, sub type) for each option the panel lists one by one."""
    return re.findall(r"<li><strong>(.+?)</strong><br>(.+?)<br>Sub type: (.+?)</li>", panel)


def test_it_shows_each_modules_category_beside_it_in_how_to_refer(client):
    panel = _panel(client.get(f"/services/{EXTRA_MODULES}").text)
    rows = _option_rows(panel)
    assert len(rows) == 8
    assert ("Additional MSRP Modules (E/T/E)", "ES - E/T/E KSS", "Additional MSRP Modules") in rows
    assert ("Additional MSRP Modules (Accommodation)", "ES - Accommodation KSS", "Additional MSRP Modules") in rows


def test_it_shows_the_bespoke_options_under_their_own_categories(client):
    panel = _panel(client.get(f"/services/{BESPOKE}").text)
    rows = _option_rows(panel)
    assert rows == [
        ("Case Management Support", "ES - Other KSS", "Case Management Support"),
        ("Supporting Alcohol Treatment Requirement", "ES - Drugs / Alcohol KSS",
         "Supporting Alcohol Treatment Requirement"),
        ("Supporting Drug Rehabilitation Requirement", "ES - Drugs / Alcohol KSS",
         "Supporting Drug Rehabilitation Requirement"),
    ]


def test_it_shows_one_category_when_every_option_shares_it(client):
    panel = _panel(client.get("/services/kss-mentor-support").text)
    assert 'id="nsi-by-option"' not in panel
    assert "ES - Other KSS" in panel and "Mentoring - 18 Month Support" in panel


@pytest.mark.parametrize(
    ("service_id", "option_id", "recorded"),
    [
        (EXTRA_MODULES, ETE_MODULE, "ES - E/T/E KSS"),  # not the service's first, accommodation
        (EXTRA_MODULES, f"{EXTRA_MODULES}--children-families", "ES - Children / Families KSS"),
        (BESPOKE, f"{BESPOKE}--supporting-alcohol-treatment-requirement", "ES - Drugs / Alcohol KSS"),
    ],
    ids=["ete-module", "children-families-module", "bespoke-alcohol-treatment"],
)
def test_it_records_the_options_category_on_a_referral(catalogue_session, service_id, option_id, recorded):
    practitioner = f.user(catalogue_session)
    referral = f.draft(
        catalogue_session, practitioner, person={"area": "Kent"}, service_id=service_id, option_id=option_id,
        msrp_modules=["Future"], msrp_sessions=6,
    )
    assert referral.nsi_category == recorded
    assert referral.nsi_subtype == catalogue_session.get(ServiceOption, option_id).nsi_subtype


def test_it_records_the_services_category_when_the_option_has_none(catalogue_session):
    # NSF's options are printed without main categories of their own.
    option = catalogue_session.get(ServiceOption, "nsf-accommodation-support--low")
    assert option is not None and option.nsi_category is None
    referral = f.draft(
        catalogue_session, f.user(catalogue_session), person={"area": "Norfolk"},
        service_id="nsf-accommodation-support", option_id=option.id,
    )
    assert referral.nsi_category == option.service.nsi_category
    assert referral.nsi_category.startswith("ES")
