"""Deciding, for one person, every service in the catalogue: eligible, ineligible or unknown, and why."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from ratecard.eligibility.areas import area_decision
from ratecard.eligibility.rules import Compiled, Facts, Rule, RuleKind, Condition, compile_test

# Which profile fields would settle a rule field that is unknown.
ASK_FOR = {
    "age": "age or date_of_birth",
    "reoffending": "ogrs or risk_level",
    "offences": "index_offences and previous_offences",
    "weeks_to_release": "release_date",
}


class Outcome(StrEnum):
    """The three-valued answer for one service."""

    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    UNKNOWN = "unknown"


# Plain slotted dataclasses, not pydantic models: a match builds one per service per person, and
# FastAPI and pydantic serialise dataclasses just the same.
@dataclass(slots=True, frozen=True)
class RuleSource:
    """Where a criterion is printed."""

    file: str
    line: int | None = None


@dataclass(slots=True)
class Reason:
    """A criterion that failed, could not be decided, or is a note the practitioner should read."""

    criterion: str
    message: str
    status: str  # failed | unknown | note
    source: RuleSource | None = None
    missing: list[str] = field(default_factory=list)
    override: str | None = None


@dataclass(slots=True)
class Match:
    """One service's answer for one person."""

    service_id: str
    provider: str
    name: str
    category: str
    result: Outcome
    reasons: list[Reason]


@dataclass
class ServiceRules:
    """One service's rules, compiled once per catalogue load."""

    service_id: str
    provider: str
    name: str
    category: str
    source_file: str
    areas: tuple[str, ...]
    rules: list[Rule]
    compiled: list[Compiled] = field(default_factory=list)
    sources: list[RuleSource] = field(default_factory=list)
    area_message: str = ""

    def __post_init__(self) -> None:
        self.areas = tuple(self.areas)
        self.area_message = f"Only available in {', '.join(self.areas)}."
        self.compiled = [compile_test(rule.test) for rule in self.rules]
        self.sources = [RuleSource(file=self.source_file, line=rule.line) for rule in self.rules]


def _missing(test: Condition, facts: Facts) -> list[str]:
    # A list fact known only in part (previous offences without the index offence) counts as missing.
    return sorted(
        ASK_FOR.get(name, name)
        for name in test.fields()
        if (value := facts.get(name)) is None or (isinstance(value, tuple) and not value[1])
    )


def decide(service: ServiceRules, facts: Facts, person_area: str | None) -> Match:
    """The answer for one service: every failing, undecided or noted criterion is a reason."""
    reasons: list[Reason] = []
    failed = unknown = False
    area = area_decision(person_area, service.areas) if person_area else None
    if area is not True:
        if area is False:
            failed = True
            reasons.append(Reason("area", service.area_message, "failed"))
        else:
            unknown = True
            missing = ["area"] if not person_area else ["area (town)"]
            reasons.append(Reason("area", service.area_message, "unknown", None, missing))
    for rule, test, source in zip(service.rules, service.compiled, service.sources):
        if rule.kind is RuleKind.NOTE:
            reasons.append(Reason(rule.criterion, rule.message, "note", source, [], rule.override))
            continue
        value = test(facts)
        if value is True:
            continue
        if value is False:
            failed = True
            status = "failed"
            missing: list[str] = []
        else:
            unknown = True
            status = "unknown"
            missing = _missing(rule.test, facts)
        reasons.append(Reason(rule.criterion, rule.message, status, source, missing, rule.override))
    result = Outcome.INELIGIBLE if failed else Outcome.UNKNOWN if unknown else Outcome.ELIGIBLE
    return Match(service.service_id, service.provider, service.name, service.category, result, reasons)


_ORDER = {Outcome.ELIGIBLE: 0, Outcome.UNKNOWN: 1, Outcome.INELIGIBLE: 2}


def match_all(services: Iterable[ServiceRules], facts: Facts, person_area: str | None) -> list[Match]:
    """Every service's answer, eligible first, then unknown, then ineligible."""
    matches = [decide(service, facts, person_area) for service in services]
    matches.sort(key=lambda m: (_ORDER[m.result], m.category, m.provider, m.name))
    return matches
