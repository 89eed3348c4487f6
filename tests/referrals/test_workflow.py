"""Every transition of the referral lifecycle, checked against the one transition table."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ratecard.accounts.service import Role
from ratecard.errors import Conflict, Forbidden, InvalidInput, NotFound
from ratecard.referrals import service
from ratecard.referrals.models import ReferralHistory
from ratecard.referrals.workflow import TRANSITIONS, Action, Status, allowed_actions
from tests.referrals import factories as f


@pytest.fixture
def people(catalogue_session):
    s = catalogue_session
    return {
        "practitioner": f.user(s),
        "hub": f.user(s, Role.HUB),
        "caseworker": f.user(s, Role.CASEWORKER),
        "session": s,
    }


def _history(session, referral_id):
    return [
        (h.from_status, h.to_status, h.reason)
        for h in session.scalars(select(ReferralHistory).where(ReferralHistory.referral_id == referral_id).order_by(ReferralHistory.id))
    ]


def test_it_runs_the_whole_lifecycle_writing_history_for_each_step(people):
    s, pp, hub, cw = people["session"], people["practitioner"], people["hub"], people["caseworker"]
    referral = f.transferred(s, pp)
    service.accept(session=s, user=hub, referral_id=referral.id)
    service.allocate(session=s, user=hub, referral_id=referral.id, caseworker_id=cw.id)
    service.start(session=s, user=cw, referral_id=referral.id)
    done = service.complete(session=s, user=cw, referral_id=referral.id)
    assert done.status == Status.COMPLETED.value and done.actual_end is not None and done.caseworker_id == cw.id
    assert [(a, b) for a, b, _ in _history(s, referral.id)] == [
        (None, "draft"), ("draft", "referred"), ("referred", "transferred"), ("transferred", "accepted"),
        ("accepted", "allocated"), ("allocated", "in_progress"), ("in_progress", "completed"),
    ]


def test_it_needs_a_reason_to_reject_and_records_it(people):
    s, pp, hub = people["session"], people["practitioner"], people["hub"]
    referral = f.transferred(s, pp)
    with pytest.raises(InvalidInput, match="reason"):
        service.reject(session=s, user=hub, referral_id=referral.id, reason="  ")
    service.reject(session=s, user=hub, referral_id=referral.id, reason="No places until March")
    assert _history(s, referral.id)[-1] == ("transferred", "rejected", "No places until March")


@pytest.mark.parametrize(
    ("code", "detail", "message"),
    [(None, None, "Choose a reason: made_in_error"), ("disengaged", None, "'disengaged' is not a reason you can give"),
     ("nonsense", None, "Choose one of: made_in_error"), ("other", "  ", "needs a few words of detail")],
)
def test_it_withdraws_only_with_a_coded_reason_and_writes_nothing_otherwise(people, code, detail, message):
    s, pp = people["session"], people["practitioner"]
    referral = f.transferred(s, pp)
    before = _history(s, referral.id)
    with pytest.raises(InvalidInput, match=message):
        service.withdraw(session=s, user=pp, referral_id=referral.id, reason_code=code, reason=detail)
    assert _history(s, referral.id) == before and s.get(type(referral), referral.id).status == "transferred"


@pytest.mark.parametrize(("code", "detail", "words"), [
    ("moved_out_of_area", None, "The person has moved out of the area"),
    ("other", "Referred to the wrong provider", "Another reason: Referred to the wrong provider"),
])
def test_it_withdraws_with_a_coded_reason_kept_in_the_history(people, code, detail, words):
    s, pp = people["session"], people["practitioner"]
    referral = f.transferred(s, pp)
    service.withdraw(session=s, user=pp, referral_id=referral.id, reason_code=code, reason=detail)
    row = s.scalars(select(ReferralHistory).where(ReferralHistory.referral_id == referral.id)
                    .order_by(ReferralHistory.id.desc())).first()
    assert (row.from_status, row.to_status, row.reason, row.reason_code) == ("transferred", "withdrawn", words, code)


def test_it_ends_early_and_cancels_with_coded_reasons_from_the_ending_rule(people):
    # delivery/ending.py calls these named transitions; here the transitions themselves.
    s, pp, hub, cw = people["session"], people["practitioner"], people["hub"], people["caseworker"]
    first = f.transferred(s, pp)
    service.accept(session=s, user=hub, referral_id=first.id)
    service.allocate(session=s, user=hub, referral_id=first.id, caseworker_id=cw.id)
    ended = service.end_early(session=s, user=cw, referral_id=first.id, reason_code="recalled")
    assert ended.status == "ended_early" and _history(s, first.id)[-1][2] == "The person has been recalled or is in custody"
    second = f.transferred(s, pp)
    service.accept(session=s, user=hub, referral_id=second.id)
    with pytest.raises(InvalidInput, match="Choose one of"):
        service.cancel(session=s, user=pp, referral_id=second.id, reason_code="made_in_error")  # a withdrawal's code
    cancelled = service.cancel(session=s, user=pp, referral_id=second.id, reason_code="moved_out_of_area")
    assert cancelled.status == "cancelled" and cancelled.cancellation_charge_pence is None


def test_it_refuses_an_invalid_transition_with_409_listing_the_allowed_ones(people):
    s, pp = people["session"], people["practitioner"]
    referral = f.draft(s, pp)
    with pytest.raises(Conflict) as caught:
        service.transfer(session=s, user=pp, referral_id=referral.id)
    assert caught.value.status_code == 409
    assert caught.value.details["allowed"] == ["submit", "withdraw"]


def test_it_lists_allowed_actions_when_the_status_is_wrong(people):
    s, pp, hub = people["session"], people["practitioner"], people["hub"]
    referral = f.transferred(s, pp)
    service.accept(session=s, user=hub, referral_id=referral.id)
    with pytest.raises(Conflict) as caught:
        service.accept(session=s, user=hub, referral_id=referral.id)
    assert caught.value.details["status"] == "accepted"
    assert set(caught.value.details["allowed"]) == {"allocate"}  # ending is asked for on the delivery page
    assert len([h for h in _history(s, referral.id) if h[1] == "accepted"]) == 1


@pytest.mark.parametrize(
    ("role", "action"),
    [(Role.HUB, Action.SUBMIT), (Role.CASEWORKER, Action.ACCEPT), (Role.PRACTITIONER, Action.ACCEPT),
     (Role.PRACTITIONER, Action.START), (Role.HUB, Action.WITHDRAW)],
)
def test_it_forbids_roles_the_table_does_not_name(people, role, action):
    assert role not in TRANSITIONS[action].roles
    s = people["session"]
    referral = f.transferred(s, people["practitioner"])
    actor = {Role.HUB: people["hub"], Role.CASEWORKER: people["caseworker"], Role.PRACTITIONER: people["practitioner"]}[role]
    if role is Role.CASEWORKER:
        with pytest.raises(NotFound):  # caseworkers see only what is allocated to them
            service.accept(session=s, user=actor, referral_id=referral.id)
        return
    function = service.TRANSITION_FUNCTIONS[action]
    kwargs = {"reason": "x"} if TRANSITIONS[action].needs_reason else {}
    if TRANSITIONS[action].reasons:
        kwargs["reason_code"] = "moved_out_of_area"
    with pytest.raises(Forbidden):
        function(session=s, user=actor, referral_id=referral.id, **kwargs)


def test_it_allocates_only_to_a_caseworker_of_the_same_provider(people):
    s, pp, hub = people["session"], people["practitioner"], people["hub"]
    referral = f.transferred(s, pp)
    service.accept(session=s, user=hub, referral_id=referral.id)
    other = f.user(s, Role.CASEWORKER, provider_id="nsf")
    with pytest.raises(InvalidInput, match="caseworker"):
        service.allocate(session=s, user=hub, referral_id=referral.id, caseworker_id=other.id)


def test_it_has_a_table_where_every_status_is_reachable_and_terminal_ones_are_final():
    reached = {Status.DRAFT} | {t.target for t in TRANSITIONS.values()}
    assert reached == set(Status)
    for status in (Status.COMPLETED, Status.REJECTED, Status.CANCELLED, Status.WITHDRAWN, Status.ENDED_EARLY):
        assert allowed_actions(status, Role.ADMIN) == []


def test_it_writes_one_history_row_per_change(people):
    s, pp = people["session"], people["practitioner"]
    referral = f.transferred(s, pp)
    count = s.scalar(select(func.count()).select_from(ReferralHistory).where(ReferralHistory.referral_id == referral.id))
    assert count == 3
