"""The rule vocabulary: what it accepts, and its three-valued answers."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ratecard.catalogue.rules import Condition
from ratecard.eligibility.rules import compile_test


def _run(test: dict, facts: dict):
    return compile_test(Condition.model_validate(test))(facts)


@pytest.mark.parametrize(
    ("test", "facts", "expected"),
    [
        ({"field": "sex", "in": ["male"]}, {"sex": "male"}, True),
        ({"field": "sex", "in": ["male"]}, {"sex": "female"}, False),
        ({"field": "sex", "in": ["male"]}, {}, None),
        ({"field": "ogrs", "min": 25, "max": 90}, {"ogrs": 25}, True),
        ({"field": "ogrs", "min": 25, "max": 90}, {"ogrs": 90}, True),
        ({"field": "ogrs", "min": 25, "max": 90}, {"ogrs": 24}, False),
        ({"field": "ogrs", "min": 25, "max": 90}, {"ogrs": 91}, False),
        ({"field": "consents", "is": True}, {"consents": False}, False),
        ({"field": "offences", "has_any": ["sexual"]}, {"offences": (frozenset({"sexual"}), False)}, True),
        ({"field": "offences", "has_any": ["sexual"]}, {"offences": (frozenset({"violence"}), False)}, None),
        ({"field": "offences", "has_any": ["sexual"]}, {"offences": (frozenset({"violence"}), True)}, False),
        ({"field": "offences", "has_none": ["sexual"]}, {"offences": (frozenset(), True)}, True),
        ({"field": "offences", "has_none": ["sexual"]}, {"offences": (frozenset(), False)}, None),
        ({"field": "needs", "has_all": ["ete", "finance"]}, {"needs": (frozenset({"ete"}), True)}, False),
    ],
)
def test_it_answers_field_tests_in_three_values(test, facts, expected):
    assert _run(test, facts) is expected


def test_it_combines_with_kleene_logic():
    known_false = {"field": "sex", "in": ["female"]}
    unknown = {"field": "ogrs", "min": 1}
    facts = {"sex": "male"}
    assert _run({"all": [known_false, unknown]}, facts) is False
    assert _run({"any": [known_false, unknown]}, facts) is None
    assert _run({"any": [{"not": known_false}, unknown]}, facts) is True
    assert _run({"not": unknown}, facts) is None


@pytest.mark.parametrize(
    ("test", "message"),
    [
        ({"field": "shoe_size", "min": 3}, "unknown field"),
        ({"field": "sex", "min": 3}, "cannot be tested with"),
        ({"field": "ogrs", "in": ["high"]}, "cannot be tested with"),
        ({"field": "sex", "in": ["male"], "not_in": ["female"]}, "exactly one"),
        ({"all": [], "field": "sex"}, "not both"),
        ({}, "needs a field"),
    ],
)
def test_it_rejects_malformed_tests_with_a_reason(test, message):
    with pytest.raises(ValidationError, match=message):
        Condition.model_validate(test)


def test_it_accepts_oasys_items_as_numbers():
    assert _run({"field": "oasys.11.6", "min": 2}, {"oasys.11.6": 2}) is True


def test_it_reads_back_stored_notes_without_a_reason_but_refuses_them_in_an_overlay():
    from pydantic import ValidationError

    from ratecard.catalogue.rules import Rule

    note = {"criterion": "prison", "message": "Ask the prison first.", "kind": "note", "test": {"field": "age", "min": 18}}
    assert Rule.model_validate(note, context={"stored": True}).reason is None  # imported before reasons were required
    with pytest.raises(ValidationError, match="needs a reason"):
        Rule.model_validate(note)
