"""Delivery's alerts on the referral pages: tags per dashboard row, a count needing attention, and the
referral page's banner and summary; for each role only what it may see, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import event

from ratecard.delivery import enforcement, service
from tests.clients import client_for, signed_in
from tests.delivery import factories as f
from tests.referrals import factories as rf


def _unacceptable(session, people, referral, day: int):
    appointment = f.booked(session, people["cw"], referral, day=day)
    service.record_feedback(session=session, user=people["cw"], appointment_id=appointment.id, now=f.NOW,
                            data=f.feedback(attended="no", absence="pop_unacceptable"))
    return appointment


def _breach(session, people):
    """Warned after one unacceptable absence, then absent again within 12 months: through the real services."""
    referral = f.allocated(session, people)
    first = _unacceptable(session, people, referral, 7)
    enforcement.record_warning(session=session, user=people["pp"], appointment_id=first.id,
                               given_on=dt.date(2026, 11, 10), now=f.NOW)
    _unacceptable(session, people, referral, 14)
    return referral


def _warning(session, people):
    referral = f.allocated(session, people)
    _unacceptable(session, people, referral, 7)
    return referral


def _overdue(session, people):
    referral = f.allocated(session, people)
    f.booked(session, people["cw"], referral, day=20)  # 22 November, never recorded
    return referral


def _quiet(session, people):
    referral = f.allocated(session, people)
    done = f.booked(session, people["cw"], referral, day=7)
    service.record_feedback(session=session, user=people["cw"], appointment_id=done.id, data=f.feedback(), now=f.NOW)
    return referral


MAKERS = {"breach": _breach, "warning": _warning, "overdue": _overdue, "quiet": _quiet}


@pytest.fixture
def site(catalogue_sessions):
    with catalogue_sessions() as s:
        people = f.cast(s)
        people["pp_east"] = rf.user(s, region="East of England")
        made = {name: make(s, people) for name, make in MAKERS.items()}
        made["new"] = rf.transferred(s, people["pp"])
        refs = {name: (r.id, r.reference) for name, r in made.items()}
        s.commit()
    return catalogue_sessions, people, refs


def _browser(sessions, user):
    return signed_in(sessions, user)


def _rows(page: str) -> dict[str, str]:
    """Each table row's html by the reference it links to."""
    found = {}
    for row in page.split('<tr class="govuk-table__row">')[1:]:
        reference = re.search(r">(RC-[0-9A-Z]+)<", row)
        if reference:
            found[reference.group(1)] = row
    return found


EXPECTED = {
    "breach": ["Breach action due"],
    "warning": ["Warning needed"],
    "overdue": ["Feedback overdue"],
    "quiet": [],
    "new": [],
}
TAGS = ("Breach action due", "Warning needed", "Feedback overdue")


@pytest.mark.parametrize("who", ["pp", "hub", "admin"])
def test_it_tags_each_row_of_the_dashboard_and_counts_those_needing_attention(site, who):
    sessions, people, refs = site
    page = _browser(sessions, people[who]).get("/referrals").text
    rows = _rows(page)
    for name, tags in EXPECTED.items():
        row = rows[refs[name][1]]
        assert [t for t in TAGS if t in row] == tags, name
    assert "1 of 4 sessions, 1 of 4 hours used" in rows[refs["quiet"][1]]
    assert "0 of 4 sessions" in rows[refs["breach"][1]]  # two sessions that did not happen use nothing
    assert "sessions" not in rows[refs["new"][1]]  # delivery has not started
    assert re.search(r"Needs your attention</strong> 3 of the referrals on this page have an alert", page)


def test_it_shows_the_caseworker_only_the_alerts_of_referrals_allocated_to_them(site):
    sessions, people, refs = site
    mine = _rows(_browser(sessions, people["cw"]).get("/referrals").text)
    assert "Breach action due" in mine[refs["breach"][1]] and refs["new"][1] not in mine
    colleague = _browser(sessions, people["cw_other"]).get("/referrals").text
    assert not any(t in colleague for t in TAGS) and "Needs your attention" not in colleague


@pytest.mark.parametrize("who", ["hub_other", "pp_east"])
def test_it_never_shows_another_providers_or_regions_referrals_or_alerts(site, who):
    sessions, people, refs = site
    page = _browser(sessions, people[who]).get("/referrals").text
    assert not any(ref in page for _, ref in refs.values())
    assert not any(t in page for t in TAGS) and "Needs your attention" not in page
    assert _browser(sessions, people[who]).get(f"/referrals/{refs['breach'][0]}").status_code == 404


def test_it_shows_the_alerts_and_a_summary_of_delivery_near_the_top_of_the_referral_page(site):
    sessions, people, refs = site
    pp = _browser(sessions, people["pp"])
    page = pp.get(f"/referrals/{refs['breach'][0]}").text
    banner = page.split("govuk-notification-banner", 1)[1].split("</ul>", 1)[0]
    assert "Breach action due: unacceptable absence on 16 November 2026, within 12 months of the warning of 10 November 2026" in banner
    assert page.index("govuk-notification-banner") < page.index("What is known for eligibility")
    summary = page.split("data-delivery-summary", 1)[1].split("</dl>", 1)[0]
    assert "0 of 4 planned sessions attended" in summary and "0 used of 4 bought" in summary
    assert f'href="/referrals/{refs["breach"][0]}/delivery"' in page
    quiet = pp.get(f"/referrals/{refs['quiet'][0]}").text
    assert "govuk-notification-banner" not in quiet and "1 of 4 planned sessions attended" in quiet and "1 used of 4 bought" in quiet
    overdue = pp.get(f"/referrals/{refs['overdue'][0]}").text
    assert "Feedback overdue" in overdue.split("govuk-notification-banner", 1)[1]
    assert "data-delivery-summary" not in pp.get(f"/referrals/{refs['new'][0]}").text


def test_it_shows_rar_days_used_of_the_courts_maximum(catalogue_sessions):
    with catalogue_sessions() as s:
        people = f.cast(s, other_provider=False)
        referral = f.allocated(s, people, requirement_type="rar_activity")
        service.set_rar_days(session=s, user=people["pp"], referral_id=referral.id, days=10)
        rid = referral.id
        s.commit()
    page = _browser(catalogue_sessions, people["pp"]).get(f"/referrals/{rid}").text
    assert "RAR days" in page and "0 used of 10 at most" in page


def test_it_reads_the_dashboards_alerts_in_the_same_number_of_queries_however_many_rows(site, catalogue_connection):
    sessions, people, _ = site
    pp = _browser(sessions, people["pp"])
    statements: list[str] = []
    event.listen(catalogue_connection, "before_cursor_execute", lambda *args: statements.append(args[2]))
    pp.get("/referrals")
    few = len(statements)
    with sessions() as s:
        for make in list(MAKERS.values()) * 3:
            make(s, people)
        s.commit()
    statements.clear()
    page = pp.get("/referrals").text
    assert len(_rows(page)) == 17 and "Needs your attention</strong> 12 of" in page
    assert few > 5 and len(statements) == few


@pytest.mark.parametrize(("who", "seen"), [("pp", True), ("hub", True), ("hub_other", False)])
def test_it_gives_each_row_of_the_list_api_its_alerts(site, who, seen):
    from ratecard.accounts.service import issue_token

    sessions, people, refs = site
    with sessions() as s:
        token = issue_token(session=s, user=people[who])
        s.commit()
    answer = client_for(sessions).get("/api/v1/referrals", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    alerts = {row["reference"]: row["alerts"] for row in answer.json()["items"]}
    if not seen:
        assert not set(alerts) & {ref for _, ref in refs.values()}
        return
    assert {name: alerts[ref] for name, (_, ref) in refs.items()} == EXPECTED
