"""Referral operations: create, read, list and one named function per status change. Flushes, never commits."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
import secrets
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ratecard.db import upsert_insert, utc_now
from ratecard.accounts.models import User
from ratecard.accounts.service import Role, log_access
from ratecard.catalogue.models import Provider, Service, ServiceOption
from ratecard.errors import Conflict, Forbidden, InvalidInput, NotFound
from ratecard.forms import error_messages
from ratecard.referrals import extensions, notifications, queries
from ratecard.referrals.models import Person, PersonEvent, Referral
from ratecard.referrals.rules import submission_checks
from ratecard.referrals.schemas import (
    CRN_PATTERN,
    HistoryOut,
    PersonIn,
    PersonOut,
    ReferralIn,
    ReferralOut,
    ReferralPage,
    ReferralPatch,
    ReferralRow,
    RequirementType,
    TransitionIn,
)
from ratecard.referrals.workflow import (
    OPEN_STATUSES,
    PRACTITIONERS,
    REGISTRATION_ROLES,
    REGISTRATION_STATUSES,
    TRANSITIONS,
    Action,
    Status,
    actions_from,
    allowed_actions,
)

_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on the phone



def new_reference() -> str:
    """A referral reference such as 'RC-7K3M9Q2D': random, so no sequence to race on."""
    return "RC-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


# --- who may see what -------------------------------------------------------------------------


def _load(session: Session, user: User, referral_id: int) -> Referral:
    referral = session.scalar(
        queries.load_referral(Role(user.role)), {"referral_id": referral_id, **queries.scope_params(user)}
    )
    if referral is None:
        # The same answer whether it does not exist or belongs to someone else: ids reveal nothing.
        raise NotFound(f"No referral {referral_id}.")
    return referral


# --- people -----------------------------------------------------------------------------------


def upsert_person(*, session: Session, data: PersonIn, region: str, now: dt.datetime | None = None) -> Person:
    """`region`'s copy of the person with this CRN, created or brought up to date.

    Only the region's own copy is read or changed: another region's record of the same CRN is never
    shown or overwritten. Parallel first referrals of one new CRN both arrive here: the insert that
    loses the race does nothing and both go on with the one row."""
    values: dict[str, Any] = {
        "name": data.name,
        "date_of_birth": data.date_of_birth,
        "sex": data.sex.value if data.sex else None,
        "area": data.area,
    }
    profile = data.profile.model_dump(mode="json", exclude_none=True) if data.profile is not None else None
    table = Person.__table__
    session.execute(
        upsert_insert(session, table)
        .values(region=region, crn=data.crn, created_at=utc_now(now), profile=profile or {}, **values)
        .on_conflict_do_nothing(index_elements=[table.c.region, table.c.crn])
    )
    person = session.scalar(select(Person).where(Person.region == region, Person.crn == data.crn))
    assert person is not None  # inserted above, or already there
    changes = {name: value for name, value in values.items() if value is not None and getattr(person, name) != value}
    if profile is not None and person.profile != profile:
        changes["profile"] = profile
    for name, value in changes.items():
        setattr(person, name, value)
    session.flush()
    return person


# --- creating ---------------------------------------------------------------------------------


def _request_hash(data: ReferralIn) -> str:
    return hashlib.sha256(json.dumps(data.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()


def create_referral(
    *, session: Session, user: User, data: ReferralIn, idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[Referral, bool]:
    """A new draft referral, or the one this Idempotency-Key already made; returns (referral, created)."""
    now = utc_now(now)
    if Role(user.role) not in PRACTITIONERS:
        raise Forbidden("Only probation practitioners make referrals.")
    request_hash = _request_hash(data) if idempotency_key else None
    if idempotency_key:
        earlier = session.scalar(
            select(Referral).where(Referral.created_by_id == user.id, Referral.idempotency_key == idempotency_key)
        )
        if earlier is not None:
            if earlier.idempotency_hash != request_hash:
                raise InvalidInput("This Idempotency-Key was already used for a different referral.")
            return earlier, False
    service = session.get(Service, data.service_id)
    if service is None or not service.listed:
        raise InvalidInput(f"Unknown service '{data.service_id}'.", field="service_id")
    option = _option(session, service, data.option_id)
    region = user.region or data.person.area or "unknown"
    person = upsert_person(session=session, data=data.person, region=region, now=now)
    event_id = None
    if data.event is not None:
        event = PersonEvent(person_id=person.id, **data.event.model_dump(mode="python"))
        event.kind = data.event.kind.value
        session.add(event)
        session.flush()
        event_id = event.id
    open_one = session.scalar(
        select(Referral.reference).where(
            Referral.person_id == person.id, Referral.service_id == service.id, Referral.status.in_(OPEN_STATUSES)
        )
    )
    if open_one:
        raise Conflict(f"{person.crn} already has an open referral to {service.name} ({open_one}).")
    referral = Referral(
        reference=new_reference(),
        person_id=person.id,
        service_id=service.id,
        option_id=option.id if option else None,
        provider_id=service.provider_id,
        nsi_category=(option.nsi_category if option else None) or service.nsi_category,
        nsi_subtype=(option.nsi_subtype if option else None) or (service.nsi_subtypes[0] if service.nsi_subtypes else None),
        region=region,
        team=data.team or user.team,
        created_by_id=user.id,
        event_id=event_id,
        requirement_type=data.requirement_type.value,
        referral_date=data.referral_date or now.date(),
        expected_start=data.expected_start,
        expected_end=data.expected_end,
        risk_notes=data.risk_notes,
        support_notes=data.support_notes,
        location_notes=data.location_notes,
        priority=data.priority.value,
        prison=data.prison,
        release_date=data.release_date,
        msrp_modules=data.msrp_modules,
        msrp_sessions=data.msrp_sessions,
        warnings=[],
        status=Status.DRAFT.value,
        status_changed_at=now,
        idempotency_key=idempotency_key,
        idempotency_hash=request_hash,
        created_at=now,
    )
    session.add(referral)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        # Lost a race with an identical request: the unique indexes decide, we report.
        raise Conflict("A matching referral was created at the same moment; reload and try again.") from exc
    set_committed_value(referral, "person", person)  # known already: spare to_out a lazy load
    _record(session, referral.id, None, Status.DRAFT.value, now=now, user=user, reason="Created")
    return referral, True


def _option(session: Session, service: Service, option_id: str | None) -> ServiceOption | None:
    if option_id is None:
        if len(service.options) == 1:
            return service.options[0]  # nothing to choose between
        if service.options:
            choices = "; ".join(o.name for o in service.options)
            # Names, not ids: the API's caller finds the ids in the service's options.
            raise InvalidInput(f"Select which option of {service.name} to buy: {choices}.", field="option_id",
                               options=[o.id for o in service.options])
        return None
    option = session.get(ServiceOption, option_id)
    if option is None or option.service_id != service.id:
        raise InvalidInput(f"Select one of the options {service.name} offers.", field="option_id")
    if option.withdrawn_at is not None:
        raise InvalidInput(f"{option.name} is no longer offered by {service.name}: choose another option.", field="option_id")
    return option


# Court requirements and programmes the catalogue says are transferred (or made by the court), not bought.
TRANSFERRED_METHODS = frozenset({"transfer_requirement", "court_order"})
TRANSFERRED_KINDS = frozenset({"accredited_programme", "court_requirement"})
NSI_REASON = "External NSI Referral"
TRANSFER_REASON = "Requirement transfer"


def sent_as(*, service: Service, requirement_type: str) -> str:
    """'requirement_transfer' for a court requirement or programme the provider takes over by a transfer
    of the requirement, else 'nsi' (an NSI bought and transferred to the hub)."""
    if service.request_method in TRANSFERRED_METHODS:
        return "requirement_transfer"
    if requirement_type == RequirementType.COURT_ORDERED_PROGRAMME.value and service.kind in TRANSFERRED_KINDS:
        return "requirement_transfer"
    return "nsi"


def prerequisites_of(*, session: Session, service_id: str) -> list[dict[str, Any]]:
    """The services that must be bought before `service_id`: each once, {text, service_id, name}."""
    service = session.get(Service, service_id)
    found: list[dict[str, Any]] = []
    for prerequisite in service.prerequisites if service else []:
        if prerequisite.get("service_key") and prerequisite.get("mandatory"):
            first = f"{service.provider_id}-{prerequisite['service_key']}"
            name = session.scalar(select(Service.name).where(Service.id == first))
            if name and all(f["service_id"] != first for f in found):
                found.append({"text": prerequisite["text"], "service_id": first, "name": name})
    return found


def draft_data(referral: Referral) -> ReferralIn:
    """What a draft holds, in the shape it was made from (for its edit form and PATCH)."""
    person = referral.person
    return ReferralIn.model_validate({
        "person": {"crn": person.crn, "name": person.name, "date_of_birth": person.date_of_birth, "sex": person.sex,
                   "area": person.area, "profile": person.profile or None},
        "service_id": referral.service_id, "option_id": referral.option_id,
        "requirement_type": referral.requirement_type, "team": referral.team,
        "expected_start": referral.expected_start, "expected_end": referral.expected_end,
        "risk_notes": referral.risk_notes, "support_notes": referral.support_notes,
        "location_notes": referral.location_notes, "priority": referral.priority, "prison": referral.prison,
        "release_date": referral.release_date, "msrp_modules": referral.msrp_modules,
        "msrp_sessions": referral.msrp_sessions,
    })


def update_draft(*, session: Session, user: User, referral_id: int, data: ReferralIn,
                 now: dt.datetime | None = None) -> Referral:
    """Change a draft to `data` (same service); refused (409) once it has been submitted."""
    now = utc_now(now)
    referral = _load(session, user, referral_id)
    if Role(user.role) not in PRACTITIONERS:
        raise Forbidden("Only probation practitioners change referrals.")
    if referral.status != Status.DRAFT.value:
        raise Conflict("This referral has been submitted, so it can no longer be changed. Withdraw it and make a new one "
                       "if something is wrong.", status=referral.status)
    if data.service_id != referral.service_id:
        raise InvalidInput("A draft stays with its service: make a new referral for another service.", field="service_id")
    service = session.get(Service, referral.service_id)
    assert service is not None
    option = _option(session, service, data.option_id)
    person = upsert_person(session=session, data=data.person, region=referral.region, now=now)
    if person.id != referral.person_id:
        open_one = session.scalar(
            select(Referral.reference).where(
                Referral.person_id == person.id, Referral.service_id == service.id, Referral.status.in_(OPEN_STATUSES)
            )
        )
        if open_one:
            raise Conflict(f"{person.crn} already has an open referral to {service.name} ({open_one}).")
    values: dict[str, Any] = {
        "person_id": person.id, "option_id": option.id if option else None,
        "nsi_category": (option.nsi_category if option else None) or service.nsi_category,
        "nsi_subtype": (option.nsi_subtype if option else None) or (service.nsi_subtypes[0] if service.nsi_subtypes else None),
        "team": data.team or user.team, "requirement_type": data.requirement_type.value,
        "expected_start": data.expected_start, "expected_end": data.expected_end, "risk_notes": data.risk_notes,
        "support_notes": data.support_notes, "location_notes": data.location_notes, "priority": data.priority.value,
        "prison": data.prison, "release_date": data.release_date, "msrp_modules": data.msrp_modules,
        "msrp_sessions": data.msrp_sessions,
    }
    for name, value in values.items():
        setattr(referral, name, value)
    session.flush()
    set_committed_value(referral, "person", person)
    _record(session, referral.id, Status.DRAFT.value, Status.DRAFT.value, now=now, user=user, reason="Draft changed")
    if "history" in referral.__dict__:
        session.expire(referral, ["history"])
    return referral


def patch_draft(*, session: Session, user: User, referral_id: int, changes: ReferralPatch,
                now: dt.datetime | None = None) -> Referral:
    """Change only the fields `changes` gives (the API's PATCH); checked as a whole, like a new draft."""
    referral = _load(session, user, referral_id)
    current = draft_data(referral).model_dump(mode="json")
    given = changes.model_dump(mode="json", exclude_unset=True)
    person = {**current["person"], **(given.pop("person", None) or {})}
    try:
        data = ReferralIn.model_validate({**current, **given, "person": person})
    except ValidationError as exc:
        problems = error_messages(exc, label=lambda name: name.replace("_", " ").capitalize(), skip=("person",))
        raise InvalidInput("The change cannot be made: " + "; ".join(problems.values()) + ".", problems=problems) from exc
    return update_draft(session=session, user=user, referral_id=referral_id, data=data, now=now)


# --- reading ----------------------------------------------------------------------------------


def get_referral(*, session: Session, user: User, referral_id: int, channel: str, now: dt.datetime | None = None) -> Referral:
    """One referral the user may see; every read is written to the access log."""
    referral = _load(session, user, referral_id)
    log_access(session=session, user=user, action="read referral", channel=channel, referral_id=referral.id,
               crn=referral.person.crn, now=now)
    session.flush()
    return referral


_REFERENCE_SHAPE = re.compile(r"^RC-[A-Z0-9]{8}$")
_CRN_SHAPE = re.compile(CRN_PATTERN)


def search_kind(term: str) -> str | None:
    """How a search term is looked up: exactly as a reference or a CRN when it has that shape, else
    as part of a name; None for no search."""
    if not term:
        return None
    upper = term.upper()
    if _REFERENCE_SHAPE.match(upper):
        return "reference"
    if _CRN_SHAPE.match(upper):
        return "crn"
    return "name"


def list_referrals(
    *, session: Session, user: User, status: Status | None = None, q: str | None = None, page: int = 1,
    per_page: int = 20, channel: str = "api",
) -> ReferralPage:
    """The user's referrals (their region's, their provider's or allocated to them), newest first."""
    page = max(page, 1)
    term = (q or "").strip()
    counts_query, rows_query = queries.referral_list(Role(user.role), by_status=status is not None,
                                                     searching=search_kind(term))
    params = {
        **queries.scope_params(user), "status": status.value if status else None,
        "term": term.upper(), "like": queries.like_pattern(term), "offset": (page - 1) * per_page, "limit": per_page,
    }
    counts = {value: count for value, count in session.execute(counts_query, params)}
    total = counts.get(status.value, 0) if status is not None else sum(counts.values())
    rows = session.execute(rows_query, params).all()
    if rows:
        # A list shows names and CRNs too: record that it was read, once per page.
        log_access(session=session, user=user, action=f"list referrals ({len(rows)})", channel=channel)
    return ReferralPage(
        items=[
            ReferralRow(
                id=rid, reference=reference, status=status_value, crn=crn, name=name, service_name=service_name,
                provider=provider_id.upper(), priority=priority, referral_date=referral_date, caseworker=worker,
            )
            for rid, reference, status_value, crn, name, service_name, provider_id, priority, referral_date, worker in rows
        ],
        total=total, page=page, per_page=per_page, pages=max(1, math.ceil(total / per_page)), counts=counts,
    )


def to_out(session: Session, referral: Referral, user: User) -> ReferralOut:
    """The full view of a referral for `user`, with the actions they may take now."""
    rows = session.execute(queries.REFERRAL_VIEW, {"referral_id": referral.id}).all()
    service_name, option_name, referred_by, caseworker = rows[0][:4]
    return ReferralOut(
        id=referral.id, reference=referral.reference, status=referral.status,
        person=PersonOut.model_validate(referral.person),
        service_id=referral.service_id, service_name=service_name,
        option_id=referral.option_id, option_name=option_name,
        provider=referral.provider_id.upper(), nsi_category=referral.nsi_category, nsi_subtype=referral.nsi_subtype,
        region=referral.region, team=referral.team, referred_by=referred_by,
        requirement_type=referral.requirement_type, referral_date=referral.referral_date,
        sent_as=sent_as(service=session.get(Service, referral.service_id), requirement_type=referral.requirement_type),
        expected_start=referral.expected_start, expected_end=referral.expected_end, actual_end=referral.actual_end,
        risk_notes=referral.risk_notes, support_notes=referral.support_notes, location_notes=referral.location_notes,
        priority=referral.priority, prison=referral.prison, release_date=referral.release_date,
        msrp_modules=referral.msrp_modules, msrp_sessions=referral.msrp_sessions,
        eligibility_result=referral.eligibility_result, override_reason=referral.override_reason,
        warnings=referral.warnings, caseworker=caseworker,
        cancellation_charge_pence=referral.cancellation_charge_pence, registered_at=referral.registered_at,
        history=[
            HistoryOut(from_status=from_status, to_status=to_status, at=at, by=by, reason=reason)
            for *_, from_status, to_status, at, reason, by in rows
            if to_status is not None
        ],
        allowed_actions=allowed_actions(Status(referral.status), Role(user.role)),
    )


# --- status changes ---------------------------------------------------------------------------


def _change(
    session: Session, user: User, referral_id: int, action: Action, *, reason: str | None,
    now: dt.datetime | None, values: dict[str, Any] | None = None, referral: Referral | None = None,
) -> Referral:
    """Apply `action` if the table allows it: a conditional UPDATE, then a history row."""
    now = utc_now(now)
    transition = TRANSITIONS[action]
    referral = referral or _load(session, user, referral_id)
    current = _guard(action, user, referral, reason)
    # The SET clause follows the parameters' names: status, status_changed_at and the action's own.
    result = session.execute(
        queries.change_status(action),
        {"referral_id": referral.id, "status": transition.target.value, "status_changed_at": now, **(values or {})},
    )
    if result.rowcount != 1:
        session.refresh(referral)
        latest = Status(referral.status)
        raise Conflict(
            f"Someone else changed this referral first: it is now {latest.value.replace('_', ' ')}.",
            status=latest.value, allowed=[a.value for a in actions_from(latest)],
        )
    _record(session, referral.id, current.value, transition.target.value, now=now, user=user, reason=reason)
    # The row now holds what the UPDATE wrote; mirror it on the loaded object instead of re-reading it.
    for key, value in {"status": transition.target.value, "status_changed_at": now, **(values or {})}.items():
        set_committed_value(referral, key, value)
    if "history" in referral.__dict__:
        session.expire(referral, ["history"])  # a loaded history lacks the new row: read it again if asked
    return referral


def _guard(action: Action, user: User, referral: Referral, reason: str | None) -> Status:
    """The referral's status, if the table lets `user` take `action` from it (with a reason where one is needed)."""
    transition = TRANSITIONS[action]
    if Role(user.role) not in transition.roles:
        raise Forbidden(f"A {user.role} cannot {action.value.replace('_', ' ')} a referral.")
    if transition.needs_reason and not (reason and reason.strip()):
        raise InvalidInput(f"Give a reason to {action.value.replace('_', ' ')} the referral.", field="reason")
    current = Status(referral.status)
    if current not in transition.sources:
        raise Conflict(
            f"A referral that is {current.value.replace('_', ' ')} cannot be {transition.target.value.replace('_', ' ')}.",
            status=current.value, allowed=[a.value for a in actions_from(current)],
        )
    return current


def _record(session: Session, referral_id: int, from_status: str | None, to_status: str, *, now: dt.datetime,
            user: User, reason: str | None) -> None:
    session.execute(
        queries.INSERT_HISTORY,
        {"referral_id": referral_id, "from_status": from_status, "to_status": to_status, "at": now,
         "by_user_id": user.id, "reason": reason},
    )


def submit(*, session: Session, user: User, referral_id: int, override_reason: str | None = None,
           now: dt.datetime | None = None) -> Referral:
    """Draft → referred, after the brochures' rules: blocks stop it, warnings are kept on it."""
    now = utc_now(now)
    referral = _load(session, user, referral_id)
    _guard(Action.SUBMIT, user, referral, override_reason)  # the rules only for a submission that may happen
    service = session.get(Service, referral.service_id)
    provider = session.get(Provider, referral.provider_id)
    option = session.get(ServiceOption, referral.option_id) if referral.option_id else None
    assert service is not None and provider is not None
    checks = submission_checks(
        session=session, referral=referral, service=service, option=option, provider=provider,
        person=referral.person, override=override_reason, today=now.date(),
    )
    if checks.blocks:
        raise InvalidInput("The referral cannot be submitted.", problems=checks.blocks, warnings=checks.warnings,
                           links={text: f"/services/{sid}" for text, sid in checks.links.items()})
    values = {
        "warnings": checks.warnings,
        "eligibility_result": checks.eligibility.value if checks.eligibility else None,
        "override_reason": override_reason if checks.eligibility and checks.eligibility.value == "ineligible" else None,
    }
    # The history keeps an override reason only when it overrode something.
    referral = _change(session, user, referral_id, Action.SUBMIT, reason=values.get("override_reason"), now=now,
                       values=values, referral=referral)
    notifications.referral_submitted(session=session, referral=referral, service=service, provider=provider, now=now)
    return referral


def transfer(*, session: Session, user: User, referral_id: int, now: dt.datetime | None = None) -> Referral:
    """Referred → transferred: the NSI (or the court requirement) goes to the provider's hub, officer unallocated."""
    referral = _load(session, user, referral_id)
    service = session.get(Service, referral.service_id)
    assert service is not None
    # The history says how it went: an NSI bought from the hub, or a court requirement transferred.
    how = sent_as(service=service, requirement_type=referral.requirement_type)
    reason = TRANSFER_REASON if how == "requirement_transfer" else NSI_REASON
    return _change(session, user, referral_id, Action.TRANSFER, reason=reason, now=now, referral=referral)


def accept(*, session: Session, user: User, referral_id: int, now: dt.datetime | None = None) -> Referral:
    """Transferred → accepted by the hub; the practitioner is told."""
    now = utc_now(now)
    referral = _change(session, user, referral_id, Action.ACCEPT, reason=None, now=now)
    extensions.transitioned(session=session, referral=referral, action=Action.ACCEPT.value, user=user, now=now)
    notifications.referral_decided(session=session, referral=referral, accepted=True, reason=None, now=now)
    return referral


def reject(*, session: Session, user: User, referral_id: int, reason: str | None, now: dt.datetime | None = None) -> Referral:
    """Transferred → rejected by the hub, with the reason; the practitioner is told."""
    now = utc_now(now)
    referral = _change(session, user, referral_id, Action.REJECT, reason=reason, now=now)
    notifications.referral_decided(session=session, referral=referral, accepted=False, reason=reason, now=now)
    return referral


def allocate(*, session: Session, user: User, referral_id: int, caseworker_id: int | None,
             now: dt.datetime | None = None) -> Referral:
    """Accepted → allocated to one of the provider's caseworkers."""
    referral = _load(session, user, referral_id)
    worker = session.get(User, caseworker_id) if caseworker_id else None
    if worker is None or worker.role != Role.CASEWORKER.value or worker.provider_id != referral.provider_id or not worker.active:
        raise InvalidInput("Choose a caseworker of this provider.", field="caseworker_id")
    return _change(session, user, referral_id, Action.ALLOCATE, reason=f"Allocated to {worker.name}", now=now,
                   values={"caseworker_id": worker.id}, referral=referral)


def start(*, session: Session, user: User, referral_id: int, now: dt.datetime | None = None) -> Referral:
    """Allocated → in progress: delivery has begun."""
    return _change(session, user, referral_id, Action.START, reason=None, now=now)


def complete(*, session: Session, user: User, referral_id: int, now: dt.datetime | None = None) -> Referral:
    """In progress → completed; the actual end date is recorded."""
    now = utc_now(now)
    return _change(session, user, referral_id, Action.COMPLETE, reason=None, now=now, values={"actual_end": now.date()})


def end_early(*, session: Session, user: User, referral_id: int, reason: str | None, now: dt.datetime | None = None) -> Referral:
    """Allocated or in progress → ended early, with the reason."""
    now = utc_now(now)
    return _change(session, user, referral_id, Action.END_EARLY, reason=reason, now=now, values={"actual_end": now.date()})


def withdraw(*, session: Session, user: User, referral_id: int, reason: str | None, now: dt.datetime | None = None) -> Referral:
    """Before the hub accepts: the practitioner withdraws it, with the reason."""
    return _change(session, user, referral_id, Action.WITHDRAW, reason=reason, now=now)


def cancel(*, session: Session, user: User, referral_id: int, reason: str | None, now: dt.datetime | None = None) -> Referral:
    """After acceptance: the practitioner cancels; a charge due after registration (CSCS) is recorded."""
    referral = _load(session, user, referral_id)
    _guard(Action.CANCEL, user, referral, reason)
    charge = None
    if referral.registered_at:
        service = session.get(Service, referral.service_id)
        due = [c["amount_pence"] for c in service.charges if "registration" in c.get("applies_when", "").lower()] if service else []
        charge = sum(due) or None
    text = reason if charge is None else f"{reason} (cancellation charge £{charge / 100:.2f} after registration)"
    return _change(session, user, referral_id, Action.CANCEL, reason=text, now=now,
                   values={"cancellation_charge_pence": charge}, referral=referral)


def record_registration(*, session: Session, user: User, referral_id: int, now: dt.datetime | None = None) -> Referral:
    """The provider records that the person was registered (e.g. for the CSCS test), once, in the history."""
    now = utc_now(now)
    referral = _load(session, user, referral_id)
    if Role(user.role) not in REGISTRATION_ROLES:
        raise Forbidden("Only the provider records registration.")
    if Status(referral.status) not in REGISTRATION_STATUSES:
        raise Conflict("Registration is recorded only while the referral is being delivered.")
    if referral.registered_at is not None:
        return referral  # recorded already: the first time stands
    # Conditional, like a status change: of two providers recording it at once, one writes it.
    result = session.execute(
        queries.RECORD_REGISTRATION,
        {"referral_id": referral.id, "at": now, "statuses": [s.value for s in REGISTRATION_STATUSES]},
    )
    if result.rowcount != 1:
        session.refresh(referral)
        return referral
    set_committed_value(referral, "registered_at", now)
    _record(session, referral.id, referral.status, referral.status, now=now, user=user, reason="Registration recorded")
    if "history" in referral.__dict__:
        session.expire(referral, ["history"])
    return referral


TRANSITION_FUNCTIONS = {
    Action.SUBMIT: submit, Action.TRANSFER: transfer, Action.ACCEPT: accept, Action.REJECT: reject,
    Action.ALLOCATE: allocate, Action.START: start, Action.COMPLETE: complete, Action.END_EARLY: end_early,
    Action.WITHDRAW: withdraw, Action.CANCEL: cancel,
}


def perform(*, session: Session, user: User, referral_id: int, action: Action, body: TransitionIn) -> Referral:
    """Call the named transition function for `action` with what `body` carries for it."""
    kwargs: dict[str, Any] = {"session": session, "user": user, "referral_id": referral_id}
    if action is Action.SUBMIT:
        kwargs["override_reason"] = body.override_reason
    elif action is Action.ALLOCATE:
        kwargs["caseworker_id"] = body.caseworker_id
    elif TRANSITIONS[action].needs_reason:
        kwargs["reason"] = body.reason
    return TRANSITION_FUNCTIONS[action](**kwargs)
