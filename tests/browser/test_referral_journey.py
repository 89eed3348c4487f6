"""The practitioner's day from a town to an accepted referral, at desktop and phone widths: search the
catalogue by town, match a person in Ashford and in Woking section by section, refer from a result,
change the draft, submit, and the KSS hub accepts. axe-core and the page width are checked on every
page on the way; screenshots are saved when RATECARD_SCREENS is set."""

from __future__ import annotations

import itertools
import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import axe_violations, screenshot, scroll_width, sign_in

_crns = itertools.count(700)
WIDTHS = [1280, 375]


def _check(page: Page, name: str) -> None:
    """No axe-core violations, no sideways scrolling, and a screenshot of the page."""
    width = page.viewport_size["width"]
    assert axe_violations(page) == [], name
    assert scroll_width(page) <= width, f"{name} scrolls sideways at {width} px"
    screenshot(page, name)


def _context(browser: Browser, width: int):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    context.set_default_timeout(15_000)
    return context


def _match(page: Page, site: str, area: str, *, check: bool) -> None:
    """Answer the first three sections of the match form and ask for the results."""
    page.goto(f"{site}/match")
    page.fill("#age", "30")
    page.select_option("#sex", "male")
    page.fill("#area", area)
    if check:
        _check(page, "match-about")
    page.locator("button[name='go'][value='order']").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sentence or order")
    page.select_option("#setting", "community")
    page.select_option("#sentence", "community_order")
    page.check("#requirements")  # the first requirement: RAR
    page.locator("button[name='go'][value='risk']").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Risk and assessment")
    page.fill("#ogrs", "40")
    page.select_option("#rosh", "low")
    if check:
        _check(page, "match-risk")
    page.locator("button[value='results']").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Interventions for this person")


@pytest.mark.parametrize("width", WIDTHS)
def test_it_finds_services_by_town_in_the_catalogue(browser: Browser, site: str, width: int):
    context = _context(browser, width)
    page = context.new_page()
    page.goto(f"{site}/services")
    page.fill("#q", "accommodation Blackpool")
    page.press("#q", "Enter")
    expect(page.locator("body")).to_contain_text("Accommodation")
    assert page.get_by_role("link", name=re.compile("Accommodation", re.I)).count() > 0
    _check(page, "catalogue-search-town")
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_it_matches_a_person_in_ashford_kent(browser: Browser, site: str, width: int):
    context = _context(browser, width)
    page = context.new_page()
    _match(page, site, "Ashford, Kent", check=True)
    expect(page.locator("[data-area-understood]")).to_contain_text("Kent")
    assert page.locator("[data-result='eligible'][data-service-id^='kss-']").count() > 0
    summary = page.locator("[data-profile-summary]")
    expect(summary).to_contain_text("Ashford, Kent")
    expect(summary).to_contain_text("RAR")
    _check(page, "match-results-ashford")
    # Change an answer: back to its section with everything kept, and a new result.
    page.get_by_role("button", name=re.compile(r"^Change Risk of serious harm")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Risk and assessment")
    expect(page.locator("#ogrs")).to_have_value("40")
    page.select_option("#rosh", "very_high")
    page.locator("button[value='results']").click()
    expect(page.locator("[data-profile-summary]")).to_contain_text("Very high")
    expect(page.locator("[data-profile-summary]")).to_contain_text("Ashford, Kent")
    context.close()


def _refer_button(page: Page):  # type: ignore[no-untyped-def]
    # An eligible KSS service with a Refer button (not the MSRP, whose pro-forma is its own journey).
    for result in ("eligible", "unknown"):
        items = page.locator(f"li[data-result='{result}'][data-service-id^='kss-']")
        for i in range(items.count()):
            item = items.nth(i)
            if "msrp" in (item.get_attribute("data-service-id") or ""):
                continue
            button = item.locator("button[formaction='/referrals/new']")
            if button.count():
                return item.get_attribute("data-service-id"), button.first
    raise AssertionError("no KSS service to refer to")


@pytest.mark.parametrize("width", WIDTHS)
def test_it_refers_from_a_woking_match_changes_the_draft_and_the_hub_accepts(browser: Browser, site: str, width: int):
    crn = f"W{next(_crns):06d}"
    practitioner = _context(browser, width)
    pp = practitioner.new_page()
    sign_in(pp, site, "practitioner@example.com")
    _match(pp, site, "Woking, Surrey", check=False)
    expect(pp.locator("[data-area-understood]")).to_contain_text("Surrey")
    _check(pp, "match-results-woking-with-refer")
    service_id, refer = _refer_button(pp)
    refer.click()
    expect(pp.get_by_role("heading", level=1)).to_contain_text("Refer to")
    expect(pp.locator("#area")).to_have_value("Woking, Surrey")
    expect(pp.locator("#p_ogrs")).to_have_value("40")
    expect(pp.locator("#sex")).to_have_value("male")
    _check(pp, "referral-form-prefilled")
    pp.fill("#crn", crn)
    pp.fill("#name", "Jo Woking")
    pp.fill("#risk_notes", "Low risk of harm.")
    pp.get_by_role("button", name="Save as draft").click()
    pp.wait_for_url(re.compile(r".*/referrals/\d+$"))
    referral_url = pp.url
    expect(pp.get_by_role("heading", level=1)).to_contain_text("Draft")
    expect(pp.locator("[data-eligibility-facts]")).to_contain_text("OGRS score")
    _check(pp, "referral-draft")

    pp.get_by_role("link", name="Change this draft").click()
    expect(pp.get_by_role("heading", level=1)).to_contain_text("Change the draft referral")
    expect(pp.locator("#name")).to_have_value("Jo Woking")
    _check(pp, "referral-edit")
    pp.fill("#risk_notes", "Low risk of harm; changed after a call.")
    pp.get_by_role("button", name="Save changes").click()
    pp.wait_for_url(referral_url)
    expect(pp.locator("body")).to_contain_text("changed after a call")

    pp.get_by_role("button", name="Submit referral").click()
    problems = pp.locator(".govuk-error-summary")
    assert problems.count() == 0, f"{service_id}: {problems.inner_text() if problems.count() else ''}"
    pp.get_by_role("button", name="Request transfer to hub").click()
    expect(pp.locator("body")).to_contain_text("Sent to provider")
    practitioner.close()

    hub_context = _context(browser, width)
    hub = hub_context.new_page()
    sign_in(hub, site, "hub.kss@example.com")
    expect(hub.locator("body")).to_contain_text(crn)
    hub.goto(referral_url)
    _check(hub, "referral-hub-incoming")
    hub.get_by_role("button", name="Accept").click()
    expect(hub.locator("body")).to_contain_text("Unallocated")
    hub_context.close()


def test_it_shows_form_errors_in_plain_words_in_the_browser(page: Page, site: str):
    sign_in(page, site, "practitioner@example.com")
    page.goto(f"{site}/referrals/new?service_id=cln-conflict-resolution")
    page.fill("#crn", "12")
    page.get_by_role("button", name="Save as draft").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a CRN in the format one letter and six numbers, like X123456")
    expect(summary).to_contain_text("Enter the person's full name")
    expect(page.locator("#crn-error")).to_contain_text("Enter a CRN in the format one letter and six numbers")
    assert axe_violations(page) == []
    screenshot(page, "referral-form-errors")
