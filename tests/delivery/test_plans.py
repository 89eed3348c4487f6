"""Action plans: proposed after the assessment, decided by the practitioner, variations adding sessions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ratecard.delivery import overview, plans, service
from ratecard.delivery.models import DeliveryHistory
from ratecard.delivery.schemas import ActionPlanIn
from ratecard.errors import Conflict, Forbidden, InvalidInput
from tests.delivery import factories as f


def _assessed(session, people, referral):
    a = f.booked(session, people["cw"], referral, day=1, kind="assessment")
    service.record_feedback(session=session, user=people["cw"], appointment_id=a.id, data=f.feedback(), now=f.NOW)


def _plan(**fields) -> ActionPlanIn:
    return ActionPlanIn.model_validate({"activities": ["Identify triggers", "Practise de-escalation"], "sessions": 3} | fields)


def test_it_refuses_a_plan_before_the_assessment_was_attended(catalogue_session, people, referral):
    with pytest.raises(Conflict, match="Record the assessment as attended"):
        plans.propose(session=catalogue_session, user=people["cw"], referral_id=referral.id, data=_plan(), now=f.NOW)


def test_it_takes_a_plan_from_draft_to_approved_with_a_history_row_each_step(catalogue_session, people, referral):
    _assessed(catalogue_session, people, referral)
    plans.propose(session=catalogue_session, user=people["cw"], referral_id=referral.id, data=_plan(), now=f.NOW)
    plans.submit(session=catalogue_session, user=people["cw"], referral_id=referral.id, now=f.NOW)
    approved = plans.approve(session=catalogue_session, user=people["pp"], referral_id=referral.id, now=f.NOW)
    assert (approved.number, approved.status) == (1, "approved")
    steps = catalogue_session.execute(
        select(DeliveryHistory.from_status, DeliveryHistory.to_status, DeliveryHistory.by_user_id).order_by(DeliveryHistory.id)
    ).all()
    assert steps == [(None, "draft", people["cw"].id), ("draft", "submitted", people["cw"].id),
                     ("submitted", "approved", people["pp"].id)]


def test_it_sends_a_plan_back_with_a_reason_and_takes_a_second(catalogue_session, people, referral):
    _assessed(catalogue_session, people, referral)
    plans.propose(session=catalogue_session, user=people["cw"], referral_id=referral.id, data=_plan(), now=f.NOW)
    plans.submit(session=catalogue_session, user=people["cw"], referral_id=referral.id, now=f.NOW)
    with pytest.raises(InvalidInput, match="Say what should change"):
        plans.request_changes(session=catalogue_session, user=people["pp"], referral_id=referral.id, reason=" ", now=f.NOW)
    plans.request_changes(session=catalogue_session, user=people["pp"], referral_id=referral.id, reason="Add victim work", now=f.NOW)
    second = plans.propose(session=catalogue_session, user=people["cw"], referral_id=referral.id,
                           data=_plan(activities=["Victim awareness"]), now=f.NOW)
    assert second.number == 2


def test_it_refuses_a_second_plan_while_one_is_being_decided(catalogue_session, people, referral):
    _assessed(catalogue_session, people, referral)
    plans.propose(session=catalogue_session, user=people["cw"], referral_id=referral.id, data=_plan(), now=f.NOW)
    with pytest.raises(Conflict, match="Action plan 1 is still draft"):
        plans.propose(session=catalogue_session, user=people["cw"], referral_id=referral.id, data=_plan(), now=f.NOW)


def test_it_lets_each_side_take_only_its_own_steps(catalogue_session, people, referral):
    _assessed(catalogue_session, people, referral)
    with pytest.raises(Forbidden):
        plans.propose(session=catalogue_session, user=people["pp"], referral_id=referral.id, data=_plan(), now=f.NOW)
    plans.propose(session=catalogue_session, user=people["cw"], referral_id=referral.id, data=_plan(), now=f.NOW)
    plans.submit(session=catalogue_session, user=people["cw"], referral_id=referral.id, now=f.NOW)
    with pytest.raises(Forbidden, match="practitioner decides"):
        plans.approve(session=catalogue_session, user=people["hub"], referral_id=referral.id, now=f.NOW)


def test_it_needs_a_reason_for_more_sessions_than_bought_and_adds_them_when_approved(catalogue_session, people, referral):
    _assessed(catalogue_session, people, referral)
    with pytest.raises(InvalidInput, match="4 sessions were bought: say why more are needed"):
        plans.propose(session=catalogue_session, user=people["cw"], referral_id=referral.id, data=_plan(sessions=6), now=f.NOW)
    plans.propose(session=catalogue_session, user=people["cw"], referral_id=referral.id, now=f.NOW,
                  data=_plan(sessions=6, variation_reason="Needs two more sessions on relapse"))
    plans.submit(session=catalogue_session, user=people["cw"], referral_id=referral.id, now=f.NOW)
    plans.approve(session=catalogue_session, user=people["pp"], referral_id=referral.id, now=f.NOW)
    budget = overview.delivery(session=catalogue_session, user=people["pp"], referral_id=referral.id, now=f.NOW).budget
    assert (budget.sessions_bought, budget.sessions_booked, budget.sessions_left) == (6, 1, 5)


def test_it_refuses_a_plan_with_fewer_sessions_than_attended(catalogue_session, people, referral):
    _assessed(catalogue_session, people, referral)
    for day in (2, 3):
        a = f.booked(catalogue_session, people["cw"], referral, day=day)
        service.record_feedback(session=catalogue_session, user=people["cw"], appointment_id=a.id, data=f.feedback(), now=f.NOW)
    with pytest.raises(InvalidInput, match="3 sessions have already been attended"):
        plans.propose(session=catalogue_session, user=people["cw"], referral_id=referral.id, data=_plan(sessions=2), now=f.NOW)


@pytest.mark.parametrize(("fields", "message"), [({"activities": []}, "at least 1 item"), ({"activities": [" "]}, "Describe at least one activity"),
                                                 ({"sessions": 0}, "greater than or equal to 1")])
def test_it_refuses_an_empty_plan(fields, message):
    with pytest.raises(ValueError, match=message):
        _plan(**fields)
