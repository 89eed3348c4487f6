"""Monitoring: the per-referral CSV and the performance figures, for the hub and admins only."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from ratecard.delivery import outcomes, plans, reports, service
from ratecard.delivery.schemas import ActionPlanIn, EndOfServiceReportIn
from ratecard.errors import Forbidden, InvalidInput
from tests.delivery import factories as f

# The factories send referrals to the hub today (the real clock): the period ends today.
TODAY = dt.date.today()
PERIOD = reports.Filters(TODAY - dt.timedelta(days=330), TODAY)


def _delivered(session, people):
    """A referral taken through assessment, an approved plan, two sessions (one missed) and the report."""
    referral = f.allocated(session, people)
    a = f.booked(session, people["cw"], referral, day=1, kind="assessment")
    service.record_feedback(session=session, user=people["cw"], appointment_id=a.id, data=f.feedback(), now=f.NOW)
    plans.propose(session=session, user=people["cw"], referral_id=referral.id, now=f.NOW,
                  data=ActionPlanIn(activities=["Triggers"], sessions=2))
    plans.submit(session=session, user=people["cw"], referral_id=referral.id, now=f.NOW)
    plans.approve(session=session, user=people["pp"], referral_id=referral.id, now=f.NOW)
    s1 = f.booked(session, people["cw"], referral, day=3)
    s2 = f.booked(session, people["cw"], referral, day=4)
    service.record_feedback(session=session, user=people["cw"], appointment_id=s1.id, data=f.feedback(), now=f.NOW)
    service.record_feedback(session=session, user=people["cw"], appointment_id=s2.id, now=f.NOW,
                            data=f.feedback(attended="no", absence="pop_acceptable"))
    outcomes.choose(session=session, user=people["pp"], referral_id=referral.id, codes=["gen-engage", "gen-goals"])
    outcomes.submit_report(session=session, user=people["cw"], referral_id=referral.id, now=f.NOW,
                           data=EndOfServiceReportIn.model_validate({"outcomes": [
                               {"code": "gen-engage", "achievement": "achieved"},
                               {"code": "gen-goals", "achievement": "not_achieved"}]}))
    return referral


def _csv(session, user, filters=PERIOD) -> list[dict[str, str]]:
    sessions = lambda: _Borrowed(session)  # noqa: E731 - the test's own session, for each batch
    text = "".join(reports.csv_stream(sessions=sessions, user=user, filters=filters, batch=2))
    return list(csv.DictReader(io.StringIO(text)))


class _Borrowed:
    def __init__(self, session):
        self.session = session

    def __enter__(self):
        return self.session

    def __exit__(self, *exc):
        return False


def test_it_writes_one_row_per_referral_with_its_milestones(catalogue_session, people):
    referral = _delivered(catalogue_session, people)
    rows = _csv(catalogue_session, people["hub"])
    assert [r["reference"] for r in rows] == [referral.reference]
    row = rows[0]
    assert list(row) == list(reports.CSV_COLUMNS)
    assert (row["crn"], row["caseworker"], row["first_assessment_attended"], row["action_plan_approved"]) == (
        referral.person.crn, people["cw"].name, "2026-11-03", "2026-11-30")
    assert (row["sessions_attended"], row["outcomes_to_achieve"], row["outcomes_achieved"]) == ("1", "2", "1")
    assert row["report_submitted"] == "2026-11-30" and row["end_state"] == ""


def test_it_reads_the_csv_in_batches_keyed_on_receipt(catalogue_session, people):
    made = [f.allocated(catalogue_session, people) for _ in range(5)]
    rows = _csv(catalogue_session, people["hub"])
    assert sorted(r["reference"] for r in rows) == sorted(m.reference for m in made)  # batch=2: three batches


def test_it_counts_performance_by_month_with_medians_and_attendance(catalogue_session, people):
    _delivered(catalogue_session, people)
    figures = reports.performance(session=catalogue_session, user=people["hub"], filters=PERIOD)
    assert figures.total == 1 and figures.months[-1] == TODAY.strftime("%Y-%m")
    assert figures.counts["Received"][-1] == 1 and sum(figures.counts["Received"]) == 1
    assert sum(figures.counts["Started"]) == 1
    assert figures.attendance_rate == round(2 / 3, 3)  # the assessment and one session of three
    assert figures.outcomes_achieved == (1, 2)


def test_it_keeps_a_hub_to_its_own_provider_and_others_out(catalogue_session, people):
    _delivered(catalogue_session, people)
    assert reports.performance(session=catalogue_session, user=people["hub_other"], filters=PERIOD).total == 0
    assert reports.performance(session=catalogue_session, user=people["admin"], filters=PERIOD).total == 1
    for who in ("pp", "cw"):
        with pytest.raises(Forbidden):
            reports.performance(session=catalogue_session, user=people[who], filters=PERIOD)


@pytest.mark.parametrize(("start", "end", "message"), [
    (dt.date(2026, 5, 1), dt.date(2026, 4, 1), "end date is before the start date"),
    (dt.date(2024, 1, 1), dt.date(2026, 1, 1), "at most thirteen months"),
])
def test_it_refuses_a_period_that_is_backwards_or_too_long(catalogue_session, people, start, end, message):
    with pytest.raises(InvalidInput, match=message):
        reports.performance(session=catalogue_session, user=people["hub"], filters=reports.Filters(start, end))


def test_it_serves_the_csv_and_the_figures_over_the_api(world):
    answer = world["client"].get("/api/v1/reports/performance.csv", headers=world["h"]["hub"])
    assert answer.status_code == 200 and answer.text.splitlines()[0] == ",".join(reports.CSV_COLUMNS)
    assert world["client"].get("/api/v1/reports/performance.csv", headers=world["h"]["pp"]).status_code == 403
    figures = world["client"].get("/api/v1/reports/performance?date_from=2026-01-01&date_to=2026-12-31", headers=world["h"]["hub"])
    assert figures.status_code == 200 and figures.json()["months"][0] == "2026-01"


def test_it_fills_the_end_columns_from_the_end_request_and_the_rule(catalogue_session, people):
    from ratecard.delivery import ending

    referral = _delivered(catalogue_session, people)  # 1 of 2 planned sessions attended, the report in
    row = _csv(catalogue_session, people["hub"])[0]
    assert (row["end_requested_by"], row["end_reason"], row["concluded"], row["end_state"]) == ("", "", "", "")
    ending.request_end(session=catalogue_session, user=people["pp"], referral_id=referral.id, reason_code="other",
                       detail="Moved abroad", now=f.NOW)
    row = _csv(catalogue_session, people["hub"])[0]
    assert (row["end_requested_by"], row["end_reason"], row["end_state"]) == (
        people["pp"].name, "Another reason: Moved abroad", "ended_early")
    assert row["concluded"] == f.NOW.date().isoformat() and row["report_submitted"] == "2026-11-30"
