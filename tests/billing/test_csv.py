"""Price lists as CSV: every row checked, each bad line reported by number, nothing written on any; round trips."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ratecard.accounts.service import Role
from ratecard.billing import pricecsv, pricelists
from ratecard.billing.models import PriceEntry, PriceList
from ratecard.billing.money import parse_pence
from ratecard.errors import Conflict, InvalidInput
from tests.billing import factories as f
from tests.referrals import factories as rf

HEADER = ",".join(pricecsv.COLUMNS)
GOOD = "cln-conflict-resolution,,Conflict Resolution,,per_session,45.00,standard,,,Brochure p.3"


def _csv(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


@pytest.fixture
def admin(catalogue_session):
    return rf.user(catalogue_session, Role.ADMIN)


@pytest.mark.parametrize(("text", "pence"), [("12.50", 1250), ("12.5", 1250), ("12", 1200), ("£1,234.56", 123456),
                                             ("0", 0), (" 0.07 ", 7)])
def test_it_reads_amounts_in_pounds_into_integer_pence(text, pence):
    assert parse_pence(text) == pence


@pytest.mark.parametrize(("text", "words"), [("-5.00", "negative"), ("abc", "not an amount"), ("12.505", "not an amount"),
                                             ("1e3", "not an amount"), ("12,50", "not an amount"), ("", "not an amount"),
                                             ("1000000.01", "more than")])
def test_it_refuses_amounts_that_are_not_money(text, words):
    with pytest.raises(ValueError, match=words):
        parse_pence(text)


@pytest.mark.parametrize(("row", "words"), [
    ("cln-conflict-resolution,,,,per_session,-4.00,standard,,,", "line 3: unit_price: '-4.00' is negative"),
    ("cln-conflict-resolution,,,,per_session,forty,standard,,,", "line 3: unit_price: 'forty' is not an amount"),
    ("cln-conflict-resolution,,,,per_session,,standard,,,", "line 3: unit_price: give the price"),
    ("cln-conflict-resolution,,,,per_week,4.00,standard,,,", "line 3: unit: 'per_week' is not one of"),
    ("cln-conflict-resolution,,,,per_session,4.00,luxury,,,", "line 3: vat_rate: 'luxury' is not one of"),
    ("cln-conflict-resolution,,,,per_hour,4.00,standard,one,,", "line 3: minimum_units: 'one' is not a number"),
    ("cln-conflict-resolution,,,,per_hour,4.00,standard,,-1,", "line 3: cancellation_charge: '-1' is negative"),
    ("cln-conflict-resolution,,,,per_hour,4.00,standard,,,,extra", "line 3: the row has more cells"),
])
def test_it_reports_a_bad_row_by_its_line(row, words):
    entries, lines, problems = pricecsv.read(_csv(GOOD, row))
    assert len(problems) == 1 and problems[0].startswith(words)
    assert lines == ["line 2"]


def test_it_refuses_a_file_without_the_columns():
    _, _, problems = pricecsv.read("service,price\nx,1\n")
    assert problems[0].startswith("line 1: the header lacks the columns service_id, option_id, unit, unit_price, vat_rate")


def test_it_writes_nothing_when_one_row_is_bad(catalogue_session, admin):
    before = catalogue_session.scalar(select(func.count()).select_from(PriceList))
    text = _csv(GOOD, "nope-service,,,,per_session,4.00,standard,,,")
    with pytest.raises(InvalidInput) as caught:
        pricelists.create_from_csv(session=catalogue_session, user=admin, provider_code="CLN", title="Bad",
                                   valid_from=f.JAN, valid_to=None, text=text)
    assert caught.value.details["problems"] == ["line 3: service_id: 'nope-service' is not a service of this provider"]
    assert catalogue_session.scalar(select(func.count()).select_from(PriceList)) == before


def test_it_reports_every_bad_line_at_once_in_line_order(catalogue_session, admin):
    text = _csv(GOOD, "cln-nope,,,,per_session,1.00,standard,,,", "cln-conflict-resolution,,,,per_session,x,standard,,,",
                GOOD)
    with pytest.raises(InvalidInput) as caught:
        pricelists.create_from_csv(session=catalogue_session, user=admin, provider_code="cln", title="Bad",
                                   valid_from=f.JAN, valid_to=None, text=text)
    assert caught.value.details["problems"] == [
        "line 3: service_id: 'cln-nope' is not a service of this provider",
        "line 4: unit_price: 'x' is not an amount in pounds and pence, such as 12.50",
        "line 5: the same option is priced twice (first at line 2)",
    ]


def test_it_replaces_a_drafts_entries_but_never_a_published_lists(catalogue_session, admin):
    draft = f.draft(catalogue_session, admin)
    pricelists.import_csv(session=catalogue_session, user=admin, price_list_id=draft.id,
                          text=_csv(GOOD.replace("45.00", "50.00")))
    assert [e.unit_price_pence for e in draft.entries] == [5000]
    with pytest.raises(InvalidInput):
        pricelists.import_csv(session=catalogue_session, user=admin, price_list_id=draft.id,
                              text=_csv(GOOD, "cln-conflict-resolution,,,,per_session,oops,standard,,,"))
    catalogue_session.expire_all()
    assert [e.unit_price_pence for e in catalogue_session.get(PriceList, draft.id).entries] == [5000]
    pricelists.publish(session=catalogue_session, user=admin, price_list_id=draft.id)
    with pytest.raises(Conflict, match="never edited"):
        pricelists.import_csv(session=catalogue_session, user=admin, price_list_id=draft.id, text=_csv(GOOD))


@pytest.mark.parametrize("provider_id", ["nsf", "cln", "esx", "dlnr", "kss"])
def test_it_round_trips_a_list_through_csv(catalogue_session, admin, provider_id):
    from ratecard.billing.demo import EXAMPLE_DIR

    text = (EXAMPLE_DIR / f"{provider_id}.csv").read_text(encoding="utf-8")
    made = pricelists.create_from_csv(session=catalogue_session, user=admin, provider_code=provider_id, title="Round",
                                      valid_from=f.JAN, valid_to=None, text=text)
    again = pricelists.export_csv(session=catalogue_session, price_list=made)
    assert again == text
    assert catalogue_session.scalar(select(func.count()).select_from(PriceEntry).where(PriceEntry.price_list_id == made.id)) \
        == len(text.splitlines()) - 1
