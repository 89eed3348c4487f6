"""Enforcement: a warning after an unacceptable absence, breach action for a second within 12 months."""

from __future__ import annotations

import datetime as dt

import pytest

from ratecard.delivery import enforcement, overview, service
from ratecard.errors import Conflict, Forbidden, InvalidInput
from tests.delivery import factories as f


def _missed(session, people, referral, day, absence="pop_unacceptable"):
    a = f.booked(session, people["cw"], referral, day=day)
    service.record_feedback(session=session, user=people["cw"], appointment_id=a.id, now=f.NOW,
                            data=f.feedback(attended="no", absence=absence))
    return a


def test_it_asks_for_a_warning_then_flags_breach_action_for_a_second_failure(catalogue_session, people, referral):
    first = _missed(catalogue_session, people, referral, day=1)
    assert [x.state for x in enforcement.failures(catalogue_session, referral.id)] == ["warning due"]
    enforcement.record_warning(session=catalogue_session, user=people["pp"], appointment_id=first.id,
                               given_on=dt.date(2026, 11, 4), now=f.NOW)
    _missed(catalogue_session, people, referral, day=5)
    states = [(x.state, x.warning_on) for x in enforcement.failures(catalogue_session, referral.id)]
    assert states == [("warned", dt.date(2026, 11, 4)), ("breach action due", dt.date(2026, 11, 4))]
    alerts = overview.delivery(session=catalogue_session, user=people["pp"], referral_id=referral.id, now=f.NOW).alerts
    assert any(a.startswith("Breach action due: unacceptable absence on 7 November 2026, within 12 months of the warning of 4 November 2026")
               for a in alerts)


def test_it_asks_nothing_for_an_acceptable_absence(catalogue_session, people, referral):
    a = _missed(catalogue_session, people, referral, day=1, absence="pop_acceptable")
    assert enforcement.failures(catalogue_session, referral.id) == []
    with pytest.raises(Conflict, match="follows an unacceptable absence"):
        enforcement.record_warning(session=catalogue_session, user=people["pp"], appointment_id=a.id, now=f.NOW)


def test_it_records_a_warning_once_by_the_practitioner_on_a_real_date(catalogue_session, people, referral):
    a = _missed(catalogue_session, people, referral, day=1)
    with pytest.raises(Forbidden):
        enforcement.record_warning(session=catalogue_session, user=people["cw"], appointment_id=a.id, now=f.NOW)
    with pytest.raises(InvalidInput, match="between the absence and today"):
        enforcement.record_warning(session=catalogue_session, user=people["pp"], appointment_id=a.id,
                                   given_on=dt.date(2026, 10, 1), now=f.NOW)
    enforcement.record_warning(session=catalogue_session, user=people["pp"], appointment_id=a.id, now=f.NOW)
    with pytest.raises(Conflict, match="already recorded"):
        enforcement.record_warning(session=catalogue_session, user=people["pp"], appointment_id=a.id, now=f.NOW)
