"""Delivery in a real browser, with the demo users: the caseworker books and records, the practitioner
approves the plan and reads what was delivered; the hub reads its performance. axe on every page."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page

from ratecard.delivery.groups import is_bank_holiday
from tests.browser.conftest import axe_violations, screenshot, scroll_width, sign_in
from tests.browser.delivery_steps import book, feedback


def test_a_caseworker_records_delivery_and_the_practitioner_approves_the_plan(page: Page, phone: Page, site: str):
    sign_in(page, site, "caseworker.cln@example.com")
    page.goto(f"{site}/referrals?status=allocated")
    page.locator("table a[href^='/referrals/']").first.click()
    page.locator("a[href$='/delivery']").click()
    delivery = page.url
    assert page.locator("h1").inner_text() == "Delivery"
    assert axe_violations(page) == []
    today = dt.date.today()
    book(page, today - dt.timedelta(days=6), kind="assessment")
    feedback(page, attended="yes", session_summary="Agreed goals.")
    page.locator("details summary", has_text="Propose an action plan").click()
    page.fill("#activities", "Understand triggers\nPractise calming down")
    page.fill("#sessions", "3")
    page.locator("form[action$='/action-plan'] button", has_text="Save draft plan").click()
    page.locator("button", has_text="Submit plan to the practitioner").click()
    page.wait_for_url(re.compile(r".*/delivery$"))
    assert "submitted" in page.locator("main").inner_text()

    practitioner = phone
    sign_in(practitioner, site, "practitioner@example.com")
    practitioner.goto(delivery)
    assert axe_violations(practitioner) == [] and scroll_width(practitioner) <= 375
    practitioner.locator("button", has_text="Approve plan").click()
    practitioner.wait_for_url(re.compile(r".*/delivery$"))
    assert "approved" in practitioner.locator("main").inner_text()

    page.goto(delivery)
    for days in (5, 4, 3):
        book(page, today - dt.timedelta(days=days), kind="session")
    feedback(page, attended="late", late_reason="The bus was cancelled")
    feedback(page, attended="no", absence="pop_unacceptable")
    feedback(page, attended="yes", concerns="Talked about a new partner", notify="yes")
    text = page.locator("main").inner_text()
    assert "Attended late" in text and "Did not attend" in text and "unacceptable absence" in text
    assert axe_violations(page) == []
    screenshot(page, "delivery-caseworker")

    practitioner.goto(delivery)
    seen = practitioner.locator("main").inner_text()
    assert "Warning due" in seen and "attended" in seen
    practitioner.locator("button", has_text="Record warning given today").click()
    practitioner.wait_for_url(re.compile(r".*/delivery$"))
    assert "warned" in practitioner.locator("main").inner_text()
    assert axe_violations(practitioner) == [] and scroll_width(practitioner) <= 375
    screenshot(practitioner, "delivery-practitioner")


def test_the_hub_reads_its_performance_and_its_caseload(page: Page, phone: Page, site: str):
    for view in (page, phone):
        sign_in(view, site, "hub.cln@example.com")
        view.goto(f"{site}/reports/performance")
        assert view.locator("img.app-chart").evaluate("img => img.naturalWidth") > 0  # the SVG loaded
        assert view.locator("table caption").inner_text() == "The chart's figures"
        assert axe_violations(view) == []
        assert scroll_width(view) <= (view.viewport_size or {"width": 0})["width"]
        screenshot(view, "performance")
        view.select_option("#service_id", "cln-conflict-resolution")
        view.select_option("#region", "North West")
        with view.expect_navigation():
            view.locator("form[action='/reports/performance'] button").click()
        assert "service_id=cln-conflict-resolution" in view.url and "region=North+West" in view.url
        assert "service_id=cln-conflict-resolution" in (view.locator("img.app-chart").get_attribute("src") or "")
        assert view.locator("img.app-chart").evaluate("img => img.naturalWidth") > 0
        assert axe_violations(view) == []
        view.goto(f"{site}/cases?tab=open")
        assert view.locator("h1").inner_text() == "Caseload"
        assert axe_violations(view) == []
        assert scroll_width(view) <= (view.viewport_size or {"width": 0})["width"]
        screenshot(view, "caseload")
        view.goto(f"{site}/groups")
        assert view.locator("h1").inner_text() == "Groups"
        assert axe_violations(view) == []
        assert scroll_width(view) <= (view.viewport_size or {"width": 0})["width"]


TSP_FACTS = {"p_ogrs": "60", "p_index_offences": "violence", "p_previous_offences": "acquisitive",
             "p_serious_mental_health": "no", "p_drug_dependent": "no", "p_alcohol_dependent": "no", "p_audit": "4",
             "p_learning_difficulties": "no"}


def _form_post(view: Page, site: str, token_page: str, action: str, **data: str) -> str:
    """POST a form as the signed-in browser does (its cookies, the CSRF token of `token_page`); the final URL."""
    view.goto(f"{site}{token_page}")
    token = view.locator("input[name='csrf_token']").first.get_attribute("value") or ""
    answer = view.request.post(f"{site}{action}", form={"csrf_token": token, **data})
    assert answer.ok, answer.text()
    return answer.url


def _accepted_tsp_referral(browser: Browser, page: Page, site: str) -> str:
    """A TSP referral the practitioner sends (through its forms) and the hub accepts on its page: its reference."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    practitioner = context.new_page()
    sign_in(practitioner, site, "practitioner@example.com")
    made = _form_post(practitioner, site, "/referrals/new?service_id=cln-thinking-skills-programme", "/referrals/new",
                      service_id="cln-thinking-skills-programme", crn="X912345", name="Joe Register", sex="male",
                      area="Preston", requirement_type="court_ordered_programme", **TSP_FACTS,
                      **{"date_of_birth-day": "1", "date_of_birth-month": "5", "date_of_birth-year": "1990"})
    path = made.removeprefix(site)
    for step in ("submit", "transfer"):
        _form_post(practitioner, site, path, f"{path}/{step}")
    context.close()
    page.goto(f"{site}{path}")
    with page.expect_navigation():
        page.locator(f"form[action='{path}/accept'] button").click()
    # The Reference row itself: panels (the price agreed at acceptance) may come before the details.
    return page.locator(".govuk-summary-list__row", has=page.locator("dt", has_text="Reference")).locator("dd").first.inner_text().strip()


def test_the_hub_schedules_a_tsp_group_across_a_bank_holiday(browser: Browser, page: Page, phone: Page, site: str):
    sign_in(page, site, "hub.cln@example.com")
    page.goto(f"{site}/groups")
    page.select_option("#service_id", "cln-thinking-skills-programme")
    page.fill("#name", "TSP Preston, late summer")
    page.fill("#venue", "Unit 4, Preston")
    page.fill("#postcode", "PR1 2HE")
    page.fill("#start_date-day", "24")
    page.fill("#start_date-month", "8")
    page.fill("#start_date-year", "2027")
    page.check("#weekday-monday")
    page.fill("#time-monday", "10:00")
    page.fill("#session_minutes", "120")
    page.locator("form[action='/groups'] button").click()
    page.wait_for_url(re.compile(r".*/groups/\d+$"))
    text = page.locator("main").inner_text()
    assert "2027-08-30" in text  # the Late Summer Bank Holiday is stepped over
    assert "Monday 23 August 2027" not in text and "Monday 6 September 2027" in text
    assert axe_violations(page) == []
    screenshot(page, "group")

    # The register of a session that has just passed: a group from today, its first session a few
    # seconds after the hub accepts the referral (appointments follow acceptance), kept once it starts.
    reference = _accepted_tsp_referral(browser, page, site)
    london = dt.datetime.now(ZoneInfo("Europe/London"))
    starts = london + dt.timedelta(seconds=20)
    if is_bank_holiday(starts.date()) or starts.date() != (starts + dt.timedelta(minutes=5)).date():
        # No group session can start today (a bank holiday is stepped over; midnight moves the day): said, not hidden.
        pytest.skip(f"the register needs a group session starting today, and {starts:%d %B %Y %H:%M} cannot have one")
    day = starts.strftime("%A").lower()
    page.goto(f"{site}/groups")
    page.select_option("#service_id", "cln-thinking-skills-programme")
    page.fill("#name", "TSP Preston, this week")
    page.fill("#venue", "Unit 4, Preston")
    page.fill("#postcode", "PR1 2HE")
    page.fill("#start_date-day", str(starts.day))
    page.fill("#start_date-month", str(starts.month))
    page.fill("#start_date-year", str(starts.year))
    page.check(f"#weekday-{day}")
    page.fill(f"#time-{day}", starts.strftime("%H:%M:%S"))
    page.fill("#session_minutes", "120")
    page.locator("form[action='/groups'] button").click()
    page.wait_for_url(re.compile(r".*/groups/\d+$"))
    page.fill("#reference", reference)
    page.locator("form[action$='/members'] button").click()
    page.wait_for_url(re.compile(r".*/groups/\d+$"))
    assert reference in page.locator("main").inner_text()
    page.locator("main ol a").first.click()
    page.wait_for_url(re.compile(r".*/groups/\d+/sessions/\d+$"))
    register = page.url
    wait = (starts - dt.datetime.now(ZoneInfo("Europe/London"))).total_seconds()
    if wait > 0:
        page.wait_for_timeout(wait * 1000 + 1000)
    page.goto(register)
    assert page.locator("h1").inner_text() == "Register of session 1"
    assert "Joe Register" in page.locator("main").inner_text()  # the hub may see the name
    assert axe_violations(page) == []
    screenshot(page, "register-form")
    sign_in(phone, site, "hub.cln@example.com")
    phone.goto(register)
    assert axe_violations(phone) == [] and scroll_width(phone) <= 375
    screenshot(phone, "register-form")
    member = page.locator("[data-member]").first
    member.locator("input[value='late']").check()
    member.locator("input[name^='late_reason-']").fill("The bus was cancelled")
    page.locator("form button", has_text="Record the register").click()
    page.wait_for_url(register)
    assert "There is a problem" not in page.locator("main").inner_text()
    text = page.locator("main").inner_text()
    assert "This register was recorded" in text and "Attended late" in text and "The bus was cancelled" in text
    assert "Summary" not in text  # none was written, so none is shown
    assert axe_violations(page) == []
    screenshot(page, "register")
    phone.goto(register)
    assert axe_violations(phone) == [] and scroll_width(phone) <= 375
    screenshot(phone, "register")
