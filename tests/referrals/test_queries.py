"""The prebuilt referral statements: who sees which referrals in lists, pages, counts, the full view."""

from __future__ import annotations

import datetime as dt

import pytest

from ratecard.accounts.service import Role
from ratecard.errors import NotFound
from ratecard.referrals import service
from ratecard.referrals.workflow import Status
from tests.referrals import factories as f

T0 = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def office(catalogue_session):
    """Two regions, two providers' staff, and referrals at several stages."""
    s = catalogue_session
    cast = {
        "pp": f.user(s), "pp_east": f.user(s, region="East of England"),
        "hub": f.user(s, Role.HUB), "hub_nsf": f.user(s, Role.HUB, provider_id="nsf"),
        "cw": f.user(s, Role.CASEWORKER), "cw_other": f.user(s, Role.CASEWORKER), "admin": f.user(s, Role.ADMIN),
    }
    draft = f.draft(s, cast["pp"])
    transferred = f.transferred(s, cast["pp"])
    allocated = f.transferred(s, cast["pp"])
    service.accept(session=s, user=cast["hub"], referral_id=allocated.id)
    service.allocate(session=s, user=cast["hub"], referral_id=allocated.id, caseworker_id=cast["cw"].id)
    east = f.draft(s, cast["pp_east"], person={"area": "Essex"})
    return {"s": s, **cast, "ids": {"draft": draft.id, "transferred": transferred.id, "allocated": allocated.id, "east": east.id}}


def _listed(office, who, **kwargs):
    page = service.list_referrals(session=office["s"], user=office[who], **kwargs)
    return {item.id for item in page.items}, page


@pytest.mark.parametrize(("who", "sees"), [
    ("pp", {"draft", "transferred", "allocated"}),  # their region's, drafts included
    ("pp_east", {"east"}),
    ("hub", {"transferred", "allocated"}),  # their provider's, never drafts
    ("hub_nsf", set()),
    ("cw", {"allocated"}),  # only what is allocated to them
    ("cw_other", set()),
    ("admin", {"draft", "transferred", "allocated", "east"}),
])
def test_it_lists_and_counts_only_what_each_role_may_see(office, who, sees):
    ids, page = _listed(office, who, per_page=50)
    assert ids == {office["ids"][name] for name in sees}
    assert page.total == sum(page.counts.values()) == len(sees)


@pytest.mark.parametrize("who", ["pp_east", "hub_nsf", "cw_other"])
def test_it_loads_a_referral_only_for_those_who_may_see_it(office, who):
    with pytest.raises(NotFound):
        service.get_referral(session=office["s"], user=office[who], referral_id=office["ids"]["allocated"], channel="api")


def test_it_pages_newest_first_and_counts_the_whole_list(catalogue_session):
    s = catalogue_session
    pp = f.user(s)
    made = [
        service.create_referral(session=s, user=pp, data=f.referral_in(), now=T0 + dt.timedelta(hours=n))[0].id
        for n in range(5)
    ]
    pages = [service.list_referrals(session=s, user=pp, page=n, per_page=2) for n in (1, 2, 3)]
    assert [[i.id for i in p.items] for p in pages] == [made[:2:-1][:2], made[2:0:-1], made[:1]]
    assert {(p.total, p.pages) for p in pages} == {(5, 3)}
    assert pages[0].counts == {Status.DRAFT.value: 5}


def test_it_filters_by_status_but_still_counts_every_status(office):
    ids, page = _listed(office, "pp", status=Status.ALLOCATED)
    assert ids == {office["ids"]["allocated"]}
    assert page.total == 1
    assert page.counts == {"draft": 1, "transferred": 1, "allocated": 1}


def test_it_shows_history_oldest_first_with_names_in_the_full_view(office):
    s, referral_id = office["s"], office["ids"]["allocated"]
    referral = service.get_referral(session=s, user=office["hub"], referral_id=referral_id, channel="api")
    out = service.to_out(s, referral, office["hub"])
    assert [(h.from_status, h.to_status) for h in out.history] == [
        (None, "draft"), ("draft", "referred"), ("referred", "transferred"), ("transferred", "accepted"),
        ("accepted", "allocated"),
    ]
    assert out.caseworker == office["cw"].name and out.referred_by == office["pp"].name
    assert out.history[-1].by == office["hub"].name and out.service_name == "Conflict Resolution"


@pytest.mark.parametrize(
    ("term", "kind"),
    [("", None), ("RC-7K3M9Q2D", "reference"), ("rc-7k3m9q2d", "reference"), ("X123456", "crn"), ("x123456", "crn"),
     ("Smith", "name"), ("X12345", "name"), ("RC-7K3M", "name")],
)
def test_it_looks_up_a_term_shaped_like_a_reference_or_crn_exactly_and_anything_else_as_a_name(term, kind):
    assert service.search_kind(term) == kind


def test_it_does_not_find_a_name_that_merely_holds_a_crn_when_searching_by_crn(catalogue_session):
    pp = f.user(catalogue_session)
    named = f.draft(catalogue_session, pp, person={"name": "Alias T000001 Smith"})
    found = service.list_referrals(session=catalogue_session, user=pp, q="T000001")
    assert named.id not in [i.id for i in found.items]  # an exact CRN is a CRN lookup, not a name search
    assert [i.id for i in service.list_referrals(session=catalogue_session, user=pp, q="alias").items] == [named.id]
