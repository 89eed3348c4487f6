"""The example price lists: one per provider, every orderable option priced, published, labelled, loaded once."""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import func, select

from ratecard.accounts.demo import create_demo_users
from ratecard.billing.demo import EXAMPLE_DIR, load_prices
from ratecard.billing.models import PriceList, ReferralPrice
from ratecard.billing import pricecsv
from ratecard.db import utc_now
from ratecard.demo import create_demo_data
from ratecard.referrals.models import Referral
from tests.billing import factories as f

PROVIDERS = ["nsf", "cln", "esx", "dlnr", "kss"]


@pytest.mark.parametrize("provider_id", PROVIDERS)
def test_it_keeps_an_example_csv_pricing_every_orderable_option(catalogue_session, provider_id):
    entries, lines, problems = pricecsv.read((EXAMPLE_DIR / f"{provider_id}.csv").read_text(encoding="utf-8"))
    assert problems == []
    assert {(e.service_id, e.option_id) for e in entries} == set(f.orderable(catalogue_session, provider_id))
    with (EXAMPLE_DIR / f"{provider_id}.csv").open(encoding="utf-8") as handle:
        notes = [row["note"] for row in csv.DictReader(handle)]
    assert all("EXAMPLE" in note for note in notes)  # every row says it is not the provider's price


def test_it_carries_kss_printed_amounts_as_the_brochure_prints_them():
    entries, _, _ = pricecsv.read((EXAMPLE_DIR / "kss.csv").read_text(encoding="utf-8"))
    by_service = {e.service_id: e for e in entries}
    cscs = by_service["kss-cscs-card-training"]
    assert cscs.charge_rule.model_dump() == {"kind": "cancellation_after_registration", "amount_pence": 10000}
    assert "line 402" in cscs.note
    for service_id in ("kss-individual-tailored-restorative-justice-in-the-community",
                       "kss-restorative-justice-individual-tailored-service-in-custody"):
        rj = by_service[service_id]
        assert (rj.unit, rj.minimum_units) == ("per_hour", 1) and "one hourly session minimum" in rj.note


def test_it_publishes_the_example_lists_once_and_the_demo_acceptances_snapshot_them(catalogue_session):
    s = catalogue_session
    create_demo_users(session=s)
    done = load_prices(s, utc_now())
    assert len(done) == 5 and not any("left out" in line or "not loaded" in line for line in done)
    lists = s.scalars(select(PriceList)).all()
    assert sorted(p.provider_id for p in lists) == sorted(PROVIDERS)
    assert all(p.status == "published" and p.example and p.valid_to is None for p in lists)
    assert load_prices(s, utc_now()) == []
    create_demo_data(session=s)
    accepted = s.scalar(select(func.count()).select_from(Referral).where(Referral.status.in_(
        ["accepted", "allocated", "in_progress", "completed", "ended_early", "cancelled"])))
    assert accepted and s.scalar(select(func.count()).select_from(ReferralPrice)) == accepted
