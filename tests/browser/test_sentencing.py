"""A magistrates' court legal adviser uses the sentencing guide in a real browser, signed out: the law
for a 2021 and a 2024 conviction, two orders built, checked and fixed, the summary printed, and the
programme providers for Kent; axe on every page at desktop and phone widths."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_violations, screenshot, scroll_width


def _date(page: Page, name: str, day: str, month: str, year: str) -> None:
    page.fill(f"#{name}-day", day)
    page.fill(f"#{name}-month", month)
    page.fill(f"#{name}-year", year)


def _curfew_order(page: Page, site: str, *, year: str, hours: str, days: str) -> None:
    page.goto(f"{site}/sentencing/order")
    page.check("input[name=order_type][value=community_order]")
    _date(page, "conviction_date", "3", "5", year)
    page.fill("#length_months", "12")
    page.check("#requirements-curfew")
    page.fill("#curfew-hours_per_day", hours)
    page.fill("#curfew-days_per_week", days)
    page.fill("#curfew-months", "4")
    page.check("#curfew-electronic_monitoring")
    page.get_by_role("button", name="Check the order").click()


def test_a_legal_adviser_checks_orders_either_side_of_the_2022_curfew_change_and_prints_one(page: Page, site: str):
    # The law for each date: the guide, no sign-in.
    page.goto(f"{site}/sentencing")
    expect(page.get_by_role("link", name="Sentencing")).to_be_visible()
    for year, daily in (("2021", "2 to 16 hours in any day"), ("2024", "2 to 20 hours in any day")):
        _date(page, "conviction_date", "3", "5", year)
        page.get_by_role("button", name="Show the law for this date").click()
        curfew = page.locator("[data-requirement=curfew]")
        expect(curfew.locator("[data-limit=hours_per_day] dt")).to_have_text(daily)
    expect(page.locator("[data-requirement=attendance_centre]")).to_contain_text("Not available")
    assert axe_violations(page) == []
    screenshot(page, "sentencing-guide")

    # 2021: 18 hours a day is over the limit of the time; 16 is lawful.
    _curfew_order(page, site, year="2021", hours="18", days="7")
    expect(page.locator("#check-result")).to_have_attribute("data-valid", "no")
    expect(page.locator("[data-severity=error][data-requirement=curfew]")).to_contain_text("maximum of 16 for a conviction before 28 June 2022")
    expect(page.locator("[data-limits-for]")).to_contain_text("2 to 16 hours in any day")
    assert axe_violations(page) == []
    page.fill("#curfew-hours_per_day", "16")
    page.get_by_role("button", name="Check the order").click()
    expect(page.locator("#check-result")).to_have_attribute("data-valid", "yes")

    # 2024: 18 hours a day is allowed now, but not every day of the week (126 hours > 112).
    _curfew_order(page, site, year="2024", hours="18", days="7")
    expect(page.locator("[data-limits-for]")).to_contain_text("2 to 20 hours in any day")
    expect(page.locator("[data-severity=error][data-requirement=curfew]")).to_contain_text("126 hours in any 7 days is more than the maximum of 112")
    screenshot(page, "sentencing-order-problems")
    page.fill("#curfew-days_per_week", "6")
    page.get_by_role("button", name="Check the order").click()
    expect(page.locator("#check-result")).to_have_attribute("data-valid", "yes")
    assert axe_violations(page) == []

    # The one-page summary, as printed.
    page.get_by_role("button", name="Printable summary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Community order: summary")
    expect(page.locator(".app-summary")).to_contain_text("18 hours a day, 6 days a week, 4 months, electronically monitored")
    expect(page.locator(".app-summary")).to_contain_text("Check: lawful")
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    expect(page.locator(".govuk-header")).to_be_hidden()
    expect(page.locator(".govuk-footer")).to_be_hidden()
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the summary should print on one page"
    screenshot(page, "sentencing-summary-print")
    page.emulate_media(media="screen")


def test_a_legal_adviser_finds_the_accredited_programme_providers_for_kent(page: Page, site: str):
    page.goto(f"{site}/sentencing")
    page.get_by_role("link", name="Local providers").click()
    page.fill("#area", "Kent")
    page.get_by_role("button", name="Find local providers").click()
    expect(page.locator("[data-area-understood]")).to_contain_text("Kent")
    programmes = page.locator("[data-local=programme]")
    expect(programmes.get_by_role("link", name="Thinking Skills Programme")).to_be_visible()
    expect(programmes.get_by_role("link", name="Building Better Relationships")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "sentencing-providers-kent")
    programmes.get_by_role("link", name="Thinking Skills Programme").click()
    expect(page).to_have_url(re.compile(r".*/services/kss-thinking-skills-programme$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thinking Skills Programme")


@pytest.mark.parametrize("path", ["/sentencing", "/sentencing/order", "/sentencing/providers?area=Kent"])
def test_the_sentencing_pages_fit_a_phone_and_pass_axe(phone: Page, site: str, path: str):
    phone.goto(f"{site}{path}")
    assert axe_violations(phone) == []
    assert scroll_width(phone) <= 375
    screenshot(phone, "sentencing" + path.replace("/", "-").replace("?", "-").replace("=", "-"))


def test_the_builder_and_summary_fit_a_phone_and_pass_axe(phone: Page, site: str):
    _curfew_order(phone, site, year="2024", hours="18", days="7")
    assert axe_violations(phone) == []
    assert scroll_width(phone) <= 375
    phone.get_by_role("button", name="Printable summary").click()
    assert axe_violations(phone) == []
    assert scroll_width(phone) <= 375
    screenshot(phone, "sentencing-summary")


def test_the_builder_works_without_javascript(browser, site: str):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        _curfew_order(page, site, year="2021", hours="18", days="7")
        expect(page.locator("[data-severity=error][data-requirement=curfew]")).to_contain_text("maximum of 16")
    finally:
        context.close()
