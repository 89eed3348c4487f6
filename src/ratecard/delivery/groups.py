"""Group programmes: cohorts scheduled on weekly slots around bank holidays, enrolment within capacity,
and one register recording every member's attendance of a session at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ratecard.accounts.models import User
from ratecard.accounts.service import Role
from ratecard.catalogue.models import Provider, Service
from ratecard.db import utc_now
from ratecard.delivery import service
from ratecard.delivery.models import Appointment, Group, GroupMember, GroupSession
from ratecard.delivery.schemas import (
    LONDON,
    AppointmentIn,
    FeedbackIn,
    GroupIn,
    GroupOut,
    GroupSessionOut,
    RegisterIn,
    SlotIn,
)
from ratecard.errors import Conflict, Forbidden, InvalidInput, NotFound

WEEKDAY_NUMBERS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
GROUP_DELIVERY = ("group", "both")
# Never schedule further than this: a programme of 100 weekly sessions fits with room for holidays.
MAX_WEEKS = 130
# Who runs groups: the provider's hub and admins make them; caseworkers also keep registers.
MAKERS = frozenset({Role.HUB, Role.ADMIN})


@cache
def _bank_holidays(year: int) -> frozenset[dt.date]:
    """Bank holidays in England and Wales in `year`, from the maintained `holidays` package."""
    import holidays

    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_bank_holiday(day: dt.date) -> bool:
    """Whether `day` is a bank holiday in England and Wales."""
    return day in _bank_holidays(day.year)


def schedule(start: dt.date, slots: Iterable[SlotIn], count: int) -> tuple[list[dt.datetime], list[dt.date]]:
    """`count` session times (UTC) on the weekly `slots` from `start`, stepping over bank holidays; and
    the bank holidays stepped over."""
    by_day = {WEEKDAY_NUMBERS.index(s.weekday.value): s.time for s in slots}
    times: list[dt.datetime] = []
    skipped: list[dt.date] = []
    day = start
    while len(times) < count and day < start + dt.timedelta(weeks=MAX_WEEKS):
        at = by_day.get(day.weekday())
        if at is not None:
            if is_bank_holiday(day):
                skipped.append(day)
            else:
                times.append(dt.datetime.combine(day, at, tzinfo=LONDON).astimezone(dt.UTC))
        day += dt.timedelta(days=1)
    return times, skipped


def _provider_of(user: User, service_row: Service) -> None:
    if Role(user.role) not in MAKERS:
        raise Forbidden("The provider's hub schedules groups.")
    if Role(user.role) is not Role.ADMIN and service_row.provider_id != user.provider_id:
        raise NotFound(f"No service {service_row.id}.")


def create_group(*, session: Session, user: User, data: GroupIn, now: dt.datetime | None = None) -> Group:
    """A cohort of a group programme, its sessions generated from the programme's count and length."""
    now = utc_now(now)
    programme = session.get(Service, data.service_id)
    if programme is None or not programme.listed:
        raise NotFound(f"No service {data.service_id}.")
    _provider_of(user, programme)
    if programme.delivery not in GROUP_DELIVERY:
        raise InvalidInput(f"{programme.name} is not delivered in groups.", field="service_id")
    sessions = data.sessions or programme.sessions
    if not sessions:
        raise InvalidInput("The brochure prints no number of sessions for this programme: say how many.", field="sessions")
    minutes = data.session_minutes or programme.session_minutes
    if not minutes:
        raise InvalidInput("The brochure prints no session length for this programme: say how long each is.",
                           field="session_minutes")
    limit = programme.max_participants
    if limit and data.capacity and data.capacity > limit:
        raise InvalidInput(f"The brochure limits a group of {programme.name} to {limit}.", field="capacity")
    capacity = data.capacity or limit
    if not capacity:
        raise InvalidInput("The brochure prints no group size for this programme: say how many places.", field="capacity")
    provider = session.get(Provider, programme.provider_id)
    if provider and provider.offices and not data.postcode and data.venue not in provider.offices:
        raise InvalidInput(f"Choose one of the provider's offices ({', '.join(provider.offices)}), "
                           "or give the venue's address and postcode.", field="venue")
    times, _ = schedule(data.start_date, data.slots, sessions)
    if len(times) < sessions:
        raise InvalidInput("These slots cannot fit the programme within two and a half years.", field="slots")
    group = Group(
        provider_id=programme.provider_id, service_id=programme.id, name=data.name, venue=data.venue,
        postcode=data.postcode, slots=[s.model_dump(mode="json") for s in data.slots], start_date=data.start_date,
        sessions=sessions, session_minutes=minutes, capacity=capacity, enrolled=0, created_by_id=user.id,
        created_at=now,
    )
    session.add(group)
    session.flush()
    session.add_all(GroupSession(group_id=group.id, number=n, starts_at=at) for n, at in enumerate(times, 1))
    session.flush()
    return group


def _load_group(session: Session, user: User, group_id: int) -> Group:
    group = session.get(Group, group_id)
    if group is None or (Role(user.role) is not Role.ADMIN and group.provider_id != user.provider_id):
        raise NotFound(f"No group {group_id}.")  # another provider's groups do not exist for you
    if Role(user.role) not in (Role.HUB, Role.CASEWORKER, Role.ADMIN):
        raise NotFound(f"No group {group_id}.")
    return group


def group_out(session: Session, group: Group) -> GroupOut:
    """A group with its sessions and the bank holidays its schedule stepped over."""
    rows = session.scalars(select(GroupSession).where(GroupSession.group_id == group.id).order_by(GroupSession.number)).all()
    _, skipped = schedule(group.start_date, [SlotIn.model_validate(s) for s in group.slots], group.sessions)
    return GroupOut(
        id=group.id, provider_id=group.provider_id, service_id=group.service_id, name=group.name, venue=group.venue,
        postcode=group.postcode, start_date=group.start_date, sessions=group.sessions,
        session_minutes=group.session_minutes, capacity=group.capacity, enrolled=group.enrolled,
        schedule=[GroupSessionOut(id=r.id, number=r.number, starts_at=r.starts_at) for r in rows], skipped=skipped,
    )


def list_groups(*, session: Session, user: User) -> list[Group]:
    """The groups of the user's provider (every provider's, for admins), newest start first."""
    role = Role(user.role)
    if role not in (Role.HUB, Role.CASEWORKER, Role.ADMIN):
        raise Forbidden("Groups are run by the provider.")
    query = select(Group).order_by(Group.start_date.desc(), Group.id.desc())
    if role is not Role.ADMIN:
        query = query.where(Group.provider_id == user.provider_id)
    return list(session.scalars(query.limit(200)))


def group_programmes(*, session: Session, user: User) -> list[Service]:
    """The services of the user's provider delivered in groups, for the form that schedules one."""
    query = select(Service).where(Service.listed.is_(True), Service.delivery.in_(GROUP_DELIVERY)).order_by(Service.name)
    if Role(user.role) is not Role.ADMIN:
        query = query.where(Service.provider_id == user.provider_id)
    return list(session.scalars(query))


def members(*, session: Session, user: User, group_id: int) -> list[tuple[GroupMember, str]]:
    """The group's members with their referral's reference."""
    from ratecard.referrals.models import Referral

    group = _load_group(session, user, group_id)
    return [(m, ref) for m, ref in session.execute(
        select(GroupMember, Referral.reference).join(Referral, Referral.id == GroupMember.referral_id)
        .where(GroupMember.group_id == group.id).order_by(GroupMember.id))]


def get_group(*, session: Session, user: User, group_id: int) -> GroupOut:
    """One group of the user's provider."""
    return group_out(session, _load_group(session, user, group_id))


def enrol(*, session: Session, user: User, group_id: int, referral_id: int, now: dt.datetime | None = None) -> GroupMember:
    """Enrol an accepted referral of the programme: a place is taken (never past capacity) and each of
    the group's sessions is booked for it, within what was bought."""
    now = utc_now(now)
    group = _load_group(session, user, group_id)
    if Role(user.role) not in MAKERS:
        raise Forbidden("The provider's hub enrols people in groups.")
    referral = service.load_referral(session, user, referral_id)
    if referral.service_id != group.service_id:
        raise InvalidInput("This referral is for another service than the group's programme.", field="referral_id")
    member = GroupMember(group_id=group.id, referral_id=referral.id, enrolled_at=now, enrolled_by_id=user.id)
    try:
        with session.begin_nested():
            session.add(member)
    except IntegrityError:
        raise Conflict("This referral is already in the group.") from None
    taken = session.execute(
        update(Group).where(Group.id == group.id, Group.enrolled < Group.capacity)
        .values(enrolled=Group.enrolled + 1).execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        raise Conflict(f"The group is full: all {group.capacity} places are taken.")
    where = {"address": group.venue, "postcode": group.postcode} if group.postcode else {"office": group.venue}
    for row in session.scalars(select(GroupSession).where(GroupSession.group_id == group.id).order_by(GroupSession.number)):
        data = AppointmentIn.model_validate({
            "kind": "session", "session_number": row.number, "starts_at": row.starts_at,
            "duration_minutes": group.session_minutes, "method": "in_person", "one_to_one": False, **where,
        })
        service.book_for(session=session, user=user, referral=referral, data=data, now=now, group_session_id=row.id)
    session.refresh(group)
    return member


def enrol_by_reference(*, session: Session, user: User, group_id: int, reference: str,
                       now: dt.datetime | None = None) -> GroupMember:
    """enrol() for the referral people know by its reference ("RC-7K3M9Q2D")."""
    from ratecard.referrals.models import Referral

    found = session.scalar(select(Referral.id).where(Referral.reference == reference.strip().upper())) if reference.strip() else None
    if found is None:
        raise NotFound("No referral has that reference.", field="reference")  # as for one not yours to see
    return enrol(session=session, user=user, group_id=group_id, referral_id=found, now=now)


def record_register(*, session: Session, user: User, group_session_id: int, data: RegisterIn,
                    now: dt.datetime | None = None) -> list[Appointment]:
    """Every member's attendance of one group session, recorded at once: all lines or none."""
    now = utc_now(now)
    row = session.get(GroupSession, group_session_id)
    if row is None:
        raise NotFound(f"No group session {group_session_id}.")
    try:
        _load_group(session, user, row.group_id)
    except NotFound:
        raise NotFound(f"No group session {group_session_id}.") from None
    places = {a.referral_id: a for a in session.scalars(
        select(Appointment).where(Appointment.group_session_id == row.id, Appointment.status != "superseded"))}
    given = [e.referral_id for e in data.entries]
    if len(set(given)) != len(given):
        raise InvalidInput("Each member appears once in the register.", field="entries")
    missing, strangers = set(places) - set(given), set(given) - set(places)
    if strangers:
        raise InvalidInput(f"Not in this group: referral {', '.join(map(str, sorted(strangers)))}.", field="entries")
    if missing:
        raise InvalidInput(f"The register has no line for referral {', '.join(map(str, sorted(missing)))}.", field="entries")
    recorded = []
    for entry in data.entries:
        feedback = entry.model_dump(exclude={"referral_id"})
        recorded.append(service.record_feedback(session=session, user=user, appointment_id=places[entry.referral_id].id,
                                                data=FeedbackIn.model_validate(feedback), now=now))
    return recorded


@dataclass(frozen=True)
class RegisterLine:
    """One member's line of a group session's register: who (the name only for those allowed it) and,
    once recorded, what was recorded."""

    referral_id: int
    reference: str
    crn: str
    name: str | None  # None where the viewer may not see the referral (a caseworker's colleague's case)
    appointment: Appointment


@dataclass(frozen=True)
class Register:
    """A group session with a line for each member holding a place in it."""

    group: Group
    session: GroupSession
    lines: list[RegisterLine]

    @property
    def recorded(self) -> bool:
        """Whether anything of this register was recorded (a register is recorded once, whole)."""
        return any(line.appointment.status != "booked" for line in self.lines)

    @property
    def complete(self) -> bool:
        """Whether every line was recorded, so the page shows it read-only."""
        return bool(self.lines) and all(line.appointment.status != "booked" for line in self.lines)

    @property
    def everyone_visible(self) -> bool:
        """Whether the viewer may see every member's referral (else only the hub can record it)."""
        return all(line.name is not None for line in self.lines)


def register_of(*, session: Session, user: User, group_id: int, group_session_id: int) -> Register:
    """A group session's register: each member's place (reference and CRN; their name where `user` may
    see the referral) and what was recorded, in two queries whatever the group's size."""
    from ratecard.referrals import queries as referral_queries
    from ratecard.referrals.models import Person, Referral

    group = _load_group(session, user, group_id)
    row = session.get(GroupSession, group_session_id)
    if row is None or row.group_id != group.id:
        raise NotFound(f"No session {group_session_id} in this group.")
    places = session.execute(
        select(Appointment, Referral.reference, Person.crn, Person.name)
        .join(Referral, Referral.id == Appointment.referral_id).join(Person, Person.id == Referral.person_id)
        .where(Appointment.group_session_id == row.id, Appointment.status != "superseded")
        .order_by(Referral.reference)
    ).all()
    ids = [a.referral_id for a, *_ in places]
    role = Role(user.role)
    visible = set(session.scalars(
        select(Referral.id).where(Referral.id.in_(ids), *referral_queries.scope(role)),
        referral_queries.scope_params(user),
    )) if ids else set()
    lines = [RegisterLine(a.referral_id, reference, crn, name if a.referral_id in visible else None, a)
             for a, reference, crn, name in places]
    return Register(group=group, session=row, lines=lines)
