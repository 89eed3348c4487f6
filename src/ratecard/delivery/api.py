"""REST API of delivery: appointments, feedback and each referral's budget, every route behind a token."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from ratecard.accounts.deps import ApiUser
from ratecard.deps import DbSession, PageNumber, RecordId
from ratecard.delivery import calendar, ending, enforcement, groups, monitoring, notes, outcomes, overview, plans, reports, service
from ratecard.delivery.codes import code_lists
from ratecard.delivery.schemas import (
    ActionPlanIn,
    ActionPlanOut,
    AppointmentIn,
    AppointmentOut,
    Budget,
    CaseNoteIn,
    CaseNoteOut,
    DecisionIn,
    DeliveryOut,
    EndingOut,
    EndOfServiceReportIn,
    EndOfServiceReportOut,
    EndRequestIn,
    OutcomeChoice,
    OutcomesIn,
    EnrolIn,
    FeedbackIn,
    GroupIn,
    GroupOut,
    ReasonOut,
    RegisterIn,
    RescheduleIn,
    WarningIn,
)
from ratecard.referrals.reasons import reason_lists

router = APIRouter(prefix="/api/v1", tags=["delivery"])

_ERRORS = {
    401: {"description": "No valid token"},
    403: {"description": "Your role may not do this"},
    404: {"description": "No such referral or appointment, or not yours to see"},
    409: {"description": "It clashes with what was bought or what already happened; the message says what is left"},
    422: {"description": "Invalid input; problems are listed"},
}


class RarDaysIn(BaseModel):
    """The most RAR days the court set; null clears it."""

    model_config = ConfigDict(extra="forbid")
    days: int | None = Field(ge=1, le=365)


class CodeOut(BaseModel):
    """One coded answer."""

    code: str
    label: str
    enforceable: bool


@router.get("/referrals/{referral_id}/delivery", response_model=DeliveryOut, responses=_ERRORS,
            summary="A referral's budget, appointments and alerts")
async def delivery(session: DbSession, user: ApiUser, referral_id: RecordId) -> DeliveryOut:
    """Sessions and hours bought, booked, delivered and left; RAR days used and left; every
    appointment with its feedback; alerts (feedback overdue, unacceptable absence, budget nearly spent)."""
    return overview.delivery(session=session, user=user, referral_id=referral_id)


@router.post("/referrals/{referral_id}/appointments", response_model=AppointmentOut, status_code=201,
             responses=_ERRORS, summary="Book an appointment")
async def book(session: DbSession, user: ApiUser, referral_id: RecordId, data: AppointmentIn) -> AppointmentOut:
    """Book an assessment or a session (hub, the allocated caseworker or an admin). Refused past
    what was bought, past the RAR days the court set, before the referral was accepted, more than six
    months ahead, or overlapping another appointment of the referral."""
    return service.appointment_out(service.book(session=session, user=user, referral_id=referral_id, data=data))


@router.post("/appointments/{appointment_id}/reschedule", response_model=AppointmentOut, status_code=201,
             responses=_ERRORS, summary="Move an appointment")
async def reschedule(session: DbSession, user: ApiUser, appointment_id: RecordId, data: RescheduleIn) -> AppointmentOut:
    """Book the new time; the old appointment is kept, superseded, with who moved it and why."""
    return service.appointment_out(service.reschedule(session=session, user=user, appointment_id=appointment_id, data=data))


@router.post("/appointments/{appointment_id}/feedback", response_model=AppointmentOut, responses=_ERRORS,
             summary="Record what happened at an appointment")
async def feedback(session: DbSession, user: ApiUser, appointment_id: RecordId, data: FeedbackIn) -> AppointmentOut:
    """Attendance and the session's feedback, once its time has passed; given once (a second is 409).
    A session that did not happen gives its place in the budget back."""
    return service.appointment_out(service.record_feedback(session=session, user=user, appointment_id=appointment_id, data=data))


@router.put("/referrals/{referral_id}/rar-days", response_model=Budget, responses=_ERRORS,
            summary="Set the RAR days the court set")
async def rar_days(session: DbSession, user: ApiUser, referral_id: RecordId, data: RarDaysIn) -> Budget:
    """The practitioner records (or corrects) the most RAR days of the order; never fewer than the days
    that already have sessions."""
    return service.set_rar_days(session=session, user=user, referral_id=referral_id, days=data.days)


@router.get("/delivery/codes", response_model=dict[str, list[CodeOut]], responses={401: _ERRORS[401]},
            summary="Coded answers of delivery")
async def codes(user: ApiUser) -> dict[str, list[CodeOut]]:
    """Every coded list (absence reasons...) with the words shown for each code."""
    return {name: [CodeOut(**c.model_dump()) for c in codes.codes] for name, codes in code_lists().items()}


def _plan(plan) -> ActionPlanOut:  # type: ignore[no-untyped-def]
    return ActionPlanOut.model_validate(plan, from_attributes=True)


@router.post("/referrals/{referral_id}/action-plan", response_model=ActionPlanOut, status_code=201,
             responses=_ERRORS, summary="Propose an action plan")
async def propose_plan(session: DbSession, user: ApiUser, referral_id: RecordId, data: ActionPlanIn) -> ActionPlanOut:
    """A draft plan (the provider), once the assessment was attended: its activities and sessions.
    Never fewer sessions than already attended; more than were bought needs a variation reason."""
    return _plan(plans.propose(session=session, user=user, referral_id=referral_id, data=data))


@router.post("/referrals/{referral_id}/action-plan/submit", response_model=ActionPlanOut, responses=_ERRORS,
             summary="Submit the action plan to the practitioner")
async def submit_plan(session: DbSession, user: ApiUser, referral_id: RecordId) -> ActionPlanOut:
    """Draft → submitted (the provider)."""
    return _plan(plans.submit(session=session, user=user, referral_id=referral_id))


@router.post("/referrals/{referral_id}/action-plan/approve", response_model=ActionPlanOut, responses=_ERRORS,
             summary="Approve the action plan")
async def approve_plan(session: DbSession, user: ApiUser, referral_id: RecordId) -> ActionPlanOut:
    """Submitted → approved (the practitioner); a variation's extra sessions join the budget."""
    return _plan(plans.approve(session=session, user=user, referral_id=referral_id))


@router.post("/referrals/{referral_id}/action-plan/request-changes", response_model=ActionPlanOut,
             responses=_ERRORS, summary="Send the action plan back")
async def request_plan_changes(session: DbSession, user: ApiUser, referral_id: RecordId, data: DecisionIn) -> ActionPlanOut:
    """Submitted → changes requested (the practitioner), saying what should change."""
    return _plan(plans.request_changes(session=session, user=user, referral_id=referral_id, reason=data.reason))


@router.post("/appointments/{appointment_id}/warning", status_code=201, responses=_ERRORS,
             summary="Record the warning given for an unacceptable absence")
async def warning(session: DbSession, user: ApiUser, appointment_id: RecordId, data: WarningIn) -> dict[str, str]:
    """The practitioner records the warning (once per absence). A second unacceptable absence within
    12 months of a warning shows "breach action due" (Sentencing Code 2020 Schedule 10 paras 5-6)."""
    made = enforcement.record_warning(session=session, user=user, appointment_id=appointment_id,
                                      given_on=data.given_on, note=data.note)
    return {"given_on": made.given_on.isoformat()}


@router.get("/referrals/{referral_id}/notes", response_model=list[CaseNoteOut], responses=_ERRORS,
            summary="A referral's case notes")
async def list_notes(session: DbSession, user: ApiUser, referral_id: RecordId) -> list[CaseNoteOut]:
    """Notes between the provider and the practitioner, newest first."""
    return [CaseNoteOut.model_validate(n, from_attributes=True)
            for n in notes.list_notes(session=session, user=user, referral_id=referral_id)]


@router.post("/referrals/{referral_id}/notes", response_model=CaseNoteOut, status_code=201, responses=_ERRORS,
             summary="Write a case note")
async def add_note(session: DbSession, user: ApiUser, referral_id: RecordId, data: CaseNoteIn) -> CaseNoteOut:
    """A note on the referral; with `email`, the other side gets an email saying a note is waiting."""
    return CaseNoteOut.model_validate(notes.add_note(session=session, user=user, referral_id=referral_id, data=data),
                                      from_attributes=True)


@router.post("/groups", response_model=GroupOut, status_code=201, responses=_ERRORS, summary="Schedule a group")
async def create_group(session: DbSession, user: ApiUser, data: GroupIn) -> GroupOut:
    """A cohort of a group programme (the provider's hub): its sessions are generated on the weekly
    slots from the start date, stepping over bank holidays in England and Wales, to the programme's
    session count; its capacity is the brochure's participant limit where one is printed."""
    return groups.group_out(session, groups.create_group(session=session, user=user, data=data))


@router.get("/groups/{group_id}", response_model=GroupOut, responses=_ERRORS, summary="One group")
async def get_group(session: DbSession, user: ApiUser, group_id: RecordId) -> GroupOut:
    """A group of your provider with its schedule."""
    return groups.get_group(session=session, user=user, group_id=group_id)


@router.post("/groups/{group_id}/members", response_model=GroupOut, status_code=201, responses=_ERRORS,
             summary="Enrol a referral in a group")
async def enrol(session: DbSession, user: ApiUser, group_id: RecordId, data: EnrolIn) -> GroupOut:
    """Take a place (never past capacity) and book every session of the group for the referral."""
    groups.enrol(session=session, user=user, group_id=group_id, referral_id=data.referral_id)
    return groups.get_group(session=session, user=user, group_id=group_id)


@router.post("/group-sessions/{group_session_id}/register", response_model=list[AppointmentOut], responses=_ERRORS,
             summary="Keep the register of a group session")
async def register(session: DbSession, user: ApiUser, group_session_id: RecordId, data: RegisterIn) -> list[AppointmentOut]:
    """Every member's attendance at once, a line each; all lines are recorded or none."""
    done = groups.record_register(session=session, user=user, group_session_id=group_session_id, data=data)
    return [service.appointment_out(a) for a in done]


class FeedOut(BaseModel):
    """A calendar address, shown once: only its hash is kept."""

    url: str


@router.post("/calendar-feed", response_model=FeedOut, status_code=201, responses=_ERRORS,
             summary="Get a new calendar address (caseworkers)")
async def issue_feed(request: Request, session: DbSession, user: ApiUser) -> FeedOut:
    """An iCalendar address of your appointments, shown once; asking again ends the old address."""
    token = calendar.issue_feed(session=session, user=user)
    return FeedOut(url=str(request.url_for("calendar_file", token=token)))


@router.delete("/calendar-feed", status_code=204, responses=_ERRORS, summary="End your calendar address")
async def revoke_feed(session: DbSession, user: ApiUser) -> Response:
    """The address stops working at once."""
    calendar.revoke_feed(session=session, user=user)
    return Response(status_code=204)


@router.get("/referrals/{referral_id}/outcome-choices", response_model=list[OutcomeChoice], responses=_ERRORS,
            summary="Desired outcomes the referral's service offers")
async def outcome_choices(session: DbSession, user: ApiUser, referral_id: RecordId) -> list[OutcomeChoice]:
    """The outcomes of the service's category (and the general ones) the practitioner chooses from."""
    return [OutcomeChoice(code=o.code, text=o.text) for o in outcomes.choices(session=session, user=user, referral_id=referral_id)]


@router.put("/referrals/{referral_id}/desired-outcomes", response_model=EndOfServiceReportOut, responses=_ERRORS,
            summary="Choose the desired outcomes")
async def choose_outcomes(session: DbSession, user: ApiUser, referral_id: RecordId, data: OutcomesIn) -> EndOfServiceReportOut:
    """The practitioner's choice, replacing any earlier one, until the end-of-service report is in."""
    outcomes.choose(session=session, user=user, referral_id=referral_id, codes=data.codes)
    return outcomes.report_out(session=session, user=user, referral_id=referral_id)


@router.get("/referrals/{referral_id}/end-of-service-report", response_model=EndOfServiceReportOut,
            responses=_ERRORS, summary="The end-of-service report")
async def get_report(session: DbSession, user: ApiUser, referral_id: RecordId) -> EndOfServiceReportOut:
    """The desired outcomes and, once submitted, how far each was met."""
    return outcomes.report_out(session=session, user=user, referral_id=referral_id)


@router.post("/referrals/{referral_id}/end-of-service-report", response_model=EndOfServiceReportOut,
             status_code=201, responses=_ERRORS, summary="Submit the end-of-service report")
async def submit_report(session: DbSession, user: ApiUser, referral_id: RecordId,
                        data: EndOfServiceReportIn) -> EndOfServiceReportOut:
    """The provider says of each desired outcome whether it was achieved, partly or not, with comments;
    submitted once. If every planned session was attended, or an end was asked for, the referral then
    ends by the rule (`referral_status` says how)."""
    outcomes.submit_report(session=session, user=user, referral_id=referral_id, data=data)
    return outcomes.report_out(session=session, user=user, referral_id=referral_id)


@router.get("/referral-reasons", response_model=dict[str, list[ReasonOut]], responses={401: _ERRORS[401]},
            summary="Coded reasons to withdraw or end a referral")
async def end_reasons(user: ApiUser) -> dict[str, list[ReasonOut]]:
    """The `withdraw` reasons (before the hub accepts) and the `end` reasons (after), with who may give
    each and whether it needs detail (data/referrals/reasons.yaml)."""
    lists = reason_lists()
    return {kind: [ReasonOut(code=r.code, text=r.text, by=r.by.value, detail_required=r.detail_required)
                   for r in lists.of(kind)] for kind in ("withdraw", "end")}


@router.post("/referrals/{referral_id}/end-request", response_model=EndingOut, responses=_ERRORS,
             summary="Ask to end a referral")
async def request_end(session: DbSession, user: ApiUser, referral_id: RecordId, data: EndRequestIn) -> EndingOut:
    """Either side asks to end an accepted referral, with a coded reason its side may give (detail for
    `other`); asked once (a second is 409). With no session attended it is cancelled at once; otherwise
    it ends early (or completes) once the end-of-service report is in."""
    ending.request_end(session=session, user=user, referral_id=referral_id, reason_code=data.reason_code,
                       detail=data.reason)
    return ending.ending_out(session=session, user=user, referral_id=referral_id)


@router.post("/referrals/{referral_id}/conclusion", response_model=EndingOut, responses=_ERRORS,
             summary="End a referral now, by the rule")
async def conclude(session: DbSession, user: ApiUser, referral_id: RecordId) -> EndingOut:
    """End it as the rule says (no session attended: cancelled; every planned session attended and the
    report in: completed; else ended early), or 409 saying what it waits for (an end request, or the
    end-of-service report)."""
    ending.conclude(session=session, user=user, referral_id=referral_id)
    return ending.ending_out(session=session, user=user, referral_id=referral_id)


class PerformanceOut(BaseModel):
    """Monthly counts, medians in days, attendance and outcomes of the referrals received in a period."""

    months: list[str]
    counts: dict[str, list[int]]
    medians: dict[str, float | None] = Field(description="Median days from receipt to each milestone.")
    attendance_rate: float | None
    outcomes_achieved: int
    outcomes_reported: int
    total: int


def report_filters(
    date_from: Annotated[dt.date | None, Query(description="Received on or after; default a year ago.")] = None,
    date_to: Annotated[dt.date | None, Query(description="Received on or before; default today.")] = None,
    provider: Annotated[str | None, Query(max_length=16, description="Admins: one provider's id.")] = None,
    service_id: Annotated[str | None, Query(max_length=200)] = None,
    region: Annotated[str | None, Query(max_length=100)] = None,
) -> reports.Filters:
    """The report filters of a request, with their defaults."""
    today = dt.date.today()
    return reports.Filters(date_from or today.replace(year=today.year - 1) + dt.timedelta(days=1), date_to or today,
                           provider, service_id, region)


@router.get("/reports/performance", response_model=PerformanceOut, responses=_ERRORS, summary="Performance figures")
async def performance(session: DbSession, user: ApiUser, date_from: dt.date | None = None, date_to: dt.date | None = None,
                      provider: Annotated[str | None, Query(max_length=16)] = None,
                      service_id: Annotated[str | None, Query(max_length=200)] = None,
                      region: Annotated[str | None, Query(max_length=100)] = None) -> PerformanceOut:
    """Referrals received, accepted, started, completed, ended early and cancelled per month; median days
    to acceptance, first appointment and first attended session; attendance rate; outcomes achieved.
    A hub sees its own provider; admins any provider or all."""
    figures = reports.performance(session=session, user=user,
                                  filters=report_filters(date_from, date_to, provider, service_id, region))
    return PerformanceOut(months=figures.months, counts=figures.counts, medians=figures.medians,
                          attendance_rate=figures.attendance_rate, outcomes_achieved=figures.outcomes_achieved[0],
                          outcomes_reported=figures.outcomes_achieved[1], total=figures.total)


@router.get("/reports/performance.csv", responses={200: {"content": {"text/csv": {}}, "description": "One row per referral"}, **_ERRORS},
            summary="Performance CSV, one row per referral")
async def performance_csv(request: Request, user: ApiUser, date_from: dt.date | None = None, date_to: dt.date | None = None,
                          provider: Annotated[str | None, Query(max_length=16)] = None,
                          service_id: Annotated[str | None, Query(max_length=200)] = None,
                          region: Annotated[str | None, Query(max_length=100)] = None) -> Response:
    """Each referral received in the period with its milestones, streamed in batches."""
    stream = reports.csv_stream(sessions=request.app.state.sessions, user=user,
                                filters=report_filters(date_from, date_to, provider, service_id, region))
    return StreamingResponse(stream, media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="performance.csv"'})


class CasePageOut(BaseModel):
    """A page of one tab of the caseload, and how many referrals each tab holds."""

    tab: monitoring.Tab
    rows: list[monitoring.CaseRow]
    counts: dict[str, int] = Field(description="Referrals per tab, each counted up to a cap (1,000).")
    counts_capped: list[str] = Field(default_factory=list, description="The tabs holding more than their count.")
    page: int
    pages: int = Field(description="The pages known: past a capped count, those counted and the next while this page is full.")


@router.get("/cases", response_model=CasePageOut, responses=_ERRORS, summary="The provider's caseload")
async def cases(session: DbSession, user: ApiUser, tab: monitoring.Tab = monitoring.Tab.OPEN, page: PageNumber = 1,
                per_page: Annotated[int, Query(ge=1, le=200)] = 20) -> CasePageOut:
    """Tabs `mine`, `open`, `unassigned`, `completed`, `cancelled` (hub: its provider; caseworkers:
    theirs; admins: all), newest first, each with its next appointment, sessions and hours used of
    bought, and alerts (feedback overdue, non-attendance, budget nearly spent)."""
    result = monitoring.caseload(session=session, user=user, tab=tab, page=page, per_page=per_page)
    return CasePageOut(tab=result.tab, counts={t.value: n for t, n in result.counts.items()}, page=result.page,
                       pages=result.pages, rows=result.rows, counts_capped=[t.value for t in monitoring.Tab if t in result.capped])
