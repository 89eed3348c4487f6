"""The rule vocabulary brochure criteria are written in: the catalogue's own data, read by the engine.

A rule is readable YAML in the catalogue overlays::

    - criterion: sex
      message: For men only.
      line: 174
      test: {field: sex, in: [male]}

Tests: ``{field, in: [...]}``, ``{field, not_in: [...]}``, ``{field, min: n, max: n}`` (inclusive),
``{field, is: true|false}``, ``{field, has_any|has_all|has_none: [...]}`` for lists, and the
combinators ``{all: [...]}``, ``{any: [...]}``, ``{not: {...}}``. The vocabulary lives here, below
the eligibility engine, so the catalogue holds its rules without depending on the code that runs them
(ratecard.eligibility.rules evaluates them).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

# Fields a rule may test, and whether each is a single value, a number, a flag or a list.
FIELD_TYPES: dict[str, str] = {
    "age": "number",
    "sex": "value",
    "area": "value",
    "setting": "value",
    "sentence": "value",
    "sentence_months": "number",
    "requirements": "list",
    "rar_days": "number",
    "ogrs": "number",
    "reoffending": "value",  # low/medium/high: from OGRS when known, else the recorded level
    "ovp": "number",
    "rosh": "value",
    "sara": "value",
    "audit": "number",
    "index_offences": "list",
    "offences": "list",  # index and previous together
    "previous_convictions": "number",
    "alcohol_dependent": "flag",
    "drug_dependent": "flag",
    "class_a_use": "flag",
    "serious_mental_health": "flag",
    "learning_difficulties": "flag",
    "speaks_english": "flag",
    "in_denial": "flag",
    "consents": "flag",
    "needs": "list",
    "weeks_to_release": "number",
    "missed_appointments": "number",  # missed or unacceptable absences in the current order or licence
    "victims": "list",  # who was harmed: female_partner, male_partner, family_member, child, ...
    "recent_offences": "list",  # offence types in the last two years, convicted or not
    "repeated_offences": "list",  # offence types in a repeated or escalating pattern
    "drugs_used": "list",  # heroin, crack_cocaine, cocaine, other_class_a, cannabis, nps, ...
    "seriousness": "value",  # the Sentencing Council community order band: low/medium/high
    "gypsy_traveller": "flag",
    "discusses_offence_in_group": "flag",
}
OASYS_PREFIX = "oasys."  # "oasys.11.6" tests OASys item 11.6


def field_type(name: str) -> str | None:
    """The kind of a rule field, or None if rules may not test it."""
    if name.startswith(OASYS_PREFIX) and len(name) > len(OASYS_PREFIX):
        return "number"
    return FIELD_TYPES.get(name)


class Condition(BaseModel):
    """One test: a field comparison or a combination of tests."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    field: str | None = None
    in_: list[str] | None = Field(default=None, alias="in")
    not_in: list[str] | None = None
    min: float | None = None
    max: float | None = None
    is_: bool | None = Field(default=None, alias="is")
    has_any: list[str] | None = None
    has_all: list[str] | None = None
    has_none: list[str] | None = None
    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(default=None, alias="not")

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        combinators = [name for name in ("all", "any", "not_") if getattr(self, name) is not None]
        comparisons = [
            name for name in ("in_", "not_in", "is_", "has_any", "has_all", "has_none") if getattr(self, name) is not None
        ]
        ranged = self.min is not None or self.max is not None
        if combinators:
            if self.field or comparisons or ranged or len(combinators) > 1:
                raise ValueError("a test is either one of all/any/not or a field comparison, not both")
            return self
        if not self.field:
            raise ValueError("a test needs a field (or all/any/not)")
        kind = field_type(self.field)
        if kind is None:
            raise ValueError(f"unknown field '{self.field}'; known: {', '.join(sorted(FIELD_TYPES))}, oasys.<item>")
        forms = len(comparisons) + (1 if ranged else 0)
        if forms != 1:
            raise ValueError(f"test on '{self.field}' needs exactly one of in, not_in, min/max, is, has_any, has_all, has_none")
        allowed = {
            "number": {"ranged"},
            "value": {"in_", "not_in"},
            "flag": {"is_"},
            "list": {"has_any", "has_all", "has_none"},
        }[kind]
        used = "ranged" if ranged else comparisons[0]
        if used not in allowed:
            raise ValueError(f"'{self.field}' is a {kind}; it cannot be tested with {used.rstrip('_')}")
        return self

    def fields(self) -> set[str]:
        """Every profile field this test reads."""
        if self.field:
            return {self.field}
        children = self.all or self.any or ([self.not_] if self.not_ else [])
        return set().union(*(child.fields() for child in children))


class RuleKind(StrEnum):
    """Whether a failing rule makes the service ineligible, or is only reported."""

    REQUIREMENT = "requirement"
    NOTE = "note"


class Rule(BaseModel):
    """One printed criterion as a structured test, with its message and source line."""

    model_config = ConfigDict(extra="forbid")

    criterion: str = Field(min_length=1, max_length=60)  # a short label: sex, age, ogrs, offence...
    message: str = Field(min_length=1, max_length=400)  # plain English, said when it fails
    line: int | None = Field(default=None, ge=1)  # the brochure line the criterion is printed on
    test: Condition
    kind: RuleKind = RuleKind.REQUIREMENT
    override: str | None = None  # a printed way round it, e.g. acceptance after consultation
    # Why a note cannot decide (the court decides, guidance on length, a process step...): required
    # for notes, so every printed criterion that is only advice says why it is not a test.
    reason: str | None = Field(default=None, min_length=1, max_length=300)

    @model_validator(mode="after")
    def _note_has_reason(self, info: ValidationInfo) -> Rule:
        # Checked where rules are written (the overlays, at import). Rules read back from a database
        # imported before reasons were required are still evaluated: the next import fills them in.
        if info.context and info.context.get("stored"):
            return self
        if self.kind is RuleKind.NOTE and not (self.reason or "").strip():
            raise ValueError(f"the note '{self.criterion}' needs a reason: why this printed criterion cannot decide")
        return self
