"""Races with real commits, on SQLite and PostgreSQL: the last session booked twice, feedback given twice."""

from __future__ import annotations


from sqlalchemy import func, select

from ratecard.db import transaction
from ratecard.delivery import overview, service
from ratecard.delivery.models import Appointment
from tests.delivery import factories as f
from tests.races import race

ATTEMPTS = 12


def _race(attempt) -> list[int]:
    return race(attempt, ATTEMPTS)


def _allocated(committed_sessions):
    with transaction(committed_sessions) as s:
        people = f.cast(s, other_provider=False)  # only CLN's brochure is loaded here
        referral = f.allocated(s, people)
        for day in range(1, 4):  # three of the four sessions bought
            f.booked(s, people["cw"], referral, day=day)
    return people, referral


def test_it_books_the_last_session_once_when_many_book_it_at_once(committed_sessions):
    people, referral = _allocated(committed_sessions)

    def book(n: int) -> None:
        with transaction(committed_sessions) as s:
            f.booked(s, s.merge(people["cw"] if n % 2 else people["hub"]), referral, day=10 + n)

    results = _race(book)
    assert (results.count(200), results.count(409)) == (1, ATTEMPTS - 1)
    with transaction(committed_sessions) as s:
        budget = overview.delivery(session=s, user=s.merge(people["pp"]), referral_id=referral.id, now=f.NOW).budget
        assert (budget.sessions_booked, budget.sessions_left) == (4, 0)
        assert s.scalar(select(func.count()).select_from(Appointment).where(Appointment.referral_id == referral.id)) == 4


def test_it_counts_the_hours_of_one_appointment_once_when_feedback_races(committed_sessions):
    people, referral = _allocated(committed_sessions)
    with transaction(committed_sessions) as s:
        first = s.scalars(select(Appointment.id).where(Appointment.referral_id == referral.id)).first()

    def feedback(n: int) -> None:
        with transaction(committed_sessions) as s:
            service.record_feedback(session=s, user=s.merge(people["cw"]), appointment_id=first, data=f.feedback(),
                                    now=f.NOW)

    results = _race(feedback)
    assert (results.count(200), results.count(409)) == (1, ATTEMPTS - 1)
    with transaction(committed_sessions) as s:
        budget = overview.delivery(session=s, user=s.merge(people["pp"]), referral_id=referral.id, now=f.NOW).budget
        assert (budget.sessions_attended, budget.hours_delivered) == (1, 1)
