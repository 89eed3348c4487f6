"""The practitioner's and the hub's journeys, in headless Chromium against a real server."""

from __future__ import annotations

import itertools
import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import fill_referral_form, sign_in

_crns = itertools.count(100)


def _crn() -> str:
    return f"B{next(_crns):06d}"


def test_it_finds_a_service_by_search_and_shows_how_to_refer(page: Page, site: str):
    page.goto(f"{site}/services")
    page.fill("#q", "conflict resolution")
    page.press("#q", "Enter")
    page.get_by_role("link", name=re.compile("Conflict Resolution")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Conflict Resolution")
    expect(page.get_by_text("How to refer").first).to_be_visible()
    expect(page.get_by_role("button", name="Refer someone")).to_be_visible()


def test_it_matches_a_person_and_explains_the_answers(page: Page, site: str):
    page.goto(f"{site}/match")
    page.fill("#age", "30")
    page.select_option("#sex", "male")
    page.fill("#area", "Lancashire")
    page.locator("form[action='/match'] button[value='results']").click()
    expect(page.locator("[data-result='eligible']").first).to_be_visible()
    assert page.locator("[data-result='eligible']").count() > 0


def test_it_takes_a_referral_from_the_catalogue_to_the_hub_accepting_it(browser, site: str):
    crn = _crn()
    practitioner = browser.new_context(viewport={"width": 1280, "height": 900})
    pp = practitioner.new_page()
    sign_in(pp, site, "practitioner@example.com")
    pp.goto(f"{site}/services/cln-conflict-resolution")
    pp.get_by_role("button", name="Refer someone").click()
    fill_referral_form(pp, crn=crn, name="Jo Browser")
    expect(pp.get_by_role("heading", level=1)).to_contain_text("Conflict Resolution")
    expect(pp.get_by_role("heading", level=1)).to_contain_text("Draft")
    referral_url = pp.url
    pp.get_by_role("button", name="Submit referral").click()
    pp.get_by_role("button", name="Request transfer to hub").click()
    expect(pp.locator("body")).to_contain_text("Sent to provider")  # the practitioner's word for transferred
    practitioner.close()

    hub_context = browser.new_context(viewport={"width": 1280, "height": 900})
    hub = hub_context.new_page()
    sign_in(hub, site, "hub.cln@example.com")
    expect(hub.locator("body")).to_contain_text(crn)
    hub.goto(referral_url)
    hub.get_by_role("button", name="Accept").click()
    expect(hub.locator("body")).to_contain_text("Unallocated")  # the hub's word for accepted
    hub_context.close()

    other = browser.new_context()
    nsf = other.new_page()
    sign_in(nsf, site, "hub.nsf@example.com")
    nsf.goto(referral_url)
    expect(nsf.get_by_role("heading", level=1)).to_contain_text("Page not found")
    other.close()
