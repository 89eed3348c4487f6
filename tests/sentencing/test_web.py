"""The /sentencing pages: open without signing in, CSRF on the builder, errors on their fields, the summary."""

from __future__ import annotations

import re

import pytest

from ratecard.security.csrf import COOKIE
from tests.clients import client_for


@pytest.fixture
def web(sessions):
    client = client_for(sessions)
    assert client.get("/sentencing/order").status_code == 200  # gives the browser its CSRF cookie
    return client


def _form(**fields) -> dict:
    base = {"order_type": "community_order", "conviction_date-day": "1", "conviction_date-month": "5",
            "conviction_date-year": "2021", "length_months": "12", "requirements": ["curfew"],
            "curfew-hours_per_day": "18", "curfew-days_per_week": "7", "curfew-months": "6",
            "curfew-electronic_monitoring": "yes"}
    base.update(fields)
    return base


def _post(client, path="/sentencing/order", **fields):
    return client.post(path, data={**_form(**fields), "csrf_token": client.cookies.get(COOKIE)})


@pytest.mark.parametrize("path", ["/sentencing", "/sentencing/order", "/sentencing/providers",
                                  "/sentencing?conviction_date-day=1&conviction_date-month=5&conviction_date-year=2021"])
def test_it_shows_the_guide_without_signing_in(web, path):
    response = web.get(path)
    assert response.status_code == 200
    assert 'href="/sentencing"' in response.text  # in the navigation for everyone, signed out too


def test_it_shows_the_limits_for_the_chosen_conviction_date(web):
    def daily(year: str) -> str:
        page = web.get(f"/sentencing?conviction_date-day=1&conviction_date-month=5&conviction_date-year={year}").text
        section = page.split('data-requirement="curfew"', 1)[1].split("</section>", 1)[0]
        return re.search(r'data-limit="hours_per_day">\s*<dt[^>]*>([^<]+)</dt>', section).group(1)
    assert daily("2021") == "2 to 16 hours in any day"
    assert daily("2024") == "2 to 20 hours in any day"


def test_it_refuses_an_impossible_guide_date_in_words(web):
    response = web.get("/sentencing?conviction_date-day=31&conviction_date-month=2&conviction_date-year=2024")
    assert response.status_code == 400
    assert "Conviction date must be a real date" in response.text


def test_it_refuses_the_builder_without_its_form_token(web):
    response = web.post("/sentencing/order", data=_form())
    assert response.status_code == 403


def test_it_checks_the_order_on_submit_and_keeps_the_answers_to_fix(web):
    response = _post(web)
    assert response.status_code == 200
    assert 'data-valid="no"' in response.text
    assert "18 hours in any day is more than the maximum of 16" in response.text
    assert 'name="curfew-hours_per_day" type="text" value="18"' in response.text or 'value="18"' in response.text
    fixed = _post(web, **{"curfew-hours_per_day": "16", "requirements": ["curfew", "unpaid_work"], "unpaid_work-hours": "80"})
    assert 'data-valid="yes"' in fixed.text


def test_it_shows_bad_answers_on_their_fields_with_an_error_summary(web):
    response = _post(web, **{"curfew-hours_per_day": "-3"})
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert 'href="#curfew-hours_per_day"' in response.text
    assert "Hours a day must be 0 or more" in response.text
    response = _post(web, **{"sentence_date-day": "1", "sentence_date-month": "1", "sentence_date-year": "2021"})
    assert response.status_code == 400
    assert 'href="#sentence_date-day"' in response.text
    assert "The sentence date is before the conviction date" in response.text
    assert "Enter the type of order" in _post(web, order_type="").text


def test_it_prints_a_summary_of_the_order_and_its_problems(web):
    response = _post(web, path="/sentencing/summary")
    assert response.status_code == 200
    assert "Summary of the proposed order" in response.text
    assert "18 hours a day, 7 days a week, 6 months, electronically monitored" in response.text
    assert "Check: not lawful" in response.text
    assert "/static/app/sentencing.css" in response.text
    assert web.get("/static/app/sentencing.css").text.count("@media print") == 1


def test_it_lists_local_providers_linked_to_the_catalogue(catalogue_sessions):
    client = client_for(catalogue_sessions)
    page = client.get("/sentencing/providers", params={"area": "Kent"}).text
    programmes = page.split('data-local="programme"', 1)[1].split("</section>", 1)[0]
    assert 'href="/services/kss-thinking-skills-programme"' in programmes
    assert "data-area-understood" in page
    assert client.get("/services/kss-thinking-skills-programme").status_code == 200
    unknown = client.get("/sentencing/providers", params={"area": "Atlantis"}).text
    assert "data-area-note" in unknown


def test_it_never_puts_none_in_an_empty_box_so_a_resubmit_adds_nothing(web):
    page = _post(web).text
    assert ">None</textarea>" not in page and 'value="None"' not in page


def test_it_shows_providers_guidance_as_guidance_never_as_markup_or_law(web):
    page = web.get("/sentencing").text
    assert "&lt;strong&gt;" not in page
    advice = page.split('data-requirement="unpaid_work"', 1)[1].split("</section>", 1)[0]
    assert "<strong>Provider's guidance, not law.</strong> DLNR CRC&#39;s bands: low 40-80 hours" in advice
