"""The prebuilt referral statements: who sees which referrals in lists, pages, counts, the full view."""

from __future__ import annotations

import datetime as dt

import pytest

from ratecard.accounts.service import Role
from ratecard.errors import NotFound
from ratecard.referrals import queries, service
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


@pytest.fixture
def capped_office(catalogue_session, monkeypatch):
    """A region of five drafts (three of them Zed Quayle's) and two transferred, counted up to 3."""
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    s = catalogue_session
    pp = f.user(s)
    made = [f.draft(s, pp, person={"name": "Zed Quayle" if n < 3 else "Ann Other"}).id for n in range(5)]
    sent = [f.transferred(s, pp).id for _ in range(2)]
    return {"s": s, "pp": pp, "made": made, "sent": sent}


def test_it_counts_each_status_up_to_the_cap_and_says_which_reached_it(capped_office):
    page = service.list_referrals(session=capped_office["s"], user=capped_office["pp"], per_page=50)
    assert page.counts == {"draft": 3, "transferred": 2}  # five drafts: at the cap; two: exact
    assert (page.counts_capped, page.total, page.total_capped) == (["draft"], 5, True)
    assert len(page.items) == 7  # the page itself is not capped


@pytest.mark.parametrize(("status", "total", "capped"), [(Status.DRAFT, 3, True), (Status.TRANSFERRED, 2, False)])
def test_it_caps_the_total_of_a_status_only_when_its_count_is_capped(capped_office, status, total, capped):
    page = service.list_referrals(session=capped_office["s"], user=capped_office["pp"], status=status)
    assert (page.total, page.total_capped, page.counts_capped) == (total, capped, ["draft"])


@pytest.mark.parametrize(("cap", "term", "counts", "capped"), [
    (4, "zed quayle", {"draft": 3}, []),  # three matches, below the cap: exact
    (3, "zed quayle", {"draft": 3}, ["draft"]),  # as many as the cap: at least that
    (50, "b00", {}, []),  # no match
])
def test_it_counts_the_matches_of_a_search_up_to_the_cap(capped_office, monkeypatch, cap, term, counts, capped):
    monkeypatch.setattr(queries, "COUNT_CAP", cap)
    page = service.list_referrals(session=capped_office["s"], user=capped_office["pp"], q=term, per_page=50)
    assert (page.counts, page.counts_capped, page.total, page.total_capped) == (counts, capped, sum(counts.values()), bool(capped))


def test_it_reads_no_more_matches_than_the_cap_and_says_every_count_is_a_lower_bound(capped_office):
    page = service.list_referrals(session=capped_office["s"], user=capped_office["pp"], q="a", per_page=50)
    assert sum(page.counts.values()) == page.total == 3  # seven names hold an "a": three read
    assert page.total_capped and set(page.counts_capped) == set(page.counts) <= {"draft", "transferred"}
    assert len(page.items) == 7


def test_it_pages_past_a_capped_count_while_full_pages_come_back(capped_office):
    s, pp = capped_office["s"], capped_office["pp"]
    pages = [service.list_referrals(session=s, user=pp, status=Status.DRAFT, page=n, per_page=2) for n in (1, 2, 3, 4)]
    assert [len(p.items) for p in pages] == [2, 2, 1, 0]
    # Known: the two pages the capped count fills, then the next while a page is full; never more.
    assert [p.pages for p in pages] == [2, 3, 3, 2]
    assert [i.id for p in pages for i in p.items] == capped_office["made"][::-1]


def test_it_counts_exactly_below_the_cap(capped_office, monkeypatch):
    monkeypatch.setattr(queries, "COUNT_CAP", 5)
    page = service.list_referrals(session=capped_office["s"], user=capped_office["pp"], per_page=2)
    assert (page.counts, page.counts_capped, page.total_capped) == ({"draft": 5, "transferred": 2}, [], False)
    assert (page.total, page.pages) == (7, 4)
