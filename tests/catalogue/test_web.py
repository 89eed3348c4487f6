"""The catalogue's web pages, read as a person without JavaScript would."""

from __future__ import annotations

import re

import pytest

from ratecard.accounts.service import Role
from tests.clients import client_for, form_token
from tests.referrals import factories as f


@pytest.fixture
def web(catalogue_sessions):
    return client_for(catalogue_sessions)


def _result_links(html: str) -> list[str]:
    return re.findall(r'<h2 class="govuk-heading-m govuk-!-margin-bottom-1"><a class="govuk-link" href="(/services/[^"]+)"', html)


def test_it_shows_the_start_page_with_search_categories_and_providers(web):
    html = web.get("/").text
    assert 'action="/services"' in html
    assert "Accommodation" in html
    assert "/providers/kss" in html


def test_it_lists_and_filters_services_with_a_plain_get_form(web):
    html = web.get("/services", params={"q": "accommodation in Lancashire"}).text
    links = _result_links(html)
    assert links and all(link.startswith("/services/cln-") for link in links)
    # The form remembers what was asked.
    assert 'value="accommodation in Lancashire"' in html


def test_it_finds_tsp_and_women_from_the_search_box(web):
    assert any("thinking" in link for link in _result_links(web.get("/services", params={"q": "TSP"}).text))
    assert len(_result_links(web.get("/services", params={"q": "women"}).text)) >= 4


def test_it_keeps_filters_in_pagination_links(web):
    html = web.get("/services", params={"category": "Attitudes, thinking and behaviour"}).text
    assert "govuk-pagination" in html
    assert "category=Attitudes%2C+thinking+and+behaviour&amp;page=2" in html


def test_it_shows_a_service_with_how_to_refer(web):
    link = _result_links(web.get("/services", params={"provider": "NSF", "q": "accommodation"}).text)[0]
    html = web.get(link).text
    assert 'id="how-to-refer"' in html
    assert "CPA Norfolk and Suffolk" in html
    assert "External NSI Referral" in html
    assert "Accommodation Support Low Intensity" in html


def test_it_shows_a_provider_with_services_by_category(web):
    html = web.get("/providers/cln").text
    assert "Cumbria" in html and "Lancashire" in html
    assert html.count('href="/services/cln-') > 10


def test_it_answers_bad_filters_with_an_error_summary_not_a_crash(web):
    response = web.get("/services", params={"kind": "spaceship"})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.text


def test_it_answers_unknown_pages_with_a_404_page(web):
    response = web.get("/services/nsf-does-not-exist")
    assert response.status_code == 404
    assert "Page not found" in response.text



def test_it_lists_providers_with_working_links_not_escaped_markup(web):
    html = web.get("/providers").text
    assert "&lt;a" not in html
    assert '<a class="govuk-link" href="/providers/cln">Cumbria and Lancashire CRC</a>' in html
    assert 'href="mailto:' in web.get("/providers/nsf").text and "&lt;a" not in web.get("/providers/nsf").text


def _hours_cells(html: str) -> list[str]:
    return [cell.strip() for cell in re.findall(r'data-label="Hours">(.*?)</td>', html, re.S)]


def test_it_keeps_hours_in_the_hours_column(web):
    html = web.get("/services/cln-the-offender-outreach-and-resettlement-service").text
    cells = _hours_cells(html)
    assert cells and all(re.fullmatch(r"(Up to )?\d+(\.\d+)? hours?|Not stated", cell) for cell in cells), cells
    # The duration sentence is still shown, with the option's name.
    assert "up to 5 hours per week, up to 16 weeks support" in html


def _signed_in(sessions, role):
    with sessions() as s:
        user = f.user(s, role)
        s.commit()
    client = client_for(sessions)
    response = client.post("/login", data={"email": user.email, "password": f.PASSWORD, "csrf_token": form_token(client),
                                           "next": "/referrals"}, follow_redirects=False)
    assert response.status_code == 303
    return client


def test_it_shows_the_import_review_notes_only_to_admins(catalogue_sessions, web):
    path = "/services/cln-non-resettlement-prisons-through-the-gate-service"
    assert "Notes on this record" not in web.get(path).text
    assert "Notes on this record" not in _signed_in(catalogue_sessions, Role.PRACTITIONER).get(path).text
    html = _signed_in(catalogue_sessions, Role.ADMIN).get(path).text
    assert "Notes on this record" in html and "is not stated" in html


def test_it_gives_nsf_transfer_team_as_the_brochure_prints_it(web):
    link = _result_links(web.get("/services", params={"provider": "NSF", "q": "accommodation"}).text)[0]
    html = web.get(link).text
    assert re.search(r"<dt><strong>Team</strong></dt><dd>Select geographical area</dd>", html)


def test_it_says_when_a_page_number_is_past_the_end(web):
    pages = web.get("/services").text
    last = max(int(n) for n in re.findall(r"page=(\d+)", pages))
    response = web.get("/services", params={"page": 9999})
    assert response.status_code == 404
    assert f"There is no page 9999: there are {last} pages" in response.text
