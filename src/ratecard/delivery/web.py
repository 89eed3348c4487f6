"""Web pages of delivery: a referral's appointments, budget, action plan, warnings and notes, with the
forms each side uses. Thin: every change goes through the same services as the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from urllib.parse import urlencode

from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from pydantic import ValidationError

from ratecard.accounts.deps import WebUser
from ratecard.accounts.service import Role
from ratecard.deps import DbSession, PageNumber, RecordId
from ratecard.delivery import calendar, ending, enforcement, groups, monitoring, notes, outcomes, overview, plans, reports, service
from ratecard.delivery.codes import absence_codes
from ratecard.delivery.schemas import (
    LONDON,
    ActionPlanIn,
    AppointmentIn,
    CaseNoteIn,
    EndOfServiceReportIn,
    FeedbackIn,
    GroupIn,
    Method,
    Weekday,
)
from ratecard.errors import Forbidden, InvalidInput, NotFound, RatecardError
from ratecard.forms import date_from_parts, error_messages
from ratecard.pages import render
from ratecard.referrals import reasons
from ratecard.referrals import service as referrals
from ratecard.referrals.workflow import Status, being_delivered
from ratecard.security.csrf import FIELD, check_csrf

router = APIRouter(include_in_schema=False)

LABELS = {
    "kind": "What kind of appointment", "starts_at": "Date and time", "date": "Date", "time": "Time",
    "duration_minutes": "Length in minutes", "method": "How it is held", "office": "Office", "address": "Address",
    "postcode": "Postcode", "attended": "Whether they attended", "late_reason": "Why they were late",
    "absence": "Why they did not attend", "activities": "Activities", "sessions": "Number of sessions",
    "variation_reason": "Why more sessions are needed", "subject": "Subject", "body": "Note", "days": "RAR days",
    "reason": "Reason", "session_number": "Session number", "codes": "Desired outcomes",
    "further_information": "Further information", "reason_code": "Reason", "end_detail": "More about the reason",
}
ACHIEVEMENTS = {"achieved": "Achieved", "partially_achieved": "Partly achieved", "not_achieved": "Not achieved"}
METHOD_NAMES = {Method.IN_PERSON: "In person", Method.PHONE: "Phone", Method.VIDEO: "Video call"}
STATUS_WORDS = {"booked": "Booked", "happened": "Happened", "did_not_happen": "Did not happen", "superseded": "Moved"}


def _label(field: str) -> str:
    return LABELS.get(field, field.replace("_", " ").capitalize())


def _page(request: Request, session: Any, user: Any, referral_id: int, *, errors: dict[str, str] | None = None,
          raw: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    referral = referrals.get_referral(session=session, user=user, referral_id=referral_id, channel="web")
    out = overview.delivery(session=session, user=user, referral_id=referral_id)
    role = Role(user.role)
    provider_side = role in (Role.HUB, Role.CASEWORKER, Role.ADMIN)
    practitioner_side = role in (Role.PRACTITIONER, Role.ADMIN)
    now = dt.datetime.now(dt.UTC)
    report = outcomes.report_out(session=session, user=user, referral_id=referral_id)
    open_now = being_delivered(Status(referral.status))
    return render(
        request, "delivery/referral.html", status_code=status_code, referral=referral, delivery=out,
        report=report, achievements=ACHIEVEMENTS,
        outcome_choices=outcomes.choices(session=session, user=user, referral_id=referral_id)
        if practitioner_side and open_now and report.submitted_at is None else (),
        can_report=provider_side and open_now and bool(report.outcomes) and report.submitted_at is None,
        can_ask_end=open_now and out.ending.end_requested_at is None,
        end_reasons=reasons.for_role("end", role),
        failures=enforcement.failures(session, referral.id),
        notes=notes.list_notes(session=session, user=user, referral_id=referral_id),
        provider_side=provider_side, practitioner_side=practitioner_side,
        can_book=provider_side and referral.status in {s.value for s in service.BOOKABLE} and referral.end_requested_at is None,
        counts_rar=service.counts_rar_days(referral), absence=absence_codes().codes, methods=METHOD_NAMES,
        status_words=STATUS_WORDS, now=now, london=LONDON, errors=errors or {}, raw=raw or {},
        title=f"Delivery of referral {referral.reference}",
    )


@router.get("/referrals/{referral_id}/delivery", response_class=HTMLResponse)
async def delivery_page(request: Request, session: DbSession, user: WebUser, referral_id: RecordId) -> HTMLResponse:
    """A referral's appointments, budget, action plan, warnings and notes."""
    return _page(request, session, user, referral_id)


async def _form(request: Request) -> Any:
    form = await request.form()
    check_csrf(request, str(form.get(FIELD, "")))
    return form


def _text(form: Any, name: str) -> str | None:
    value = str(form.get(name, "")).strip()
    return value or None


def _act(request: Request, session: Any, user: Any, referral_id: int, form: Any, action: Any) -> Response:
    """Run `action`; on bad input show the page again with the messages, changing nothing."""
    raw = {k: v for k, v in form.items() if k != FIELD}
    try:
        # A savepoint: a refusal undoes whatever the action had flushed, and nothing else.
        with session.begin_nested():
            action()
    except ValidationError as exc:
        return _page(request, session, user, referral_id, raw=raw, status_code=400,
                     errors=error_messages(exc, label=_label))
    except RatecardError as exc:
        if exc.status_code == 404:
            raise
        field = str(exc.details.get("field", "form"))
        return _page(request, session, user, referral_id, raw=raw, status_code=exc.status_code, errors={field: str(exc)})
    return RedirectResponse(f"/referrals/{referral_id}/delivery", status_code=303)


@router.post("/referrals/{referral_id}/delivery/appointments")
async def book(request: Request, session: DbSession, user: WebUser, referral_id: RecordId) -> Response:
    """Book an appointment from the form."""
    form = await _form(request)

    def run() -> None:
        day, time = date_from_parts(form, "date"), _text(form, "time")
        values: dict[str, Any] = {
            "kind": _text(form, "kind") or "", "starts_at": f"{day}T{time}" if day and time else "",
            "duration_minutes": _text(form, "duration_minutes") or "", "method": _text(form, "method") or "",
            "office": _text(form, "office"), "address": _text(form, "address"), "postcode": _text(form, "postcode"),
            "session_number": _text(form, "session_number"), "one_to_one": _text(form, "one_to_one") != "no",
        }
        service.book(session=session, user=user, referral_id=referral_id, data=AppointmentIn.model_validate(values))

    return _act(request, session, user, referral_id, form, run)


@router.post("/referrals/{referral_id}/delivery/appointments/{appointment_id}/feedback")
async def feedback(request: Request, session: DbSession, user: WebUser, referral_id: RecordId,
                   appointment_id: RecordId) -> Response:
    """Record attendance and feedback from the form."""
    form = await _form(request)

    def run() -> None:
        values = {name: _text(form, name) for name in (
            "attended", "late_reason", "absence", "absence_detail", "session_summary", "session_response", "behaviour",
            "concerns")}
        values["attended"] = values["attended"] or ""
        values["notify_practitioner"] = _text(form, "notify_practitioner") == "yes"
        appointment, referral = service.load_appointment(session, user, appointment_id)
        if referral.id != referral_id:
            raise RatecardError("That appointment belongs to another referral.")
        service.record_feedback(session=session, user=user, appointment_id=appointment.id,
                                data=FeedbackIn.model_validate(values))

    return _act(request, session, user, referral_id, form, run)


@router.post("/referrals/{referral_id}/delivery/action-plan")
async def action_plan(request: Request, session: DbSession, user: WebUser, referral_id: RecordId) -> Response:
    """Propose, submit, approve or send back the action plan, by the button pressed."""
    form = await _form(request)
    step = _text(form, "step")

    def run() -> None:
        if step == "propose":
            activities = [line for line in str(form.get("activities", "")).splitlines() if line.strip()]
            data = ActionPlanIn.model_validate({"activities": activities, "sessions": _text(form, "sessions") or "",
                                                "variation_reason": _text(form, "variation_reason")})
            plans.propose(session=session, user=user, referral_id=referral_id, data=data)
        elif step == "submit":
            plans.submit(session=session, user=user, referral_id=referral_id)
        elif step == "approve":
            plans.approve(session=session, user=user, referral_id=referral_id)
        elif step == "request_changes":
            plans.request_changes(session=session, user=user, referral_id=referral_id, reason=_text(form, "reason"))
        else:
            raise RatecardError("Choose what to do with the action plan.")

    return _act(request, session, user, referral_id, form, run)


@router.post("/referrals/{referral_id}/delivery/rar-days")
async def rar_days(request: Request, session: DbSession, user: WebUser, referral_id: RecordId) -> Response:
    """The practitioner sets the RAR days the court set."""
    form = await _form(request)

    def run() -> None:
        text = _text(form, "days")
        if text is not None and not text.isdecimal():
            raise RatecardError("Enter the RAR days as a whole number, like 20.", field="days")
        service.set_rar_days(session=session, user=user, referral_id=referral_id, days=int(text) if text else None)

    return _act(request, session, user, referral_id, form, run)


@router.post("/referrals/{referral_id}/delivery/appointments/{appointment_id}/warning")
async def warning(request: Request, session: DbSession, user: WebUser, referral_id: RecordId,
                  appointment_id: RecordId) -> Response:
    """The practitioner records the warning given for an unacceptable absence."""
    form = await _form(request)
    return _act(request, session, user, referral_id, form, lambda: enforcement.record_warning(
        session=session, user=user, appointment_id=appointment_id, note=_text(form, "note")))


@router.post("/referrals/{referral_id}/delivery/notes")
async def add_note(request: Request, session: DbSession, user: WebUser, referral_id: RecordId) -> Response:
    """Write a case note, optionally emailing the other side."""
    form = await _form(request)

    def run() -> None:
        data = CaseNoteIn.model_validate({"subject": _text(form, "subject") or "", "body": _text(form, "body") or "",
                                          "email": _text(form, "email") == "yes"})
        notes.add_note(session=session, user=user, referral_id=referral_id, data=data)

    return _act(request, session, user, referral_id, form, run)


@router.post("/referrals/{referral_id}/delivery/desired-outcomes")
async def desired_outcomes(request: Request, session: DbSession, user: WebUser, referral_id: RecordId) -> Response:
    """The practitioner chooses the desired outcomes (until the report is in)."""
    form = await _form(request)

    def run() -> None:
        codes = [str(c) for c in form.getlist("codes")]
        if not codes:
            raise RatecardError("Choose at least one desired outcome.", field="codes")
        outcomes.choose(session=session, user=user, referral_id=referral_id, codes=codes)

    return _act(request, session, user, referral_id, form, run)


@router.post("/referrals/{referral_id}/delivery/end-of-service-report")
async def end_of_service_report(request: Request, session: DbSession, user: WebUser, referral_id: RecordId) -> Response:
    """The provider's end-of-service report: how far each desired outcome was met, with comments."""
    form = await _form(request)

    chosen = outcomes.report_out(session=session, user=user, referral_id=referral_id).outcomes
    unanswered = [o for o in chosen if _text(form, f"achievement-{o.code}") not in ACHIEVEMENTS]
    if unanswered and Role(user.role) in outcomes.PROVIDER:
        # Each outcome left unanswered gets its own message, beside its radios.
        return _page(request, session, user, referral_id, status_code=400, raw={k: v for k, v in form.items() if k != FIELD},
                     errors={f"achievement-{o.code}": f"Say how far this was met: {o.text}" for o in unanswered})

    def run() -> None:
        if Role(user.role) not in outcomes.PROVIDER:
            raise Forbidden("The provider writes the end-of-service report.")
        data = EndOfServiceReportIn.model_validate({
            "outcomes": [{"code": o.code, "achievement": _text(form, f"achievement-{o.code}"),
                          "comments": _text(form, f"comments-{o.code}")} for o in chosen],
            "further_information": _text(form, "further_information")})
        outcomes.submit_report(session=session, user=user, referral_id=referral_id, data=data)

    return _act(request, session, user, referral_id, form, run)


@router.post("/referrals/{referral_id}/delivery/end-request")
async def end_request(request: Request, session: DbSession, user: WebUser, referral_id: RecordId) -> Response:
    """Either side asks to end the referral, with a coded reason; it then ends by what was delivered."""
    form = await _form(request)

    def run() -> None:
        try:
            ending.request_end(session=session, user=user, referral_id=referral_id,
                               reason_code=_text(form, "reason_code"), detail=_text(form, "end_detail"))
        except InvalidInput as exc:
            if exc.details.get("field") == "reason":  # the detail's box on this page
                exc.details["field"] = "end_detail"
            if exc.details.get("field") == "reason_code":  # the radios show the choices the API's message lists
                raise InvalidInput("Select why this referral should end, from the reasons listed.",
                                   field="reason_code") from exc
            raise

    return _act(request, session, user, referral_id, form, run)


@router.get("/calendar/{token}.ics", name="calendar_file")
async def calendar_file(session: DbSession, token: str) -> Response:
    """A caseworker's appointments as iCalendar, for the holder of the secret address (no sign-in)."""
    if not 20 <= len(token) <= 64:
        raise NotFound("No such calendar.")
    return Response(calendar.feed(session=session, token=token), media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": 'inline; filename="ratecard.ics"'})


def _period(date_from: str | None, date_to: str | None, provider: str | None, service_id: str | None = None,
            region: str | None = None) -> reports.Filters:
    """The report's filters from the query (a year to today by default); reports.scope decides whose."""
    today = dt.date.today()
    try:
        start = dt.date.fromisoformat(date_from) if date_from else today.replace(year=today.year - 1) + dt.timedelta(days=1)
        end = dt.date.fromisoformat(date_to) if date_to else today
    except ValueError:
        raise RatecardError("Enter dates as YYYY-MM-DD, for example 2026-04-01.", field="date_from") from None
    if len(service_id or "") > 200 or len(region or "") > 100:
        raise RatecardError("Choose a service and a region from the lists.", field="service_id")
    return reports.Filters(start, end, provider or None, service_id or None, region or None)


def _report_query(filters: reports.Filters) -> str:
    """The filters as a query string, for the chart's and the CSV's links."""
    return urlencode({k: v for k, v in {
        "date_from": filters.date_from.isoformat(), "date_to": filters.date_to.isoformat(), "provider": filters.provider_id,
        "service_id": filters.service_id, "region": filters.region}.items() if v})


@router.get("/reports/performance", response_class=HTMLResponse)
async def performance_page(request: Request, session: DbSession, user: WebUser, date_from: str | None = None,
                           date_to: str | None = None, provider: str | None = None, service_id: str | None = None,
                           region: str | None = None) -> HTMLResponse:
    """The provider's performance: a chart of each month's referrals, its table, medians and the CSV."""
    filters = _period(date_from, date_to, provider, service_id, region)
    found = reports.check_choices(session=session, user=user, filters=filters)
    figures = reports.performance(session=session, user=user, filters=filters)
    return render(request, "delivery/performance.html", figures=figures, filters=filters, query=_report_query(filters),
                  choices=found, series=reports.SERIES, title="Performance")


@router.get("/reports/performance.svg")
async def performance_chart(session: DbSession, user: WebUser, date_from: str | None = None, date_to: str | None = None,
                            provider: str | None = None, service_id: str | None = None,
                            region: str | None = None) -> Response:
    """The chart of the performance page, as SVG drawn on the server."""
    filters = _period(date_from, date_to, provider, service_id, region)
    reports.check_choices(session=session, user=user, filters=filters)
    figures = reports.performance(session=session, user=user, filters=filters)
    svg = reports.chart_svg(figures, title="Referrals each month")
    # The chart is an image document of its own: pygal styles it with an inline <style>, and nothing in it runs.
    return Response(svg, media_type="image/svg+xml", headers={
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})


@router.get("/reports/performance.csv")
async def performance_csv(request: Request, user: WebUser, date_from: str | None = None, date_to: str | None = None,
                          provider: str | None = None, service_id: str | None = None,
                          region: str | None = None) -> Response:
    """One row per referral received in the period, streamed."""
    filters = _period(date_from, date_to, provider, service_id, region)
    with request.app.state.sessions() as session:
        reports.check_choices(session=session, user=user, filters=filters)
    stream = reports.csv_stream(sessions=request.app.state.sessions, user=user, filters=filters)
    return StreamingResponse(stream, media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="performance.csv"'})


@router.get("/cases", response_class=HTMLResponse)
async def caseload(request: Request, session: DbSession, user: WebUser, tab: str = "open",
                   page: PageNumber = 1) -> HTMLResponse:
    """The provider's caseload by tab, each referral with its next appointment, use of budget and alerts."""
    chosen = monitoring.Tab(tab) if tab in {t.value for t in monitoring.Tab} else monitoring.Tab.OPEN
    result = monitoring.caseload(session=session, user=user, tab=chosen, page=page)
    past_end = page > result.pages
    return render(request, "delivery/cases.html", status_code=404 if past_end else 200, result=result,
                  tabs=monitoring.TAB_NAMES, london=LONDON, past_end=past_end, title="Caseload")


def _groups_page(request: Request, session: Any, user: Any, *, raw: dict[str, Any] | None = None,
                 errors: dict[str, str] | None = None, status_code: int = 200) -> HTMLResponse:
    return render(request, "delivery/groups.html", status_code=status_code,
                  groups=groups.list_groups(session=session, user=user),
                  programmes=groups.group_programmes(session=session, user=user) if Role(user.role) in groups.MAKERS else [],
                  weekdays=list(Weekday), raw=raw or {}, errors=errors or {}, title="Groups")


@router.get("/groups", response_class=HTMLResponse)
async def groups_page(request: Request, session: DbSession, user: WebUser) -> HTMLResponse:
    """The provider's groups, and (for the hub) the form that schedules one."""
    return _groups_page(request, session, user)


@router.post("/groups")
async def create_group(request: Request, session: DbSession, user: WebUser) -> Response:
    """Schedule a group from the form, or show the form again with what is wrong."""
    form = await _form(request)
    raw = {k: v for k, v in form.items() if k != FIELD}
    slots = [{"weekday": day, "time": _text(form, f"time-{day}") or ""} for day in form.getlist("weekday")]
    values = {"service_id": _text(form, "service_id") or "", "name": _text(form, "name") or "",
              "venue": _text(form, "venue") or "", "postcode": _text(form, "postcode"), "slots": slots,
              "start_date": date_from_parts(form, "start_date") or "", "session_minutes": _text(form, "session_minutes"),
              "capacity": _text(form, "capacity")}
    try:
        with session.begin_nested():
            made = groups.create_group(session=session, user=user, data=GroupIn.model_validate(values))
    except ValidationError as exc:
        return _groups_page(request, session, user, raw=raw, status_code=400,
                            errors=error_messages(exc, label=lambda f: {"slots": "Weekly slots", "start_date": "Start date",
                                                                        "service_id": "Programme"}.get(f, _label(f))))
    except RatecardError as exc:
        if exc.status_code == 404:
            raise
        return _groups_page(request, session, user, raw=raw, status_code=exc.status_code,
                            errors={str(exc.details.get("field", "form")): str(exc)})
    return RedirectResponse(f"/groups/{made.id}", status_code=303)


def _group_page(request: Request, session: Any, user: Any, group_id: int, *, errors: dict[str, str] | None = None,
                status_code: int = 200) -> HTMLResponse:
    out = groups.get_group(session=session, user=user, group_id=group_id)
    return render(request, "delivery/group.html", status_code=status_code, group=out, london=LONDON,
                  members=groups.members(session=session, user=user, group_id=group_id),
                  can_enrol=Role(user.role) in groups.MAKERS, errors=errors or {}, title=out.name)


@router.get("/groups/{group_id}", response_class=HTMLResponse)
async def group_page(request: Request, session: DbSession, user: WebUser, group_id: RecordId) -> HTMLResponse:
    """A group: its schedule (and the bank holidays it steps over), members and the enrolment form."""
    return _group_page(request, session, user, group_id)


@router.post("/groups/{group_id}/members")
async def enrol(request: Request, session: DbSession, user: WebUser, group_id: RecordId) -> Response:
    """Enrol a referral of the programme, by its reference."""
    form = await _form(request)
    try:
        with session.begin_nested():
            groups.enrol_by_reference(session=session, user=user, group_id=group_id, reference=_text(form, "reference") or "")
    except RatecardError as exc:
        if exc.status_code == 404 and "group" in str(exc):
            raise
        message = "Enter the reference of a referral to this programme, like RC-7K3M9Q2D." if exc.status_code == 404 else str(exc)
        return _group_page(request, session, user, group_id, status_code=400 if exc.status_code == 404 else exc.status_code,
                           errors={"reference": message})
    return RedirectResponse(f"/groups/{group_id}", status_code=303)


# --- the register of a group session ------------------------------------------------------------

REGISTER_FIELDS = ("attended", "late_reason", "absence", "session_summary")
# The register's checks, in words for a line of it (the FeedbackIn model's messages name no person).
_REGISTER_MODEL_ERRORS = {
    "Say why they were late": ("late_reason", "say why they were late"),
    "An absence reason is only for someone who did not attend": (
        "absence", "give why they did not attend only for someone who did not attend"),
}


def _register_page(request: Request, session: Any, user: Any, group_id: int, session_id: int, *,
                   raw: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
                   status_code: int = 200) -> HTMLResponse:
    register = groups.register_of(session=session, user=user, group_id=group_id, group_session_id=session_id)
    now = dt.datetime.now(dt.UTC)
    can_record = (Role(user.role) in service.DELIVERY_ROLES and register.lines and not register.recorded
                  and register.everyone_visible and register.session.starts_at <= now)
    when = register.session.starts_at.astimezone(LONDON).strftime("%A %-d %B %Y, %H:%M")
    return render(request, "delivery/register.html", status_code=status_code, register=register, can_record=can_record,
                  started=register.session.starts_at <= now, when=when, absence=absence_codes().codes,
                  raw=raw or {}, errors=errors or {}, title=f"Register of session {register.session.number}")


@router.get("/groups/{group_id}/sessions/{session_id}", response_class=HTMLResponse)
async def register_page(request: Request, session: DbSession, user: WebUser, group_id: RecordId,
                        session_id: RecordId) -> HTMLResponse:
    """A group session's register: a line per member to record at once, or what was recorded."""
    return _register_page(request, session, user, group_id, session_id)


def _register_entries(form: Any, register: groups.Register) -> tuple[Any, dict[str, str]]:
    """The register from the form (a RegisterIn), or the problems of each line, named by the member's reference."""
    # Imported here, not at the top, to keep this section's changes to itself.
    from ratecard.delivery.schemas import RegisterEntryIn, RegisterIn

    entries, errors = [], {}
    for line in register.lines:
        values = {name: _text(form, f"{name}-{line.referral_id}") for name in REGISTER_FIELDS}
        values["attended"] = values["attended"] or ""
        if values["attended"] != "no":
            values["absence"] = None  # an absence reason left chosen, then "attended" changed: not asked for
        try:
            entries.append(RegisterEntryIn.model_validate({"referral_id": line.referral_id, **values}))
        except ValidationError as exc:
            found = error_messages(exc, label=lambda name: {"session_summary": "The summary"}.get(name, _label(name)),
                                   model_errors=_REGISTER_MODEL_ERRORS)
            for field, message in found.items():
                if field == "form":  # "did not attend" without a reason from the list
                    field, message = "absence", "choose why they did not attend"
                elif not message[:1].islower():
                    message = message[0].lower() + message[1:]
                errors.setdefault(f"{field}-{line.referral_id}", f"{line.reference}: {message}")
    if errors:
        return None, errors
    return RegisterIn(entries=entries), {}


@router.post("/groups/{group_id}/sessions/{session_id}")
async def record_register(request: Request, session: DbSession, user: WebUser, group_id: RecordId,
                          session_id: RecordId) -> Response:
    """Record every member's attendance of the session at once; on a problem, nothing is written."""
    form = await _form(request)
    raw = {k: v for k, v in form.items() if k != FIELD}
    register = groups.register_of(session=session, user=user, group_id=group_id, group_session_id=session_id)
    if register.recorded:  # said before the lines are read: their problems no longer matter
        return _register_page(request, session, user, group_id, session_id, status_code=409,
                              errors={"register": "This register was already recorded: what was recorded is below."})
    data, errors = _register_entries(form, register)
    if data is None:
        return _register_page(request, session, user, group_id, session_id, raw=raw, errors=errors, status_code=400)
    try:
        with session.begin_nested():  # all lines or none: a refusal undoes whatever was flushed
            groups.record_register(session=session, user=user, group_session_id=register.session.id, data=data)
    except RatecardError as exc:
        status, message = exc.status_code, str(exc)
        if status == 404:
            if register.everyone_visible:
                raise
            # A member's referral the caseworker may not see: the register is the hub's to keep.
            status, message = 403, "Only the hub can keep this register: some members are not allocated to you."
        return _register_page(request, session, user, group_id, session_id, raw=raw, status_code=status,
                              errors={"register": message})
    return RedirectResponse(f"/groups/{group_id}/sessions/{session_id}", status_code=303)


# The referral pages (a lower domain) show delivery's alerts: delivery registers them as the app mounts
# these pages, so the referrals never import delivery.
from ratecard.delivery.alerts import install as _show_alerts_on_referral_pages  # noqa: E402

_show_alerts_on_referral_pages()
