"""Deciding services for a person: results, reasons, areas and the column-wise engine."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ratecard.eligibility.batch import CODES, decide_many
from ratecard.eligibility.engine import Outcome, ServiceRules, decide
from ratecard.eligibility.facts import fact_getter, facts_of
from ratecard.eligibility.profile import Profile
from ratecard.eligibility.rules import FIELD_TYPES, Rule
from tests.eligibility.strategies import profiles


def rule(**overrides) -> Rule:
    values = {"criterion": "sex", "message": "For men only.", "line": 10, "test": {"field": "sex", "in": ["male"]}}
    return Rule.model_validate({**values, **overrides})


def service_rules(*rules: Rule, areas=("Lancashire",), unencoded=()) -> ServiceRules:
    return ServiceRules(
        service_id="t-service", provider="T", name="Service", category="Other", source_file="t.txt",
        areas=areas, rules=list(rules), unencoded=unencoded,
    )


def _decide(service: ServiceRules, profile: Profile):
    return decide(service, facts_of(profile), profile.area)


def test_it_lists_every_failed_and_undecided_criterion_with_its_source():
    service = service_rules(rule(), rule(criterion="ogrs", message="OGRS 25 to 90.", line=11, test={"field": "ogrs", "min": 25, "max": 90}))
    match = _decide(service, Profile(sex="female", area="Lancashire"))
    assert match.result is Outcome.INELIGIBLE
    assert [(r.criterion, r.status, r.source.line) for r in match.reasons] == [("sex", "failed", 10), ("ogrs", "unknown", 11)]
    assert match.reasons[1].missing == ("ogrs",)


def test_it_asks_for_the_fields_that_would_decide_derived_facts():
    service = service_rules(rule(criterion="risk", test={"field": "reoffending", "in": ["medium", "high"]}))
    match = _decide(service, Profile(area="Lancashire"))
    assert match.result is Outcome.UNKNOWN
    assert match.reasons[0].missing == ("ogrs or risk_level",)


def test_it_reads_reoffending_from_ogrs_bands_at_their_edges():
    service = service_rules(rule(criterion="risk", test={"field": "reoffending", "in": ["medium", "high"]}))
    assert _decide(service, Profile(ogrs=49, area="Lancashire")).result is Outcome.INELIGIBLE
    assert _decide(service, Profile(ogrs=50, area="Lancashire")).result is Outcome.ELIGIBLE
    assert _decide(service, Profile(risk_level="low", area="Lancashire")).result is Outcome.INELIGIBLE


def test_it_decides_area_by_county_and_town():
    lancs = service_rules(areas=("Lancashire",))
    towns = service_rules(areas=("Southend", "Thurrock"))
    assert _decide(lancs, Profile(area="Blackpool")).result is Outcome.ELIGIBLE
    assert _decide(lancs, Profile(area="Norfolk")).result is Outcome.INELIGIBLE
    assert _decide(towns, Profile(area="Southend")).result is Outcome.ELIGIBLE
    assert _decide(towns, Profile(area="Colchester")).result is Outcome.INELIGIBLE
    unknown = _decide(towns, Profile(area="Essex"))
    assert unknown.result is Outcome.UNKNOWN and unknown.reasons[0].missing == ("area (town)",)


def test_it_reports_notes_and_overrides_without_letting_notes_decide():
    note = rule(kind="note", message="Suitability confirmed at assessment.", test={"field": "consents", "is": True})
    capped = rule(criterion="ogrs", message="OGRS up to 74.", test={"field": "ogrs", "max": 74}, override="Over 74 after consultation.")
    match = _decide(service_rules(note, capped), Profile(area="Lancashire", ogrs=80))
    assert match.result is Outcome.INELIGIBLE
    assert [(r.status, r.override) for r in match.reasons] == [("note", None), ("failed", "Over 74 after consultation.")]


def test_it_counts_age_from_date_of_birth_on_the_profile_date():
    adults = service_rules(rule(criterion="age", test={"field": "age", "min": 18, "max": 24}))
    day_before = Profile(date_of_birth="2001-11-23", as_of="2026-11-22", area="Lancashire")
    birthday = Profile(date_of_birth="2001-11-22", as_of="2026-11-22", area="Lancashire")
    assert _decide(adults, day_before).result is Outcome.ELIGIBLE  # still 24
    assert _decide(adults, birthday).result is Outcome.INELIGIBLE  # 25 today


def test_it_never_answers_eligible_while_printed_criteria_are_not_encoded():
    service = service_rules(rule(), unencoded=(14, 12))
    match = _decide(service, Profile(sex="male", area="Lancashire"))
    assert match.result is Outcome.UNKNOWN
    [reason] = match.reasons
    assert (reason.criterion, reason.status, reason.source.file, reason.source.line) == ("criteria not yet encoded", "unknown", "t.txt", 12)
    assert "cannot check it yet" in reason.message and "lines 12, 14" in reason.message
    assert reason.missing  # says what would settle it, like every unknown reason


def test_it_still_rules_out_on_the_criteria_that_are_encoded():
    match = _decide(service_rules(rule(), unencoded=(12,)), Profile(sex="female", area="Lancashire"))
    assert match.result is Outcome.INELIGIBLE
    assert [(r.criterion, r.status) for r in match.reasons] == [("sex", "failed"), ("criteria not yet encoded", "unknown")]
    assert _decide(service_rules(rule(), unencoded=(12,)), Profile(sex="male", area="Norfolk")).result is Outcome.INELIGIBLE


def test_it_answers_as_before_when_every_printed_line_is_cited():
    assert _decide(service_rules(rule()), Profile(sex="male", area="Lancashire")).result is Outcome.ELIGIBLE


RULES = [
    rule(),
    rule(criterion="ogrs", test={"field": "ogrs", "min": 25, "max": 90}),
    rule(criterion="offence", test={"not": {"field": "offences", "has_any": ["sexual", "intimate_partner_violence"]}}),
    rule(criterion="audit", test={"any": [{"field": "audit", "max": 19}, {"field": "alcohol_dependent", "is": False}]}),
    rule(criterion="needs", test={"field": "needs", "has_all": ["accommodation"]}),
    rule(criterion="risk", test={"field": "rosh", "not_in": ["high", "very_high"]}),
]
SERVICES = [
    service_rules(r, areas=areas, unencoded=unencoded)
    for r in RULES
    for areas in (("Lancashire",), ("Southend", "Thurrock"))
    for unencoded in ((), (99,))
]


@settings(max_examples=60, deadline=None)
@given(st.lists(profiles, min_size=1, max_size=20))
def test_it_gives_the_same_answers_one_by_one_and_column_wise(people):
    matrix = decide_many(SERVICES, people)
    for row, person in enumerate(people):
        fact = facts_of(person)
        assert [CODES[c] for c in matrix[row]] == [decide(s, fact, person.area).result for s in SERVICES]


@settings(max_examples=60, deadline=None)
@given(profiles, st.sampled_from(sorted(FIELD_TYPES) + ["oasys.11.6"]))
def test_it_reads_each_fact_the_same_way_for_one_profile_and_for_columns(person, name):
    assert fact_getter(name)(person) == facts_of(person).get(name)
