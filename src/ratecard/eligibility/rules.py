"""The rule vocabulary brochure criteria are written in, and its three-valued evaluation.

A rule is readable YAML in the catalogue overlays::

    - criterion: sex
      message: For men only.
      line: 174
      test: {field: sex, in: [male]}

Tests: ``{field, in: [...]}``, ``{field, not_in: [...]}``, ``{field, min: n, max: n}`` (inclusive),
``{field, is: true|false}``, ``{field, has_any|has_all|has_none: [...]}`` for lists, and the
combinators ``{all: [...]}``, ``{any: [...]}``, ``{not: {...}}``. Evaluation is three-valued:
True, False, or None when the profile lacks a field the test needs.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

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


Facts = dict[str, Any]  # single values are lower-case strings (see facts.facts_of)
Compiled = Callable[[Facts], bool | None]


def compile_test(test: Condition) -> Compiled:
    """A function evaluating `test` against facts, three-valued (None = not known)."""
    if test.all is not None:
        parts = [compile_test(t) for t in test.all]

        def all_(facts: Facts) -> bool | None:
            unknown = False
            for part in parts:
                value = part(facts)
                if value is False:
                    return False
                if value is None:
                    unknown = True
            return None if unknown else True

        return all_
    if test.any is not None:
        parts = [compile_test(t) for t in test.any]

        def any_(facts: Facts) -> bool | None:
            unknown = False
            for part in parts:
                value = part(facts)
                if value is True:
                    return True
                if value is None:
                    unknown = True
            return None if unknown else False

        return any_
    if test.not_ is not None:
        inner = compile_test(test.not_)

        def not_(facts: Facts) -> bool | None:
            value = inner(facts)
            return None if value is None else not value

        return not_
    return _compile_field(test)


def _compile_field(test: Condition) -> Compiled:
    name = test.field
    assert name is not None
    if test.in_ is not None:
        allowed = frozenset(v.lower() for v in test.in_)
        return lambda facts: None if (v := facts.get(name)) is None else v in allowed
    if test.not_in is not None:
        banned = frozenset(v.lower() for v in test.not_in)
        return lambda facts: None if (v := facts.get(name)) is None else v not in banned
    if test.is_ is not None:
        wanted = test.is_
        return lambda facts: None if (v := facts.get(name)) is None else v is wanted
    if test.has_any is not None or test.has_all is not None or test.has_none is not None:
        return _compile_list(name, test)
    low = float("-inf") if test.min is None else test.min
    high = float("inf") if test.max is None else test.max
    return lambda facts: None if (v := facts.get(name)) is None else low <= v <= high


def _compile_list(name: str, test: Condition) -> Compiled:
    # A list fact is (items, complete): complete=False means more items may exist that we don't know.
    if test.has_any is not None:
        wanted = frozenset(test.has_any)

        def has_any(facts: Facts) -> bool | None:
            fact = facts.get(name)
            if fact is None:
                return None
            items, complete = fact
            if wanted & items:
                return True
            return False if complete else None

        return has_any
    if test.has_none is not None:
        banned = frozenset(test.has_none)

        def has_none(facts: Facts) -> bool | None:
            fact = facts.get(name)
            if fact is None:
                return None
            items, complete = fact
            if banned & items:
                return False
            return True if complete else None

        return has_none
    needed = frozenset(test.has_all or ())

    def has_all(facts: Facts) -> bool | None:
        fact = facts.get(name)
        if fact is None:
            return None
        items, complete = fact
        if needed <= items:
            return True
        return False if complete else None

    return has_all
