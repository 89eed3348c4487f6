"""What a caseworker does on a referral's delivery page, as browser steps the journeys share."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page


def taken(page: Page) -> None:
    """The form was taken: no error summary, and back on the delivery page."""
    problems = page.locator(".govuk-error-summary")
    assert problems.count() == 0, problems.inner_text()
    assert page.url.endswith("/delivery"), page.url


def book(page: Page, day: dt.date, *, kind: str, method: str = "phone", minutes: int = 60) -> None:
    """Book an appointment at 10:00 on `day` through the page's booking form."""
    form = page.locator("form[action$='/delivery/appointments']")
    form.locator(f"input[name='kind'][value='{kind}']").check()
    form.locator("#date-day").fill(str(day.day))
    form.locator("#date-month").fill(str(day.month))
    form.locator("#date-year").fill(str(day.year))
    form.locator("#time").fill("10:00")
    form.locator("#duration_minutes").fill(str(minutes))
    form.locator(f"input[name='method'][value='{method}']").check()
    with page.expect_navigation():
        form.locator("button").click()
    taken(page)


def feedback(page: Page, **answers: str) -> None:
    """Record what happened at the first appointment still waiting for it: `attended`, `absence`,
    `notify` (any value ticks "notify the practitioner") and any text field by its name."""
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
    with page.expect_navigation():
        form.locator("button").click()
    taken(page)
