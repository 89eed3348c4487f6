"""The law of community and suspended sentence orders, read once from data/sentencing/requirements.yaml.

The file is reviewed data: every limit with its statutory source and the dates it applies between.
This module validates it (a mistake in the file fails loudly at first use) and precomputes, per
requirement type, the limits in force either side of each dated change, so the checker looks them
up without parsing or database access.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

RULES_FILE = Path(__file__).resolve().parents[3] / "data" / "sentencing" / "requirements.yaml"

_STRICT = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Source(BaseModel):
    """Where a rule comes from: the act and its schedule/section and paragraph, and whether it was checked."""

    model_config = _STRICT
    act: str
    schedule: str | None = None
    section: str | None = None
    paragraph: str | None
    verified: bool
    url: str | None = None
    note: str | None = None

    def cite(self) -> str:
        """'Sentencing Act 2020, Schedule 9, paragraph 9(4)' and the like."""
        parts = [self.act]
        if self.schedule:
            parts.append(f"Schedule {self.schedule}")
        if self.section:
            parts.append(f"section {self.section}")
        if self.paragraph:
            parts.append(f"paragraph {self.paragraph}")
        return ", ".join(parts) + ("" if self.verified else " (not verified against the text)")


class BrochureLine(BaseModel):
    """Lines of a provider's brochure."""

    model_config = _STRICT
    file: str
    lines: tuple[int, int]


class Limit(BaseModel):
    """A minimum and/or maximum on one measure of a requirement, between two dates."""

    model_config = _STRICT
    field: Literal["hours", "days", "months", "hours_per_day", "hours_per_week"]
    min: int | None = None
    max: int | None = None
    unit: str
    from_: dt.date | None = Field(default=None, alias="from")
    before: dt.date | None = None
    decided_by: Literal["conviction_date", "offence_date"] = "conviction_date"
    source: Source

    def applies_on(self, day: dt.date) -> bool:
        """Whether the limit is in force for a case decided by `day`."""
        return (self.from_ is None or day >= self.from_) and (self.before is None or day < self.before)


class Note(BaseModel):
    """Something the court must do or know, with its source."""

    model_config = _STRICT
    text: str
    source: Source


class Condition(BaseModel):
    """A fact about the offender the requirement needs: willingness, dependency."""

    model_config = _STRICT
    check: Literal["willing", "alcohol_dependent", "not_alcohol_dependent", "drug_dependent"]
    message: str
    source: Source


class NotWith(BaseModel):
    """Another requirement this one is not combined with."""

    model_config = _STRICT
    type: str
    message: str
    source: Source
    severity: Literal["error", "warning"] = "error"


class GuidanceNotWith(BaseModel):
    """A provider's advice against a combination (never law)."""

    model_config = _STRICT
    type: str
    provider: str
    message: str
    brochure: BrochureLine


class EmRule(BaseModel):
    """The duty to add electronic monitoring, and where it comes from."""

    model_config = _STRICT
    source: Source


class Law(BaseModel):
    """What the statute says about one requirement."""

    model_config = _STRICT
    limits: tuple[Limit, ...] = ()
    notes: tuple[Note, ...] = ()
    conditions: tuple[Condition, ...] = ()
    not_with: tuple[NotWith, ...] = ()
    electronic_monitoring: EmRule | None = None
    available_before: dt.date | None = None
    available_source: Source | None = None
    under_age: int | None = None
    age_source: Source | None = None


class Band(BaseModel):
    """The guideline's suggestion for one requirement at one community order level."""

    model_config = _STRICT
    min: int | None = None
    max: int | None = None
    months_min: int | None = None
    months_max: int | None = None
    text: str | None = None


class ProviderGuidance(BaseModel):
    """A provider's own advice to its courts, with the brochure lines."""

    model_config = _STRICT
    provider: str
    text: str
    brochure: BrochureLine


class RequirementRule(BaseModel):
    """One requirement of Schedule 9: what it is, its law, the guideline and providers' advice."""

    model_config = _STRICT
    name: str
    part: str
    what: str
    measure: Literal["hours", "days", "months", "curfew"]
    usually_punitive: bool
    needs_electronic_monitoring: bool = False
    law: Law
    guideline: dict[Literal["low", "medium", "high"], Band] = {}
    provider_guidance: tuple[ProviderGuidance, ...] = ()
    guidance_not_with: tuple[GuidanceNotWith, ...] = ()


class Change(BaseModel):
    """A dated change in the law and what decides whether a case falls under it."""

    model_config = _STRICT
    what: str
    applies_from: dt.date
    decided_by: Literal["conviction_date", "offence_date"]
    source: Source


class OrderRule(BaseModel):
    """A rule about the order as a whole."""

    model_config = _STRICT
    order_type: Literal["community_order", "suspended_sentence_order"] | None = None
    message: str
    source: Source
    min_months: int | None = None
    max_months: int | None = None
    min_days: int | None = None
    min_age: int | None = None


class Level(BaseModel):
    """One of the guideline's community order levels."""

    model_config = _STRICT
    name: str
    for_: str = Field(alias="for")
    suggests: tuple[str, ...]
    note: str | None


class Levels(BaseModel):
    """The guideline's three levels and where they come from."""

    model_config = _STRICT
    source: Source
    low: Level
    medium: Level
    high: Level


class LocalSpec(BaseModel):
    """Which catalogue services deliver a requirement."""

    model_config = _STRICT
    kind: str | None = None
    not_kinds: tuple[str, ...] = ()
    rar_usable: bool | None = None
    names: tuple[str, ...] = ()


class CodeStart(BaseModel):
    """The day the Sentencing Code starts to apply."""

    model_config = _STRICT
    date: dt.date
    source: Source


class Rulebook(BaseModel):
    """The whole data file."""

    model_config = _STRICT
    reviewed: dt.date
    code_commencement: CodeStart
    changes: dict[str, Change]
    requirements: dict[str, RequirementRule]
    orders: dict[str, OrderRule]
    levels: Levels
    local_services: dict[str, LocalSpec]

    def limits_for(self, requirement: str, day: dt.date) -> tuple[Limit, ...]:
        """The limits on `requirement` in force for a conviction (or offence) on `day`."""
        return _limits_by_period(requirement)[_period_of(day)]


@cache
def rulebook() -> Rulebook:
    """The data file, validated, read once."""
    return Rulebook.model_validate(yaml.safe_load(RULES_FILE.read_text(encoding="utf-8")))


@cache
def _boundaries() -> tuple[dt.date, ...]:
    # Every date at which some limit starts or stops: between two of them the law is the same.
    book = rulebook()
    days = {d for rule in book.requirements.values() for limit in rule.law.limits for d in (limit.from_, limit.before) if d}
    days |= {rule.law.available_before for rule in book.requirements.values() if rule.law.available_before}
    return tuple(sorted(days))


def _period_of(day: dt.date) -> int:
    bounds = _boundaries()
    index = 0
    while index < len(bounds) and day >= bounds[index]:
        index += 1
    return index


@cache
def _limits_by_period(requirement: str) -> tuple[tuple[Limit, ...], ...]:
    # One tuple of limits per period between boundaries, each checked against the period's first day.
    book = rulebook()
    starts = (dt.date.min, *_boundaries())
    limits = book.requirements[requirement].law.limits
    return tuple(tuple(limit for limit in limits if limit.applies_on(start)) for start in starts)
