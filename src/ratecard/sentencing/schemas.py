"""The proposed order the checker reads, and what it answers: validated with messages naming the field."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

_FORBID = ConfigDict(extra="forbid")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day_only(value: object) -> object:
    # pydantic's lax mode reads 0 or "0" as 1 January 1970: a date here is 'YYYY-MM-DD' or nothing.
    if isinstance(value, bool) or isinstance(value, (int, float)) or (isinstance(value, str) and not _ISO_DAY.fullmatch(value)):
        raise ValueError("Enter a date as YYYY-MM-DD, for example 2024-03-01")
    return value


# A calendar date written 'YYYY-MM-DD' (or a date object, from code).
Day = Annotated[dt.date, BeforeValidator(_day_only)]


class OrderType(StrEnum):
    """The two orders that carry Schedule 9 requirements."""

    COMMUNITY_ORDER = "community_order"
    SUSPENDED_SENTENCE_ORDER = "suspended_sentence_order"


class RequirementType(StrEnum):
    """The requirements of Schedule 9 to the Sentencing Code."""

    UNPAID_WORK = "unpaid_work"
    REHABILITATION_ACTIVITY = "rehabilitation_activity"
    PROGRAMME = "programme"
    PROHIBITED_ACTIVITY = "prohibited_activity"
    CURFEW = "curfew"
    EXCLUSION = "exclusion"
    RESIDENCE = "residence"
    FOREIGN_TRAVEL_PROHIBITION = "foreign_travel_prohibition"
    MENTAL_HEALTH_TREATMENT = "mental_health_treatment"
    DRUG_REHABILITATION = "drug_rehabilitation"
    ALCOHOL_TREATMENT = "alcohol_treatment"
    ALCOHOL_ABSTINENCE_MONITORING = "alcohol_abstinence_monitoring"
    ATTENDANCE_CENTRE = "attendance_centre"
    ELECTRONIC_MONITORING = "electronic_monitoring"


# What each type is measured in: the one field (or two, for a curfew) it needs, and the fields it may have.
MEASURES: dict[RequirementType, tuple[str, ...]] = {
    RequirementType.UNPAID_WORK: ("hours",),
    RequirementType.ATTENDANCE_CENTRE: ("hours",),
    RequirementType.REHABILITATION_ACTIVITY: ("days",),
    RequirementType.PROGRAMME: ("days",),
    RequirementType.ALCOHOL_ABSTINENCE_MONITORING: ("days",),
    RequirementType.CURFEW: ("hours_per_day", "days_per_week", "months"),
}
TREATMENTS = frozenset({RequirementType.MENTAL_HEALTH_TREATMENT, RequirementType.DRUG_REHABILITATION,
                        RequirementType.ALCOHOL_TREATMENT})
MONITORED = frozenset({RequirementType.CURFEW, RequirementType.EXCLUSION})
OPTIONAL_MONTHS = frozenset({RequirementType.REHABILITATION_ACTIVITY, RequirementType.PROGRAMME,
                             RequirementType.UNPAID_WORK, RequirementType.ATTENDANCE_CENTRE,
                             RequirementType.ALCOHOL_ABSTINENCE_MONITORING})
MEASURE_FIELDS = ("hours", "days", "months", "hours_per_day", "days_per_week")


def _bad(message: str) -> PydanticCustomError:
    # A rule across fields: the message starts with the field it is about, without pydantic's "Value error, ".
    return PydanticCustomError("invalid_order", message)


def measures_of(kind: RequirementType) -> tuple[str, ...]:
    """The measure fields a requirement of `kind` needs ('months' for most)."""
    return MEASURES.get(kind, ("months",))


class Offender(BaseModel):
    """What the checker needs to know about the offender: nothing that identifies them."""

    model_config = _FORBID
    age: int | None = Field(default=None, ge=10, le=120, description="Age when convicted.")
    alcohol_dependent: bool | None = None
    drug_dependent: bool | None = None


class ProposedRequirement(BaseModel):
    """One proposed requirement: its type and the measures that type takes."""

    model_config = _FORBID
    type: RequirementType
    hours: int | None = Field(default=None, ge=0, le=10000, description="unpaid_work, attendance_centre")
    days: int | None = Field(default=None, ge=0, le=10000, description="rehabilitation_activity, programme, alcohol_abstinence_monitoring")
    months: int | None = Field(default=None, ge=0, le=600, description="curfew and most others: how long it lasts")
    hours_per_day: int | None = Field(default=None, ge=0, le=24, description="curfew")
    days_per_week: int | None = Field(default=None, ge=1, le=7, description="curfew: days a week with curfew hours")
    electronic_monitoring: bool | None = Field(default=None, description="curfew, exclusion: monitored by a tag")
    em_not_appropriate_reason: str | None = Field(default=None, max_length=2000)
    willing: bool | None = Field(default=None, description="treatment requirements: the offender's willingness")

    @model_validator(mode="after")
    def _measures_fit_the_type(self) -> ProposedRequirement:
        needed = measures_of(self.type)
        if self.type in OPTIONAL_MONTHS:
            needed_or_allowed = (*needed, "months")
        else:
            needed_or_allowed = needed
        label = self.type.value
        for name in MEASURE_FIELDS:
            value = getattr(self, name)
            if value is not None and name not in needed_or_allowed:
                raise _bad(f"{name}: a {label} requirement does not take {name} (it takes {', '.join(needed)})")
        for name in needed:
            if getattr(self, name) is None and not (self.type is RequirementType.CURFEW and name == "days_per_week"):
                raise _bad(f"{name}: a {label} requirement needs {name}")
        if self.type not in MONITORED and (self.electronic_monitoring is not None or self.em_not_appropriate_reason):
            raise _bad(f"electronic_monitoring: only a curfew or exclusion requirement takes electronic_monitoring; "
                             "add an electronic_monitoring requirement instead")
        if self.type not in TREATMENTS and self.willing is not None:
            raise _bad(f"willing: only treatment requirements take willing, not {label}")
        return self


class Order(BaseModel):
    """A proposed community order or suspended sentence order."""

    model_config = _FORBID
    order_type: OrderType
    conviction_date: Day
    sentence_date: Day | None = Field(default=None, description="The day the order is made; on or after conviction.")
    offence_date: Day | None = Field(default=None, description="Optional; on or before conviction.")
    length_months: int | None = Field(default=None, ge=1, le=600, description="community_order: months to its end date")
    custodial_term_months: int | None = Field(default=None, ge=0, le=600, description="suspended_sentence_order")
    custodial_term_days: int | None = Field(default=None, ge=0, le=20000, description="suspended_sentence_order: days on top of the months")
    operational_period_months: int | None = Field(default=None, ge=0, le=600, description="suspended_sentence_order")
    supervision_period_months: int | None = Field(default=None, ge=0, le=600, description="suspended_sentence_order")
    fine: bool = False
    exceptional_circumstances: str | None = Field(default=None, max_length=4000)
    seriousness: Literal["low", "medium", "high"] | None = Field(
        default=None, description="The guideline's community order level, if the court has decided it.")
    offender: Offender = Field(default_factory=Offender)
    requirements: list[ProposedRequirement] = Field(default_factory=list, max_length=30)

    @model_validator(mode="after")
    def _dates_and_type(self) -> Order:
        if self.sentence_date is not None and self.sentence_date < self.conviction_date:
            raise _bad("sentence_date: the sentence date is before the conviction date")
        if self.offence_date is not None and self.offence_date > self.conviction_date:
            raise _bad("offence_date: the offence date is after the conviction date")
        sso_fields = ("custodial_term_months", "custodial_term_days", "operational_period_months", "supervision_period_months")
        if self.order_type is OrderType.COMMUNITY_ORDER:
            if self.length_months is None:
                raise _bad("length_months: a community order needs length_months (months to its end date)")
            for name in sso_fields:
                if getattr(self, name) is not None:
                    raise _bad(f"{name}: only a suspended sentence order takes {name}")
        else:
            if self.length_months is not None:
                raise _bad("length_months: a suspended sentence order takes operational_period_months, not length_months")
            if self.custodial_term_months is None and self.custodial_term_days is None:
                raise _bad("custodial_term_months: a suspended sentence order needs its custodial term")
            if self.operational_period_months is None:
                raise _bad("operational_period_months: a suspended sentence order needs its operational period")
            if self.requirements and self.supervision_period_months is None:
                raise _bad("supervision_period_months: a suspended sentence order with requirements needs a supervision period")
        return self


class Problem(BaseModel):
    """One thing wrong with (error) or worth recording about (warning) a proposed order."""

    severity: Literal["error", "warning"]
    requirement: str | None = Field(description="The requirement type it concerns; null for the order as a whole.")
    message: str
    source: str = Field(description="The provision (or guideline, or provider's brochure) the rule comes from.")


class CheckResult(BaseModel):
    """The checker's answer: valid when there are no errors."""

    valid: bool
    problems: list[Problem]


class LimitOut(BaseModel):
    """A limit as it applies on a date."""

    field: str
    min: int | None
    max: int | None
    unit: str
    source: str
    verified: bool
    changed: str | None = Field(default=None, description="How it differs on the other side of a dated change.")


class GuidanceOut(BaseModel):
    """A provider's local advice (not law)."""

    provider: str
    text: str
    brochure: str


class RequirementOut(BaseModel):
    """One requirement as the law stands for a conviction date."""

    type: str
    name: str
    part: str
    what: str
    available: bool
    unavailable_reason: str | None = None
    limits: list[LimitOut]
    conditions: list[str]
    notes: list[str]
    guideline: dict[str, str]
    provider_guidance: list[GuidanceOut]


class RequirementsOut(BaseModel):
    """Every requirement for a conviction date."""

    conviction_date: dt.date
    code_applies: bool
    requirements: list[RequirementOut]
