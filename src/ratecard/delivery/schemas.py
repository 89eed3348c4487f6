"""What delivery takes in and gives out: appointments, feedback and the budget of a referral."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from zoneinfo import ZoneInfo

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, field_validator, model_validator

from ratecard import places
from ratecard.referrals.reasons import reason_lists

LONDON = ZoneInfo("Europe/London")
MAX_MINUTES = 8 * 60  # no appointment runs longer than a working day


def real_postcode(value: str | None) -> str | None:
    """A full UK postcode as the ONS directory writes it ("LA4 4AA"), None for a blank, else an error."""
    if not _text(value):
        return None
    known = places.full_postcode(value or "")
    if known is None:
        raise ValueError("Enter a real UK postcode, like LA4 4AA")
    return known


class AppointmentKind(StrEnum):
    """The initial (supplier) assessment, or a delivery session."""

    ASSESSMENT = "assessment"
    SESSION = "session"


class Method(StrEnum):
    """How the appointment is held."""

    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"


class Attended(StrEnum):
    """Whether the person came."""

    YES = "yes"
    LATE = "late"
    NO = "no"


def _text(value: str | None) -> str | None:
    return " ".join(value.split()) if value and value.strip() else None


class AppointmentIn(BaseModel):
    """An appointment to book. A time without a zone is read as UK time."""

    model_config = ConfigDict(extra="forbid")

    kind: AppointmentKind
    session_number: int | None = Field(default=None, ge=1, le=500)
    starts_at: dt.datetime
    duration_minutes: int = Field(ge=1, le=MAX_MINUTES, description="From 1 minute to 8 hours.")
    method: Method
    office: str | None = Field(default=None, max_length=200, description="One of the provider's offices.")
    address: str | None = Field(default=None, max_length=500)
    postcode: str | None = Field(default=None, max_length=10)
    one_to_one: StrictBool = True

    @field_validator("starts_at")
    @classmethod
    def _zoned(cls, value: dt.datetime) -> dt.datetime:
        return (value if value.tzinfo else value.replace(tzinfo=LONDON)).astimezone(dt.UTC)

    @field_validator("office", "address")
    @classmethod
    def _tidy(cls, value: str | None) -> str | None:
        return _text(value)

    @field_validator("postcode")
    @classmethod
    def _postcode(cls, value: str | None) -> str | None:
        return real_postcode(value)

    @model_validator(mode="after")
    def _where(self) -> AppointmentIn:
        if self.method is Method.IN_PERSON and not self.office and not (self.address and self.postcode):
            raise ValueError("Say where an in-person appointment is: one of the provider's offices, or an address with its postcode")
        if (self.address is None) != (self.postcode is None):
            raise ValueError("Give the address and its postcode together")
        if self.kind is AppointmentKind.ASSESSMENT and self.session_number is not None:
            raise ValueError("An assessment has no session number")
        return self

    @property
    def ends_at(self) -> dt.datetime:
        """When the appointment ends."""
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)


class RescheduleIn(AppointmentIn):
    """A new time (and place) for an appointment, and why it moved."""

    reason: str = Field(min_length=1, max_length=2000)


class FeedbackIn(BaseModel):
    """What happened at an appointment whose time has passed."""

    model_config = ConfigDict(extra="forbid")

    attended: Attended
    late_reason: str | None = Field(default=None, max_length=2000)
    absence: str | None = Field(default=None, max_length=30, description="Why they did not attend: a code of GET /api/v1/delivery/codes.")
    absence_detail: str | None = Field(default=None, max_length=2000)
    session_summary: str | None = Field(default=None, max_length=5000)
    session_response: str | None = Field(default=None, max_length=5000)
    behaviour: str | None = Field(default=None, max_length=5000)
    concerns: str | None = Field(default=None, max_length=5000)
    notify_practitioner: StrictBool = False

    @field_validator("late_reason", "absence_detail", "session_summary", "session_response", "behaviour", "concerns")
    @classmethod
    def _tidy(cls, value: str | None) -> str | None:
        return _text(value)

    @model_validator(mode="after")
    def _consistent(self) -> FeedbackIn:
        from ratecard.delivery.codes import absence_codes

        if self.attended is Attended.LATE and not self.late_reason:
            raise ValueError("Say why they were late")
        if self.attended is Attended.NO:
            if not self.absence or absence_codes().get(self.absence) is None:
                choices = ", ".join(c.code for c in absence_codes().codes)
                raise ValueError(f"Say why they did not attend: one of {choices}")
        elif self.absence:
            raise ValueError("An absence reason is only for someone who did not attend")
        return self


class AppointmentOut(BaseModel):
    """An appointment as the provider and the practitioner see it."""

    id: int
    referral_id: int
    kind: AppointmentKind
    session_number: int | None
    starts_at: dt.datetime
    duration_minutes: int
    method: Method
    office: str | None
    address: str | None
    postcode: str | None
    one_to_one: bool
    status: str = Field(description="booked, happened, did_not_happen or superseded")
    superseded_by_id: int | None
    superseded_reason: str | None
    attended: Attended | None
    late_reason: str | None
    absence: str | None
    absence_detail: str | None
    session_summary: str | None
    session_response: str | None
    behaviour: str | None
    concerns: str | None
    notify_practitioner: bool
    feedback_at: dt.datetime | None


class Budget(BaseModel):
    """Sessions and hours bought, booked, delivered and left; RAR days used and left."""

    sessions_bought: int | None = Field(description="None when the brochure printed no number of sessions.")
    sessions_booked: int
    sessions_attended: int
    sessions_left: int | None
    hours_bought: float | None
    hours_booked: float
    hours_delivered: float
    hours_left: float | None
    rar_days_max: int | None
    rar_days_booked: int
    rar_days_used: int
    rar_days_left: int | None


class EndingOut(BaseModel):
    """How a referral ends: the request to end it, the facts the rule reads, and where they lead now."""

    status: str = Field(description="The referral's status now.")
    end_requested_at: dt.datetime | None
    end_requested_by: str | None
    end_reason_code: str | None = Field(description="A code of the `end` list of data/referrals/reasons.yaml.")
    end_reason: str | None = Field(description="The reason in words, with any detail.")
    sessions_attended: int = Field(description="Sessions (not the assessment) attended, on time or late.")
    sessions_planned: int | None = Field(description="The approved action plan's sessions, else those bought; "
                                         "null where the brochure prints no number.")
    outcomes_chosen: bool
    report_submitted: bool
    waiting_for_report: bool = Field(description="It is ready to end but waits for the end-of-service report.")
    would_end_as: str | None = Field(description="The end state the rule gives now (cancelled, completed, "
                                     "ended_early); null once it has ended.")
    summary: str = Field(description="How it will end and why, in plain words.")


class EndRequestIn(BaseModel):
    """A request to end a referral being delivered: a coded reason this role may give, and detail."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    reason_code: str = Field(min_length=1, max_length=40, pattern=r"^[a-z_]{1,40}$",
                             description="A code of the `end` list of data/referrals/reasons.yaml the caller's side may "
                                         "give (GET /api/v1/referral-reasons): "
                                         + "; ".join(f"`{r.code}` ({r.text}; {r.by.value})" for r in reason_lists().end)
                                         + ".")
    reason: str | None = Field(default=None, max_length=2000, pattern=r"^[^\x00]*$",
                               description="Detail of the reason (needed for `other`).")


class ReasonOut(BaseModel):
    """A coded reason a referral may be withdrawn or ended for."""

    code: str
    text: str
    by: str = Field(description="Who may give it: practitioner, provider or both.")
    detail_required: bool


class DeliveryOut(BaseModel):
    """A referral's delivery: its budget, appointments and alerts."""

    referral_id: int
    budget: Budget
    appointments: list[AppointmentOut]
    action_plan: ActionPlanOut | None = Field(description="The newest action plan, if any.")
    alerts: list[str]
    ending: EndingOut


class ActionPlanIn(BaseModel):
    """The activities planned and the number of sessions they need."""

    model_config = ConfigDict(extra="forbid")

    activities: list[str] = Field(min_length=1, max_length=30)
    sessions: int = Field(ge=1, le=500)
    variation_reason: str | None = Field(default=None, max_length=2000,
                                         description="Why more sessions than were bought are needed.")

    @field_validator("activities")
    @classmethod
    def _activities(cls, value: list[str]) -> list[str]:
        cleaned = [" ".join(a.split()) for a in value if a.strip()]
        if not cleaned:
            raise ValueError("Describe at least one activity")
        if any(len(a) > 500 for a in cleaned):
            raise ValueError("Keep each activity under 500 characters")
        return cleaned

    @field_validator("variation_reason")
    @classmethod
    def _tidy(cls, value: str | None) -> str | None:
        return _text(value)


class ActionPlanOut(BaseModel):
    """An action plan and where it has got to."""

    id: int
    referral_id: int
    number: int
    activities: list[str]
    sessions: int
    variation_reason: str | None
    status: str = Field(description="draft, submitted, approved or changes_requested")
    created_at: dt.datetime


class DecisionIn(BaseModel):
    """Why, where a decision needs a reason."""

    model_config = ConfigDict(extra="forbid")
    reason: str | None = Field(default=None, max_length=2000)


class CaseNoteIn(BaseModel):
    """A case note, and whether to email the other side that it is there."""

    model_config = ConfigDict(extra="forbid")
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=10_000)
    email: StrictBool = False

    @field_validator("subject")
    @classmethod
    def _subject(cls, value: str) -> str:
        cleaned = " ".join(value.split())
        if not cleaned:
            raise ValueError("Enter a subject")
        return cleaned

    @field_validator("body")
    @classmethod
    def _body(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("Enter the note")
        return value.strip()


class CaseNoteOut(BaseModel):
    """A case note as both sides read it."""

    id: int
    referral_id: int
    subject: str
    body: str
    author_id: int
    written_at: dt.datetime
    emailed: bool


class WarningIn(BaseModel):
    """The warning given for an unacceptable absence."""

    model_config = ConfigDict(extra="forbid")
    given_on: dt.date | None = Field(default=None, description="Defaults to today.")
    note: str | None = Field(default=None, max_length=2000)


DeliveryOut.model_rebuild()  # it names ActionPlanOut, defined after it


class Weekday(StrEnum):
    """A day of the week, as a group's weekly slot names it."""

    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"


class SlotIn(BaseModel):
    """A weekly slot: a day and a UK time."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    weekday: Weekday
    time: dt.time


class GroupIn(BaseModel):
    """A cohort of a group programme to schedule."""

    model_config = ConfigDict(extra="forbid")

    service_id: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=200)
    venue: str = Field(min_length=1, max_length=300, description="One of the provider's offices, or an address.")
    postcode: str | None = Field(default=None, max_length=10, description="Needed when the venue is an address.")
    slots: list[SlotIn] = Field(min_length=1, max_length=7)
    start_date: dt.date
    sessions: int | None = Field(default=None, ge=1, le=100, description="Defaults to the programme's session count.")
    session_minutes: int | None = Field(default=None, ge=15, le=MAX_MINUTES, description="Defaults to the programme's.")
    capacity: int | None = Field(default=None, ge=1, le=100, description="Defaults to the brochure's participant limit.")

    @field_validator("name", "venue")
    @classmethod
    def _tidy(cls, value: str) -> str:
        cleaned = " ".join(value.split())
        if not cleaned:
            raise ValueError("Enter a value")
        return cleaned

    @field_validator("postcode")
    @classmethod
    def _postcode(cls, value: str | None) -> str | None:
        return real_postcode(value)

    @field_validator("slots")
    @classmethod
    def _distinct(cls, value: list[SlotIn]) -> list[SlotIn]:
        if len({s.weekday for s in value}) != len(value):
            raise ValueError("Give each weekday once")
        return value


class GroupSessionOut(BaseModel):
    """One session of a group."""

    id: int
    number: int
    starts_at: dt.datetime


class GroupOut(BaseModel):
    """A group, its sessions and the bank holidays its schedule stepped over."""

    id: int
    provider_id: str
    service_id: str
    name: str
    venue: str
    postcode: str | None
    start_date: dt.date
    sessions: int
    session_minutes: int
    capacity: int
    enrolled: int
    schedule: list[GroupSessionOut]
    skipped: list[dt.date] = Field(description="Bank holidays in England and Wales the schedule stepped over.")


class EnrolIn(BaseModel):
    """A referral to enrol in a group."""

    model_config = ConfigDict(extra="forbid")
    referral_id: int = Field(ge=1, le=2**31 - 1)


class RegisterEntryIn(FeedbackIn):
    """One member's line of a group session's register."""

    referral_id: int = Field(ge=1, le=2**31 - 1)


class RegisterIn(BaseModel):
    """The register of one group session: a line for every member."""

    model_config = ConfigDict(extra="forbid")
    entries: list[RegisterEntryIn] = Field(min_length=1, max_length=100)


class Achievement(StrEnum):
    """How far a desired outcome was met."""

    ACHIEVED = "achieved"
    PARTIALLY_ACHIEVED = "partially_achieved"
    NOT_ACHIEVED = "not_achieved"


class OutcomesIn(BaseModel):
    """The desired outcomes chosen for a referral, by code (GET /api/v1/referrals/{id}/outcome-choices)."""

    model_config = ConfigDict(extra="forbid")
    codes: list[Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]{1,40}$")]] = Field(min_length=1, max_length=10)


class OutcomeChoice(BaseModel):
    """A desired outcome the referral's service offers."""

    code: str
    text: str


class OutcomeReportIn(BaseModel):
    """How far one desired outcome was met."""

    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=40)
    achievement: Achievement
    comments: str | None = Field(default=None, max_length=5000)


class EndOfServiceReportIn(BaseModel):
    """The end-of-service report: each desired outcome once, and anything else to say."""

    model_config = ConfigDict(extra="forbid")
    outcomes: list[OutcomeReportIn] = Field(min_length=1, max_length=10)
    further_information: str | None = Field(default=None, max_length=10_000)


class OutcomeOut(BaseModel):
    """A desired outcome of a referral and, once reported, how far it was met."""

    code: str
    text: str
    achievement: Achievement | None
    comments: str | None


class EndOfServiceReportOut(BaseModel):
    """A referral's desired outcomes and its end-of-service report, if submitted."""

    referral_id: int
    outcomes: list[OutcomeOut]
    submitted_at: dt.datetime | None
    further_information: str | None
    referral_status: str | None = Field(default=None, description="The referral's status after this answer.")
