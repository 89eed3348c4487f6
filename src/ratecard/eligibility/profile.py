"""The person profile: one schema for the web form, the API and the CLI. Every field is optional."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, model_validator

from ratecard.types import IsoDate


class Sex(StrEnum):
    """Sex as recorded in nDelius for programme allocation."""

    MALE = "male"
    FEMALE = "female"


class Level(StrEnum):
    """Low / medium / high, as reoffending risk or SARA is banded."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Rosh(StrEnum):
    """Risk of Serious Harm level."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high"


class PersonSetting(StrEnum):
    """Where the person is in their sentence."""

    COMMUNITY = "community"
    CUSTODY = "custody"
    LICENCE = "licence"
    PSS = "pss"  # post-sentence supervision


class Sentence(StrEnum):
    """The sentence or order the person is serving."""

    COMMUNITY_ORDER = "community_order"
    SUSPENDED_SENTENCE_ORDER = "suspended_sentence_order"
    CUSTODY = "custody"
    LICENCE = "licence"
    PSS = "pss"


class Requirement(StrEnum):
    """Requirements of a community or suspended sentence order."""

    RAR = "rar"
    ACCREDITED_PROGRAMME = "accredited_programme"
    UNPAID_WORK = "unpaid_work"
    DRUG_REHABILITATION = "drug_rehabilitation"
    ALCOHOL_TREATMENT = "alcohol_treatment"
    MENTAL_HEALTH_TREATMENT = "mental_health_treatment"
    CURFEW = "curfew"
    EXCLUSION = "exclusion"
    RESIDENCE = "residence"
    PROHIBITED_ACTIVITY = "prohibited_activity"
    ATTENDANCE_CENTRE = "attendance_centre"
    FOREIGN_TRAVEL_PROHIBITION = "foreign_travel_prohibition"
    ALCOHOL_ABSTINENCE = "alcohol_abstinence"


class Offence(StrEnum):
    """Offence types the brochures' criteria name."""

    VIOLENCE = "violence"
    SEXUAL = "sexual"
    INTIMATE_PARTNER_VIOLENCE = "intimate_partner_violence"
    DRINK_DRIVING = "drink_driving"
    MOTORING = "motoring"
    HATE_CRIME = "hate_crime"
    DRUGS = "drugs"
    ACQUISITIVE = "acquisitive"
    ARSON = "arson"
    ALCOHOL_RELATED = "alcohol_related"
    EXTREMISM = "extremism"
    OTHER = "other"


class Need(StrEnum):
    """Criminogenic and resettlement needs."""

    ACCOMMODATION = "accommodation"
    ETE = "ete"
    FINANCE = "finance"
    WOMENS = "womens"
    FAMILY = "family"
    ALCOHOL = "alcohol"
    DRUGS = "drugs"
    ATTITUDES = "attitudes"
    THINKING = "thinking"
    RELATIONSHIPS = "relationships"
    DOMESTIC_ABUSE = "domestic_abuse"
    EMOTIONAL_WELLBEING = "emotional_wellbeing"
    MENTAL_HEALTH = "mental_health"
    MOTIVATION = "motivation"
    VICTIM_AWARENESS = "victim_awareness"
    MENTORING = "mentoring"
    LIFESTYLE = "lifestyle"


class Profile(BaseModel):
    """What is known about a person on probation; anything unknown is left out."""

    model_config = ConfigDict(extra="forbid")

    age: int | None = Field(default=None, ge=10, le=120)
    date_of_birth: IsoDate | None = None
    sex: Sex | None = None
    area: str | None = Field(default=None, min_length=2, max_length=100, description="County, town or region.")
    setting: PersonSetting | None = None
    release_date: IsoDate | None = None
    sentence: Sentence | None = None
    sentence_months: int | None = Field(default=None, ge=0, le=600)
    requirements: list[Requirement] | None = None
    rar_days: int | None = Field(default=None, ge=0, le=365)
    ogrs: int | None = Field(default=None, ge=0, le=100, description="OGRS percentage, 0-100.")
    risk_level: Level | None = Field(default=None, description="Reoffending risk where no OGRS score is known.")
    ovp: int | None = Field(default=None, ge=0, le=100)
    rosh: Rosh | None = None
    sara: Level | None = None
    audit: int | None = Field(default=None, ge=0, le=40)
    oasys: dict[Annotated[str, StringConstraints(min_length=1, max_length=10)], Annotated[int, Field(ge=0, le=10)]] | None = Field(
        default=None, max_length=100, description="OASys item scores from 0 to 10, by item number, e.g. {'11.6': 2}."
    )
    index_offences: list[Offence] | None = None
    previous_offences: list[Offence] | None = None
    previous_convictions: int | None = Field(default=None, ge=0, le=500)
    alcohol_dependent: StrictBool | None = None
    drug_dependent: StrictBool | None = None
    class_a_use: StrictBool | None = None
    serious_mental_health: StrictBool | None = None
    learning_difficulties: StrictBool | None = None
    speaks_english: StrictBool | None = None
    in_denial: StrictBool | None = None
    consents: StrictBool | None = None
    needs: list[Need] | None = None
    as_of: IsoDate | None = Field(default=None, description="The date ages and release dates are judged on.")

    @model_validator(mode="after")
    def _consistent(self) -> Profile:
        today = self.as_of or dt.date.today()
        if self.date_of_birth and self.date_of_birth > today:
            raise ValueError("date_of_birth is in the future")
        return self
