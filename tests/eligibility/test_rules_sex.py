"""Every service a brochure limits to women or to men says so: the other sex is ruled out, on the printed line."""

from __future__ import annotations

import re

import pytest

from ratecard.eligibility.engine import Outcome
from ratecard.catalogue.rules import Condition, RuleKind
from tests.eligibility.rules_support import brochure_lines, decide_for, parsed
from tests.paths import ALL_BROCHURES, CLN, DLNR, ESSEX, KSS, NSF

# (brochure, service key, the only sex it takes, the line that says so)
ONE_SEX = [
    (NSF, "building-better-relationships", "male", 177),
    (NSF, "womens-group-programme", "female", 318),
    (NSF, "womens-intervention", "female", 343),
    (NSF, "better-me-better-us-domestic-abuse-group-programme", "male", 522),
    (NSF, "mens-rehabilitation-activity-requirement", "male", 657),
    (NSF, "positive-pathways-plus-121", "male", 706),
    (CLN, "building-better-relationships", "male", 174),
    (CLN, "resolve", "male", 196),
    (CLN, "womens-service", "female", 429),
    (CLN, "womens-service-vision-project", "female", 469),
    (CLN, "womens-community-support-mentoring", "female", 492),
    (CLN, "domestic-abuse-safer-relationships", "male", 596),
    (ESSEX, "women-only-mentoring", "female", 205),
    (ESSEX, "womens-programme", "female", 219),
    (ESSEX, "womens-hub", "female", 291),
    (ESSEX, "building-better-relationships", "male", 386),
    (ESSEX, "resolve", "male", 438),
    (DLNR, "control-of-violence-for-angry-impulsive-drinkers", "male", 425),
    (DLNR, "resolve", "male", 461),
    (DLNR, "building-better-relationships", "male", 503),
    (DLNR, "anger-management", "male", 666),
    # The Change Programme and the three five-session courses are the options of this one service.
    (DLNR, "womens-services", "female", 758),
    (DLNR, "female-focus-on-violence", "female", 970),
    (KSS, "resolve", "male", 110),
    (KSS, "building-better-relationships", "male", 192),
    (KSS, "womens-group", "female", 610),
    (KSS, "womens-wrap-around-support", "female", 634),
    (KSS, "intervention-for-immature-males", "male", 981),
    (KSS, "womens-resettlement-programme-at-east-sutton-park-prison", "female", 1096),
]
OTHER = {"male": "female", "female": "male"}
# The line names a sex: the one it is for, or (under "not suitable for") the one it is not for.
SEX_WORDS = re.compile(r"\b(males?|men|man|men's|women|woman|females?|women's)\b", re.I)


def _id(path, key) -> str:
    return f"{parsed(path).provider.code.lower()}-{key}"


def _one_sex(test: Condition) -> str | None:
    """The sex a requirement's test admits alone, when the test is exactly that."""
    if test.field == "sex" and test.in_ is not None and len(test.in_) == 1:
        return test.in_[0]
    return None


@pytest.mark.parametrize(("path", "key", "sex", "line"), ONE_SEX, ids=[f"{p.name[:3]}-{k}" for p, k, _, _ in ONE_SEX])
def test_the_printed_line_limits_the_service_to_one_sex(path, key, sex, line):
    assert SEX_WORDS.search(brochure_lines(path)[line - 1])
    service = next(s for s in parsed(path).services if s.key == key)
    assert any(r.kind is RuleKind.REQUIREMENT and r.line == line and _one_sex(r.test) == sex for r in service.rules)


@pytest.mark.parametrize(("path", "key", "sex", "line"), ONE_SEX, ids=[f"{p.name[:3]}-{k}" for p, k, _, _ in ONE_SEX])
@pytest.mark.parametrize("person", ["male", "female"])
def test_a_man_and_a_woman_get_the_answer_the_brochure_gives(path, key, sex, line, person):
    match = decide_for(path, _id(path, key), sex=person)
    sex_failures = [r for r in match.reasons if r.status == "failed" and r.source and r.source.line == line]
    if person == sex:
        assert match.result is not Outcome.INELIGIBLE
        assert sex_failures == []
    else:
        assert match.result is Outcome.INELIGIBLE
        assert sex_failures, f"{key}: no failed reason citing line {line}"


def test_every_one_sex_rule_in_the_overlays_is_listed_here():
    listed = {(path, key) for path, key, _, _ in ONE_SEX}
    found = {
        (path, s.key)
        for path in ALL_BROCHURES
        for s in parsed(path).services
        if any(r.kind is RuleKind.REQUIREMENT and _one_sex(r.test) for r in s.rules)
    }
    assert found == listed
