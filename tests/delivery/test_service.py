"""Booking, rescheduling and feedback against what was bought, on both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from ratecard.delivery import overview, service
from ratecard.delivery.models import Appointment, DeliveryBudget
from ratecard.delivery.schemas import RescheduleIn
from ratecard.errors import Conflict, Forbidden, InvalidInput, NotFound
from ratecard.referrals.models import OutboxMessage
from tests.delivery import factories as f
from tests.referrals import factories as rf


def _count(session, model=Appointment) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_it_books_within_what_was_bought_and_refuses_the_session_past_it(catalogue_session, people, referral):
    for day in range(1, 5):
        f.booked(catalogue_session, people["cw"], referral, day=day)
    out = overview.delivery(session=catalogue_session, user=people["pp"], referral_id=referral.id, now=f.NOW)
    assert (out.budget.sessions_bought, out.budget.sessions_booked, out.budget.sessions_left) == (4, 4, 0)
    assert out.budget.hours_bought == 4 and out.budget.hours_left == 0
    with pytest.raises(Conflict, match="past what was bought: 0 sessions and 0 hours left to book"):
        f.booked(catalogue_session, people["cw"], referral, day=5)
    assert _count(catalogue_session) == 4


def test_it_refuses_hours_past_the_budget_even_with_sessions_left(catalogue_session, people, referral):
    f.booked(catalogue_session, people["cw"], referral, day=1, duration_minutes=180)
    with pytest.raises(Conflict, match="3 sessions and 1 hour left"):
        f.booked(catalogue_session, people["cw"], referral, day=2, duration_minutes=120)
    assert f.booked(catalogue_session, people["cw"], referral, day=2, duration_minutes=60).status == "booked"


@pytest.mark.parametrize(
    ("starts", "message"),
    [
        (f.ACCEPTED - dt.timedelta(hours=1), "before the provider accepted"),
        (f.NOW + dt.timedelta(days=200), "at most 6 months ahead"),
    ],
)
def test_it_refuses_a_time_before_acceptance_or_too_far_ahead(catalogue_session, people, referral, starts, message):
    with pytest.raises(InvalidInput, match=message):
        service.book(session=catalogue_session, user=people["cw"], referral_id=referral.id, now=f.NOW,
                     data=f.appointment_in(starts_at=starts.isoformat()))
    assert _count(catalogue_session) == 0


def test_it_books_in_the_past_to_record_a_session_that_already_happened(catalogue_session, people, referral):
    past = f.booked(catalogue_session, people["cw"], referral, day=3)
    assert past.starts_at < f.NOW and past.status == "booked"


def test_it_refuses_an_appointment_overlapping_another_of_the_referral(catalogue_session, people, referral):
    f.booked(catalogue_session, people["cw"], referral, day=3, hour=10, duration_minutes=90)
    with pytest.raises(InvalidInput, match="overlaps the appointment"):
        f.booked(catalogue_session, people["cw"], referral, day=3, hour=11, duration_minutes=30)
    assert f.booked(catalogue_session, people["cw"], referral, day=3, hour=12).status == "booked"  # 11:30 ended it


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"duration_minutes": 0}, "greater than or equal to 1"),
        ({"duration_minutes": 481}, "less than or equal to 480"),
        ({"method": "carrier_pigeon"}, "in_person"),
        ({"method": "in_person"}, "Say where an in-person appointment is"),
        ({"method": "in_person", "address": "1 High Street", "postcode": "ZZ1 1ZZ"}, "Enter a real UK postcode"),
        ({"address": "1 High Street"}, "address and its postcode together"),
        ({"kind": "assessment", "session_number": 1}, "An assessment has no session number"),
    ],
)
def test_it_refuses_bad_appointments_with_a_message(fields, message):
    with pytest.raises(ValidationError, match=message):
        f.appointment_in(**fields)


def test_it_accepts_an_in_person_appointment_at_a_real_address():
    data = f.appointment_in(method="in_person", address="Town Hall, Morecambe", postcode="la4 4aa")
    assert data.postcode == "LA4 4AA"


def test_it_reads_a_time_without_a_zone_as_uk_time():
    summer = f.appointment_in(starts_at="2026-07-01T10:00:00")
    assert summer.starts_at == dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)


def test_it_reschedules_keeping_the_old_appointment_as_superseded(catalogue_session, people, referral):
    old = f.booked(catalogue_session, people["cw"], referral, day=8)
    moved = service.reschedule(
        session=catalogue_session, user=people["hub"], appointment_id=old.id, now=f.NOW,
        data=RescheduleIn.model_validate(f.appointment_in(starts_at=(f.ACCEPTED + dt.timedelta(days=9)).isoformat()).model_dump(mode="json") | {"reason": "Person asked to move it"}),
    )
    catalogue_session.refresh(old)
    assert (old.status, old.superseded_by_id, old.superseded_by_user_id, old.superseded_reason) == (
        "superseded", moved.id, people["hub"].id, "Person asked to move it")
    out = overview.delivery(session=catalogue_session, user=people["cw"], referral_id=referral.id, now=f.NOW)
    assert out.budget.sessions_booked == 1 and len(out.appointments) == 2


def test_it_counts_attended_sessions_as_hours_delivered(catalogue_session, people, referral):
    a = f.booked(catalogue_session, people["cw"], referral, day=5, duration_minutes=90)
    done = service.record_feedback(session=catalogue_session, user=people["cw"], appointment_id=a.id,
                                   data=f.feedback(), now=f.NOW)
    assert (done.status, done.attended, done.feedback_by_id) == ("happened", "yes", people["cw"].id)
    budget = overview.delivery(session=catalogue_session, user=people["pp"], referral_id=referral.id, now=f.NOW).budget
    assert (budget.sessions_attended, budget.hours_delivered, budget.sessions_booked) == (1, 1.5, 1)


def test_it_gives_back_a_session_that_did_not_happen(catalogue_session, people, referral):
    for day in range(1, 5):
        f.booked(catalogue_session, people["cw"], referral, day=day)
    first = catalogue_session.scalars(select(Appointment).order_by(Appointment.starts_at)).first()
    service.record_feedback(session=catalogue_session, user=people["cw"], appointment_id=first.id, now=f.NOW,
                            data=f.feedback(attended="no", absence="pop_acceptable", absence_detail="Hospital appointment"))
    budget = overview.delivery(session=catalogue_session, user=people["pp"], referral_id=referral.id, now=f.NOW).budget
    assert (budget.sessions_booked, budget.sessions_attended, budget.hours_delivered) == (3, 0, 0)
    assert f.booked(catalogue_session, people["cw"], referral, day=6).status == "booked"  # the place is free again


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"attended": "late"}, "Say why they were late"),
        ({"attended": "no"}, "Say why they did not attend: one of pop_acceptable, pop_unacceptable, logistics"),
        ({"attended": "no", "absence": "hungover"}, "Say why they did not attend"),
        ({"attended": "yes", "absence": "logistics"}, "only for someone who did not attend"),
        ({"attended": "maybe"}, "'yes', 'late' or 'no'"),
    ],
)
def test_it_refuses_inconsistent_feedback(fields, message):
    with pytest.raises(ValidationError, match=message):
        f.feedback(**fields)


def test_it_refuses_feedback_before_the_appointment_and_feedback_twice(catalogue_session, people, referral):
    future = f.booked(catalogue_session, people["cw"], referral, day=40)
    with pytest.raises(InvalidInput, match="once the appointment has started"):
        service.record_feedback(session=catalogue_session, user=people["cw"], appointment_id=future.id,
                                data=f.feedback(), now=f.NOW)
    past = f.booked(catalogue_session, people["cw"], referral, day=2)
    service.record_feedback(session=catalogue_session, user=people["cw"], appointment_id=past.id, data=f.feedback(), now=f.NOW)
    with pytest.raises(Conflict, match="already given"):
        service.record_feedback(session=catalogue_session, user=people["hub"], appointment_id=past.id,
                                data=f.feedback(attended="no", absence="logistics"), now=f.NOW)
    budget = overview.delivery(session=catalogue_session, user=people["pp"], referral_id=referral.id, now=f.NOW).budget
    assert (budget.sessions_attended, budget.hours_delivered) == (1, 1)


def test_it_emails_the_practitioner_when_feedback_raises_concerns(catalogue_session, people, referral):
    a = f.booked(catalogue_session, people["cw"], referral, day=2)
    before = _count(catalogue_session, OutboxMessage)
    service.record_feedback(session=catalogue_session, user=people["cw"], appointment_id=a.id, now=f.NOW,
                            data=f.feedback(concerns="Spoke of a new partner", notify_practitioner=True))
    messages = catalogue_session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "delivery_concern")).all()
    assert _count(catalogue_session, OutboxMessage) == before + 1
    assert messages[0].to_address == people["pp"].email and referral.reference in messages[0].subject
    assert "partner" not in messages[0].body  # the email says where to look, not what was said


def test_it_counts_rar_days_and_refuses_a_day_past_the_courts_maximum(catalogue_session, people, referral):
    service.set_rar_days(session=catalogue_session, user=people["pp"], referral_id=referral.id, days=2)
    f.booked(catalogue_session, people["cw"], referral, day=2, hour=9)
    f.booked(catalogue_session, people["cw"], referral, day=2, hour=14)  # the same day: still one RAR day
    f.booked(catalogue_session, people["cw"], referral, day=3)
    with pytest.raises(Conflict, match="RAR day past the 2 the court set"):
        f.booked(catalogue_session, people["cw"], referral, day=4)
    first = catalogue_session.scalars(select(Appointment).order_by(Appointment.starts_at)).first()
    service.record_feedback(session=catalogue_session, user=people["cw"], appointment_id=first.id, data=f.feedback(), now=f.NOW)
    budget = overview.delivery(session=catalogue_session, user=people["pp"], referral_id=referral.id, now=f.NOW).budget
    assert (budget.rar_days_max, budget.rar_days_booked, budget.rar_days_used, budget.rar_days_left) == (2, 2, 1, 1)
    with pytest.raises(Conflict, match="2 days already have sessions"):
        service.set_rar_days(session=catalogue_session, user=people["pp"], referral_id=referral.id, days=1)


def test_it_frees_a_rar_day_whose_only_session_did_not_happen(catalogue_session, people, referral):
    service.set_rar_days(session=catalogue_session, user=people["pp"], referral_id=referral.id, days=1)
    a = f.booked(catalogue_session, people["cw"], referral, day=2)
    service.record_feedback(session=catalogue_session, user=people["cw"], appointment_id=a.id, now=f.NOW,
                            data=f.feedback(attended="no", absence="logistics"))
    assert f.booked(catalogue_session, people["cw"], referral, day=3).status == "booked"


def test_it_lets_only_the_practitioner_set_rar_days(catalogue_session, people, referral):
    with pytest.raises(Forbidden):
        service.set_rar_days(session=catalogue_session, user=people["hub"], referral_id=referral.id, days=5)
    with pytest.raises(InvalidInput, match="from 1 to 365"):
        service.set_rar_days(session=catalogue_session, user=people["pp"], referral_id=referral.id, days=0)


def test_it_lets_only_the_provider_book_and_hides_other_peoples_referrals(catalogue_session, people, referral):
    with pytest.raises(Forbidden, match="Only the provider records delivery"):
        f.booked(catalogue_session, people["pp"], referral)
    for outsider in ("hub_other", "cw_other"):
        with pytest.raises(NotFound):
            f.booked(catalogue_session, people[outsider], referral)
        with pytest.raises(NotFound):
            overview.delivery(session=catalogue_session, user=people[outsider], referral_id=referral.id, now=f.NOW)
    a = f.booked(catalogue_session, people["cw"], referral)
    with pytest.raises(NotFound, match=f"No appointment {a.id}"):
        service.record_feedback(session=catalogue_session, user=people["hub_other"], appointment_id=a.id,
                                data=f.feedback(), now=f.NOW)
    assert _count(catalogue_session) == 1


def test_it_books_nothing_on_a_referral_the_hub_has_not_accepted(catalogue_session, people):
    waiting = rf.transferred(catalogue_session, people["pp"])
    with pytest.raises(Conflict, match="transferred cannot have appointments"):
        f.booked(catalogue_session, people["hub"], waiting)
    assert _count(catalogue_session, DeliveryBudget) == 0


def test_it_shows_alerts_for_overdue_feedback_unacceptable_absence_and_a_nearly_spent_budget(catalogue_session, people, referral):
    for day in range(1, 5):
        f.booked(catalogue_session, people["cw"], referral, day=day)
    first = catalogue_session.scalars(select(Appointment).order_by(Appointment.starts_at)).first()
    service.record_feedback(session=catalogue_session, user=people["cw"], appointment_id=first.id, now=f.NOW,
                            data=f.feedback(attended="no", absence="pop_unacceptable"))
    f.booked(catalogue_session, people["cw"], referral, day=30)  # the missed session's place, rebooked ahead
    alerts = overview.delivery(session=catalogue_session, user=people["pp"], referral_id=referral.id, now=f.NOW).alerts
    assert alerts == ["Feedback overdue for 3 appointments", "1 unacceptable absence",
                      "Budget nearly spent: 0 sessions and 0 hours left to book",
                      "Warning due: unacceptable absence on 3 November 2026"]
