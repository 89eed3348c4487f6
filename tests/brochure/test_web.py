"""The rate card on the web: the page, the PDF, the link from the provider page, and unknown providers."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest

from tests.clients import client_for


@pytest.fixture
def web(catalogue_sessions):
    return client_for(catalogue_sessions)


def test_it_links_the_rate_card_from_the_provider_page(web):
    html = web.get("/providers/kss").text
    assert 'href="/providers/kss/rate-card"' in html
    assert 'href="/providers/kss/rate-card.pdf"' in html


def test_it_shows_the_rate_card_page_to_anyone_in_the_site_layout(web):
    response = web.get("/providers/KSS/rate-card")
    assert response.status_code == 200
    html = response.text
    assert "<title>Kent, Surrey and Sussex CRC: rate card – ratecard</title>" in html
    assert "govuk-header" in html and 'href="/static/app/brochure.css"' in html
    assert "Resolve" in html and "ES – RAR Programme" in html and "Price on request" in html


def test_it_serves_the_pdf_inline_with_its_name(web):
    response = web.get("/providers/cln/rate-card.pdf", params={"on": "2027-01-15"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'inline; filename="cln-rate-card.pdf"'
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert reader.metadata.title == "Cumbria and Lancashire CRC: rate card"


@pytest.mark.parametrize("path", ["/providers/xyz/rate-card", "/providers/xyz/rate-card.pdf"])
def test_it_says_not_found_for_an_unknown_provider(web, path):
    response = web.get(path)
    assert response.status_code == 404
    assert "No provider 'xyz'" in response.text.replace("&#39;", "'")


def test_it_refuses_a_day_that_is_not_a_date(web):
    response = web.get("/providers/kss/rate-card", params={"on": "soon"})
    assert response.status_code in (400, 422)
    assert "Traceback" not in response.text


def test_it_draws_the_pdf_again_only_when_the_prices_in_force_change(web, catalogue_sessions, monkeypatch):
    from ratecard.billing.demo import load_prices
    from ratecard.brochure import render

    drawn = []
    real = render.pdf
    monkeypatch.setattr(render, "pdf", lambda html, card: drawn.append(card.provider_code) or real(html, card))
    first = web.get("/providers/esx/rate-card.pdf", params={"on": "2027-01-15"}).content
    again = web.get("/providers/esx/rate-card.pdf", params={"on": "2027-01-15"}).content
    assert first == again and drawn == ["ESX"]
    with catalogue_sessions() as session:
        load_prices(session, dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
        session.commit()
    priced = web.get("/providers/esx/rate-card.pdf", params={"on": "2027-01-15"}).content
    assert drawn == ["ESX", "ESX"] and priced != first
