"""The price pages in Chromium as an administrator uses them: axe-core finds nothing, nothing scrolls sideways
at 375 px, and a CSV with a bad line is refused in an error summary naming the line."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import axe_violations, screenshot, scroll_width, sign_in

PHONE_WIDTH = 375
BAD_CSV = ("service_id,option_id,service,option,unit,unit_price,vat_rate,minimum_units,cancellation_charge,note\n"
           "cln-conflict-resolution,,Conflict Resolution,,per_session,45.00,standard,,,\n"
           "cln-conflict-resolution,,Conflict Resolution,,per_session,-3,standard,,,\n")


def _check(page: Page, width: int, name: str) -> dict:
    screenshot(page, name)
    violations, wide = axe_violations(page), scroll_width(page)
    return {"violations": violations, "scroll_width": wide} if violations or wide > width else {}


@pytest.mark.parametrize("width", [1280, PHONE_WIDTH])
def test_it_finds_no_violations_and_no_sideways_scroll_on_the_price_pages(browser, site: str, width: int, tmp_path):
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    found = {}
    try:
        sign_in(page, site, "admin@example.com")
        page.goto(f"{site}/prices")
        assert page.locator("[data-price-lists] tbody tr").count() >= 5  # the five example lists (and drafts made here)
        found["/prices"] = _check(page, width, "prices")
        page.locator("[data-price-lists] a", has_text="Kent").first.click()
        assert "Example prices for trying ratecard" in page.content()
        found["kss list"] = _check(page, width, "price-list-kss")
        page.goto(f"{site}/services/kss-cscs-card-training")
        assert "£100.00 if cancelled after registration" in page.content()
        found["service page"] = _check(page, width, "service-price")
        # A new draft from a CSV with one bad line: refused in the error summary, by line.
        page.goto(f"{site}/prices/new")
        found["new"] = _check(page, width, "price-list-new")
        page.select_option("#provider_id", "cln")
        page.fill("#title", f"CLN test prices {width}")
        page.fill("#valid_from-day", "1")
        page.fill("#valid_from-month", "1")
        page.fill("#valid_from-year", "2040")
        bad = tmp_path / "bad.csv"
        bad.write_text(BAD_CSV, encoding="utf-8")
        page.set_input_files("#csv", str(bad))
        page.locator("form[action='/prices/new'] button.govuk-button").click()
        page.wait_for_selector(".govuk-error-summary")
        assert "line 3: unit_price: '-3' is negative" in page.locator(".govuk-error-summary").inner_text()
        found["new with errors"] = _check(page, width, "price-list-new-errors")
        page.set_input_files("#csv", [])
        page.locator("form[action='/prices/new'] button.govuk-button").click()
        page.wait_for_url(re.compile(r".*/prices/\d+\?notice=created$"))
        found["draft"] = _check(page, width, "price-list-draft")
        page.locator("a", has_text="Add a price").click()
        page.fill("#unit_price", "abc")
        page.locator("form button.govuk-button", has_text="Save price").click()
        page.wait_for_selector(".govuk-error-summary")
        found["entry errors"] = _check(page, width, "price-entry-errors")
    finally:
        context.close()
    assert {k: v for k, v in found.items() if v} == {}


def test_it_shows_the_practitioner_the_quote_on_a_draft_referral(page: Page, site: str):
    sign_in(page, site, "practitioner@example.com")
    page.goto(f"{site}/referrals?status=draft")
    page.locator("table a.govuk-link").first.click()
    page.wait_for_selector("h2:has-text('Quote')")
    text = page.content()
    assert "Example prices for trying ratecard" in text and "Total" in text
    screenshot(page, "referral-quote")
    assert axe_violations(page) == []
