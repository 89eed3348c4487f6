"""The whole journey in a real browser, with the demo users, as issue #13 tells it: the practitioner
refers, the hub accepts and allocates, the caseworker books and records the assessment, proposes an
action plan that the practitioner approves, books and records sessions (one late, one missed, one
with concerns that emails the practitioner), writes the end-of-service report, and the referral
concludes as completed by the one end-state rule. axe and the page width on every page on the way;
screenshots when RATECARD_SCREENS is set."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import axe_violations, fill_referral_form, move_back, screenshot, scroll_width, sign_in
from tests.browser.delivery_steps import book, feedback

SERVICE = "cln-conflict-resolution"


def _check(page: Page, name: str) -> None:
    width = (page.viewport_size or {"width": 0})["width"]
    assert axe_violations(page) == [], name
    assert scroll_width(page) <= width, f"{name} scrolls sideways at {width} px"
    screenshot(page, name)


def test_a_referral_goes_from_the_practitioner_to_completed(browser: Browser, page: Page, phone: Page, site: str,
                                                            site_folder: Path):
    # The practitioner refers, at a phone's width.
    practitioner = phone
    sign_in(practitioner, site, "practitioner@example.com")
    practitioner.goto(f"{site}/services/{SERVICE}")
    practitioner.get_by_role("button", name="Refer someone").click()
    fill_referral_form(practitioner, crn="J424242", name="Jamie Journey")
    referral = practitioner.url
    referral_id = int(referral.rsplit("/", 1)[1])
    practitioner.get_by_role("button", name="Submit referral").click()
    practitioner.get_by_role("button", name="Request transfer to hub").click()
    expect(practitioner.locator("body")).to_contain_text("Sent to provider")
    _check(practitioner, "journey-1-referred")

    # The hub accepts and allocates to its caseworker.
    hub = page
    sign_in(hub, site, "hub.cln@example.com")
    hub.goto(referral)
    hub.get_by_role("button", name="Accept").click()
    expect(hub.locator("body")).to_contain_text("Unallocated")
    hub.select_option("#caseworker_id", label="Carl Caseworker (CLN)")
    hub.get_by_role("button", name="Allocate").click()
    expect(hub.locator("body")).to_contain_text("Carl Caseworker (CLN)")
    _check(hub, "journey-2-allocated")
    # A fortnight passes: the caseworker records, today, what was delivered since the acceptance.
    move_back(site_folder / "ratecard.db", referral_id, days=14)

    # The practitioner chooses what the person should achieve.
    delivery = f"{referral}/delivery"
    practitioner.goto(delivery)
    practitioner.locator("details summary", has_text="Choose the desired outcomes").click()
    practitioner.locator("input[name='codes']").nth(0).check()
    practitioner.locator("input[name='codes']").nth(1).check()
    practitioner.get_by_role("button", name="Save desired outcomes").click()
    expect(practitioner.locator("[data-desired-outcomes]")).to_contain_text("Not reported yet")

    # The caseworker books and records the assessment, and proposes a plan of three sessions.
    caseworker_context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    caseworker = caseworker_context.new_page()
    sign_in(caseworker, site, "caseworker.cln@example.com")
    caseworker.goto(delivery)
    assert caseworker.locator("h1").inner_text() == "Delivery"
    today = dt.date.today()
    book(caseworker, today - dt.timedelta(days=10), kind="assessment")
    feedback(caseworker, attended="yes", session_summary="Agreed what to work on.")
    caseworker.locator("details summary", has_text="Propose an action plan").click()
    caseworker.fill("#activities", "Spot the signs of a row building\nPractise stepping away")
    caseworker.fill("#sessions", "3")
    caseworker.locator("form[action$='/action-plan'] button", has_text="Save draft plan").click()
    caseworker.locator("button", has_text="Submit plan to the practitioner").click()
    caseworker.wait_for_url(re.compile(r".*/delivery$"))
    _check(caseworker, "journey-3-plan-submitted")

    practitioner.goto(delivery)
    practitioner.locator("button", has_text="Approve plan").click()
    practitioner.wait_for_url(re.compile(r".*/delivery$"))
    expect(practitioner.locator("main")).to_contain_text("approved")
    _check(practitioner, "journey-4-plan-approved")

    # The three planned sessions booked and recorded: late, missed, with concerns (the practitioner is
    # emailed). The missed one used nothing of what was bought, so a fourth can be booked in its place.
    for days in (8, 6, 4):
        book(caseworker, today - dt.timedelta(days=days), kind="session")
    feedback(caseworker, attended="late", late_reason="The bus was cancelled")
    feedback(caseworker, attended="no", absence="pop_unacceptable", absence_detail="Did not answer the phone")
    feedback(caseworker, attended="yes", concerns="Spoke of a row with a neighbour", notify="yes")
    book(caseworker, today - dt.timedelta(days=2), kind="session")
    feedback(caseworker, attended="yes", session_summary="Used the stepping-away plan twice this week.")
    text = caseworker.locator("main").inner_text()
    assert "Attended late" in text and "Did not attend" in text
    _check(caseworker, "journey-5-sessions-recorded")

    admin_context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    admin = admin_context.new_page()
    sign_in(admin, site, "admin@example.com")
    emails = []
    for state in ("queued", "sent"):  # the server may have sent it already
        admin.goto(f"{site}/admin/outbox?state={state}")
        emails += admin.locator("tbody tr").all_inner_texts()
    reference = caseworker.locator(".govuk-caption-l").inner_text().removeprefix("Referral ").strip()
    concern = [e for e in emails if "practitioner@example.com" in e and f"Referral {reference}: feedback needs your attention" in e]
    assert concern, f"no email to the practitioner about the concerns: {emails}"
    admin_context.close()

    # The practitioner sees what was delivered and the unacceptable absence, and records the warning.
    practitioner.goto(delivery)
    delivered = practitioner.locator("main").inner_text()
    assert "unacceptable absence" in delivered
    practitioner.locator("button", has_text="Record warning given today").click()
    practitioner.wait_for_url(re.compile(r".*/delivery$"))
    _check(practitioner, "journey-6-practitioner-reads-delivery")

    # The end-of-service report; the referral concludes by the rule: three of three planned sessions attended.
    caseworker.goto(delivery)
    expect(caseworker.locator("[data-ending-summary]")).to_contain_text("3")
    report = caseworker.locator("form[data-end-of-service-report]")
    radios = report.locator("input[type='radio'][value='achieved']")
    assert radios.count() == 2
    radios.nth(0).check()
    report.locator("input[type='radio'][value='partially_achieved']").nth(1).check()
    report.locator("textarea[name^='comments-']").first.fill("Steps away from rows now.")
    report.locator("#further_information").fill("Would benefit from a mentor.")
    _check(caseworker, "journey-7-end-of-service-report")
    report.get_by_role("button", name="Submit end-of-service report").click()
    caseworker.wait_for_url(re.compile(r".*/delivery$"))
    expect(caseworker.locator(".govuk-error-summary")).to_have_count(0)
    expect(caseworker.locator("[data-desired-outcomes]")).to_contain_text("Partly achieved")
    caseworker_context.close()

    practitioner.goto(referral)
    expect(practitioner.get_by_role("heading", level=1)).to_contain_text("Completed")
    page_text = practitioner.locator("main").inner_text()
    assert "3 of 3 planned sessions attended" in page_text
    assert re.search(r"Completed\s+by Carl Caseworker \(CLN\)", page_text), "the history names who concluded it"
    _check(practitioner, "journey-8-completed")
