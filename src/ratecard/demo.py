"""Lived-in demo data: made-up people and referrals in every status, made as the demo users would make them.

Everything goes through the referral service (create, submit, transfer, accept, allocate...), so the
history, warnings and outbox are what real use would leave. Each referral carries an Idempotency-Key
("demo-NN") and is skipped when it exists: running it twice makes nothing new. Never run it on a real
database. CRNs start "X9" and names are invented, so nobody mistakes them for real people.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ratecard.accounts.models import User
from ratecard.billing.demo import load_invoices, load_prices
from ratecard.catalogue.models import Service
from ratecard.db import utc_now
from ratecard.delivery import ending
from ratecard.errors import RatecardError
from ratecard.referrals import service as referrals
from ratecard.referrals.models import Referral
from ratecard.referrals.schemas import ReferralIn
from ratecard.referrals.workflow import Status

# crn, name, sex, date of birth, where they live, the demo practitioner who refers them
PEOPLE = (
    ("X900001", "Jordan Ashworth", "male", "1988-03-14", "Preston", "practitioner@example.com"),
    ("X900002", "Kelly Marsden", "female", "1994-07-02", "Blackpool", "practitioner@example.com"),
    ("X900003", "Dean Whitlock", "male", "1979-11-23", "Lancaster", "practitioner@example.com"),
    ("X900004", "Shannon Pickup", "female", "2001-01-30", "Carlisle", "practitioner@example.com"),
    ("X900005", "Lee Cottam", "male", "1985-05-09", "Burnley", "practitioner@example.com"),
    ("X900006", "Aaron Thurlow", "male", "1992-09-17", "Norwich", "practitioner.east@example.com"),
    ("X900007", "Gemma Blyth", "female", "1990-12-05", "Ipswich", "practitioner.east@example.com"),
    ("X900008", "Ryan Catchpole", "male", "1998-04-21", "Lowestoft", "practitioner.east@example.com"),
    ("X900009", "Tanya Fordham", "female", "1983-08-11", "Colchester", "practitioner.east@example.com"),
    ("X900010", "Craig Mistry", "male", "1987-02-27", "Chelmsford", "practitioner.east@example.com"),
    ("X900011", "Paul Hendry", "male", "1975-06-19", "Southend-on-Sea", "practitioner.east@example.com"),
    ("X900012", "Nadia Okafor", "female", "1996-10-03", "Maidstone", "practitioner.south@example.com"),
    ("X900013", "Wayne Tillman", "male", "1982-01-15", "Guildford", "practitioner.south@example.com"),
    ("X900014", "Becky Lowther", "female", "1999-03-08", "Derby", "practitioner.midlands@example.com"),
    ("X900015", "Imran Sadiq", "male", "1991-07-26", "Leicester", "practitioner.midlands@example.com"),
    ("X900016", "Connor Blake", "male", "1986-12-12", "Nottingham", "practitioner.midlands@example.com"),
)

# (person, provider, where the referral has got to): every status, across the five providers.
REFERRALS = (
    (1, "cln", Status.COMPLETED), (2, "cln", Status.IN_PROGRESS), (3, "cln", Status.ALLOCATED),
    (4, "cln", Status.ACCEPTED), (5, "cln", Status.TRANSFERRED), (1, "cln", Status.REFERRED),
    (2, "cln", Status.DRAFT), (3, "cln", Status.REJECTED), (4, "cln", Status.CANCELLED),
    (5, "cln", Status.ENDED_EARLY), (1, "cln", Status.WITHDRAWN),
    (6, "nsf", Status.COMPLETED), (7, "nsf", Status.IN_PROGRESS), (8, "nsf", Status.ALLOCATED),
    (6, "nsf", Status.TRANSFERRED), (7, "nsf", Status.DRAFT), (8, "nsf", Status.WITHDRAWN),
    (9, "esx", Status.ACCEPTED), (10, "esx", Status.TRANSFERRED), (11, "esx", Status.REJECTED),
    (9, "esx", Status.DRAFT), (10, "esx", Status.REFERRED),
    (12, "kss", Status.ACCEPTED), (13, "kss", Status.TRANSFERRED), (12, "kss", Status.REJECTED),
    (13, "kss", Status.WITHDRAWN),
    (14, "dlnr", Status.ACCEPTED), (15, "dlnr", Status.TRANSFERRED), (16, "dlnr", Status.DRAFT),
    (14, "dlnr", Status.REJECTED), (16, "dlnr", Status.REFERRED),
)

# The steps after submission that lead to each status: (who acts, what they do).
_PATHS: dict[Status, tuple[str, ...]] = {
    Status.DRAFT: (), Status.REFERRED: ("submit",), Status.TRANSFERRED: ("submit", "transfer"),
    Status.ACCEPTED: ("submit", "transfer", "accept"), Status.REJECTED: ("submit", "transfer", "reject"),
    Status.ALLOCATED: ("submit", "transfer", "accept", "allocate"),
    Status.IN_PROGRESS: ("submit", "transfer", "accept", "allocate", "start"),
    # Completed and ended early get there by the ending rule, from what _deliver records after "start".
    Status.COMPLETED: ("submit", "transfer", "accept", "allocate", "start"),
    Status.ENDED_EARLY: ("submit", "transfer", "accept", "allocate", "start"),
    Status.WITHDRAWN: ("submit", "withdraw"),
    # Asked to end before any session: cancelled at once (a registration makes it charged, where due).
    Status.CANCELLED: ("submit", "transfer", "accept", "allocate", "register", "end_request"),
}
_REASONS = {
    "reject": "The person's needs are better met by another service; please refer to housing support first.",
}
# (code of data/referrals/reasons.yaml, detail) for the steps that take a coded reason.
_CODED = {
    "withdraw": ("moved_out_of_area", "Moved to live with family in another region."),
    "end_request": ("other", "The person started full-time work and cannot attend."),
    "end_early": ("recalled", "Recalled to custody after a licence breach."),
}
DAYS_BETWEEN_STEPS = 2
_NOT_BOUGHT = {"court_requirement", "accredited_programme"}


@dataclass
class DemoReport:
    """What one run made."""

    made: int = 0
    skipped: int = 0  # there from an earlier run
    unplaced: list[str] = field(default_factory=list)  # no service of the provider would take the referral


def _key(n: int) -> str:
    return f"demo-{n:02d}"


def _users(session: Session) -> dict[str, User]:
    return {u.email: u for u in session.scalars(select(User).where(User.email.like("%@example.com")))}


def _staff(users: dict[str, User], role: str, provider: str) -> User | None:
    return next((u for u in users.values() if u.role == role and u.provider_id == provider and u.active), None)


def _data(person: tuple[str, ...], service: Service, start: dt.date) -> ReferralIn:
    crn, name, sex, born, area, _ = person
    option = service.options[0].id if service.options else None
    return ReferralIn.model_validate({
        "person": {"crn": crn, "name": name, "sex": sex, "date_of_birth": born, "area": area,
                   "profile": {"sex": sex, "date_of_birth": born, "area": area}},
        "service_id": service.id, "option_id": option, "referral_date": start.isoformat(),
        "expected_start": (start + dt.timedelta(days=21)).isoformat(),
        "expected_end": (start + dt.timedelta(days=120)).isoformat(),
        "risk_notes": "Medium risk of harm to known adults; no concerns for staff in groups.",
        "support_notes": "Prefers morning appointments.",
    })


def _step(session: Session, step: str, referral_id: int, at: dt.datetime, practitioner: User,
          hub: User, caseworker: User | None) -> None:
    """One step of a referral's life, by the person who would take it."""
    actions: dict[str, Callable[[], object]] = {
        "submit": lambda: referrals.submit(session=session, user=practitioner, referral_id=referral_id, now=at),
        "transfer": lambda: referrals.transfer(session=session, user=practitioner, referral_id=referral_id, now=at),
        "accept": lambda: referrals.accept(session=session, user=hub, referral_id=referral_id, now=at),
        "reject": lambda: referrals.reject(session=session, user=hub, referral_id=referral_id, reason=_REASONS["reject"], now=at),
        "allocate": lambda: referrals.allocate(session=session, user=hub, referral_id=referral_id,
                                               caseworker_id=caseworker.id if caseworker else None, now=at),
        "start": lambda: referrals.start(session=session, user=caseworker or hub, referral_id=referral_id, now=at),
        "register": lambda: referrals.record_registration(session=session, user=caseworker or hub, referral_id=referral_id, now=at),
        "withdraw": lambda: referrals.withdraw(session=session, user=practitioner, referral_id=referral_id,
                                               reason_code=_CODED["withdraw"][0], reason=_CODED["withdraw"][1], now=at),
        "end_request": lambda: ending.request_end(session=session, user=practitioner, referral_id=referral_id,
                                                  reason_code=_CODED["end_request"][0], detail=_CODED["end_request"][1],
                                                  now=at),
    }
    actions[step]()


def _deliver(session: Session, referral_id: int, started: dt.datetime, caseworker: User, practitioner: User, *,
             end: Status | None, now: dt.datetime) -> None:
    """What a caseworker records once delivery starts: the assessment, an approved plan of three
    sessions and the sessions. For one to complete, all three attended (one late), the outcomes chosen
    and the report in: the ending rule completes it. For one to end early, one session missed, the
    practitioner asks to end it (recalled) and the report ends it. For one still in progress, one
    missed and a session booked ahead, left out quietly where the service's budget has no room; an
    ending that cannot be reached raises, so the next service is tried."""
    from ratecard.delivery import outcomes, plans
    from ratecard.delivery import service as delivery
    from ratecard.delivery.schemas import ActionPlanIn, AppointmentIn, EndOfServiceReportIn, FeedbackIn

    # Five appointments (an assessment, three sessions, one ahead) within what was bought.
    _, minutes = delivery.bought(session, session.get(Referral, referral_id))
    length = max(15, min(60, (minutes or 300) // 5 // 15 * 15))

    def book(at: dt.datetime, kind: str, number: int | None = None) -> int:
        data = AppointmentIn(kind=kind, session_number=number, starts_at=at, duration_minutes=length, method="video")
        return delivery.book(session=session, user=caseworker, referral_id=referral_id, data=data, now=at).id

    def record(appointment: int, at: dt.datetime, **answers: object) -> None:
        delivery.record_feedback(session=session, user=caseworker, appointment_id=appointment, now=at,
                                 data=FeedbackIn.model_validate({"attended": "yes", **answers}))

    day = started.replace(hour=9, minute=30, second=0, microsecond=0) + dt.timedelta(days=1)
    try:
        with session.begin_nested():
            record(book(day, "assessment"), day + dt.timedelta(hours=2), session_summary="Goals agreed for the plan.")
            plans.propose(session=session, user=caseworker, referral_id=referral_id, now=day + dt.timedelta(hours=3),
                          data=ActionPlanIn(activities=["Work on what led to the offence", "Plan for the future"], sessions=3))
            plans.submit(session=session, user=caseworker, referral_id=referral_id, now=day + dt.timedelta(hours=3))
            plans.approve(session=session, user=practitioner, referral_id=referral_id, now=day + dt.timedelta(hours=5))
            outcomes.choose(session=session, user=practitioner, referral_id=referral_id, codes=["gen-engage", "gen-goals"])
            missed = {"attended": "no", "absence": "pop_acceptable", "absence_detail": "A hospital appointment."}
            answers = [{"attended": "late", "late_reason": "The bus was late."},
                       {"session_summary": "Talked through a hard week.", "session_response": "Open and honest."}
                       if end is Status.COMPLETED else missed,
                       {"session_summary": "Practised what to do when things go wrong.", "session_response": "Engaged well."}]
            for n, answer in enumerate(answers, start=1):
                at = day + dt.timedelta(hours=2 * n + 4)
                record(book(at, "session", n), at + dt.timedelta(hours=1), **answer)
            if end is Status.ENDED_EARLY:
                code, detail = _CODED["end_early"]
                ending.request_end(session=session, user=practitioner, referral_id=referral_id, reason_code=code,
                                   detail=detail, now=day + dt.timedelta(hours=11, minutes=30))
            if end is not None:
                outcomes.submit_report(session=session, user=caseworker, referral_id=referral_id, now=day + dt.timedelta(hours=12),
                                       data=EndOfServiceReportIn.model_validate({"outcomes": [
                                           {"code": "gen-engage", "achievement": "achieved" if end is Status.COMPLETED else "partially_achieved"},
                                           {"code": "gen-goals", "achievement": "partially_achieved", "comments": "One goal left."}],
                                           "further_information": "Referred on to the local peer support group."}))
                if session.get(Referral, referral_id).status != end.value:
                    raise RatecardError(f"The ending rule did not reach {end.value} here.")
            else:
                ahead = now.replace(hour=10, minute=0, second=0, microsecond=0) + dt.timedelta(days=3)
                delivery.book(session=session, user=caseworker, referral_id=referral_id, now=now,
                              data=AppointmentIn(kind="session", session_number=4, starts_at=ahead, duration_minutes=length,
                                                 method="phone"))
    except RatecardError:
        if end is not None:
            raise  # this service cannot show that ending: the caller tries the next one


def _submittable(session: Session, referral_id: int, at: dt.datetime, practitioner: User) -> None:
    """Raise unless the draft could be submitted: a demo draft is one a practitioner would go on to send."""
    probe = session.begin_nested()
    try:
        referrals.submit(session=session, user=practitioner, referral_id=referral_id, now=at)
    finally:
        probe.rollback()


def create_demo_data(*, session: Session, now: dt.datetime | None = None) -> DemoReport:
    """Create the demo referrals that are missing (demo users and the catalogue must be there first)."""
    now = utc_now(now)
    users = _users(session)
    load_prices(session, now)  # example price lists first, so the acceptances below snapshot a price
    admin = users.get("admin@example.com")
    report = DemoReport()
    services: dict[str, list[Service]] = {}
    for item in session.scalars(select(Service).where(Service.listed.is_(True)).order_by(Service.id)):
        # What a practitioner buys for the person: not court-made requirements or programmes, nor a partner's service.
        if item.kind not in _NOT_BOUGHT and item.recipient is None:
            services.setdefault(item.provider_id, []).append(item)
    tried: dict[str, int] = {}  # per provider, the next service to offer: referrals spread over the catalogue
    for n, (who, provider, status) in enumerate(REFERRALS, start=1):
        person = PEOPLE[who - 1]
        practitioner = users.get(person[5])
        hub = _staff(users, "hub", provider) or admin
        if practitioner is None or hub is None:
            report.unplaced.append(f"{_key(n)}: the demo users are missing")
            continue
        if session.scalar(select(Referral.id).where(Referral.created_by_id == practitioner.id,
                                                    Referral.idempotency_key == _key(n))):
            report.skipped += 1
            continue
        steps = _PATHS[status]
        caseworker = _staff(users, "caseworker", provider)
        if caseworker is None and "allocate" in steps:
            report.unplaced.append(f"{_key(n)}: {provider.upper()} has no demo caseworker")
            continue
        # Oldest first, each referral a couple of days after the last, every step before today.
        created = now - dt.timedelta(days=DAYS_BETWEEN_STEPS * (len(REFERRALS) - n + len(steps) + 3))
        candidates = services.get(provider, [])
        for offset in range(len(candidates)):
            position = (tried.get(provider, 0) + offset) % len(candidates)
            try:
                with session.begin_nested():  # a service whose rules refuse this person is left untouched
                    referral, _ = referrals.create_referral(
                        session=session, user=practitioner, data=_data(person, candidates[position], created.date()),
                        idempotency_key=_key(n), now=created,
                    )
                    if not steps:
                        _submittable(session, referral.id, created, practitioner)
                    for i, step in enumerate(steps, start=1):
                        at = created + dt.timedelta(days=DAYS_BETWEEN_STEPS * i, hours=i)
                        _step(session, step, referral.id, at, practitioner, hub, caseworker)
                        if step == "start" and caseworker is not None:
                            _deliver(session, referral.id, at, caseworker, practitioner, now=now,
                                     end=status if status in (Status.COMPLETED, Status.ENDED_EARLY) else None)
            except (RatecardError, ValueError):
                continue
            tried[provider] = position + 1
            report.made += 1
            break
        else:
            report.unplaced.append(f"{_key(n)}: no {provider.upper()} service accepts {person[1]} ({status.value})")
    load_invoices(session, now)  # last month's invoices of the sessions delivered above, issued
    session.flush()
    return report
