"""Price lists: drafting checked against the catalogue, publishing, superseding, never overlapping or edited."""

from __future__ import annotations

import datetime as dt

import pytest

from ratecard.accounts.service import Role
from ratecard.billing import pricelists, prices
from ratecard.billing.models import PriceListHistory
from ratecard.errors import Conflict, Forbidden, InvalidInput, NotFound
from sqlalchemy import select
from tests.billing import factories as f
from tests.referrals import factories as rf

FEB, MAR, APR = dt.date(2027, 2, 1), dt.date(2027, 3, 1), dt.date(2027, 4, 1)


@pytest.fixture
def admin(catalogue_session):
    return rf.user(catalogue_session, Role.ADMIN)


def test_it_publishes_a_draft_with_a_history_row(catalogue_session, admin):
    price_list = f.published(catalogue_session, admin)
    assert price_list.status == "published" and price_list.published_by_id == admin.id
    steps = [(h.from_status, h.to_status) for h in pricelists.history_of(session=catalogue_session, price_list_id=price_list.id)]
    assert steps == [(None, "draft"), ("draft", "published")]
    assert prices.in_force(session=catalogue_session, provider_id="cln", on=f.JAN).id == price_list.id
    assert prices.in_force(session=catalogue_session, provider_id="cln", on=f.JAN - dt.timedelta(days=1)) is None


def test_it_keeps_a_draft_out_of_force(catalogue_session, admin):
    f.draft(catalogue_session, admin)
    assert prices.in_force(session=catalogue_session, provider_id="cln", on=f.JAN) is None
    assert prices.entry_for(session=catalogue_session, service_id="cln-conflict-resolution", option_id=None, on=f.JAN) is None


def test_it_supersedes_an_open_ended_list_from_the_newer_lists_start(catalogue_session, admin):
    older = f.published(catalogue_session, admin)
    newer = f.published(catalogue_session, admin, valid_from=MAR, entries=[f.entry_in(unit_price_pence=5000)])
    catalogue_session.refresh(older)
    assert (older.status, older.valid_to) == ("superseded", MAR - dt.timedelta(days=1))
    assert prices.in_force(session=catalogue_session, provider_id="cln", on=FEB).id == older.id
    assert prices.in_force(session=catalogue_session, provider_id="cln", on=MAR).id == newer.id
    entry = prices.entry_for(session=catalogue_session, service_id="cln-conflict-resolution", option_id=None, on=APR)
    assert entry.unit_price_pence == 5000
    reasons = [h.reason for h in catalogue_session.scalars(select(PriceListHistory).where(
        PriceListHistory.price_list_id == older.id, PriceListHistory.to_status == "superseded"))]
    assert len(reasons) == 1 and "1 March 2027" in reasons[0]


@pytest.mark.parametrize(("first", "second", "words"), [
    ((f.JAN, None), (f.JAN, None), "starts on or after"),  # the same start
    ((MAR, None), (f.JAN, None), "starts on or after"),  # an older-dated list over a newer one
    ((f.JAN, APR), (FEB, MAR), "end before it did"),  # would leave April without a price
    ((f.JAN, None), (FEB, MAR), "end before it did"),
])
def test_it_refuses_overlapping_published_lists(catalogue_session, admin, first, second, words):
    kept = f.published(catalogue_session, admin, valid_from=first[0], valid_to=first[1])
    clash = f.draft(catalogue_session, admin, valid_from=second[0], valid_to=second[1])
    with pytest.raises(Conflict, match=words):
        pricelists.publish(session=catalogue_session, user=admin, price_list_id=clash.id, now=f.NOW)
    catalogue_session.refresh(kept)
    catalogue_session.refresh(clash)
    assert (kept.status, kept.valid_to, clash.status) == ("published", first[1], "draft")


def test_it_allows_back_to_back_lists(catalogue_session, admin):
    f.published(catalogue_session, admin, valid_from=f.JAN, valid_to=FEB - dt.timedelta(days=1))
    second = f.published(catalogue_session, admin, valid_from=FEB)
    assert second.status == "published"


def test_it_never_edits_a_published_list(catalogue_session, admin):
    price_list = f.published(catalogue_session, admin)
    with pytest.raises(Conflict, match="never edited"):
        pricelists.set_entry(session=catalogue_session, user=admin, price_list_id=price_list.id,
                             data=f.entry_in(unit_price_pence=1))
    with pytest.raises(Conflict, match="never edited"):
        pricelists.replace_entries(session=catalogue_session, user=admin, price_list_id=price_list.id, entries=[])
    with pytest.raises(Conflict, match="already published"):
        pricelists.publish(session=catalogue_session, user=admin, price_list_id=price_list.id)


def test_it_refuses_to_publish_an_empty_list(catalogue_session, admin):
    empty = f.draft(catalogue_session, admin, entries=[])
    with pytest.raises(InvalidInput, match="no prices"):
        pricelists.publish(session=catalogue_session, user=admin, price_list_id=empty.id)


def test_it_refuses_a_list_ending_before_it_starts(catalogue_session, admin):
    with pytest.raises(InvalidInput, match="cannot end before it starts"):
        f.draft(catalogue_session, admin, valid_from=FEB, valid_to=f.JAN)


@pytest.mark.parametrize(("entry", "words"), [
    ({"service_id": "no-such-service"}, "'no-such-service' is not a service of this provider"),
    ({"service_id": "nsf-no-such"}, "is not a service of this provider"),
    ({"option_id": "cln-conflict-resolution--nope"}, "is not an orderable option of"),
])
def test_it_names_the_entry_of_an_unknown_service_or_option(catalogue_session, admin, entry, words):
    with pytest.raises(InvalidInput) as caught:
        f.draft(catalogue_session, admin, entries=[f.entry_in(), f.entry_in(**entry)])
    assert len(caught.value.details["problems"]) == 1
    assert caught.value.details["problems"][0].startswith("entries[1]: ") and words in caught.value.details["problems"][0]


def test_it_refuses_an_option_priced_twice(catalogue_session, admin):
    with pytest.raises(InvalidInput) as caught:
        f.draft(catalogue_session, admin, entries=[f.entry_in(), f.entry_in()])
    assert caught.value.details["problems"] == ["entries[1]: the same option is priced twice (first at entries[0])"]


def test_it_wants_one_entry_per_option_of_a_service_ordered_by_option(catalogue_session, admin):
    service_id, option_id = next((s, o) for s, o in f.orderable(catalogue_session, "kss") if o)
    with pytest.raises(InvalidInput) as caught:
        f.draft(catalogue_session, admin, provider_id="kss", entries=[f.entry_in(service_id)])
    assert "is ordered by option" in caught.value.details["problems"][0]
    assert f.draft(catalogue_session, admin, provider_id="kss", entries=[f.entry_in(service_id, option_id)]).entries


@pytest.mark.parametrize("provider_id", ["nsf", "cln", "esx", "dlnr", "kss"])
def test_it_prices_every_orderable_option_of_each_provider(catalogue_session, admin, provider_id):
    price_list = f.published(catalogue_session, admin, provider_id=provider_id,
                             entries=f.every_entry(catalogue_session, provider_id))
    assert len(price_list.entries) == len(f.orderable(catalogue_session, provider_id)) > 0


# --- who -------------------------------------------------------------------------------------


def test_it_lets_a_providers_price_manager_manage_only_its_own(catalogue_session):
    mine = f.manager(catalogue_session, "cln")
    assert f.published(catalogue_session, mine).status == "published"
    with pytest.raises(Forbidden):
        f.draft(catalogue_session, mine, provider_id="nsf")


@pytest.mark.parametrize("role", [Role.HUB, Role.CASEWORKER, Role.PRACTITIONER])
def test_it_refuses_users_without_the_permission(catalogue_session, admin, role):
    user = rf.user(catalogue_session, role)
    with pytest.raises(Forbidden):
        f.draft(catalogue_session, user)
    draft = f.draft(catalogue_session, admin)
    if role is Role.PRACTITIONER:
        with pytest.raises(NotFound):
            pricelists.publish(session=catalogue_session, user=user, price_list_id=draft.id)
    else:
        with pytest.raises(Forbidden):
            pricelists.publish(session=catalogue_session, user=user, price_list_id=draft.id)


def test_it_shows_providers_only_their_own_lists_and_practitioners_no_drafts(catalogue_session, admin):
    cln_draft = f.draft(catalogue_session, admin)
    cln_live = f.published(catalogue_session, admin, valid_from=MAR)
    nsf_live = f.published(catalogue_session, admin, provider_id="nsf")
    nsf_draft = f.draft(catalogue_session, admin, provider_id="nsf", valid_from=APR)
    seen = {
        name: {p.id for p in pricelists.list_lists(session=catalogue_session, user=user)}
        for name, user in {"hub": rf.user(catalogue_session, Role.HUB), "pp": rf.user(catalogue_session),
                           "admin": admin}.items()
    }
    assert seen["hub"] >= {cln_draft.id, cln_live.id} and not seen["hub"] & {nsf_live.id, nsf_draft.id}
    assert seen["pp"] >= {cln_live.id, nsf_live.id} and not seen["pp"] & {cln_draft.id, nsf_draft.id}
    assert seen["admin"] >= {cln_draft.id, cln_live.id, nsf_live.id, nsf_draft.id}
    with pytest.raises(NotFound):
        pricelists.get_list(session=catalogue_session, user=rf.user(catalogue_session), price_list_id=nsf_draft.id)
    with pytest.raises(NotFound):
        pricelists.get_list(session=catalogue_session, user=rf.user(catalogue_session, Role.HUB), price_list_id=nsf_live.id)
