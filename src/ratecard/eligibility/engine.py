"""Deciding, for one person, every service in the catalogue: eligible, ineligible or unknown, and why."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from ratecard.eligibility.areas import ASK_FOR_PLACE, area_decision, area_note
from ratecard.catalogue.rules import Rule, RuleKind
from ratecard.eligibility.rules import Compiled, Facts, compile_test

# Which profile fields would settle a rule field that is unknown.
ASK_FOR = {
    "age": "age or date_of_birth",
    "reoffending": "ogrs or risk_level",
    "offences": "index_offences and previous_offences",
    "weeks_to_release": "release_date",
    "class_a_use": "class_a_use or drugs_used",
}

# The criterion label of a service whose brochure prints criteria no rule encodes yet.
NOT_ENCODED = "criteria not yet encoded"
# What would decide it: no profile field can, only a person reading the brochure's criteria.
NOT_ENCODED_MISSING = "the printed criteria checked by hand"


class Outcome(StrEnum):
    """The answer for one service: three-valued, plus services that are for someone else."""

    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    UNKNOWN = "unknown"
    # Delivered to someone other than the person (a partner, the family): never "eligible" for the
    # person themselves, though their case may still rule it out (then it is ineligible).
    FOR_SOMEONE_ELSE = "for_someone_else"


# Who a service is for when it is not the person on probation, as said in a match (see Service.recipient).
RECIPIENT_MESSAGES = {
    "partner": "This service is for the person's partner or ex-partner, not for them.",
    "family": "This service is for the person's family, not for them.",
}


# Plain frozen dataclasses, not pydantic models: a match builds one per service per person, and
# FastAPI and pydantic serialise dataclasses just the same. Being immutable, a reason that does not
# depend on the person (a failed or noted criterion) is built once per catalogue load and shared.
@dataclass(slots=True, frozen=True)
class RuleSource:
    """Where a criterion is printed."""

    file: str
    line: int | None = None


@dataclass(slots=True, frozen=True)
class Reason:
    """A criterion that failed, could not be decided, or is a note the practitioner should read."""

    criterion: str
    message: str
    status: str  # failed | unknown | note
    source: RuleSource | None = None
    missing: tuple[str, ...] = ()
    override: str | None = None
    reason: str | None = None  # for a note: why this printed criterion is advice, not a test


@dataclass(slots=True)
class Match:
    """One service's answer for one person."""

    service_id: str
    provider: str
    name: str
    category: str
    result: Outcome
    reasons: list[Reason]


# One rule ready to run, as a plain tuple (unpacked in the hot loop): the note reason (notes are
# always reported and never decide), the test, the failed reason, the unknown reason when every field
# the test reads is missing (otherwise rebuilt with the fields missing for the person) and those fields.
_Step = tuple[Reason | None, Compiled, Reason, Reason, tuple[str, ...]]


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
    # Who the service is delivered to when it is not the person: "partner" or "family" (None: the person).
    recipient: str | None = None
    # Printed criteria lines that no rule or note cites (see catalogue.coverage.uncited_lines): while any is
    # left, the service cannot be decided in full and is never answered eligible.
    unencoded: tuple[int, ...] = ()
    # Worked out from the above when the rules are compiled:
    steps: list[_Step] = field(init=False)
    area_failed: Reason = field(init=False)
    area_unknown: Reason = field(init=False)
    area_missing: Reason = field(init=False)
    not_encoded: Reason | None = field(init=False)
    for_someone_else: Reason | None = field(init=False)
    # The undecided area reason per typed place that needs its own words (unknown, or in several counties).
    _area_unknown_for: dict[str, Reason] = field(init=False, default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.areas = tuple(self.areas)
        message = f"Only available in {', '.join(self.areas)}."
        self.area_failed = Reason("area", message, "failed")
        self.area_unknown = Reason("area", message, "unknown", None, ("area (town)",))
        self.area_missing = Reason("area", message, "unknown", None, ("area",))
        self._area_unknown_for = {}
        self.unencoded = tuple(sorted(set(self.unencoded)))
        self.not_encoded = None
        if self.unencoded:
            printed = ", ".join(str(n) for n in self.unencoded)
            self.not_encoded = Reason(
                NOT_ENCODED,
                "The brochure prints who this is for, but ratecard cannot check it yet: read the criteria on "
                f"the service page (brochure line{'s' if len(self.unencoded) > 1 else ''} {printed}).",
                "unknown",
                RuleSource(self.source_file, self.unencoded[0]),
                (NOT_ENCODED_MISSING,),
            )
        self.for_someone_else = None
        if self.recipient is not None:
            self.for_someone_else = Reason("recipient", RECIPIENT_MESSAGES[self.recipient], "note")
        self.steps = []
        for rule in self.rules:
            source = RuleSource(self.source_file, rule.line)
            args = (rule.criterion, rule.message)
            fields = tuple(sorted(rule.test.fields()))
            self.steps.append(
                (
                    Reason(*args, "note", source, (), rule.override, rule.reason) if rule.kind is RuleKind.NOTE else None,
                    compile_test(rule.test),
                    Reason(*args, "failed", source, (), rule.override),
                    # Missing every field it reads: the usual unknown, shared rather than built per person.
                    Reason(*args, "unknown", source, tuple(ASK_FOR.get(n, n) for n in fields), rule.override),
                    fields,
                )
            )


def _area_unknown(service: ServiceRules, person_area: str) -> Reason:
    # Built once per service and typed place: the place's own words (not found, or which county?) come first.
    reason = service._area_unknown_for.get(person_area)
    if reason is None:
        note = area_note(person_area)
        if note is None:
            reason = service.area_unknown
        else:
            reason = Reason("area", f"{note} {service.area_unknown.message}", "unknown", None, (ASK_FOR_PLACE,))
        if len(service._area_unknown_for) >= 1024:
            service._area_unknown_for.clear()
        service._area_unknown_for[person_area] = reason
    return reason


def _missing(fields: tuple[str, ...], facts: Facts) -> tuple[str, ...]:
    # A list fact known only in part (previous offences without the index offence) counts as missing.
    return tuple(
        ASK_FOR.get(name, name)
        for name in fields
        if (value := facts.get(name)) is None or (value.__class__ is tuple and not value[1])
    )


def decide(service: ServiceRules, facts: Facts, person_area: str | None) -> Match:
    """The answer for one service: every failing, undecided or noted criterion is a reason."""
    reasons: list[Reason] = []
    failed = unknown = False
    if person_area:
        area = area_decision(person_area, service.areas)
        if area is False:
            failed = True
            reasons.append(service.area_failed)
        elif area is None:
            unknown = True
            reasons.append(_area_unknown(service, person_area))
    else:
        unknown = True
        reasons.append(service.area_missing)
    for note, test, if_failed, u, fields in service.steps:
        if note is not None:
            reasons.append(note)
            continue
        value = test(facts)
        if value is True:
            continue
        if value is False:
            failed = True
            reasons.append(if_failed)
        else:
            unknown = True
            missing = _missing(fields, facts)
            reasons.append(u if missing == u.missing else Reason(u.criterion, u.message, "unknown", u.source, missing, u.override))
    if service.not_encoded is not None:
        # What is encoded may still exclude the person; it can never say they are eligible.
        unknown = True
        reasons.append(service.not_encoded)
    if service.for_someone_else is not None:
        # The person's case may rule it out; otherwise it is for someone else, never eligible for them.
        reasons.insert(0, service.for_someone_else)
        result = Outcome.INELIGIBLE if failed else Outcome.FOR_SOMEONE_ELSE
    else:
        result = Outcome.INELIGIBLE if failed else Outcome.UNKNOWN if unknown else Outcome.ELIGIBLE
    return Match(service.service_id, service.provider, service.name, service.category, result, reasons)


def in_display_order(services: Iterable[ServiceRules]) -> list[ServiceRules]:
    """Services sorted by need, provider and name: the order a rulebook keeps them in."""
    return sorted(services, key=lambda s: (s.category, s.provider, s.name))


def match_all(services: Iterable[ServiceRules], facts: Facts, person_area: str | None) -> list[Match]:
    """Every service's answer: eligible, then unknown, then for someone else, then ineligible, each in the order given."""
    eligible: list[Match] = []
    unknown: list[Match] = []
    someone_else: list[Match] = []
    ineligible: list[Match] = []
    buckets = {
        Outcome.ELIGIBLE: eligible.append, Outcome.UNKNOWN: unknown.append,
        Outcome.FOR_SOMEONE_ELSE: someone_else.append, Outcome.INELIGIBLE: ineligible.append,
    }
    for service in services:
        match = decide(service, facts, person_area)
        buckets[match.result](match)
    return eligible + unknown + someone_else + ineligible
