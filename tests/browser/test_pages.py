"""Pages fit a 375 px phone: tables reflow instead of scrolling sideways, and axe-core finds nothing."""

from __future__ import annotations

import itertools
import re

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import axe_violations, fill_referral_form, sign_in

_crns = itertools.count(500)
PHONE_WIDTH = 375


def _scroll_width(page: Page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def _refer(page: Page, site: str) -> None:
    """A draft referral of the practitioner, so that the list has a row."""
    page.goto(f"{site}/referrals/new?service_id=cln-conflict-resolution")
    fill_referral_form(page, crn=f"P{next(_crns):06d}", name="Jo Phone-Width")


def test_the_referral_list_reflows_at_375_px(phone: Page, site: str):
    sign_in(phone, site, "practitioner@example.com")
    _refer(phone, site)
    phone.goto(f"{site}/referrals")
    assert phone.locator("table.app-table--stacked tbody tr").count() >= 1
    assert _scroll_width(phone) <= PHONE_WIDTH
    assert axe_violations(phone) == []


def test_the_referral_page_fits_375_px(phone: Page, site: str):
    sign_in(phone, site, "practitioner@example.com")
    _refer(phone, site)
    assert _scroll_width(phone) <= PHONE_WIDTH
    assert axe_violations(phone) == []


@pytest.mark.parametrize("path", ["/services/cln-the-offender-outreach-and-resettlement-service",
                                  "/services/cln-conflict-resolution", "/providers"])
def test_catalogue_pages_reflow_at_375_px(phone: Page, site: str, path: str):
    phone.goto(site + path)
    assert _scroll_width(phone) <= PHONE_WIDTH
    assert axe_violations(phone) == []


def test_a_page_past_the_end_says_so(phone: Page, site: str):
    phone.goto(f"{site}/services?page=999")
    assert re.search(r"There is no page 999: there are \d+ pages", phone.locator("#past-end").inner_text())
    assert axe_violations(phone) == []
