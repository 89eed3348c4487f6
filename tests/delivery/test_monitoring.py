"""The provider's caseload: tabs, counts, each row's next appointment, use of budget and alerts."""

from __future__ import annotations


import pytest

from ratecard.delivery import monitoring, service
from ratecard.delivery.monitoring import Tab
from ratecard.errors import Forbidden
from tests.delivery import factories as f
from tests.referrals import factories as rf
from ratecard.referrals import service as referrals


def test_it_sorts_referrals_into_tabs_and_counts_them(catalogue_session, people, referral):
    waiting = rf.transferred(catalogue_session, people["pp"])
    referrals.accept(session=catalogue_session, user=people["hub"], referral_id=waiting.id, now=f.ACCEPTED)
    page = monitoring.caseload(session=catalogue_session, user=people["hub"], tab=Tab.OPEN, now=f.NOW)
    assert {r.reference for r in page.rows} == {referral.reference, waiting.reference}
    assert (page.counts[Tab.OPEN], page.counts[Tab.UNASSIGNED], page.counts[Tab.COMPLETED]) == (2, 1, 0)
    unassigned = monitoring.caseload(session=catalogue_session, user=people["hub"], tab=Tab.UNASSIGNED, now=f.NOW)
    assert [r.reference for r in unassigned.rows] == [waiting.reference]
    mine = monitoring.caseload(session=catalogue_session, user=people["cw"], tab=Tab.MINE, now=f.NOW)
    assert [r.reference for r in mine.rows] == [referral.reference]


def test_it_shows_the_next_appointment_what_was_used_and_the_alerts(catalogue_session, people, referral):
    past = f.booked(catalogue_session, people["cw"], referral, day=1)
    missed = f.booked(catalogue_session, people["cw"], referral, day=2)
    service.record_feedback(session=catalogue_session, user=people["cw"], appointment_id=missed.id, now=f.NOW,
                            data=f.feedback(attended="no", absence="pop_unacceptable"))
    ahead = f.booked(catalogue_session, people["cw"], referral, day=40)
    f.booked(catalogue_session, people["cw"], referral, day=41)
    f.booked(catalogue_session, people["cw"], referral, day=42)
    [row] = monitoring.caseload(session=catalogue_session, user=people["hub"], tab=Tab.OPEN, now=f.NOW).rows
    assert row.next_appointment == ahead.starts_at and past.status == "booked"
    assert (row.sessions_used, row.sessions_bought, row.hours_bought) == (0, 4, 4.0)
    assert row.alerts == ("Feedback overdue", "Non-attendance", "Budget nearly spent")


def test_it_keeps_the_caseload_to_the_provider(catalogue_session, people, referral):
    assert monitoring.caseload(session=catalogue_session, user=people["hub_other"], now=f.NOW).rows == []
    assert monitoring.caseload(session=catalogue_session, user=people["cw_other"], tab=Tab.OPEN, now=f.NOW).rows == []
    with pytest.raises(Forbidden):
        monitoring.caseload(session=catalogue_session, user=people["pp"], now=f.NOW)


def test_it_serves_the_caseload_over_the_api_and_the_web(world):
    answer = world["client"].get("/api/v1/cases?tab=unassigned", headers=world["h"]["hub"])
    assert answer.status_code == 200 and set(answer.json()["counts"]) == {t.value for t in Tab}
    assert world["client"].get("/api/v1/cases", headers=world["h"]["pp"]).status_code == 403
    assert world["client"].get("/api/v1/cases?tab=everything", headers=world["h"]["hub"]).status_code == 422


def test_it_counts_each_tab_up_to_the_cap_and_pages_on_past_it(catalogue_session, people, referral, monkeypatch):
    from ratecard.referrals import queries

    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    for _ in range(4):
        waiting = rf.transferred(catalogue_session, people["pp"])
        referrals.accept(session=catalogue_session, user=people["hub"], referral_id=waiting.id, now=f.ACCEPTED)
    hub = people["hub"]
    pages = [monitoring.caseload(session=catalogue_session, user=hub, tab=Tab.OPEN, page=n, per_page=2, now=f.NOW)
             for n in (1, 2, 3, 4)]
    assert pages[0].counts == {Tab.MINE: 0, Tab.OPEN: 3, Tab.UNASSIGNED: 3, Tab.COMPLETED: 0, Tab.CANCELLED: 0}
    assert pages[0].capped == {Tab.OPEN, Tab.UNASSIGNED}  # five open, four unassigned; none completed: exact
    assert [(len(p.rows), p.pages) for p in pages] == [(2, 2), (2, 3), (1, 3), (0, 2)]
    mine = monitoring.caseload(session=catalogue_session, user=people["cw"], tab=Tab.MINE, now=f.NOW)
    assert (mine.counts[Tab.MINE], mine.capped) == (1, frozenset())
