"""The admin pages and the API reference in Chromium: axe-core finds nothing, and nothing scrolls sideways at 375 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import axe_violations, sign_in

PHONE_WIDTH = 375
ADMIN_PAGES = ["/admin", "/admin/users", "/admin/users?role=hub", "/admin/users/new", "/admin/outbox?state=queued",
               "/admin/outbox?state=failed", "/admin/review", "/admin/access", "/admin/access?region=North+West&crn=X900001",
               "/admin/access?region=North+West&crn=oops"]


def _scroll_width(page: Page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def _first_user_page(page: Page, site: str) -> str:
    page.goto(f"{site}/admin/users")
    return page.locator("table a.govuk-link").first.get_attribute("href") or ""


@pytest.mark.parametrize("width", [1280, PHONE_WIDTH])
def test_it_finds_no_violations_and_no_sideways_scroll_on_admin_pages(browser, site: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    try:
        sign_in(page, site, "admin@example.com")
        paths = [*ADMIN_PAGES, _first_user_page(page, site)]
        found = {}
        for path in paths:
            response = page.goto(site + path)
            assert response is not None and response.status < 500, path
            violations = axe_violations(page)
            wide = _scroll_width(page)
            if violations or wide > width:
                found[path] = {"violations": violations, "scroll_width": wide}
        assert found == {}
    finally:
        context.close()


def test_it_shows_errors_in_the_govuk_way_on_the_add_user_form(page: Page, site: str):
    sign_in(page, site, "admin@example.com")
    page.goto(f"{site}/admin/users/new")
    page.fill("#email", "not an email")
    page.locator("form[action='/admin/users/new'] button.govuk-button").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.locator("#email-error").inner_text().endswith("Enter an email address in the correct format, like name@example.com.")
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", [1280, PHONE_WIDTH])
def test_it_finds_no_violations_and_no_sideways_scroll_on_the_api_reference(browser, site: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(f"{site}/docs")
        assert page.locator("h1").inner_text() == "ratecard API reference"
        assert axe_violations(page) == []
        assert _scroll_width(page) <= width
    finally:
        context.close()
