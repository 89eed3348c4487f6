"""axe-core (npm) on every page type, signed out and signed in, at desktop and phone widths."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import axe_violations, sign_in

# /docs is Swagger UI (npm swagger-ui-dist), whose own markup nests buttons and fails contrast:
# an accessible API reference page of our own is still to be built (issue "Fit for daily use").
PUBLIC = ["/", "/services", "/services?q=accommodation", "/services/cln-conflict-resolution", "/providers", "/providers/cln",
          "/match", "/login", "/nowhere"]
SIGNED_IN = ["/referrals", "/referrals/new?service_id=cln-conflict-resolution"]


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
    page.locator("form[action='/match'] button.govuk-button").click()
    assert axe_violations(page) == []
