"""Delivery in a real browser, with the demo users: the caseworker books and records, the practitioner
approves the plan and reads what was delivered; the hub reads its performance. axe on every page."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Page

from tests.browser.conftest import axe_violations, screenshot, scroll_width, sign_in


def _book(page: Page, day: dt.date, *, kind: str, method: str = "phone", minutes: int = 60) -> None:
    form = page.locator("form[action$='/delivery/appointments']")
    form.locator(f"input[name='kind'][value='{kind}']").check()
    form.locator("#date-day").fill(str(day.day))
    form.locator("#date-month").fill(str(day.month))
    form.locator("#date-year").fill(str(day.year))
    form.locator("#time").fill("10:00")
    form.locator("#duration_minutes").fill(str(minutes))
    form.locator(f"input[name='method'][value='{method}']").check()
    form.locator("button").click()
    page.wait_for_url(re.compile(r".*/delivery$"))


def _feedback(page: Page, **answers: str) -> None:
    page.locator("details summary", has_text="Record what happened").first.click()
    form = page.locator("form[action$='/feedback']").first
    form.locator(f"input[name='attended'][value='{answers.pop('attended')}']").check()
    if "absence" in answers:
        form.locator(f"input[name='absence'][value='{answers.pop('absence')}']").check()
    for name, value in answers.items():
        if name == "notify":
            form.locator("input[name='notify_practitioner']").check()
        else:
            form.locator(f"[name='{name}']").fill(value)
    form.locator("button").click()
    page.wait_for_url(re.compile(r".*/delivery$"))


def test_a_caseworker_records_delivery_and_the_practitioner_approves_the_plan(page: Page, phone: Page, site: str):
    sign_in(page, site, "caseworker.cln@example.com")
    page.goto(f"{site}/referrals?status=allocated")
    page.locator("table a[href^='/referrals/']").first.click()
    page.locator("a[href$='/delivery']").click()
    delivery = page.url
    assert page.locator("h1").inner_text() == "Delivery"
    assert axe_violations(page) == []
    today = dt.date.today()
    _book(page, today - dt.timedelta(days=6), kind="assessment")
    _feedback(page, attended="yes", session_summary="Agreed goals.")
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
        _book(page, today - dt.timedelta(days=days), kind="session")
    _feedback(page, attended="late", late_reason="The bus was cancelled")
    _feedback(page, attended="no", absence="pop_unacceptable")
    _feedback(page, attended="yes", concerns="Talked about a new partner", notify="yes")
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
        view.goto(f"{site}/cases?tab=open")
        assert view.locator("h1").inner_text() == "Caseload"
        assert axe_violations(view) == []
        assert scroll_width(view) <= (view.viewport_size or {"width": 0})["width"]
        screenshot(view, "caseload")
        view.goto(f"{site}/groups")
        assert view.locator("h1").inner_text() == "Groups"
        assert axe_violations(view) == []
        assert scroll_width(view) <= (view.viewport_size or {"width": 0})["width"]


def test_the_hub_schedules_a_tsp_group_across_a_bank_holiday(page: Page, site: str):
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
