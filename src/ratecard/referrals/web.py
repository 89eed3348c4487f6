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
from ratecard.forms import date_from_parts
from ratecard.errors import Conflict, InvalidInput, NotFound
from ratecard.pages import render
from ratecard.referrals import service
from ratecard.referrals.schemas import Priority, ReferralIn, RequirementType, TransitionIn
from ratecard.referrals.workflow import Action, Status, may_record_registration
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
    return render(request, "referrals/dashboard.html", status_code=404 if past_end else 200, user=user, result=result,
                  status=chosen, q=q or "", statuses=list(Status), tab_names=status_names(user),
                  status_name=status_namer(user), providers=provider_names(session), past_end=past_end, link=link,
                  title="Referrals")


def _referral_form(request: Request, service_item, raw: dict, errors: dict[str, str], status_code: int = 200) -> HTMLResponse:
    return render(request, "referrals/new.html", status_code=status_code, service=service_item, raw=raw, errors=errors,
                  requirement_types=list(RequirementType), priorities=list(Priority), title="Make a referral")


@router.get("/referrals/new", response_class=HTMLResponse)
async def new_referral(request: Request, session: DbSession, user: WebUser, service_id: str | None = None) -> HTMLResponse:
    """The referral form for one service (chosen from the catalogue)."""
    if not service_id:
        return RedirectResponse("/services", status_code=303)  # type: ignore[return-value]
    item = catalogue.get_service(session=session, service_id=service_id)
    return _referral_form(request, item, {"service_id": service_id}, {})


def _referral_data(form) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    text = lambda name: (str(form.get(name, "")).strip() or None)  # noqa: E731
    data: dict[str, Any] = {
        "person": {
            "crn": text("crn") or "", "name": text("name") or "", "date_of_birth": date_from_parts(form, "date_of_birth"),
            "sex": text("sex"), "area": text("area"),
        },
        "service_id": text("service_id") or "",
        "option_id": text("option_id"),
        "requirement_type": text("requirement_type") or RequirementType.RAR_ACTIVITY.value,
        "team": text("team"),
        "expected_start": date_from_parts(form, "expected_start"),
        "expected_end": date_from_parts(form, "expected_end"),
        "risk_notes": text("risk_notes"),
        "support_notes": text("support_notes"),
        "location_notes": text("location_notes"),
        "priority": text("priority") or Priority.ROUTINE.value,
        "prison": text("prison"),
        "release_date": date_from_parts(form, "release_date"),
        "msrp_modules": [str(m) for m in form.getlist("msrp_modules") if str(m).strip()],
        "msrp_sessions": text("msrp_sessions"),
    }
    return data


@router.post("/referrals/new")
async def create_referral(request: Request, session: DbSession, user: WebUser) -> Response:
    """Create the draft, or show the form again with what is wrong."""
    form = await request.form()
    check_csrf(request, str(form.get(FIELD, "")))
    data = _referral_data(form)
    raw = {k: v for k, v in form.items() if k != FIELD}
    errors: dict[str, str] = {}
    try:
        referral, _ = service.create_referral(session=session, user=user, data=ReferralIn.model_validate(data))
    except ValidationError as exc:
        for error in exc.errors():
            loc = [str(p) for p in error["loc"] if p != "person"]
            errors.setdefault(loc[0] if loc else "form", error["msg"])
    except InvalidInput as exc:
        errors[str(exc.details.get("field", "form"))] = str(exc)
    if errors:
        # The service is needed only to show the form again.
        try:
            item = catalogue.get_service(session=session, service_id=data["service_id"])
        except NotFound:
            raise NotFound("Choose a service from the catalogue first.") from None
        return _referral_form(request, item, raw, errors, status_code=400)
    return RedirectResponse(f"/referrals/{referral.id}", status_code=303)


def _detail(request: Request, session, user, referral_id: int, *, problems: list[str] | None = None,  # type: ignore[no-untyped-def]
            status_code: int = 200) -> HTMLResponse:
    referral = service.get_referral(session=session, user=user, referral_id=referral_id, channel="web")
    out = service.to_out(session, referral, user)
    workers = caseworkers(session=session, provider_id=referral.provider_id) if Action.ALLOCATE in out.allowed_actions else []
    can_register = may_record_registration(out.status, Role(user.role)) and out.registered_at is None
    return render(request, "referrals/detail.html", status_code=status_code, referral=out, caseworkers=workers,
                  can_register=can_register, problems=problems or [], status_name=status_namer(user),
                  providers=provider_names(session), title=f"Referral {out.reference}")


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
            reason=str(form.get("reason", "")).strip() or None,
            override_reason=str(form.get("override_reason", "")).strip() or None,
            caseworker_id=int(str(form.get("caseworker_id"))) if str(form.get("caseworker_id", "")).isdecimal() else None,
        )
    except ValidationError as exc:
        raise InvalidInput("; ".join(e["msg"] for e in exc.errors())) from exc
    try:
        service.perform(session=session, user=user, referral_id=referral_id, action=chosen, body=body)
    except (InvalidInput, Conflict) as exc:
        # Show the referral again with what stops the action, as a GOV.UK error summary.
        problems = list(exc.details.get("problems", [])) or [str(exc)]
        return _detail(request, session, user, referral_id, problems=problems, status_code=exc.status_code)
    return RedirectResponse(f"/referrals/{referral_id}", status_code=303)
