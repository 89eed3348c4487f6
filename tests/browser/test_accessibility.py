"""axe-core (npm) on every page type, signed out and signed in, at desktop and phone widths."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import axe_violations, sign_in

# /docs is our own API reference page; Swagger UI's explorer at /docs/try is not checked: its own
# markup (npm swagger-ui-dist) nests buttons and fails contrast, and /docs says so.
PUBLIC = ["/", "/services", "/services?q=accommodation", "/services/cln-conflict-resolution", "/providers", "/providers/cln",
          "/match", "/login", "/nowhere", "/docs"]
SIGNED_IN = ["/referrals", "/referrals/new?service_id=cln-conflict-resolution",
             "/referrals/new?service_id=cln-accommodation",  # a prerequisite, linked
             "/referrals/new?service_id=nsf-thinking-skills-programme"]  # a requirement transfer


@pytest.mark.parametrize("path", PUBLIC)
def test_it_finds_no_accessibility_violations_on_public_pages(page: Page, site: str, path: str):
    page.goto(site + path)
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", SIGNED_IN)
def test_it_finds_no_accessibility_violations_on_signed_in_pages(page: Page, site: str, path: str):
    sign_in(page, site, "practitioner@example.com")
    page.goto(site + path)
    assert axe_violations(page) == []


def test_it_finds_no_accessibility_violations_on_match_results(page: Page, site: str):
    page.goto(f"{site}/match")
    page.fill("#age", "30")
    page.locator("form[action='/match'] button[value='results']").click()
    assert axe_violations(page) == []


@pytest.mark.parametrize("section", ["order", "risk", "offence", "needs"])
def test_it_finds_no_accessibility_violations_on_each_section_of_the_match_form(page: Page, site: str, section: str):
    page.goto(f"{site}/match")
    page.locator(f"button[name='go'][value='{section}']").first.click()
    page.wait_for_selector("h1")
    assert axe_violations(page) == []


def test_it_finds_no_accessibility_violations_on_match_errors(page: Page, site: str):
    page.goto(f"{site}/match")
    page.fill("#age", "five")
    page.locator("form[action='/match'] button[value='results']").click()
    page.wait_for_selector(".govuk-error-summary")
    assert axe_violations(page) == []
