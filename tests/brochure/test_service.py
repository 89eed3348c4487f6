"""The generated rate card: every provider's PDF and HTML read back for its services, NSI strings and prices."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pypdf
import pytest
from sqlalchemy import select

from ratecard.billing.models import PriceEntry, PriceList
from ratecard.brochure import sections, service
from ratecard.brochure.prices import ON_REQUEST
from ratecard.catalogue import service as catalogue
from ratecard.catalogue.models import Service
from ratecard.catalogue.schemas import ServiceFilters
from ratecard.db import make_sessionmaker, utc_now
from ratecard.errors import InvalidInput, NotFound

PROVIDERS = ("NSF", "CLN", "ESX", "DLNR", "KSS")
ON = dt.date(2027, 1, 15)


def _flat(text: str) -> str:
    # Lines wrap anywhere in a PDF: compare with every run of white space as one space.
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def built(loaded_engine):
    """Each provider's services, PDF and HTML, built once per backend (a PDF takes seconds)."""
    out = {}
    # Closed before the tests run: an open read would hold SQLite's lock against the other fixtures.
    with make_sessionmaker(loaded_engine)() as session:
        for code in PROVIDERS:
            items = catalogue.export_services(session=session, filters=ServiceFilters(provider=code))
            out[code] = {
                "services": items,
                "pdf": service.build(session=session, provider_code=code, fmt="pdf", on=ON),
                "html": service.build(session=session, provider_code=code, fmt="html", on=ON).decode(),
            }
        session.rollback()
    return out


def _pdf_text(reader: pypdf.PdfReader) -> str:
    return _flat(" ".join(page.extract_text() for page in reader.pages))


def _nsi_strings(item) -> set[str]:
    found = {item.nsi_category, *item.nsi_subtypes}
    for option in item.options:
        found |= {option.nsi_category, option.nsi_subtype}
    return {s for s in found if s}


@pytest.mark.parametrize("code", PROVIDERS)
def test_it_prints_every_service_nsi_string_and_price_in_the_pdf(built, code):
    reader = pypdf.PdfReader(io.BytesIO(built[code]["pdf"]))
    text = _pdf_text(reader)
    items = built[code]["services"]
    assert items
    missing = [i.name for i in items if _flat(i.name) not in text]
    assert not missing, f"services not in the {code} PDF: {missing}"
    nsi = {s for i in items for s in _nsi_strings(i)}
    missing_nsi = sorted(s for s in nsi if _flat(s) not in text)
    assert not missing_nsi, f"NSI strings not in the {code} PDF: {missing_nsi}"
    # No price list is in force here: every orderable thing says so.
    assert text.count(ON_REQUEST) >= len(items)


@pytest.mark.parametrize("code", PROVIDERS)
def test_it_gives_the_pdf_bookmarks_a_title_a_language_and_tags(built, code):
    reader = pypdf.PdfReader(io.BytesIO(built[code]["pdf"]))
    root = reader.trailer["/Root"]
    assert reader.metadata.title == f"{built[code]['services'][0].provider_name}: rate card"
    assert root["/Lang"] == "en-GB"
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    outline = reader.outline

    def titles(items) -> list[str]:
        return [t for i in items for t in (titles(i) if isinstance(i, list) else [i.title])]

    marks = titles(outline)
    assert {"Contents", "Introduction", "The Through the Gate offer"} <= set(marks)
    # Every service is a bookmark under its part.
    assert all(any(m.startswith(i.name) for m in marks) for i in built[code]["services"])
    assert any(isinstance(i, list) for i in outline), "services nest under their part"


@pytest.mark.parametrize("code", PROVIDERS)
def test_it_numbers_the_contents_with_real_pages(built, code):
    reader = pypdf.PdfReader(io.BytesIO(built[code]["pdf"]))
    contents = _flat(reader.pages[1].extract_text())
    pages = [int(n) for n in re.findall(r"\.{3,} ?(\d+)", contents)]
    assert pages and pages == sorted(pages) and max(pages) <= len(reader.pages)
    assert "Page 2 of" in contents


@pytest.mark.parametrize("code", PROVIDERS)
def test_it_prints_the_same_services_in_the_html(built, code):
    html = _flat(built[code]["html"].replace("&amp;", "&").replace("&#39;", "'").replace("&quot;", '"'))
    assert '<html lang="en-GB">' in html
    items = built[code]["services"]
    assert all(_flat(i.name) in html for i in items)
    assert all(_flat(s) in html for i in items for s in _nsi_strings(i))


@pytest.mark.parametrize("code", PROVIDERS)
def test_it_groups_every_service_under_a_heading_the_brochure_prints(built, code):
    keys = [i.key for i in built[code]["services"]]
    groups = sections.group(code, keys)
    printed = [h.heading for h in sections.load().providers[code].sections]
    assert [g for g, _ in groups] == printed
    assert [k for _, ks in groups for k in ks] == keys


def test_it_puts_services_before_the_first_heading_under_other_services():
    assert sections.group("NOPE", ["a", "b"]) == [(sections.LEFT_OVER, ["a", "b"])]


def test_it_reads_rules_and_the_through_the_gate_offer_into_the_content(catalogue_session):
    card = service.rate_card(session=catalogue_session, provider_code="nsf", on=ON)
    entries = {e.name: e for s in card.sections for e in s.entries}
    tsp = catalogue.get_service(session=catalogue_session, service_id="nsf-thinking-skills-programme")
    assert entries["Thinking Skills Programme"].who_for == [r.message for r in tsp.rules]
    assert card.resettlement_prisons and "HMP Norwich" in " ".join(card.resettlement_prisons)
    assert any("Through the Gate" in name for _, name in card.ttg_entries)
    assert card.sections[0].heading == "Through The Gate Service"


def _publish(session, *, provider_id: str, example: bool = False) -> PriceList:
    now = utc_now()
    price_list = PriceList(provider_id=provider_id, title="Prices from January 2027", valid_from=dt.date(2027, 1, 1),
                           valid_to=None, status="published", example=example, created_at=now, published_at=now)
    session.add(price_list)
    session.flush()
    return price_list


def _price(session, price_list: PriceList, service_id: str, option_id: str | None, **values) -> None:
    session.add(PriceEntry(price_list_id=price_list.id, service_id=service_id, option_id=option_id, **values))
    session.flush()


def test_it_prints_the_price_in_force_with_its_minimum_and_charge(catalogue_session):
    session = catalogue_session
    price_list = _publish(session, provider_id="kss", example=True)
    cscs = session.scalar(select(Service).where(Service.id == "kss-cscs-card-training"))
    rj = catalogue.get_service(session=session, service_id="kss-restorative-justice-conferencing")
    _price(session, price_list, cscs.id, cscs.options[0].id if cscs.options else None, unit="per_referral",
           unit_price_pence=123456, vat_rate="standard",
           charge_rule={"kind": "cancellation_after_registration", "amount_pence": 10000})
    rj_option = rj.options[0].id if rj.options else None
    _price(session, price_list, rj.id, rj_option, unit="per_hour", unit_price_pence=4500, vat_rate="exempt",
           minimum_units=Decimal("1.00"))
    text = _pdf_text(pypdf.PdfReader(io.BytesIO(service.build(session=session, provider_code="KSS", fmt="pdf", on=ON))))
    assert "£1,234.56 per referral, plus VAT at 20%; £100.00 if cancelled after registration" in text
    assert "£45.00 per hour, exempt from VAT; at least 1 hour" in text
    assert "example prices for trying ratecard, not the provider's" in text
    assert "Prices from January 2027" in text
    # Before the list is in force, the same services are on request again.
    before = service.rate_card(session=session, provider_code="KSS", on=dt.date(2026, 12, 31))
    assert before.price_list is None
    assert all(not line.priced for s in before.sections for e in s.entries for line in e.prices)


@pytest.mark.parametrize("code", PROVIDERS)
def test_it_prints_every_price_of_the_example_price_list(catalogue_session, code):
    from ratecard.billing.demo import load_prices
    from ratecard.brochure.prices import price_words

    session = catalogue_session
    load_prices(session, dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    card = service.rate_card(session=session, provider_code=code, on=ON)
    assert card.price_list is not None and card.price_list.example
    text = _pdf_text(pypdf.PdfReader(io.BytesIO(service.build(session=session, provider_code=code, fmt="pdf", on=ON))))
    price_list = session.scalar(select(PriceList).where(PriceList.provider_id == code.lower(), PriceList.example.is_(True)))
    assert price_list.entries
    missing = sorted({price_words(e) for e in price_list.entries if _flat(price_words(e)) not in text})
    assert not missing, f"prices not in the {code} PDF: {missing}"
    unpriced = [line for s in card.sections for e in s.entries for line in e.prices if not line.priced]
    assert text.count(ON_REQUEST) >= len(unpriced)
    assert "example prices for trying ratecard, not the provider's" in text


def test_it_says_not_found_for_an_unknown_provider(catalogue_session):
    with pytest.raises(NotFound, match="No provider 'XYZ'"):
        service.build(session=catalogue_session, provider_code="XYZ", fmt="html")


def test_it_refuses_an_unknown_format(catalogue_session):
    with pytest.raises(InvalidInput, match="html or pdf"):
        service.build(session=catalogue_session, provider_code="KSS", fmt="docx")  # type: ignore[arg-type]
