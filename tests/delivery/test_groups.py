"""Group programmes: scheduled around bank holidays, enrolled within capacity, one register per session."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from ratecard.delivery import groups, overview
from ratecard.delivery.models import Appointment
from ratecard.delivery.schemas import GroupIn, RegisterIn, SlotIn
from ratecard.errors import Conflict, InvalidInput, NotFound
from tests.delivery import factories as f

TSP = "cln-thinking-skills-programme"
# Mondays and Thursdays from 24 August 2026: Monday 31 August is the Late Summer Bank Holiday.
START = dt.date(2026, 8, 24)


def _group_in(**fields) -> GroupIn:
    values = {"service_id": TSP, "name": "TSP Preston autumn", "venue": "Unit 4, Preston", "postcode": "PR1 2HE",
              "slots": [{"weekday": "monday", "time": "10:00"}, {"weekday": "thursday", "time": "14:00"}],
              "start_date": START.isoformat(), "session_minutes": 120}
    return GroupIn.model_validate(values | fields)


def test_it_schedules_weekly_slots_stepping_over_bank_holidays():
    slots = [SlotIn(weekday="monday", time=dt.time(10)), SlotIn(weekday="thursday", time=dt.time(14))]
    times, skipped = groups.schedule(START, slots, 4)
    assert skipped == [dt.date(2026, 8, 31)]
    assert [t.date() for t in times] == [dt.date(2026, 8, 24), dt.date(2026, 8, 27), dt.date(2026, 9, 3), dt.date(2026, 9, 7)]
    assert times[0] == dt.datetime(2026, 8, 24, 9, 0, tzinfo=dt.UTC)  # 10:00 in British Summer Time


@pytest.mark.parametrize(
    ("day", "holiday"),
    [
        (dt.date(2026, 8, 31), True),  # Late Summer Bank Holiday
        (dt.date(2026, 12, 28), True),  # Boxing Day falls on a Saturday: the Monday is the substitute
        (dt.date(2027, 3, 29), True),  # Easter Monday
        (dt.date(2026, 3, 17), False),  # St Patrick's Day: a bank holiday in Northern Ireland only
        (dt.date(2026, 11, 30), False),  # St Andrew's Day: Scotland only
    ],
)
def test_it_knows_the_bank_holidays_of_england_and_wales(day, holiday):
    assert groups.is_bank_holiday(day) is holiday


def test_it_creates_a_group_with_the_programmes_count_and_the_brochures_size(catalogue_session, people):
    group = groups.create_group(session=catalogue_session, user=people["hub"], data=_group_in(), now=f.NOW)
    out = groups.get_group(session=catalogue_session, user=people["cw"], group_id=group.id)
    assert (out.sessions, out.capacity, len(out.schedule)) == (19, 12, 19)
    assert dt.date(2026, 8, 31) in out.skipped
    assert all(s.starts_at.astimezone(dt.UTC).date() != dt.date(2026, 8, 31) for s in out.schedule)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"capacity": 13}, "limits a group of"),
        ({"service_id": "cln-conflict-resolution"}, "not delivered in groups"),
        ({"session_minutes": None}, "prints no session length"),
    ],
)
def test_it_refuses_a_group_the_programme_does_not_allow(catalogue_session, people, fields, message):
    with pytest.raises(InvalidInput, match=message):
        groups.create_group(session=catalogue_session, user=people["hub"], data=_group_in(**fields), now=f.NOW)


def test_it_hides_groups_from_another_provider(catalogue_session, people):
    group = groups.create_group(session=catalogue_session, user=people["hub"], data=_group_in(), now=f.NOW)
    with pytest.raises(NotFound):
        groups.get_group(session=catalogue_session, user=people["hub_other"], group_id=group.id)
    with pytest.raises(NotFound):
        groups.create_group(session=catalogue_session, user=people["hub_other"], data=_group_in(), now=f.NOW)


def _tsp_referral(session, people):
    return f.allocated(session, people, service_id=TSP)


def test_it_enrols_a_referral_booking_every_session_and_keeps_one_register(catalogue_session, people):
    group = groups.create_group(session=catalogue_session, user=people["hub"], now=f.ACCEPTED,
                                data=_group_in(start_date="2026-11-09"))
    members = [_tsp_referral(catalogue_session, people) for _ in range(2)]
    for r in members:
        groups.enrol(session=catalogue_session, user=people["hub"], group_id=group.id, referral_id=r.id, now=f.NOW)
    budget = overview.delivery(session=catalogue_session, user=people["pp"], referral_id=members[0].id, now=f.NOW).budget
    assert (budget.sessions_bought, budget.sessions_booked) == (19, 19)
    first = groups.get_group(session=catalogue_session, user=people["hub"], group_id=group.id).schedule[0]
    with pytest.raises(InvalidInput, match=f"no line for referral {members[1].id}"):
        groups.record_register(session=catalogue_session, user=people["hub"], group_session_id=first.id, now=f.NOW,
                               data=RegisterIn.model_validate({"entries": [{"referral_id": members[0].id, "attended": "yes"}]}))
    register = RegisterIn.model_validate({"entries": [
        {"referral_id": members[0].id, "attended": "yes"},
        {"referral_id": members[1].id, "attended": "no", "absence": "pop_acceptable"},
    ]})
    done = groups.record_register(session=catalogue_session, user=people["hub"], group_session_id=first.id, data=register, now=f.NOW)
    assert [a.status for a in done] == ["happened", "did_not_happen"]
    with pytest.raises(Conflict, match="already in the group"):
        groups.enrol(session=catalogue_session, user=people["hub"], group_id=group.id, referral_id=members[0].id, now=f.NOW)


def test_it_refuses_a_member_past_capacity(catalogue_session, people):
    group = groups.create_group(session=catalogue_session, user=people["hub"], now=f.ACCEPTED,
                                data=_group_in(start_date="2026-11-09", capacity=1))
    first, second = (_tsp_referral(catalogue_session, people) for _ in range(2))
    groups.enrol(session=catalogue_session, user=people["hub"], group_id=group.id, referral_id=first.id, now=f.NOW)
    with pytest.raises(Conflict, match="The group is full: all 1 places are taken"):
        groups.enrol(session=catalogue_session, user=people["hub"], group_id=group.id, referral_id=second.id, now=f.NOW)
    booked = catalogue_session.scalar(select(func.count()).select_from(Appointment).where(Appointment.referral_id == second.id))
    assert booked == 0
