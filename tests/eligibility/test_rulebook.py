"""The rulebook's own parts: the rules a setting implies, and the JSON text the CLI prints."""

from __future__ import annotations

import json

from hypothesis import given, settings

from ratecard.catalogue.schemas import Setting
from ratecard.eligibility.profile import Profile
from ratecard.eligibility.rulebook import SETTING_RULES, decide_all, matches_json, matches_text
from tests.eligibility.strategies import profiles
from tests.eligibility.test_properties import catalogue_rules

# Typed places that come back inside the reasons' words: accents, a character outside the BMP, control characters.
ODD_AREAS = ["Ünïcödé-on-Sea", "Nowhere 😀 Town", "Bell\u0007 and \x7f", 'Quote " and \\ slash']


def test_it_keys_the_setting_rules_by_the_catalogue_settings():
    assert set(SETTING_RULES) == {Setting.CUSTODY.value, Setting.THROUGH_THE_GATE.value}


def _as_json_dumps_writes_it(matches) -> str:
    return json.dumps(matches_json(matches), indent=2, ensure_ascii=False)


def test_it_prints_odd_places_as_json_dumps_does():
    for area in ODD_AREAS:
        matches = decide_all(catalogue_rules(), Profile(area=area, sex="male"))
        assert any(area in r.message for m in matches for r in m.reasons)
        assert matches_text(matches) == _as_json_dumps_writes_it(matches)


@settings(max_examples=40, deadline=None)
@given(profiles)
def test_it_prints_any_match_as_json_dumps_does(person):
    matches = decide_all(catalogue_rules(), person)
    assert matches_text(matches) == _as_json_dumps_writes_it(matches)
