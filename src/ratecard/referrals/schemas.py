"""Pydantic shapes of referrals: what the API and forms accept, and what they return."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, field_validator, model_validator
from pydantic_core import PydanticCustomError

from ratecard.db import MAX_ID
from ratecard.types import IsoDate
from ratecard.eligibility.profile import Profile, Sentence, Sex
from ratecard.referrals.queries import COUNT_CAP
from ratecard.referrals.reasons import reason_lists
from ratecard.referrals.workflow import Action, Status

CRN_PATTERN = r"^[A-Z][0-9]{6}$"
NOTE_LIMIT = 4000


class RequirementType(StrEnum):
    """Why the referral is made: which part of the sentence it serves."""

    RAR_ACTIVITY = "rar_activity"
    LICENCE_ACTIVITY = "licence_activity"
    COURT_ORDERED_PROGRAMME = "court_ordered_programme"
    OTHER = "other"


class Priority(StrEnum):
    """How soon the hub should act."""

    ROUTINE = "routine"
    URGENT = "urgent"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


# A CRN as typed ("x123456 ") read as nDelius writes it, then checked.
Crn = Annotated[str, BeforeValidator(_upper), StringConstraints(pattern=CRN_PATTERN)]


class PersonIn(_In):
    """A person on probation, as the referring practitioner records them."""

    crn: Crn = Field(description="nDelius CRN: one capital letter and six digits, e.g. X123456.")
    name: str = Field(min_length=1, max_length=200)
    date_of_birth: IsoDate | None = None
    sex: Sex | None = None
    area: str | None = Field(default=None, max_length=100)
    profile: Profile | None = None

    @field_validator("date_of_birth")
    @classmethod
    def _past(cls, value: dt.date | None) -> dt.date | None:
        if value and value >= dt.date.today():
            raise ValueError("Date of birth must be in the past")
        return value


class EventIn(_In):
    """The sentence or licence the referral belongs to."""

    kind: Sentence
    start_date: IsoDate | None = None
    length_months: int | None = Field(default=None, ge=0, le=600)
    requirements: list[str] = Field(default=[], max_length=20)
    prison: str | None = Field(default=None, max_length=100)
    release_date: IsoDate | None = None


class ReferralIn(_In):
    """A new referral (a draft until submitted)."""

    person: PersonIn
    service_id: str = Field(max_length=200)
    option_id: str | None = Field(default=None, max_length=400)
    requirement_type: RequirementType = RequirementType.RAR_ACTIVITY
    event: EventIn | None = None
    team: str | None = Field(default=None, max_length=100)
    referral_date: IsoDate | None = None
    expected_start: IsoDate | None = None
    expected_end: IsoDate | None = None
    risk_notes: str | None = Field(default=None, max_length=NOTE_LIMIT)
    support_notes: str | None = Field(default=None, max_length=NOTE_LIMIT)
    location_notes: str | None = Field(default=None, max_length=1000)
    priority: Priority = Priority.ROUTINE
    prison: str | None = Field(default=None, max_length=100)
    release_date: IsoDate | None = None
    msrp_modules: list[str] = Field(default=[], max_length=10)
    msrp_sessions: int | None = Field(default=None, ge=1, le=100)

    @model_validator(mode="after")
    def _dates_in_order(self) -> ReferralIn:
        # The error names the field it belongs to (ctx "field"), so a form shows it beside that field.
        if self.expected_start and self.expected_end and self.expected_end < self.expected_start:
            raise PydanticCustomError(
                "date_order", "The expected end date must be the same as or after the expected start date",
                {"field": "expected_end"},
            )
        if self.referral_date and self.expected_start and self.expected_start < self.referral_date:
            raise PydanticCustomError(
                "date_order", "The expected start date must be the same as or after the referral date",
                {"field": "expected_start"},
            )
        return self


class PersonPatch(_In):
    """Changes to the person on a draft: only the fields given change."""

    crn: Crn | None = None
    name: str | None = Field(default=None, min_length=1, max_length=200)
    date_of_birth: IsoDate | None = None
    sex: Sex | None = None
    area: str | None = Field(default=None, max_length=100)
    profile: Profile | None = None


class ReferralPatch(_In):
    """Changes to a draft referral (PATCH): only the fields given change; refused once it is submitted."""

    person: PersonPatch | None = None
    option_id: str | None = Field(default=None, max_length=400)
    requirement_type: RequirementType | None = None
    team: str | None = Field(default=None, max_length=100)
    expected_start: IsoDate | None = None
    expected_end: IsoDate | None = None
    risk_notes: str | None = Field(default=None, max_length=NOTE_LIMIT)
    support_notes: str | None = Field(default=None, max_length=NOTE_LIMIT)
    location_notes: str | None = Field(default=None, max_length=1000)
    priority: Priority | None = None
    prison: str | None = Field(default=None, max_length=100)
    release_date: IsoDate | None = None
    msrp_modules: list[str] | None = Field(default=None, max_length=10)
    msrp_sessions: int | None = Field(default=None, ge=1, le=100)


class TransitionIn(_In):
    """What a status change may carry."""

    reason_code: str | None = Field(
        default=None, max_length=40, pattern=r"^[a-z_]{1,40}$",
        description="Withdraw: the coded reason, from the `withdraw` list of data/referrals/reasons.yaml: "
                    + "; ".join(f"`{r.code}` ({r.text})" for r in reason_lists().withdraw) + ".",
    )
    reason: str | None = Field(default=None, max_length=2000,
                               description="Reject: why. Withdraw: detail of the coded reason (needed for `other`).")
    override_reason: str | None = Field(default=None, max_length=2000, description="Submit: why to refer despite ineligibility.")
    caseworker_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="Allocate: the caseworker.")


class PersonOut(BaseModel):
    """A person as shown to those who may see their referral."""

    model_config = ConfigDict(from_attributes=True)

    crn: str
    name: str
    date_of_birth: dt.date | None
    sex: str | None
    area: str | None
    profile: dict[str, Any] = Field(default={}, description="What is known for eligibility (the Profile's fields).")


class HistoryOut(BaseModel):
    """One status change."""

    from_status: str | None
    to_status: str
    at: dt.datetime
    by: str
    reason: str | None
    reason_code: str | None = Field(default=None, description="The coded reason (data/referrals/reasons.yaml), if any.")


class ReferralOut(BaseModel):
    """A referral in full, with what the caller may do next."""

    id: int
    reference: str
    status: Status
    person: PersonOut
    service_id: str
    service_name: str
    option_id: str | None
    option_name: str | None
    provider: str
    nsi_category: str | None
    nsi_subtype: str | None
    region: str
    team: str | None
    referred_by: str
    requirement_type: str
    sent_as: str = Field(description="How it reaches the provider: 'nsi' (an NSI transferred to the hub) or "
                         "'requirement_transfer' (a court requirement or programme transferred, not bought).")
    referral_date: dt.date
    expected_start: dt.date | None
    expected_end: dt.date | None
    actual_end: dt.date | None
    risk_notes: str | None
    support_notes: str | None
    location_notes: str | None
    priority: str
    prison: str | None
    release_date: dt.date | None
    msrp_modules: list[str]
    msrp_sessions: int | None
    eligibility_result: str | None
    override_reason: str | None
    warnings: list[str]
    caseworker: str | None
    cancellation_charge_pence: int | None
    registered_at: dt.datetime | None
    end_requested_at: dt.datetime | None = Field(default=None, description="When an end was asked for, if it was.")
    end_requested_by: str | None = None
    end_reason_code: str | None = None
    end_reason: str | None = Field(default=None, description="The end's coded reason in words, with any detail.")
    history: list[HistoryOut]
    allowed_actions: list[Action]


class ReferralRow(BaseModel):
    """A referral in a list."""

    id: int
    reference: str
    status: Status
    crn: str
    name: str
    service_name: str
    provider: str
    priority: str
    referral_date: dt.date
    caseworker: str | None
    alerts: list[str] = Field(default_factory=list, description=(
        "What needs attention, from delivery: 'Breach action due', 'Warning needed', 'Feedback overdue'."))


class ReferralPage(BaseModel):
    """One page of referrals, and counts per status for the dashboard tabs (each counted up to a cap)."""

    items: list[ReferralRow]
    total: int = Field(description=(
        "How many referrals the list holds (this status's count, or the sum of the counts); "
        "a lower bound when `total_capped`."))
    page: int
    per_page: int
    pages: int = Field(description=(
        "The pages known: all of them, or when `total_capped` those counted and the next while this page is full."))
    counts: dict[str, int] = Field(description=(
        f"Referrals per status (statuses with none are left out), each counted up to a cap ({COUNT_CAP:,}; "
        "a search counts its first matches up to the cap): a status in `counts_capped` may have more."))
    counts_capped: list[str] = Field(default_factory=list, description=(
        "The statuses whose count is only a lower bound, for it reached the cap (shown as "
        f"'{COUNT_CAP:,}+'); in a search, every status found once the matches reached it."))
    total_capped: bool = Field(default=False, description=(
        "True when `total` counts a capped status: it is a lower bound, and the last page is not known."))


# No text may carry the NUL character (the edge refuses it); said here too, so the schema is true.
NO_NUL = r"^[^\x00]*$"
