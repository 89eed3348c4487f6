"""The rate card page in a browser: axe finds nothing at desktop and phone widths, and nothing scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import axe_violations, screenshot, scroll_width

PROVIDERS = ["nsf", "cln", "esx", "dlnr", "kss"]


@pytest.mark.parametrize("code", PROVIDERS)
@pytest.mark.parametrize("width", [1280, 375])
def test_it_finds_no_accessibility_violations_on_the_rate_card(browser, site: str, code: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page: Page = context.new_page()
    try:
        page.goto(f"{site}/providers/{code}/rate-card")
        assert page.locator("h1").inner_text().strip()
        assert page.locator("#rc-contents-heading").is_visible()
        assert axe_violations(page) == []
        assert scroll_width(page) <= width
        screenshot(page, f"rate-card-{code}")
    finally:
        context.close()


def test_it_goes_from_the_provider_page_to_the_rate_card_and_its_pdf(page: Page, site: str):
    page.goto(f"{site}/providers/kss")
    page.get_by_role("link", name="read it online").click()
    page.wait_for_url("**/providers/kss/rate-card")
    assert "Kent, Surrey and Sussex CRC" in page.locator("h1").inner_text()
    pdf = page.request.get(site + page.get_by_role("link", name="Download this rate card as a PDF").get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF-")
