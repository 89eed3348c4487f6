"""Three-valued evaluation of the rule vocabulary (ratecard.catalogue.rules) against a person's facts.

Evaluation is three-valued: True, False, or None when the profile lacks a field the test needs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# The vocabulary is catalogue data; it is re-exported here so the engine's callers find it in one place.
from ratecard.catalogue.rules import FIELD_TYPES, OASYS_PREFIX, Condition, Rule, RuleKind, field_type

__all__ = [
    "FIELD_TYPES", "OASYS_PREFIX", "Compiled", "Condition", "Facts", "Rule", "RuleKind", "compile_test", "field_type",
]

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
