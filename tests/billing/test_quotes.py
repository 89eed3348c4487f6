"""Quotes from the price list in force on the referral date, the snapshot at acceptance, re-quoted variations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ratecard.accounts.service import Role
from ratecard.billing import pricelists, quotes
from ratecard.billing.models import PriceVariation
from ratecard.billing.quotes import quote_for, units_bought
from ratecard.billing.vat import vat_pence
from ratecard.catalogue.models import Service, ServiceOption
from ratecard.delivery import plans
from ratecard.delivery import service as delivery
from ratecard.delivery.schemas import ActionPlanIn
from ratecard.errors import NotFound
from ratecard.referrals import service as referrals
from ratecard.referrals.extensions import panels
from sqlalchemy import select
from tests.billing import factories as f
from tests.delivery import factories as df
from tests.referrals import factories as rf

TODAY = dt.date.today()


@pytest.fixture
def admin(catalogue_session):
    return rf.user(catalogue_session, Role.ADMIN)


@pytest.fixture
def pp(catalogue_session):
    return rf.user(catalogue_session)


@pytest.mark.parametrize(("net", "rate", "vat"), [
    (1250, "standard", 250), (3, "standard", 1), (2, "standard", 0), (10, "reduced", 1), (9, "reduced", 0),
    (12345, "zero", 0), (12345, "exempt", 0), (-3, "standard", -1),
])
def test_it_works_vat_per_line_rounded_half_up_to_the_penny(net, rate, vat):
    assert vat_pence(net, rate) == vat


def test_it_quotes_a_draft_from_the_list_in_force_on_its_referral_date(catalogue_session, admin, pp):
    price_list = f.published(catalogue_session, admin, valid_from=TODAY - dt.timedelta(days=30))
    draft = rf.draft(catalogue_session, pp)
    out = quotes.quote(session=catalogue_session, user=pp, referral_id=draft.id)
    assert out.price_list_id == price_list.id and len(out.lines) == 1
    line = out.lines[0]
    # CLN's Conflict Resolution: 4 sessions at £45.00, VAT 20%.
    assert (line.units, line.unit_price_pence, line.net_pence, line.vat_pence, line.total_pence) == (4, 4500, 18000, 3600, 21600)
    assert (out.net_pence, out.vat_pence, out.total_pence) == (18000, 3600, 21600)


def test_it_says_plainly_when_no_price_is_in_force(catalogue_session, admin, pp):
    f.published(catalogue_session, admin, valid_from=TODAY + dt.timedelta(days=10))  # not yet in force
    draft = rf.draft(catalogue_session, pp)
    out = quotes.quote(session=catalogue_session, user=pp, referral_id=draft.id)
    assert out.price_list_id is None and out.lines == [] and out.total_pence == 0
    assert "No price list of this provider is in force" in out.message
    panel = next(p for p in panels(session=catalogue_session, referral_id=draft.id) if p.title == "Price")
    assert panel.heading == "Quote" and "no quote" in panel.rows[0][1]


def test_it_shows_the_quote_on_the_draft_referral_page_panel(catalogue_session, admin, pp):
    f.published(catalogue_session, admin, valid_from=TODAY - dt.timedelta(days=1), example=True)
    draft = rf.draft(catalogue_session, pp)
    panel = next(p for p in panels(session=catalogue_session, referral_id=draft.id) if p.title == "Price")
    rows = dict(panel.rows)
    assert rows["Units"] == "4 sessions x £45.00" and rows["Net"] == "£180.00" and rows["Line total"] == "£216.00"
    assert rows["Prices"].startswith("Example prices for trying ratecard")


def test_it_hides_another_practitioners_referral_quote(catalogue_session, pp):
    draft = rf.draft(catalogue_session, pp)
    with pytest.raises(NotFound):
        quotes.quote(session=catalogue_session, user=rf.user(catalogue_session, region="East of England"), referral_id=draft.id)


def test_it_respects_the_minimum(catalogue_session, admin, pp):
    f.published(catalogue_session, admin, valid_from=TODAY - dt.timedelta(days=1),
                entries=[f.entry_in(unit="per_session", minimum_units=Decimal(6))])
    out = quote_for(session=catalogue_session, referral=rf.draft(catalogue_session, pp))
    assert out.lines[0].units == 6 and out.net_pence == 27000 and "Minimum charge of 6 sessions" in out.lines[0].notes[0]


@pytest.mark.parametrize(("unit", "units"), [("per_referral", 1), ("per_session", 4), ("per_hour", 4)])
def test_it_counts_the_units_the_referral_buys(catalogue_session, pp, unit, units):
    referral = rf.draft(catalogue_session, pp)
    service = catalogue_session.get(Service, referral.service_id)
    assert units_bought(unit=unit, referral=referral, service=service, option=None) == units


def test_it_counts_msrp_modules(catalogue_session, pp):
    referral = rf.draft(catalogue_session, pp)
    referral.msrp_modules = ["finance", "accommodation", "employment"]
    service = catalogue_session.get(Service, referral.service_id)
    assert units_bought(unit="per_module", referral=referral, service=service, option=None) == 3


def test_it_counts_an_options_hours(catalogue_session, pp):
    option = catalogue_session.scalar(select(ServiceOption).where(ServiceOption.hours.is_not(None)).limit(1))
    referral = rf.draft(catalogue_session, pp)
    assert units_bought(unit="per_hour", referral=referral, service=option.service, option=option) == Decimal(str(option.hours))


def test_it_snapshots_the_price_at_acceptance_and_later_lists_never_change_it(catalogue_session, admin):
    people = df.cast(catalogue_session)
    f.published(catalogue_session, admin, valid_from=TODAY - dt.timedelta(days=30))
    referral = df.allocated(catalogue_session, people)
    snapshot = quotes.snapshot_of(session=catalogue_session, referral_id=referral.id)
    assert (snapshot.unit_price_pence, snapshot.units_bought, snapshot.unit) == (4500, 4, "per_session")
    # A newer list from today, dearer: the accepted referral keeps its price; a new draft gets the new one.
    f.published(catalogue_session, admin, valid_from=TODAY - dt.timedelta(days=5),
                entries=[f.entry_in(unit_price_pence=9900)])
    catalogue_session.expire_all()
    kept = quote_for(session=catalogue_session, referral=referral)
    assert kept.snapshotted and kept.total_pence == 21600
    fresh = quote_for(session=catalogue_session, referral=rf.draft(catalogue_session, people["pp"]))
    assert fresh.lines[0].unit_price_pence == 9900 and not fresh.snapshotted


def test_it_takes_no_snapshot_when_no_price_is_in_force(catalogue_session):
    people = df.cast(catalogue_session)
    referral = df.allocated(catalogue_session, people)
    assert quotes.snapshot_of(session=catalogue_session, referral_id=referral.id) is None


def test_it_requotes_an_approved_variation_with_more_sessions(catalogue_session, admin):
    people = df.cast(catalogue_session)
    f.published(catalogue_session, admin, valid_from=TODAY - dt.timedelta(days=30))
    referral = df.allocated(catalogue_session, people)
    assessment = df.booked(catalogue_session, people["cw"], referral, day=1, kind="assessment")
    delivery.record_feedback(session=catalogue_session, user=people["cw"], appointment_id=assessment.id,
                             data=df.feedback(), now=df.NOW)
    for sessions, extra in ((6, 2), (7, 1)):
        plans.propose(session=catalogue_session, user=people["cw"], referral_id=referral.id, now=df.NOW,
                     data=ActionPlanIn(activities=["Work on conflict"], sessions=sessions,
                                       variation_reason="Needs more time on triggers"))
        plans.submit(session=catalogue_session, user=people["cw"], referral_id=referral.id, now=df.NOW)
        plans.approve(session=catalogue_session, user=people["pp"], referral_id=referral.id, now=df.NOW)
    found = list(catalogue_session.scalars(select(PriceVariation).where(PriceVariation.referral_id == referral.id)
                                           .order_by(PriceVariation.id)))
    assert [(v.extra_units, v.net_pence, v.vat_pence) for v in found] == [(2, 9000, 1800), (1, 4500, 900)]
    assert found[0].reason == "Needs more time on triggers" and found[0].approved_by_id == people["pp"].id
