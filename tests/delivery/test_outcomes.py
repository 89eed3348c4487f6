"""Desired outcomes, the end-of-service report, and the rule that decides how a referral ends."""

from __future__ import annotations

import pytest

from ratecard.delivery import outcomes
from ratecard.delivery.outcomes import EndState, end_state
from ratecard.delivery.schemas import EndOfServiceReportIn
from ratecard.errors import Conflict, Forbidden, InvalidInput
from tests.delivery import factories as f


@pytest.mark.parametrize(
    ("attended", "planned", "report", "state"),
    [
        (0, 4, True, EndState.CANCELLED),
        (0, None, False, EndState.CANCELLED),
        (4, 4, True, EndState.COMPLETED),
        (5, 4, True, EndState.COMPLETED),
        (4, 4, False, EndState.ENDED_EARLY),
        (3, 4, True, EndState.ENDED_EARLY),
        (2, None, True, EndState.ENDED_EARLY),
    ],
)
def test_it_decides_the_end_state_from_what_was_delivered(attended, planned, report, state):
    assert end_state(sessions_attended=attended, sessions_planned=planned, report_submitted=report) is state


def _report(**answers) -> EndOfServiceReportIn:
    return EndOfServiceReportIn.model_validate({"outcomes": [{"code": c, "achievement": a} for c, a in answers.items()]})


def test_it_offers_the_services_categorys_outcomes_and_the_general_ones(catalogue_session, people, referral):
    codes = [o.code for o in outcomes.choices(session=catalogue_session, user=people["pp"], referral_id=referral.id)]
    assert codes[-2:] == ["gen-engage", "gen-goals"] and "atb-emotions" in codes  # Conflict Resolution: attitudes


def test_it_takes_a_report_on_every_chosen_outcome_once(catalogue_session, people, referral):
    outcomes.choose(session=catalogue_session, user=people["pp"], referral_id=referral.id, codes=["atb-emotions", "gen-engage"])
    with pytest.raises(InvalidInput, match="say how far these were met: Engages with the intervention"):
        outcomes.submit_report(session=catalogue_session, user=people["cw"], referral_id=referral.id,
                               data=_report(**{"atb-emotions": "achieved"}), now=f.NOW)
    outcomes.submit_report(session=catalogue_session, user=people["cw"], referral_id=referral.id, now=f.NOW,
                           data=_report(**{"atb-emotions": "partially_achieved", "gen-engage": "achieved"}))
    out = outcomes.report_out(session=catalogue_session, user=people["pp"], referral_id=referral.id)
    assert [(o.code, o.achievement.value) for o in out.outcomes] == [("atb-emotions", "partially_achieved"), ("gen-engage", "achieved")]
    assert out.submitted_at == f.NOW
    with pytest.raises(Conflict, match="already submitted"):
        outcomes.submit_report(session=catalogue_session, user=people["cw"], referral_id=referral.id, now=f.NOW,
                               data=_report(**{"atb-emotions": "achieved", "gen-engage": "achieved"}))
    with pytest.raises(Conflict, match="report is in"):
        outcomes.choose(session=catalogue_session, user=people["pp"], referral_id=referral.id, codes=["gen-goals"])


def test_it_refuses_outcomes_the_service_does_not_offer_and_choices_by_the_provider(catalogue_session, people, referral):
    with pytest.raises(InvalidInput, match="not acc-secure-home"):
        outcomes.choose(session=catalogue_session, user=people["pp"], referral_id=referral.id, codes=["acc-secure-home"])
    with pytest.raises(Forbidden):
        outcomes.choose(session=catalogue_session, user=people["cw"], referral_id=referral.id, codes=["gen-engage"])
    with pytest.raises(Conflict, match="not chosen the desired outcomes"):
        outcomes.submit_report(session=catalogue_session, user=people["cw"], referral_id=referral.id,
                               data=_report(**{"gen-engage": "achieved"}), now=f.NOW)
