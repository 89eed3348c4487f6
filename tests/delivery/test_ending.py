"""How a referral ends: an end request with a coded reason, then the one rule applied to what was
delivered (cancelled at once, or ended early / completed once the end-of-service report is in)."""

from __future__ import annotations


import pytest
from sqlalchemy import func, select

from ratecard.db import transaction
from ratecard.delivery import ending, outcomes, plans, service
from ratecard.delivery.models import EndOfServiceReport
from ratecard.delivery.schemas import ActionPlanIn, EndOfServiceReportIn
from ratecard.errors import Conflict, Forbidden, InvalidInput, NotFound
from ratecard.referrals import service as referrals
from ratecard.referrals.models import Referral, ReferralHistory
from tests.delivery import factories as f
from tests.referrals import factories as rf
from tests.races import race


def _attend(s, people, referral, count, *, first_day=1, **feedback):
    """`count` sessions booked and attended (or as `feedback` says), a day apart."""
    for day in range(first_day, first_day + count):
        made = f.booked(s, people["cw"], referral, day=day)
        service.record_feedback(session=s, user=people["cw"], appointment_id=made.id, data=f.feedback(**feedback),
                                now=f.NOW)


def _choose(s, people, referral):
    outcomes.choose(session=s, user=people["pp"], referral_id=referral.id, codes=["gen-engage", "gen-goals"])


def _report(s, people, referral, who="cw"):
    return outcomes.submit_report(session=s, user=people[who], referral_id=referral.id, now=f.NOW,
                                  data=EndOfServiceReportIn.model_validate({"outcomes": [
                                      {"code": "gen-engage", "achievement": "achieved"},
                                      {"code": "gen-goals", "achievement": "not_achieved", "comments": "Moved away"}],
                                      "further_information": "Referred to a local group"}))


def _status(s, referral) -> str:
    return s.scalar(select(Referral.status).where(Referral.id == referral.id))


def _history(s, referral):
    return [(h.from_status, h.to_status, h.reason_code) for h in s.scalars(
        select(ReferralHistory).where(ReferralHistory.referral_id == referral.id).order_by(ReferralHistory.id))]


@pytest.mark.parametrize("delivered", ["nothing", "an attended assessment", "a missed session"])
def test_it_cancels_at_once_when_no_session_was_attended(catalogue_session, people, referral, delivered):
    s = catalogue_session
    if delivered == "an attended assessment":
        made = f.booked(s, people["cw"], referral, day=1, kind="assessment")
        service.record_feedback(session=s, user=people["cw"], appointment_id=made.id, data=f.feedback(), now=f.NOW)
    elif delivered == "a missed session":
        _attend(s, people, referral, 1, attended="no", absence="pop_unacceptable")
    ended = ending.request_end(session=s, user=people["pp"], referral_id=referral.id, reason_code="moved_out_of_area",
                               now=f.NOW)
    assert ended.status == "cancelled" and _status(s, referral) == "cancelled"
    assert _history(s, referral)[-1][1:] == ("cancelled", "moved_out_of_area")
    out = ending.ending_out(session=s, user=people["hub"], referral_id=referral.id)
    assert (out.end_requested_by, out.end_reason, out.would_end_as) == (
        people["pp"].name, "The person has moved out of the area", None)


def test_it_waits_for_the_report_then_ends_early(catalogue_session, people, referral):
    s = catalogue_session
    _attend(s, people, referral, 2)
    _choose(s, people, referral)
    waiting = ending.request_end(session=s, user=people["cw"], referral_id=referral.id, reason_code="disengaged", now=f.NOW)
    assert waiting.status == "in_progress"
    out = ending.ending_out(session=s, user=people["pp"], referral_id=referral.id)
    assert out.waiting_for_report and out.would_end_as == "ended_early"
    assert out.summary == "2 of 4 planned sessions attended: it will end early once the end-of-service report is in."
    with pytest.raises(Conflict, match="waiting for the end-of-service report"):
        ending.conclude(session=s, user=people["pp"], referral_id=referral.id, now=f.NOW)
    _report(s, people, referral)
    assert _status(s, referral) == "ended_early"
    assert _history(s, referral)[-2:] == [("in_progress", "in_progress", "disengaged"),
                                          ("in_progress", "ended_early", "disengaged")]


def test_it_names_the_outcomes_when_they_were_never_chosen(catalogue_session, people, referral):
    s = catalogue_session
    _attend(s, people, referral, 1)
    ending.request_end(session=s, user=people["pp"], referral_id=referral.id, reason_code="recalled", now=f.NOW)
    with pytest.raises(Conflict, match="practitioner chooses the desired outcomes first"):
        ending.conclude(session=s, user=people["hub"], referral_id=referral.id, now=f.NOW)
    assert _status(s, referral) == "in_progress"


def test_it_completes_when_every_planned_session_was_attended_and_the_report_is_in(catalogue_session, people, referral):
    s = catalogue_session
    _attend(s, people, referral, 4)
    _choose(s, people, referral)
    assert _status(s, referral) == "in_progress"  # every session attended: it waits for the report
    _report(s, people, referral)
    done = s.get(Referral, referral.id)
    assert done.status == "completed" and done.actual_end == f.NOW.date() and done.end_requested_at is None


def test_it_counts_the_approved_action_plans_sessions_as_planned(catalogue_session, people, referral):
    s = catalogue_session
    made = f.booked(s, people["cw"], referral, day=1, kind="assessment")
    service.record_feedback(session=s, user=people["cw"], appointment_id=made.id, data=f.feedback(), now=f.NOW)
    plans.propose(session=s, user=people["cw"], referral_id=referral.id, data=ActionPlanIn(activities=["Triggers"], sessions=2),
                  now=f.NOW)
    plans.submit(session=s, user=people["cw"], referral_id=referral.id, now=f.NOW)
    plans.approve(session=s, user=people["pp"], referral_id=referral.id, now=f.NOW)
    _attend(s, people, referral, 2, first_day=2)
    assert ending.ending_out(session=s, user=people["pp"], referral_id=referral.id).sessions_planned == 2
    _choose(s, people, referral)
    _report(s, people, referral)
    assert _status(s, referral) == "completed"


def test_it_completes_on_the_last_session_when_the_report_came_first(catalogue_session, people, referral):
    s = catalogue_session
    _attend(s, people, referral, 3)
    _choose(s, people, referral)
    _report(s, people, referral)
    assert _status(s, referral) == "in_progress"  # 3 of 4: it goes on
    _attend(s, people, referral, 1, first_day=4)
    assert _status(s, referral) == "completed"


def test_it_moves_to_in_progress_when_the_first_appointment_is_attended(catalogue_session, people, referral):
    s = catalogue_session
    missed = f.booked(s, people["cw"], referral, day=1)
    service.record_feedback(session=s, user=people["cw"], appointment_id=missed.id, now=f.NOW,
                            data=f.feedback(attended="no", absence="pop_acceptable"))
    assert _status(s, referral) == "allocated"
    _attend(s, people, referral, 1, first_day=2, attended="late", late_reason="Bus")
    assert _status(s, referral) == "in_progress"
    assert _history(s, referral)[-1][:2] == ("allocated", "in_progress")


@pytest.mark.parametrize(
    ("who", "code", "detail", "message"),
    [
        ("pp", None, None, "Choose a reason: moved_out_of_area"),
        ("pp", "nonsense", None, "'nonsense' is not a reason you can give here"),
        ("pp", "made_in_error", None, "not a reason you can give"),  # a withdrawal's, not an ending's
        ("pp", "needs_met", None, "not a reason you can give"),  # the provider's
        ("cw", "sentence_ended", None, "not a reason you can give"),  # the practitioner's
        ("hub", "other", "   ", "needs a few words of detail"),
        ("pp", "other", "x" * 2001, "2000 characters"),
    ],
)
def test_it_refuses_a_reason_that_is_not_on_the_list_for_that_side_and_writes_nothing(
        catalogue_session, people, referral, who, code, detail, message):
    s = catalogue_session
    before = _history(s, referral)
    with pytest.raises(InvalidInput, match=message):
        ending.request_end(session=s, user=people[who], referral_id=referral.id, reason_code=code, detail=detail, now=f.NOW)
    assert _history(s, referral) == before and s.get(Referral, referral.id).end_requested_at is None


def test_it_takes_an_end_request_once(catalogue_session, people, referral):
    s = catalogue_session
    _attend(s, people, referral, 1)
    ending.request_end(session=s, user=people["pp"], referral_id=referral.id, reason_code="recalled", now=f.NOW)
    with pytest.raises(Conflict, match="already asked for"):
        ending.request_end(session=s, user=people["cw"], referral_id=referral.id, reason_code="disengaged", now=f.NOW)
    assert s.get(Referral, referral.id).end_reason_code == "recalled"


def test_it_books_nothing_once_an_end_was_asked_for(catalogue_session, people, referral):
    s = catalogue_session
    _attend(s, people, referral, 1)
    ending.request_end(session=s, user=people["pp"], referral_id=referral.id, reason_code="recalled", now=f.NOW)
    with pytest.raises(Conflict, match="no new appointments can be booked"):
        f.booked(s, people["cw"], referral, day=9)


def test_it_refuses_to_conclude_without_a_request_or_every_session(catalogue_session, people, referral):
    s = catalogue_session
    _attend(s, people, referral, 1)
    with pytest.raises(Conflict, match="1 of 4 planned sessions attended: ask to end it first"):
        ending.conclude(session=s, user=people["pp"], referral_id=referral.id, now=f.NOW)
    assert _status(s, referral) == "in_progress"


def test_it_refuses_an_end_before_acceptance_and_after_the_end(catalogue_session, people, referral):
    s = catalogue_session
    sent = rf.transferred(s, people["pp"])
    with pytest.raises(Conflict, match="withdraws it instead"):
        ending.request_end(session=s, user=people["pp"], referral_id=sent.id, reason_code="recalled", now=f.NOW)
    ending.request_end(session=s, user=people["pp"], referral_id=referral.id, reason_code="recalled", now=f.NOW)
    with pytest.raises(Conflict, match="already ended"):
        ending.request_end(session=s, user=people["pp"], referral_id=referral.id, reason_code="recalled", now=f.NOW)
    with pytest.raises(Conflict, match="nothing to end"):
        ending.conclude(session=s, user=people["pp"], referral_id=referral.id, now=f.NOW)


def test_it_keeps_each_side_to_its_own_part(catalogue_session, people, referral):
    s = catalogue_session
    for outsider in ("hub_other", "cw_other"):
        with pytest.raises(NotFound):
            ending.request_end(session=s, user=people[outsider], referral_id=referral.id, reason_code="recalled", now=f.NOW)
        with pytest.raises(NotFound):
            ending.conclude(session=s, user=people[outsider], referral_id=referral.id, now=f.NOW)
    _attend(s, people, referral, 1)
    with pytest.raises(Forbidden):
        outcomes.choose(session=s, user=people["cw"], referral_id=referral.id, codes=["gen-engage"])
    _choose(s, people, referral)
    with pytest.raises(Forbidden):
        _report(s, people, referral, who="pp")
    assert s.get(EndOfServiceReport, referral.id) is None and s.get(Referral, referral.id).end_requested_at is None


# --- races, with real commits -----------------------------------------------------------------

ATTEMPTS = 8


def _race(attempt) -> list[int]:
    return race(attempt, ATTEMPTS)


def test_it_concludes_once_when_many_conclude_at_once(committed_sessions):
    with transaction(committed_sessions) as s:
        people = f.cast(s, other_provider=False)
        referral = f.allocated(s, people)
        _attend(s, people, referral, 2)
        _choose(s, people, referral)
        # A report already in, and an end asked for without concluding: ready, waiting for someone to conclude.
        s.add(EndOfServiceReport(referral_id=referral.id, submitted_by_id=people["cw"].id, submitted_at=f.NOW))
        referrals.record_end_request(session=s, user=people["pp"], referral_id=referral.id, reason_code="recalled",
                                     now=f.NOW)

    def conclude(n: int) -> None:
        with transaction(committed_sessions) as s:
            who = s.merge(people["pp"] if n % 2 else people["cw"])
            ending.conclude(session=s, user=who, referral_id=referral.id, now=f.NOW)

    results = _race(conclude)
    assert (results.count(200), results.count(409)) == (1, ATTEMPTS - 1)
    with transaction(committed_sessions) as s:
        assert _status(s, referral) == "ended_early"
        ended = s.scalar(select(func.count()).select_from(ReferralHistory).where(
            ReferralHistory.referral_id == referral.id, ReferralHistory.to_status == "ended_early"))
        assert ended == 1


def test_it_takes_one_end_request_when_both_sides_ask_at_once(committed_sessions):
    with transaction(committed_sessions) as s:
        people = f.cast(s, other_provider=False)
        referral = f.allocated(s, people)

    def ask(n: int) -> None:
        with transaction(committed_sessions) as s:
            who = s.merge(people["pp"] if n % 2 else people["cw"])
            ending.request_end(session=s, user=who, referral_id=referral.id, reason_code="moved_out_of_area", now=f.NOW)

    results = _race(ask)
    assert (results.count(200), results.count(409)) == (1, ATTEMPTS - 1)
    with transaction(committed_sessions) as s:
        assert _status(s, referral) == "cancelled"
        assert [h[1] for h in _history(s, referral)].count("cancelled") == 1
