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


class Victim(StrEnum):
    """Who an offence harmed, as brochures that name a victim tell them apart."""

    FEMALE_PARTNER = "female_partner"  # a current or former partner who is a woman
    MALE_PARTNER = "male_partner"  # a current or former partner who is a man
    FAMILY_MEMBER = "family_member"  # a relative other than a partner
    CHILD = "child"
    ACQUAINTANCE = "acquaintance"  # someone the person knew, not family
    STRANGER = "stranger"
    WORKER = "worker"  # someone harmed at work: police, shop, health or probation staff


class Drug(StrEnum):
    """Drugs as the brochures tell them apart: heroin and crack against other Class A and other drugs."""

    HEROIN = "heroin"  # and other opiates
    CRACK_COCAINE = "crack_cocaine"
    COCAINE = "cocaine"  # powder cocaine
    OTHER_CLASS_A = "other_class_a"  # ecstasy, LSD, magic mushrooms...
    CANNABIS = "cannabis"
    NPS = "nps"  # novel psychoactive substances ("legal highs", spice)
    AMPHETAMINE = "amphetamine"
    OTHER = "other"


# The drugs that count as Class A use when the class_a_use flag is not given.
CLASS_A = frozenset({Drug.HEROIN, Drug.CRACK_COCAINE, Drug.COCAINE, Drug.OTHER_CLASS_A})


class Seriousness(StrEnum):
    """The community order band of the offence in the Sentencing Council guideline."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


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
    # Fields the brochures' finer criteria need: attendance, victims, recency and patterns, drugs,
    # seriousness, heritage and willingness to talk in a group. Titles and descriptions label the form.
    missed_appointments: int | None = Field(
        default=None, ge=0, le=200, title="Missed appointments",
        description="How many appointments the person has missed without an acceptable reason in their current order or licence.",
    )
    victims: list[Victim] | None = Field(
        default=None, max_length=len(Victim), title="Who was harmed",
        description="Who the person's offences harmed. Leave it empty if no one person was harmed.",
    )
    recent_offences: list[Offence] | None = Field(
        default=None, max_length=len(Offence), title="Offences in the last two years",
        description="Types of offence the person committed in the last two years, whether or not they were convicted.",
    )
    repeated_offences: list[Offence] | None = Field(
        default=None, max_length=len(Offence), title="Repeated offending",
        description="Types of offence the person commits again and again, or more and more seriously: a pattern, new or long-standing.",
    )
    drugs_used: list[Drug] | None = Field(
        default=None, max_length=len(Drug), title="Drugs used",
        description="Drugs the person uses now or has misused recently. Leave it empty if they use none.",
    )
    seriousness: Seriousness | None = Field(
        default=None, title="Seriousness band",
        description="How serious the offence is, as the low, medium or high community order band of the sentencing guideline.",
    )
    gypsy_traveller: StrictBool | None = Field(
        default=None, title="Gypsy or Traveller", description="The person is a Gypsy, Roma or Traveller.",
    )
    discusses_offence_in_group: StrictBool | None = Field(
        default=None, title="Willing to discuss the offence in a group",
        description="The person is willing to talk about their offence with others in a group.",
    )
    as_of: IsoDate | None = Field(default=None, description="The date ages and release dates are judged on.")

    @model_validator(mode="after")
    def _consistent(self) -> Profile:
        today = self.as_of or dt.date.today()
        if self.date_of_birth and self.date_of_birth > today:
            raise ValueError("date_of_birth is in the future")
        for name in ("victims", "recent_offences", "repeated_offences", "drugs_used"):
            items = getattr(self, name)
            if items is not None and len(set(items)) != len(items):
                raise ValueError(f"{name} lists the same item twice")
        return self
