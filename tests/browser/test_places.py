"""Area suggestions as you type, in a real browser under the real Content-Security-Policy."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_violations


def test_it_suggests_a_town_as_you_type_and_says_which_county_it_understood(page: Page, site: str):
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{site}/match")
    area = page.locator("#area")
    with page.expect_response(lambda r: "/api/v1/places?q=" in r.url and r.status == 200):
        area.press_sequentially("Morec", delay=30)
    options = page.locator("#area-suggestions option")
    expect(options.first).to_have_attribute("value", "Morecambe, Lancashire")
    assert area.get_attribute("list") == "area-suggestions"
    assert errors == []  # nothing blocked by the CSP
    area.fill(options.first.get_attribute("value"))
    page.locator("form[action='/match'] button[value='results']").click()
    expect(page.locator("[data-area-understood]")).to_contain_text("Morecambe, Lancashire")
    assert axe_violations(page) == []


def test_the_match_form_with_suggestions_has_no_accessibility_violations(page: Page, site: str):
    page.goto(f"{site}/match")
    with page.expect_response(lambda r: "/api/v1/places?q=" in r.url):
        page.locator("#area").press_sequentially("Ashf", delay=30)
    expect(page.locator("#area-suggestions option[value='Ashford, Kent']")).to_have_count(1)
    assert axe_violations(page) == []


def test_the_area_field_works_without_javascript(browser, site: str):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{site}/match")
        assert page.locator("#area").get_attribute("list") is None
        page.fill("#area", "Blackpool")
        page.locator("form[action='/match'] button[value='results']").click()
        expect(page.locator("[data-area-understood]")).to_contain_text("Blackpool, Lancashire")
    finally:
        context.close()
