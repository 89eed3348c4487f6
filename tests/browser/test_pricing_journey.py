"""Pricing end to end in a real browser, as new users would try it: an admin publishes a price list,
the practitioner sees the quote on a draft, the hub accepts (the price is snapshotted), sessions are
delivered and recorded, the month's invoice run bills exactly the attended sessions and a charged
cancellation, the PDF reads back right, and a credit note corrects the invoice. axe on the pages."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser, Page
from pypdf import PdfReader

from tests.browser.conftest import axe_violations, fill_referral_form, move_back, screenshot, scroll_width, sign_in

LONDON = ZoneInfo("Europe/London")
SERVICE = "cln-conflict-resolution"
PRICES = ("service_id,option_id,service,option,unit,unit_price,vat_rate,minimum_units,cancellation_charge,note\r\n"
          f"{SERVICE},,Conflict Resolution,,per_session,123.45,standard,,50.00,Browser journey prices\r\n")


def _post(view: Page, site: str, token_page: str, action: str, **data: str) -> str:
    """POST a form as the signed-in browser would (its cookies, the CSRF token of `token_page`); the final URL."""
    view.goto(f"{site}{token_page}")
    token = view.locator("input[name='csrf_token']").first.get_attribute("value") or ""
    answer = view.request.post(f"{site}{action}", form={"csrf_token": token, **data})
    assert answer.ok, answer.text()
    return answer.url.removeprefix(site)


def _as(browser: Browser, site: str, email: str, width: int = 1280) -> Page:
    view = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True).new_page()
    sign_in(view, site, email)
    return view


def _draft(view: Page, site: str, crn: str, name: str) -> str:
    view.goto(f"{site}/referrals/new?service_id={SERVICE}")
    fill_referral_form(view, crn=crn, name=name)
    return view.url.removeprefix(site)


def _sent_and_accepted(practitioner: Page, hub: Page, site: str, path: str) -> None:
    for step in ("submit", "transfer"):
        _post(practitioner, site, path, f"{path}/{step}")
    hub.goto(f"{site}{path}")
    with hub.expect_navigation():
        hub.locator(f"form[action='{path}/accept'] button").click()
    worker = hub.locator("select[name='caseworker_id'] option", has_text="Carl").get_attribute("value") or ""
    _post(hub, site, path, f"{path}/allocate", caseworker_id=worker)


def test_prices_to_a_corrected_invoice(browser: Browser, page: Page, phone: Page, site: str, site_folder: Path):
    # An admin drafts a price list from a CSV and publishes it.
    sign_in(page, site, "admin@example.com")
    today = dt.datetime.now(LONDON).date()
    page.goto(f"{site}/prices/new")
    page.fill("#title", "Browser journey prices")
    page.select_option("#provider_id", "cln")
    for part, value in (("day", today.day), ("month", today.month), ("year", today.year)):
        page.fill(f"#valid_from-{part}", str(value))
    page.set_input_files("#csv", files=[{"name": "prices.csv", "mimeType": "text/csv", "buffer": PRICES.encode()}])
    page.locator("form[action='/prices/new'] button").click()
    page.wait_for_url(re.compile(r".*/prices/\d+.*"))
    with page.expect_navigation():
        page.locator("form[action$='/publish'] button").click()
    assert "Published" in page.locator("main").inner_text()

    # The practitioner sees the quote on a draft: 4 sessions x £123.45, VAT 20%.
    practitioner = _as(browser, site, "practitioner@example.com")
    sessions_path = _draft(practitioner, site, "X700001", "Pat Invoice")
    quote = practitioner.locator("main").inner_text()
    assert "Quote" in quote and "£493.80" in quote and "£592.56" in quote and "£50.00" in quote
    assert axe_violations(practitioner) == []
    screenshot(practitioner, "pricing-quote")
    cancelled_path = _draft(practitioner, site, "X700002", "Cal Cancel")

    # The hub accepts both: the price is snapshotted.
    hub = _as(browser, site, "hub.cln@example.com")
    for path in (sessions_path, cancelled_path):
        _sent_and_accepted(practitioner, hub, site, path)
    hub.goto(f"{site}{sessions_path}")
    assert "Price agreed at acceptance" in hub.locator("main").inner_text()

    # Three one-minute sessions held in the last few minutes (the acceptance moved back a day, as if it
    # had been yesterday, so they may be recorded now): attended, late, did not attend. They must fall in
    # this month, whose invoices are run below: in the first minutes of a day, wait until they can.
    move_back(site_folder / "ratecard.db", int(sessions_path.rsplit("/", 1)[1]), days=1)
    caseworker = _as(browser, site, "caseworker.cln@example.com")
    now = dt.datetime.now(LONDON).replace(microsecond=0)
    time.sleep(max(0.0, (now.replace(hour=0, minute=5, second=0) - now).total_seconds()))
    first = dt.datetime.now(LONDON).replace(microsecond=0) - dt.timedelta(minutes=4)
    for n in range(3):
        starts = first + dt.timedelta(minutes=n)
        _post(caseworker, site, f"{sessions_path}/delivery", f"{sessions_path}/delivery/appointments", kind="session",
              **{"date-day": str(starts.day), "date-month": str(starts.month), "date-year": str(starts.year)},
              time=starts.strftime("%H:%M:%S"), duration_minutes="1", method="phone")
    caseworker.goto(f"{site}{sessions_path}/delivery")
    actions = [a for a in caseworker.locator("form[action$='/feedback']").evaluate_all("fs => fs.map(f => f.getAttribute('action'))")]
    assert len(actions) == 3
    answers = ({"attended": "yes", "session_summary": "Worked on triggers."},
               {"attended": "late", "late_reason": "The bus was late", "session_summary": "Shorter session."},
               {"attended": "no", "absence": "pop_acceptable", "absence_detail": "Ill."})
    for action, answer in zip(sorted(actions), answers):
        _post(caseworker, site, f"{sessions_path}/delivery", action, **answer)

    # The other is cancelled after registration: the £50.00 charge of the price list applies.
    _post(hub, site, cancelled_path, f"{cancelled_path}/registration")
    # Nothing attended there, so the practitioner asking to end it cancels it at once (the end-state rule).
    _post(practitioner, site, f"{cancelled_path}/delivery", f"{cancelled_path}/delivery/end-request",
          reason_code="moved_out_of_area")

    # The hub runs the month's invoices.
    hub.goto(f"{site}/invoices")
    assert axe_violations(hub) == []
    hub.fill("#month", today.strftime("%Y-%m"))
    with hub.expect_navigation():
        hub.locator("form[action='/invoices/run'] button").click()
    assert re.search(r"/invoices/\d+$", hub.url), hub.locator("main").inner_text()
    invoice_path = hub.url.removeprefix(site)
    assert axe_violations(hub) == []
    screenshot(hub, "invoice")
    rows = list(csv.DictReader(io.StringIO(hub.request.get(f"{site}{invoice_path}.csv").text())))
    lines, total = rows[:-1], rows[-1]
    ours = {(r["crn"], r["charge"]): (r["units"], r["net"], r["vat"]) for r in lines if r["crn"] in ("X700001", "X700002")}
    assert ours == {
        ("X700001", "Sessions attended"): ("2", "246.90", "49.38"),
        ("X700002", "Cancellation charge"): ("1", "50.00", "10.00"),
    }
    references = [r["referral_reference"] for r in lines if r["crn"] in ("X700001", "X700002")]
    # The totals are the sums of the lines, to the penny.
    pence = lambda text: round(float(text) * 100)  # noqa: E731 - reading the CSV's two-decimal pounds
    assert pence(total["net"]) == sum(pence(r["net"]) for r in lines)
    assert pence(total["vat"]) == sum(pence(r["vat"]) for r in lines)
    assert pence(total["total"]) == pence(total["net"]) + pence(total["vat"])

    # Issued, the invoice opens as a PDF that reads right.
    hub.goto(f"{site}{invoice_path}")
    with hub.expect_navigation():
        hub.locator("button", has_text="Issue invoice").click()
    pdf = hub.request.get(f"{site}{invoice_path}.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    number = hub.locator("h1").inner_text().removeprefix("Invoice ").strip()
    for expected in (number, *references, "X700001", "X700002",
                     "£246.90", "£49.38", "£50.00", "Sessions attended", "Cancellation charge",
                     f"£{int(total['total'].split('.')[0]):,}.{total['total'].split('.')[1]}"):
        assert expected in text, expected

    # An issued invoice is corrected only by a credit note naming it.
    hub.fill("#credit-reason", "The late session was disputed")
    with hub.expect_navigation():
        hub.locator("button", has_text="Make a credit note").click()
    note = hub.locator("main").inner_text()
    assert "Credit note" in note and f"Invoice {number}" in note and "-£246.90" in note
    assert axe_violations(hub) == []
    screenshot(hub, "credit-note")

    # The commissioner's spend report, at 375 px too.
    for view in (page, phone):
        if view is phone:
            sign_in(phone, site, "admin@example.com")
        view.goto(f"{site}/reports/spend")
        assert view.locator("img.app-chart").evaluate("img => img.naturalWidth") > 0
        assert axe_violations(view) == []
        assert scroll_width(view) <= (view.viewport_size or {"width": 0})["width"]
        screenshot(view, "spend")
    phone.goto(f"{site}{invoice_path}")
    assert axe_violations(phone) == [] and scroll_width(phone) <= 375
    screenshot(phone, "invoice")
