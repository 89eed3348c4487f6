"""The milestones kept on write (delivery_facts, the referral's received_at and accepted_at) equal a
recomputation from their sources after any mix of transitions, bookings, moves and feedback; the
migration's backfill makes the same rows; and the performance figures read from them are those an
independent count of the raw rows gives."""

from __future__ import annotations

import datetime as dt
import importlib.util
import statistics
from collections import Counter

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import delete, select, update

from ratecard.delivery import facts, outcomes, plans, reports, service
from ratecard.delivery.models import Appointment, DeliveryFacts, DeliveryHistory, ReferralOutcome
from ratecard.delivery.schemas import LONDON, ActionPlanIn, EndOfServiceReportIn, RescheduleIn
from ratecard.referrals import service as referrals
from ratecard.referrals.models import Referral, ReferralHistory
from tests.delivery import factories as f
from tests.paths import REPO_ROOT

TODAY = dt.date.today()
PERIOD = reports.Filters(TODAY - dt.timedelta(days=330), TODAY)


def _feedback(session, people, appointment, **overrides):
    service.record_feedback(session=session, user=people["cw"], appointment_id=appointment.id, now=f.NOW,
                            data=f.feedback(**overrides))


def _assessed(session, people):
    referral = f.allocated(session, people)
    assessment = f.booked(session, people["cw"], referral, day=1, kind="assessment")
    _feedback(session, people, assessment)
    return referral


def _moved_then_missed(session, people):
    """An assessment moved twice (feedback on the last), then a session missed and one attended."""
    referral = f.allocated(session, people)
    first = f.booked(session, people["cw"], referral, day=2, kind="assessment")
    moved = service.reschedule(session=session, user=people["cw"], appointment_id=first.id, now=f.NOW,
                               data=RescheduleIn.model_validate({**f.appointment_in(kind="assessment").model_dump(
                                   mode="json"), "starts_at": (f.ACCEPTED + dt.timedelta(days=1)).isoformat(),
                                   "reason": "They asked"}))
    _feedback(session, people, moved)
    late = f.booked(session, people["cw"], referral, day=5)
    early = f.booked(session, people["cw"], referral, day=3)
    _feedback(session, people, late)  # the later one first: the first session is still the earlier
    _feedback(session, people, early, attended="no", absence="pop_acceptable")
    return referral


def _planned_and_reported(session, people):
    referral = _assessed(session, people)
    plans.propose(session=session, user=people["cw"], referral_id=referral.id, now=f.NOW,
                  data=ActionPlanIn(activities=["Triggers"], sessions=2))
    plans.submit(session=session, user=people["cw"], referral_id=referral.id, now=f.NOW)
    plans.request_changes(session=session, user=people["pp"], referral_id=referral.id, reason="More", now=f.NOW)
    plans.propose(session=session, user=people["cw"], referral_id=referral.id, now=f.NOW,
                  data=ActionPlanIn(activities=["Triggers", "Goals"], sessions=2))
    plans.submit(session=session, user=people["cw"], referral_id=referral.id, now=f.NOW)
    plans.approve(session=session, user=people["pp"], referral_id=referral.id, now=f.NOW)
    _feedback(session, people, f.booked(session, people["cw"], referral, day=3))
    outcomes.choose(session=session, user=people["pp"], referral_id=referral.id, codes=["gen-engage"])
    outcomes.choose(session=session, user=people["pp"], referral_id=referral.id, codes=["gen-engage", "gen-goals"])
    outcomes.submit_report(session=session, user=people["cw"], referral_id=referral.id, now=f.NOW,
                           data=EndOfServiceReportIn.model_validate({"outcomes": [
                               {"code": "gen-engage", "achievement": "achieved"},
                               {"code": "gen-goals", "achievement": "partially_achieved"}]}))
    return referral


def _ended(session, people):
    referral = _moved_then_missed(session, people)
    referrals.end_early(session=session, user=people["hub"], referral_id=referral.id, reason_code="moved_out_of_area")
    return referral


def _withdrawn(session, people):
    referral = f.rf.transferred(session, people["pp"])
    referrals.withdraw(session=session, user=people["pp"], referral_id=referral.id, reason_code="made_in_error")
    return referral


def _draft(session, people):
    return f.rf.draft(session, people["pp"])


STORIES = [_assessed, _moved_then_missed, _planned_and_reported, _ended, _withdrawn, _draft]


def _kept(session, referral_id):
    row = session.get(DeliveryFacts, referral_id, populate_existing=True)
    return None if row is None else tuple(getattr(row, c) for c in facts.COLUMNS)


def _on_referral(session, referral_id):
    """The milestones copied onto the referral row, named as delivery_facts names them."""
    row = session.execute(select(*(getattr(Referral, kept) for kept in facts.ON_REFERRAL.values()))
                          .where(Referral.id == referral_id)).one()
    return dict(zip(facts.ON_REFERRAL, row, strict=True))


def _first(session, referral_id, status):
    return session.scalar(select(ReferralHistory.at).where(ReferralHistory.referral_id == referral_id,
                                                           ReferralHistory.to_status == status)
                          .order_by(ReferralHistory.at).limit(1))


@pytest.mark.parametrize("story", STORIES, ids=lambda s: s.__name__.strip("_"))
def test_it_keeps_the_milestones_equal_to_a_recomputation(catalogue_session, people, story):
    referral = story(catalogue_session, people)
    catalogue_session.flush()
    recomputed = tuple(catalogue_session.execute(facts.recomputed(referral.id)).one())
    kept = _kept(catalogue_session, referral.id)
    has_delivery = story not in (_withdrawn, _draft)
    assert (kept is not None) == has_delivery
    if has_delivery:
        assert kept == recomputed
        assert _on_referral(catalogue_session, referral.id) == {
            name: value for name, value in zip(facts.COLUMNS, recomputed, strict=True) if name in facts.ON_REFERRAL}
    else:
        assert _on_referral(catalogue_session, referral.id) == {
            "first_appointment": None, "first_session": None, "attended": 0, "missed": 0, "outcomes": 0, "achieved": 0}
    catalogue_session.expire(referral)
    assert (referral.received_at, referral.accepted_at) == (
        _first(catalogue_session, referral.id, "transferred"), _first(catalogue_session, referral.id, "accepted"))
    assert (referral.received_at is None) == (story is _draft)


def test_it_counts_a_move_and_feedback_given_out_of_order(catalogue_session, people):
    referral = _moved_then_missed(catalogue_session, people)
    row = catalogue_session.get(DeliveryFacts, referral.id)
    assert (row.attended, row.missed, row.sessions_attended) == (2, 1, 1)
    assert row.assessment_booked == row.assessment_attended == f.ACCEPTED + dt.timedelta(days=1)  # the move's time
    assert row.first_session == f.ACCEPTED.replace(hour=10) + dt.timedelta(days=5)


def _backfill(connection) -> None:
    spec = importlib.util.spec_from_file_location("scale", REPO_ROOT / "migrations" / "versions" / "20261201_0012_scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with Operations.context(MigrationContext.configure(connection)):
        module._backfill()


def test_it_backfills_the_same_milestones_the_writes_kept(catalogue_session, people):
    made = [story(catalogue_session, people) for story in STORIES]
    catalogue_session.flush()
    ids = [r.id for r in made]
    def state(rid):
        return (_kept(catalogue_session, rid), _on_referral(catalogue_session, rid), tuple(catalogue_session.execute(
            select(Referral.received_at, Referral.accepted_at).where(Referral.id == rid)).one()))

    before = {rid: state(rid) for rid in ids}
    catalogue_session.execute(delete(DeliveryFacts))
    catalogue_session.execute(update(Referral).values(
        received_at=None, accepted_at=None, first_appointment_at=None, first_session_at=None, appointments_attended=0,
        appointments_missed=0, outcomes_chosen=0, outcomes_achieved=0))
    assert {rid: state(rid) for rid in ids} != before
    _backfill(catalogue_session.connection())
    after = {rid: state(rid) for rid in ids}
    assert after == before
    assert sum(1 for kept, _, _ in after.values() if kept) == 4


def _oracle(session, user, filters):
    """The performance figures counted the slow way, in Python, straight from the raw rows."""
    filters = reports.scope(user, filters)
    start = dt.datetime.combine(filters.date_from, dt.time(), tzinfo=LONDON)
    stop = dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time(), tzinfo=LONDON)
    month = lambda moment: moment.astimezone(LONDON).strftime("%Y-%m")  # noqa: E731
    counts = {name: Counter() for name in reports.SERIES}
    waits = {name: [] for name in reports.WAITS}
    attended = missed = outcome_count = achieved = total = 0
    for referral in session.scalars(select(Referral)):
        received = _first(session, referral.id, "transferred")
        if received is None or not start <= received < stop or (
                filters.provider_id and referral.provider_id != filters.provider_id):
            continue
        total += 1
        accepted = _first(session, referral.id, "accepted")
        rows = session.scalars(select(Appointment).where(Appointment.referral_id == referral.id)).all()
        live = [a.starts_at for a in rows if a.status != "superseded"]
        sessions = [a.starts_at for a in rows if a.kind == "session" and a.status == "happened"]
        first_session = min(sessions, default=None)
        counts["Received"][month(received)] += 1
        for name, moment in (("Accepted", accepted), ("Started", first_session)):
            if moment:
                counts[name][month(moment)] += 1
        if referral.status in reports.ENDED:
            counts[{"completed": "Completed", "ended_early": "Ended early", "cancelled": "Cancelled"}[referral.status]][
                month(referral.status_changed_at)] += 1
        for name, moment in zip(reports.WAITS, (accepted, min(live, default=None), first_session), strict=True):
            if moment:
                waits[name].append((moment - received).total_seconds() / 86400)
        attended += sum(a.status == "happened" for a in rows)
        missed += sum(a.status == "did_not_happen" for a in rows)
        chosen = session.scalars(select(ReferralOutcome).where(ReferralOutcome.referral_id == referral.id)).all()
        outcome_count += len(chosen)
        achieved += sum(o.achievement == "achieved" for o in chosen)
    months = reports._months(filters)
    return reports.Performance(
        months=months, counts={name: [c[m] for m in months] for name, c in counts.items()},
        medians={name: round(statistics.median(v), 1) if v else None for name, v in waits.items()},
        attendance_rate=round(attended / (attended + missed), 3) if attended + missed else None,
        outcomes_achieved=(achieved, outcome_count), total=total,
    )


@pytest.mark.parametrize("who", ["hub", "hub_other", "admin"])
def test_it_figures_performance_as_a_count_of_the_raw_rows_does(catalogue_session, people, who):
    for story in STORIES:
        story(catalogue_session, people)
    catalogue_session.flush()
    figures = reports.performance(session=catalogue_session, user=people[who], filters=PERIOD)
    assert figures == _oracle(catalogue_session, people[who], PERIOD)
    assert figures.total == (0 if who == "hub_other" else 5)


def test_it_leaves_no_plan_history_uncounted(catalogue_session, people):
    referral = _planned_and_reported(catalogue_session, people)
    submitted = catalogue_session.scalar(select(DeliveryHistory.at).where(
        DeliveryHistory.referral_id == referral.id, DeliveryHistory.to_status == "submitted").order_by(DeliveryHistory.at))
    row = catalogue_session.get(DeliveryFacts, referral.id)
    assert row.plan_submitted == submitted and row.plan_approved is not None
    assert (row.outcomes, row.achieved, row.report_submitted is not None) == (2, 1, True)


def test_it_loses_no_change_when_writes_to_one_referral_commit_at_once(committed_sessions):
    """Feedback on two sessions, the outcomes chosen and an action plan proposed and submitted, on one
    referral, committed concurrently: each refresh locks the row before reading, so it waits for the
    other writers and the kept row counts all of them (not one writer's view alone)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from ratecard.db import transaction

    with transaction(committed_sessions) as s:
        people = f.cast(s, other_provider=False)  # only CLN's brochure is loaded here
        referral = f.allocated(s, people)
        _feedback(s, people, f.booked(s, people["cw"], referral, day=1, kind="assessment"))
        ids = [f.booked(s, people["cw"], referral, day=day).id for day in range(2, 4)]
    writes = [
        *(lambda s, a=a: service.record_feedback(session=s, user=s.merge(people["cw"]), appointment_id=a,
                                                 data=f.feedback(), now=f.NOW) for a in ids),
        lambda s: outcomes.choose(session=s, user=s.merge(people["pp"]), referral_id=referral.id,
                                  codes=["gen-engage", "gen-goals"]),
        lambda s: plans.submit(session=s, user=s.merge(people["cw"]), referral_id=referral.id, now=f.NOW)
        if plans.propose(session=s, user=s.merge(people["cw"]), referral_id=referral.id, now=f.NOW,
                         data=ActionPlanIn(activities=["Triggers"], sessions=4)) else None,
    ]
    barrier = threading.Barrier(len(writes), timeout=30)

    def run(write) -> None:  # type: ignore[no-untyped-def]
        with transaction(committed_sessions) as s:
            barrier.wait()
            write(s)

    with ThreadPoolExecutor(max_workers=len(writes)) as pool:
        list(pool.map(run, writes, timeout=120))
    with transaction(committed_sessions) as s:
        row = s.get(DeliveryFacts, referral.id)
        assert tuple(getattr(row, c) for c in facts.COLUMNS) == tuple(s.execute(facts.recomputed(referral.id)).one())
        assert (row.attended, row.outcomes, row.plan_submitted is not None) == (3, 2, True)
