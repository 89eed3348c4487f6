"""Deciding services for a person: results, reasons, areas and the column-wise engine."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from ratecard.eligibility.batch import CODES, decide_many
from ratecard.eligibility.engine import Outcome, ServiceRules, decide
from ratecard.eligibility.facts import fact_getter, facts_of
from ratecard.eligibility.profile import Profile
from ratecard.catalogue.rules import FIELD_TYPES, Rule
from tests.eligibility.strategies import profiles


def rule(**overrides) -> Rule:
    values = {"criterion": "sex", "message": "For men only.", "line": 10, "test": {"field": "sex", "in": ["male"]}}
    return Rule.model_validate({**values, **overrides})


def service_rules(*rules: Rule, areas=("Lancashire",), unencoded=(), recipient=None) -> ServiceRules:
    return ServiceRules(
        service_id="t-service", provider="T", name="Service", category="Other", source_file="t.txt",
        areas=areas, rules=list(rules), unencoded=unencoded, recipient=recipient,
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
    note = rule(kind="note", message="Suitability confirmed at assessment.", test={"field": "consents", "is": True},
                reason="A process step.")
    capped = rule(criterion="ogrs", message="OGRS up to 74.", test={"field": "ogrs", "max": 74}, override="Over 74 after consultation.")
    match = _decide(service_rules(note, capped), Profile(area="Lancashire", ogrs=80))
    assert match.result is Outcome.INELIGIBLE
    assert [(r.status, r.override) for r in match.reasons] == [("note", None), ("failed", "Over 74 after consultation.")]
    assert match.reasons[0].reason == "A process step." and match.reasons[1].reason is None


def test_it_refuses_a_note_that_does_not_say_why_it_cannot_decide():
    for missing in ({}, {"reason": "   "}):
        with pytest.raises(ValidationError, match="needs a reason"):
            rule(kind="note", message="Suitability confirmed at assessment.", **missing)
    assert rule(reason="Kept for the record.").reason == "Kept for the record."  # optional on a requirement


@pytest.mark.parametrize(("recipient", "words"), [("partner", "partner or ex-partner"), ("family", "family")])
def test_it_answers_services_for_someone_else_never_as_eligible(recipient, words):
    service = service_rules(rule(), recipient=recipient)
    match = _decide(service, Profile(sex="male", area="Lancashire"))
    assert match.result is Outcome.FOR_SOMEONE_ELSE
    assert (match.reasons[0].criterion, match.reasons[0].status) == ("recipient", "note")
    assert words in match.reasons[0].message and "not for them" in match.reasons[0].message
    # Undecided criteria do not make it the person's own; failed ones still rule it out.
    assert _decide(service, Profile(area="Lancashire")).result is Outcome.FOR_SOMEONE_ELSE
    assert _decide(service, Profile(sex="female", area="Lancashire")).result is Outcome.INELIGIBLE
    assert _decide(service, Profile(sex="male", area="Norfolk")).result is Outcome.INELIGIBLE


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
] + [service_rules(r, recipient="partner") for r in RULES]


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


def test_it_reads_class_a_use_from_the_drugs_used_when_the_flag_is_not_given():
    facts = facts_of(Profile(drugs_used=["heroin"]))
    assert facts["class_a_use"] is True and facts["drugs_used"] == (frozenset({"heroin"}), True)
    assert facts_of(Profile(drugs_used=["cannabis", "nps"]))["class_a_use"] is False
    assert facts_of(Profile(drugs_used=[]))["class_a_use"] is False
    assert facts_of(Profile(class_a_use=False, drugs_used=["crack_cocaine"]))["class_a_use"] is False  # the flag wins
    assert "class_a_use" not in facts_of(Profile())
    missing = _decide(service_rules(rule(criterion="class a", test={"field": "class_a_use", "is": True})), Profile(area="Lancashire"))
    assert missing.reasons[0].missing == ("class_a_use or drugs_used",)


def test_it_validates_the_new_profile_fields():
    for bad in ({"missed_appointments": -1}, {"victims": ["dog"]}, {"drugs_used": ["heroin", "heroin"]},
                {"seriousness": "extreme"}, {"gypsy_traveller": "yes"}, {"recent_offences": ["violence", "violence"]}):
        with pytest.raises(ValidationError):
            Profile(**bad)
    person = Profile(victims=[], seriousness="medium", discusses_offence_in_group=True, repeated_offences=["violence"])
    facts = facts_of(person)
    assert facts["victims"] == (frozenset(), True) and facts["seriousness"] == "medium"
    assert facts["discusses_offence_in_group"] is True and facts["repeated_offences"] == (frozenset({"violence"}), True)


def test_it_labels_every_new_profile_field_for_the_form():
    new = ("missed_appointments", "victims", "recent_offences", "repeated_offences", "drugs_used", "seriousness",
           "gypsy_traveller", "discusses_offence_in_group")
    for name in new:
        info = Profile.model_fields[name]
        assert info.title and info.description, name
        assert name in FIELD_TYPES, name
