"""Web pages of referrals: dashboards for both sides, the referral form, a referral and its actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from ratecard.accounts.deps import WebUser
from ratecard.accounts.service import Role, caseworkers
from ratecard.catalogue import service as catalogue
from ratecard.deps import DbSession, PageNumber, RecordId
from ratecard.eligibility import forms as profile_forms
from ratecard.eligibility import labels
from ratecard.eligibility.profile import Profile
from ratecard.errors import Conflict, InvalidInput, NotFound
from ratecard.forms import error_messages
from ratecard.pages import render
from ratecard.referrals import extensions, forms, reasons, service
from ratecard.referrals.schemas import Priority, RequirementType, TransitionIn
from ratecard.referrals.workflow import PRACTITIONERS, Action, Status, being_delivered, may_record_registration
from ratecard.security.csrf import FIELD, check_csrf

router = APIRouter(include_in_schema=False)

# Each reader's words for the statuses: the one place the pages take them from (tabs, tags, history).
# The hub's words for the statuses its inbox is sorted by (caseworkers share them).
TAB_NAMES = {
    Status.DRAFT: "Draft", Status.REFERRED: "Submitted", Status.TRANSFERRED: "Incoming",
    Status.ACCEPTED: "Unallocated", Status.ALLOCATED: "Allocated", Status.IN_PROGRESS: "In progress",
    Status.COMPLETED: "Completed", Status.ENDED_EARLY: "Ended early", Status.REJECTED: "Rejected",
    Status.WITHDRAWN: "Withdrawn", Status.CANCELLED: "Cancelled",
}
# The practitioner's words (admins read the practitioner's side too).
PRACTITIONER_NAMES = {
    Status.DRAFT: "Draft", Status.REFERRED: "Submitted, not yet sent", Status.TRANSFERRED: "Sent to provider",
    Status.ACCEPTED: "Accepted by provider", Status.ALLOCATED: "Allocated to a caseworker",
    Status.IN_PROGRESS: "In progress", Status.COMPLETED: "Completed", Status.ENDED_EARLY: "Ended early",
    Status.REJECTED: "Rejected by provider", Status.WITHDRAWN: "Withdrawn", Status.CANCELLED: "Cancelled",
}
STATUS_NAMES = {Role.HUB: TAB_NAMES, Role.CASEWORKER: TAB_NAMES, Role.PRACTITIONER: PRACTITIONER_NAMES,
                Role.ADMIN: PRACTITIONER_NAMES}


def status_names(user: Any) -> dict[Status, str]:
    """The statuses in this user's words."""
    return STATUS_NAMES.get(Role(user.role), PRACTITIONER_NAMES)


def status_namer(user: Any) -> Callable[[Any], str]:
    """A function for the templates: a status (or its value) in this user's words."""
    names = status_names(user)

    def name(value: Any) -> str:
        try:
            return names[Status(getattr(value, "value", value))]
        except ValueError:
            return str(value).replace("_", " ").capitalize()
    return name


def provider_names(session: Any) -> dict[str, str]:
    """Provider code ("CLN") to its name, for lists and the referral page."""
    return {p.code.upper(): p.name for p in catalogue.list_providers(session=session)}


@router.get("/referrals", response_class=HTMLResponse)
async def dashboard(request: Request, session: DbSession, user: WebUser, status: str | None = None,
              q: str | None = None, page: PageNumber = 1) -> HTMLResponse:
    """My referrals (practitioners) or the hub's inbox, by status, searchable by reference, CRN or name."""
    chosen = Status(status) if status in {s.value for s in Status} else None
    result = service.list_referrals(session=session, user=user, status=chosen, q=(q or "").strip() or None, page=page,
                                    channel="web")

    def link(**changes: Any) -> str:
        params = {k: v for k, v in {"status": status, "q": q, **changes}.items() if v not in (None, "")}
        return "/referrals" + ("?" + urlencode(params) if params else "")

    past_end = result.page > result.pages and result.total > 0
    facts = extensions.row_facts(session=session, referral_ids=[r.id for r in result.items])
    return render(request, "referrals/dashboard.html", status_code=404 if past_end else 200, user=user, result=result,
                  status=chosen, q=q or "", statuses=list(Status), tab_names=status_names(user),
                  status_name=status_namer(user), providers=provider_names(session), past_end=past_end, link=link, labels=labels,
                  facts=facts, attention=extensions.needing_attention(facts), title="Referrals")


def _referral_form(request: Request, session, service_item, raw: dict, facts: dict, errors: dict[str, str],  # type: ignore[no-untyped-def]
                   status_code: int = 200, referral_id: int | None = None) -> HTMLResponse:
    return render(request, "referrals/new.html", status_code=status_code, service=service_item, raw=raw, facts=facts,
                  errors=errors, questions=forms.profile_questions(), prefix=forms.PROFILE_PREFIX,
                  requirement_types=list(RequirementType), priorities=list(Priority), labels=labels,
                  prerequisites=service.prerequisites_of(session=session, service_id=service_item.id),
                  referral_id=referral_id, title="Change the draft referral" if referral_id else "Make a referral")


def _first_form(request: Request, session, service_id: str, option_id: str | None, raw: dict, facts: dict) -> HTMLResponse:  # type: ignore[no-untyped-def]
    item = catalogue.get_service(session=session, service_id=service_id)
    if option_id is None and len(item.options) == 1:
        option_id = item.options[0].id  # one option: chosen already
    raw = {**raw, "service_id": service_id, "option_id": option_id}
    raw.setdefault("requirement_type", forms.default_requirement_type(
        request_method=item.request_method.value, kind=item.kind.value, setting=facts.get("setting")))
    return _referral_form(request, session, item, raw, facts, {})


@router.get("/referrals/new", response_class=HTMLResponse)
async def new_referral(request: Request, session: DbSession, user: WebUser, service_id: str | None = None) -> HTMLResponse:
    """The referral form for one service (chosen from the catalogue)."""
    if not service_id:
        return RedirectResponse("/services", status_code=303)  # type: ignore[return-value]
    return _first_form(request, session, service_id, None, {}, {})


@router.post("/referrals/new")
async def create_referral(request: Request, session: DbSession, user: WebUser) -> Response:
    """Create the draft, or show the form again with what is wrong; with `prefill` (Refer on the match
    results) show the form filled in with the person's answers, creating nothing."""
    form = await request.form()
    check_csrf(request, str(form.get(FIELD, "")))
    if form.get("prefill"):
        chosen = str(form.get("service_option", "")).split(" ", 1)
        service_id = str(form.get("service_id", "")) or chosen[0]
        option_id = chosen[1] if len(chosen) == 2 and not form.get("service_id") else None
        if not service_id:
            raise InvalidInput("Choose a service to refer to.")
        raw, facts = forms.prefill(form, service_id=service_id, option_id=option_id)
        return _first_form(request, session, service_id, option_id, raw, facts)
    data, raw, facts, errors = forms.referral_from_form(form)
    if data is not None:
        try:
            with session.begin_nested():  # a refusal undoes whatever the service had flushed
                referral, _ = service.create_referral(session=session, user=user, data=data)
        except InvalidInput as exc:
            errors[str(exc.details.get("field", "form"))] = str(exc)
    if errors:
        # The service is needed only to show the form again.
        try:
            item = catalogue.get_service(session=session, service_id=str(raw.get("service_id", "")))
        except NotFound:
            raise NotFound("Choose a service from the catalogue first.") from None
        return _referral_form(request, session, item, raw, facts, errors, status_code=400)
    return RedirectResponse(f"/referrals/{referral.id}", status_code=303)


def _draft(session, user, referral_id: int):  # type: ignore[no-untyped-def]
    referral = service.get_referral(session=session, user=user, referral_id=referral_id, channel="web")
    if referral.status != Status.DRAFT.value:
        raise Conflict("This referral has been submitted, so it can no longer be changed.")
    return referral


@router.get("/referrals/{referral_id}/edit", response_class=HTMLResponse)
async def edit_referral(request: Request, session: DbSession, user: WebUser, referral_id: RecordId) -> HTMLResponse:
    """The draft's form, filled in with what it holds; refused once it is submitted."""
    referral = _draft(session, user, referral_id)
    raw, facts = forms.raw_of(service.draft_data(referral))
    item = catalogue.get_service(session=session, service_id=referral.service_id)
    return _referral_form(request, session, item, raw, facts, {}, referral_id=referral.id)


@router.post("/referrals/{referral_id}/edit")
async def save_referral(request: Request, session: DbSession, user: WebUser, referral_id: RecordId) -> Response:
    """Save the changed draft, or show its form again with what is wrong."""
    form = await request.form()
    check_csrf(request, str(form.get(FIELD, "")))
    referral = _draft(session, user, referral_id)
    data, raw, facts, errors = forms.referral_from_form(form)
    if data is not None:
        try:
            with session.begin_nested():  # a refusal undoes whatever the service had flushed
                service.update_draft(session=session, user=user, referral_id=referral.id, data=data)
        except InvalidInput as exc:
            errors[str(exc.details.get("field", "form"))] = str(exc)
    if errors:
        item = catalogue.get_service(session=session, service_id=referral.service_id)
        return _referral_form(request, session, item, {**raw, "service_id": referral.service_id}, facts, errors,
                              status_code=400, referral_id=referral.id)
    return RedirectResponse(f"/referrals/{referral.id}", status_code=303)


def _detail(request: Request, session, user, referral_id: int, *, problems: list[str] | None = None,  # type: ignore[no-untyped-def]
            links: dict[str, str] | None = None, status_code: int = 200) -> HTMLResponse:
    referral = service.get_referral(session=session, user=user, referral_id=referral_id, channel="web")
    out = service.to_out(session, referral, user)
    workers = caseworkers(session=session, provider_id=referral.provider_id) if Action.ALLOCATE in out.allowed_actions else []
    can_register = may_record_registration(out.status, Role(user.role)) and out.registered_at is None
    facts = [row for row in profile_forms.summary(_stored_profile(out.person.profile))
             if row["name"] not in forms.OWN_FIELDS]
    return render(request, "referrals/detail.html", status_code=status_code, referral=out, caseworkers=workers,
                  can_register=can_register, problems=problems or [], links=links or {}, status_name=status_namer(user),
                  providers=provider_names(session), labels=labels, facts=facts,
                  can_edit=out.status is Status.DRAFT and Role(user.role) in PRACTITIONERS,
                  withdraw_reasons=reasons.for_role("withdraw", Role(user.role)), being_delivered=being_delivered(out.status),
                  prerequisites=service.prerequisites_of(session=session, service_id=out.service_id),
                  panels=extensions.panels(session=session, referral_id=referral.id), title=f"Referral {out.reference}")


def _stored_profile(data: dict) -> Profile | None:
    try:
        return Profile.model_validate(data or {})
    except ValidationError:
        return None  # stored under an older Profile: shown without the facts rather than failing


@router.get("/referrals/{referral_id}", response_class=HTMLResponse)
async def referral_page(request: Request, session: DbSession, user: WebUser, referral_id: RecordId) -> HTMLResponse:
    """One referral: details, history and the actions this user may take."""
    return _detail(request, session, user, referral_id)


@router.post("/referrals/{referral_id}/registration")
async def record_registration(request: Request, session: DbSession, user: WebUser, referral_id: RecordId) -> Response:
    """The provider records registration."""
    form = await request.form()
    check_csrf(request, str(form.get(FIELD, "")))
    service.record_registration(session=session, user=user, referral_id=referral_id)
    return RedirectResponse(f"/referrals/{referral_id}", status_code=303)


@router.post("/referrals/{referral_id}/{action}")
async def change_status(request: Request, session: DbSession, user: WebUser, referral_id: RecordId, action: str) -> Response:
    """Take one action (submit, accept, allocate...) from the referral page."""
    form = await request.form()
    check_csrf(request, str(form.get(FIELD, "")))
    try:
        chosen = Action(action.replace("-", "_"))
    except ValueError:
        raise NotFound(f"No action '{action}'.") from None
    try:
        body = TransitionIn(
            reason_code=str(form.get("reason_code", "")).strip() or None,
            reason=str(form.get("reason", "")).strip() or None,
            override_reason=str(form.get("override_reason", "")).strip() or None,
            caseworker_id=int(str(form.get("caseworker_id"))) if str(form.get("caseworker_id", "")).isdecimal() else None,
        )
    except ValidationError as exc:
        messages = error_messages(exc, label=lambda name: {"reason": "The reason", "override_reason": "The override reason",
                                                           "reason_code": "The reason chosen"}
                                  .get(name, name.replace("_", " ").capitalize()))
        return _detail(request, session, user, referral_id, problems=list(messages.values()), status_code=400)
    try:
        service.perform(session=session, user=user, referral_id=referral_id, action=chosen, body=body)
    except (InvalidInput, Conflict) as exc:
        # Show the referral again with what stops the action, as a GOV.UK error summary.
        problems = list(exc.details.get("problems", [])) or [str(exc)]
        links = dict(exc.details.get("links", {}) or {})
        return _detail(request, session, user, referral_id, problems=problems, links=links, status_code=exc.status_code)
    return RedirectResponse(f"/referrals/{referral_id}", status_code=303)
