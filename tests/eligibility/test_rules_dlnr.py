"""The DLNR CRC guide's eligibility criteria, encoded as rules in data/catalogue/dlnr.yaml.

Every case here is read from the guide for sentencers (brochure 003); the line numbers in comments
are the brochure lines the criteria are printed on.
"""

from __future__ import annotations

import datetime as dt

import pytest

from ratecard.eligibility.engine import Match, Reason
from ratecard.catalogue.rules import RuleKind
from tests.eligibility.rules_support import (
    copied_runs,
    decide_for,
    failed,
    misplaced_citations,
    parsed,
    rule_counts,
    service_keys,
    uncited_extra_lines,
    uncovered_criteria,
    unknown,
)
from tests.paths import DLNR

# Criteria printed in prose the parser does not capture as criteria_text, per service key.
EXTRA_CRITERION_LINES = {
    # "Group members are expected to co-operate ... complete a release of information form"
    "building-better-relationships": {532},
    # "Not applicable. Will be delivered one-to-one by Probation Practitioner with their own service users."
    "engagement-toolkit": {833},
    # "All of DLNR CRC's Senior Attendance Centres are based in the cities."
    "senior-attendance-centre": {1255},
}
# Line 359, in the Accredited Programmes section, says where every programme can be ordered.
PROGRAMMES = (
    "thinking-skills-programme",
    "control-of-violence-for-angry-impulsive-drinkers",
    "resolve",
    "building-better-relationships",
)
SHARED_LINES = {key: {359} for key in (*PROGRAMMES, "accredited-programmes")}

TODAY = dt.date(2017, 6, 1)
# 18-24 year olds (Pathway to Independence line 876, Senior Attendance Centre line 1220).
YOUNG_ADULT_AGES = [(17, "ineligible"), (18, "eligible"), (24, "eligible"), (25, "ineligible")]


def check(key: str, **fields: object) -> Match:
    """The decision on DLNR service `key` for a profile with `fields`."""
    return decide_for(DLNR, f"dlnr-{key}", as_of=TODAY, **fields)


def failing(match: Match, criterion: str) -> Reason:
    (reason,) = [r for r in match.reasons if r.status == "failed" and r.criterion == criterion]
    return reason


# A person on a 24-month community order in Derby with an accredited programme requirement and a
# RAR; the programme cases below add the person and change one thing at a time.
ORDER = dict(
    area="Derby", setting="community", sentence="community_order", sentence_months=24,
    requirements=["accredited_programme", "rar"],
)
CLEAR = dict(serious_mental_health=False, drug_dependent=False, alcohol_dependent=False)
LICENCE = dict(area="Derby", setting="licence", sentence="licence", sentence_months=4, requirements=[])

TSP = dict(age=30, sex="male", ogrs=40, needs=["thinking"], index_offences=["acquisitive"], **CLEAR, **ORDER)
COVAID = dict(
    age=30, sex="male", ogrs=50, index_offences=["violence", "alcohol_related"], previous_offences=["acquisitive"],
    **CLEAR, **ORDER,
)
RESOLVE = dict(sex="male", index_offences=["violence"], ogrs=60, rosh="medium", ovp=40, **CLEAR, **ORDER)
BBR = dict(
    sex="male", index_offences=["intimate_partner_violence"], sara="medium", consents=True, in_denial=False,
    victims=["female_partner"], discusses_offence_in_group=True, **CLEAR, **ORDER,
)


# --- the rules themselves ----------------------------------------------------------------------


def test_it_cites_every_criteria_line_of_every_dlnr_service():
    assert uncovered_criteria(DLNR) == {}


def test_it_cites_only_criterion_lines_of_the_service():
    # The shared line 359 lies outside the programmes' pages; only the extra lines must lie inside.
    wrong = misplaced_citations(DLNR, EXTRA_CRITERION_LINES, shared_lines=SHARED_LINES, only_extra_inside=True)
    assert wrong == []


def test_it_gives_the_extra_criterion_lines_a_rule():
    assert uncited_extra_lines(DLNR, EXTRA_CRITERION_LINES) == {}


def test_it_writes_messages_in_its_own_words():
    # No run of eight words copied from anywhere in the guide.
    assert copied_runs(DLNR, words=8, whole_brochure=True) == []


def test_it_encodes_the_expected_rules_per_service():
    counts = rule_counts(DLNR)
    assert counts == {
        "unpaid-work": (0, 3),
        "accredited-programmes": (0, 1),
        "thinking-skills-programme": (8, 10),
        "control-of-violence-for-angry-impulsive-drinkers": (10, 11),
        "resolve": (9, 10),
        "building-better-relationships": (10, 11),
        "rehabilitation-activity-requirement": (0, 7),
        "foundations-of-rehabilitation": (3, 6),
        "substance-misuse-brief-intervention": (7, 7),
        "anger-management": (4, 7),
        "womens-services": (2, 18),
        "education-training-and-employment": (1, 1),
        "engagement-toolkit": (0, 5),
        "transition-and-hope": (0, 6),
        "pathway-to-independence": (2, 4),
        "getting-a-home-keeping-a-home-including-tenancy-sustainment": (1, 5),
        "housing-and-welfare-support": (1, 1),
        "female-focus-on-violence": (2, 3),
        "prohibited-activity": (1, 2),
        "exclusion": (1, 1),
        "curfew": (0, 2),
        "residence": (0, 1),
        "mental-health-treatment": (2, 6),
        "drug-rehabilitation": (2, 11),
        "alcohol-treatment": (2, 6),
        "senior-attendance-centre": (4, 11),
        "foreign-travel-prohibition": (0, 2),
    }


def test_it_keeps_the_court_requirements_limits_as_notes():
    # Unpaid work 40-300 hours (322), curfew hours and months (1035), SAC up to 36 hours (1222),
    # foreign travel up to 12 months (1281): they describe the order, not the person.
    notes = {(s.key, r.line) for s in parsed(DLNR).services for r in s.rules if r.kind is RuleKind.NOTE}
    assert {
        ("unpaid-work", 322), ("curfew", 1035), ("senior-attendance-centre", 1222),
        ("foreign-travel-prohibition", 1281),
    } <= notes
    requirements = ["unpaid_work", "prohibited_activity", "exclusion"]
    for key in ("unpaid-work", "curfew", "residence", "prohibited-activity", "exclusion", "foreign-travel-prohibition"):
        match = check(key, area="Nottingham", age=40, requirements=requirements)
        assert match.result == "eligible", key
        assert {r.status for r in match.reasons} <= {"note"}


# --- nobody is ruled out on nothing -------------------------------------------------------------


@pytest.mark.parametrize("service_id", sorted(service_keys(DLNR)))
def test_it_never_rules_out_an_empty_profile(service_id):
    match = decide_for(DLNR, f"dlnr-{service_id}")
    assert match.result != "ineligible"
    assert not failed(match)


# --- Thinking Skills Programme (lines 371-405) ---------------------------------------------------


def test_it_takes_an_ogrs_of_25_onto_the_thinking_skills_programme():
    key = "thinking-skills-programme"
    assert check(key, **{**TSP, "ogrs": 25}).result == "eligible"
    low = check(key, **{**TSP, "ogrs": 24})
    assert low.result == "ineligible"
    assert failed(low) == {"ogrs"}
    assert failing(low, "ogrs").source.line == 371
    # A recorded level settles it only when the guide's bands do: medium (50+) is over 25, low is not.
    no_score = {k: v for k, v in TSP.items() if k != "ogrs"}
    assert check(key, risk_level="medium", **no_score).result == "eligible"
    maybe = check(key, risk_level="low", **no_score)
    assert maybe.result == "unknown"
    assert [list(r.missing) for r in maybe.reasons if r.status == "unknown"] == [["ogrs"]]


def test_it_takes_adults_of_either_sex_onto_the_thinking_skills_programme():
    key = "thinking-skills-programme"
    assert check(key, **{**TSP, "age": 18}).result == "eligible"
    assert failed(check(key, **{**TSP, "age": 17})) == {"age"}
    assert check(key, **{**TSP, "sex": "female"}).result == "eligible"


def test_it_needs_nine_months_and_a_programme_requirement_for_tsp():
    key = "thinking-skills-programme"
    assert check(key, **{**TSP, "sentence_months": 9}).result == "eligible"
    short = check(key, **{**TSP, "sentence_months": 8})
    assert failed(short) == {"order length"}
    assert failing(short, "order length").source.line == 405
    assert failed(check(key, **{**TSP, "requirements": ["rar", "unpaid_work"]})) == {"programme requirement"}
    # Line 359: a programme can also be a licence condition; the order minimum is not a licence's.
    assert check(key, **{**TSP, **LICENCE}).result == "eligible"


def test_it_keeps_current_sex_offenders_and_uncontrolled_users_off_tsp():
    key = "thinking-skills-programme"
    assert failed(check(key, **{**TSP, "index_offences": ["sexual"]})) == {"offence"}
    # Line 380 says current sex offenders: an old sexual conviction alone does not rule anyone out.
    assert check(key, **TSP, previous_offences=["sexual"]).result == "eligible"
    user = check(key, **{**TSP, "drug_dependent": True})
    assert failed(user) == {"dependency"}
    assert "stable" in failing(user, "dependency").override
    assert failed(check(key, **{**TSP, "needs": ["accommodation"]})) == {"thinking skills"}
    assert failed(check(key, **{**TSP, "serious_mental_health": True})) == {"mental health"}
    # Line 372: mild learning difficulties are accepted, so the flag decides nothing.
    assert check(key, **TSP, learning_difficulties=True).result == "eligible"


# --- COVAID (lines 417-443) -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ogrs", "result"), [(34, "ineligible"), (35, "eligible"), (74, "eligible"), (75, "ineligible")]
)
def test_it_holds_covaid_to_an_ogrs_of_35_to_74(ogrs, result):
    match = check("control-of-violence-for-angry-impulsive-drinkers", **{**COVAID, "ogrs": ogrs})
    assert match.result == result
    if result == "ineligible":
        assert failed(match) == {"ogrs"}
        reason = failing(match, "ogrs")
        assert reason.source.line == 418
        # Over 74 after consulting the Treatment Manager; outside 35-74 the Programmes Team advises.
        assert "Treatment Manager" in reason.override and "Programmes Team" in reason.override


def test_it_offers_covaid_to_men_whose_violence_came_from_drink():
    key = "control-of-violence-for-angry-impulsive-drinkers"
    woman = check(key, **{**COVAID, "sex": "female"})
    assert woman.result == "ineligible"
    assert failed(woman) == {"sex"}
    assert failed(check(key, **{**COVAID, "age": 17})) == {"age"}
    assert failed(check(key, **{**COVAID, "index_offences": ["violence"]})) == {"offence"}
    assert failed(check(key, **{**COVAID, "alcohol_dependent": True})) == {"alcohol dependency"}
    domestic = check(key, **{**COVAID, "index_offences": ["violence", "alcohol_related", "intimate_partner_violence"]})
    assert failed(domestic) == {"domestic violence"}


def test_it_keeps_anyone_with_a_sexual_offence_off_covaid():
    key = "control-of-violence-for-angry-impulsive-drinkers"
    # Line 424: "those with sexual offences" - a previous one counts too.
    assert failed(check(key, **{**COVAID, "previous_offences": ["sexual"]})) == {"sexual offences"}
    partial = check(key, **{k: v for k, v in COVAID.items() if k != "previous_offences"})
    assert partial.result == "unknown"
    assert unknown(partial) == {"sexual offences"}


def test_it_needs_six_months_for_covaid():
    key = "control-of-violence-for-angry-impulsive-drinkers"
    assert check(key, **{**COVAID, "sentence_months": 6}).result == "eligible"
    assert failed(check(key, **{**COVAID, "sentence_months": 5})) == {"order length"}


# --- Resolve (lines 461-484, Derbyshire only) ----------------------------------------------------


def test_it_offers_resolve_in_derbyshire_only():
    key = "resolve"
    assert check(key, **RESOLVE).result == "eligible"
    assert check(key, **{**RESOLVE, "area": "Chesterfield"}).result == "eligible"
    for elsewhere in ("Nottingham", "Leicestershire", "Rutland"):
        match = check(key, **{**RESOLVE, "area": elsewhere})
        assert match.result == "ineligible"
        assert failed(match) == {"area"}


@pytest.mark.parametrize(
    ("change", "result", "failures"),
    [
        (dict(ogrs=50), "eligible", set()),
        (dict(ogrs=49), "ineligible", {"reoffending", "ogrs"}),
        (dict(ovp=30), "eligible", set()),
        (dict(ovp=29), "ineligible", {"ovp"}),
        (dict(ovp=59), "eligible", set()),
        (dict(ovp=60), "ineligible", {"ovp"}),
        (dict(rosh="low"), "ineligible", {"rosh"}),
        (dict(rosh="high"), "eligible", set()),
        (dict(sex="female"), "ineligible", {"sex"}),
        (dict(index_offences=["acquisitive"]), "ineligible", {"offence"}),
        (dict(alcohol_dependent=True), "ineligible", {"alcohol dependency"}),
        (dict(serious_mental_health=True), "ineligible", {"mental health"}),
    ],
)
def test_it_applies_resolves_printed_scores(change, result, failures):
    match = check("resolve", **{**RESOLVE, **change})
    assert match.result == result
    assert failed(match) == failures


# --- Building Better Relationships (lines 503-536) ---------------------------------------------


def test_it_needs_a_man_with_sara_medium_or_above_for_bbr():
    key = "building-better-relationships"
    assert check(key, **BBR).result == "eligible"
    assert check(key, **{**BBR, "sara": "high"}).result == "eligible"
    assert failed(check(key, **{**BBR, "sara": "low"})) == {"sara"}
    woman = check(key, **{**BBR, "sex": "female"})
    assert woman.result == "ineligible"
    assert failed(woman) == {"sex"}


def test_it_takes_a_disclosure_of_partner_abuse_instead_of_a_conviction_for_bbr():
    key = "building-better-relationships"
    assert check(key, **{**BBR, "index_offences": ["violence"], "needs": ["domestic_abuse"]}).result == "eligible"
    assert failed(check(key, **{**BBR, "index_offences": ["violence"], "needs": ["ete"], "recent_offences": []})) == {"offence"}
    # Line 505: abuse of a partner in the last two years counts as well as the index offence.
    recent = {**BBR, "index_offences": ["violence"], "needs": ["ete"], "recent_offences": ["intimate_partner_violence"]}
    assert check(key, **recent).result == "eligible"


def test_it_covers_only_abuse_of_a_female_partner_on_bbr():
    # Line 511: other kinds of domestic violence than a man against a female partner are not covered.
    key = "building-better-relationships"
    assert check(key, **{**BBR, "victims": ["female_partner", "child"]}).result == "eligible"
    for victims in (["male_partner"], ["family_member"], []):
        assert failed(check(key, **{**BBR, "victims": victims})) == {"type of abuse"}
    untold = check(key, **{**BBR, "victims": None})
    assert untold.result == "unknown" and [r.missing for r in untold.reasons if r.status == "unknown"] == [("victims",)]


def test_it_keeps_denial_unwillingness_and_short_orders_off_bbr():
    key = "building-better-relationships"
    assert failed(check(key, **{**BBR, "in_denial": True})) == {"denial"}
    # Line 505: "willing to discuss in a group".
    assert failed(check(key, **{**BBR, "discusses_offence_in_group": False})) == {"willingness"}
    assert unknown(check(key, **{**BBR, "discusses_offence_in_group": None})) == {"willingness"}
    assert check(key, **{**BBR, "sentence_months": 12}).result == "eligible"
    assert failed(check(key, **{**BBR, "sentence_months": 11})) == {"order length"}
    addict = check(key, **{**BBR, "alcohol_dependent": True})
    assert failed(addict) == {"dependency"}
    assert failing(addict, "dependency").override


@pytest.mark.parametrize("key", PROGRAMMES)
def test_it_rules_women_out_of_the_men_only_programmes_but_not_tsp(key):
    case = {"thinking-skills-programme": TSP, "control-of-violence-for-angry-impulsive-drinkers": COVAID,
            "resolve": RESOLVE, "building-better-relationships": BBR}[key]
    woman = check(key, **{**case, "sex": "female"})
    if key == "thinking-skills-programme":
        assert woman.result == "eligible"
    else:
        assert failed(woman) == {"sex"}


# --- RAR activities -----------------------------------------------------------------------------


def test_it_needs_men_on_foundations_of_rehabilitation_to_have_ogrs_25():
    key = "foundations-of-rehabilitation"
    base = dict(area="Leicester", serious_mental_health=False, learning_difficulties=False)
    assert check(key, sex="male", ogrs=25, **base).result == "eligible"
    assert failed(check(key, sex="male", ogrs=24, **base)) == {"ogrs"}
    # Line 612: women at any OGRS.
    assert check(key, sex="female", ogrs=0, **base).result == "eligible"
    slow = check(key, sex="female", ogrs=10, **{**base, "learning_difficulties": True})
    assert failed(slow) == {"learning difficulties"}
    assert "severe" in failing(slow, "learning difficulties").override


SMBI = dict(
    area="Nottingham", needs=["alcohol"], consents=True, alcohol_dependent=False, drug_dependent=False,
    serious_mental_health=False,
)


@pytest.mark.parametrize(
    ("audit", "result", "failures"),
    [
        (7, "ineligible", {"audit"}),
        (8, "eligible", set()),
        (19, "eligible", set()),
        (20, "ineligible", {"audit", "treatment requirement"}),
    ],
)
def test_it_holds_brief_alcohol_interventions_to_audit_8_to_19(audit, result, failures):
    match = check("substance-misuse-brief-intervention", audit=audit, **SMBI)
    assert match.result == result
    assert failed(match) == failures
    if audit == 7:
        assert failing(match, "audit").override  # "Guide AUDIT Score" (line 628)


def test_it_sends_dependent_drinkers_to_the_atr_not_the_brief_intervention():
    dependent = {**SMBI, "alcohol_dependent": True, "audit": 24}
    brief = check("substance-misuse-brief-intervention", **dependent)
    assert brief.result == "ineligible"
    assert {"treatment requirement", "dependency"} <= failed(brief)
    assert failing(brief, "treatment requirement").source.line == 638
    atr = check("alcohol-treatment", area="Nottingham", alcohol_dependent=True, consents=True)
    assert atr.result == "eligible"


@pytest.mark.parametrize(("audit", "atr", "brief"), [(19, "ineligible", "eligible"), (20, "eligible", "ineligible")])
def test_it_takes_an_audit_of_20_as_the_atr_threshold(audit, atr, brief):
    # Line 1189: dependency on alcohol, AUDIT 20+ as a guide.
    person = dict(area="Leicester", audit=audit, alcohol_dependent=False, consents=True)
    atr_match = check("alcohol-treatment", **person)
    assert atr_match.result == atr
    if atr == "ineligible":
        assert failed(atr_match) == {"alcohol dependency"}
    assert check("substance-misuse-brief-intervention", **{**SMBI, "audit": audit}).result == brief


def test_it_needs_the_practitioners_flag_or_an_audit_score_for_the_atr():
    # Without the flag an AUDIT of 19 does not prove the person is not dependent.
    assert check("alcohol-treatment", area="Leicester", audit=19, consents=True).result == "unknown"
    assert check("alcohol-treatment", area="Leicester", audit=20, consents=True).result == "eligible"
    assert failed(check("alcohol-treatment", area="Leicester", audit=30, consents=False)) == {"consent"}


def test_it_limits_the_brief_intervention_to_nps_cocaine_and_cannabis_users():
    # Line 629: drug users must use NPS, cocaine or cannabis; heroin and other drugs are out of scope.
    key = "substance-misuse-brief-intervention"
    drugs = {**SMBI, "needs": ["drugs"], "audit": 3}
    assert check(key, **drugs, drugs_used=["cocaine"]).result == "eligible"
    for other in ("heroin", "amphetamine", "other_class_a"):
        assert failed(check(key, **drugs, drugs_used=["cannabis", other])) == {"drugs covered"}
    assert unknown(check(key, **drugs)) == {"drugs covered"}
    # A drinker with no drug need is not asked which drugs they use.
    assert check(key, **{**SMBI, "audit": 10, "needs": ["alcohol"]}).result == "eligible"


def test_it_offers_the_brief_intervention_to_non_dependent_drug_users():
    drugs = {**SMBI, "needs": ["drugs"], "audit": 3, "drugs_used": ["cannabis", "nps"]}
    assert check("substance-misuse-brief-intervention", **drugs).result == "eligible"
    assert failed(check("substance-misuse-brief-intervention", **{**drugs, "drug_dependent": True})) == {
        "treatment requirement", "dependency",
    }
    # Line 624: the offending must come from substance misuse.
    sober = {**drugs, "needs": ["ete"], "index_offences": ["acquisitive"]}
    assert failed(check("substance-misuse-brief-intervention", **sober)) == {"substance-linked offending"}
    # An alcohol-related offence shows the link without a recorded need.
    assert check("substance-misuse-brief-intervention", **{**sober, "index_offences": ["alcohol_related"]}).result == (
        "eligible"
    )


def test_it_needs_a_man_with_oasys_anger_scores_for_anger_management():
    key = "anger-management"
    man = dict(sex="male", area="Derby", oasys={"11.3": 1, "11.4": 0}, index_offences=["violence"])
    assert check(key, **man).result == "eligible"
    assert check(key, **{**man, "oasys": {"11.3": 0, "11.4": 2}}).result == "eligible"
    calm = check(key, **{**man, "oasys": {"11.3": 0, "11.4": 0}})
    assert failed(calm) == {"oasys"}
    assert failing(calm, "oasys").source.line == 668
    woman = check(key, **{**man, "sex": "female"})
    assert failed(woman) == {"sex"}
    assert {r.source.line for r in woman.reasons if r.status == "failed"} == {666, 672}
    assert failed(check(key, **{**man, "index_offences": ["intimate_partner_violence"]})) == {"domestic violence"}


def test_it_offers_womens_services_to_women_at_medium_or_high_risk():
    key = "womens-services"
    woman = dict(sex="female", area="Leicester", ogrs=50, rosh="medium")
    assert check(key, **woman).result == "eligible"
    assert failed(check(key, **{**woman, "sex": "male"})) == {"sex"}
    low = check(key, **{**woman, "ogrs": 49})
    assert failed(low) == {"reoffending"}
    assert "Healthy Relationships" in failing(low, "reoffending").override
    # Line 735: an NPS (high risk of serious harm) case only has to be a woman.
    assert check(key, **{**woman, "ogrs": 20, "rosh": "high"}).result == "eligible"


def test_it_offers_the_employment_and_housing_courses_on_need():
    assert check("education-training-and-employment", area="Derby", needs=["ete"]).result == "eligible"
    assert failed(check("education-training-and-employment", area="Derby", needs=["family"])) == {"ete need"}
    home = "getting-a-home-keeping-a-home-including-tenancy-sustainment"
    assert check(home, area="Derby", needs=["finance"]).result == "eligible"
    assert failed(check(home, area="Derby", needs=["ete"])) == {"housing or debt problems"}
    assert check("housing-and-welfare-support", area="Derby", needs=["accommodation"]).result == "eligible"


@pytest.mark.parametrize(("age", "result"), YOUNG_ADULT_AGES)
def test_it_offers_pathway_to_independence_to_18_to_24_year_olds(age, result):
    match = check(
        "pathway-to-independence", age=age, area="Nottingham", sentence="community_order", requirements=["rar"]
    )
    assert match.result == result
    if result == "ineligible":
        assert failed(match) == {"age"}


def test_it_needs_a_rar_or_a_licence_for_pathway_to_independence():
    key = "pathway-to-independence"
    on_order = dict(age=20, area="Derby", setting="community", sentence="community_order")
    assert check(key, **on_order, requirements=["rar", "unpaid_work"]).result == "eligible"
    assert failed(check(key, **on_order, requirements=["unpaid_work"])) == {"sentence"}
    assert check(key, age=20, area="Derby", sentence="licence").result == "eligible"
    assert check(key, age=20, area="Derby", setting="pss").result == "eligible"
    # Line 875: aimed at young men, but young women are not excluded.
    assert check(key, age=20, sex="female", area="Derby", sentence="pss").result == "eligible"


def test_it_offers_female_focus_on_violence_to_women_in_derbyshire_only():
    key = "female-focus-on-violence"
    pattern = dict(repeated_offences=["violence"])
    assert check(key, sex="female", area="Derby", **pattern).result == "eligible"
    assert failed(check(key, sex="female", area="Nottingham", **pattern)) == {"area"}
    assert failed(check(key, sex="male", area="Derbyshire", **pattern)) == {"sex"}


def test_it_needs_a_pattern_of_violence_for_female_focus_on_violence_with_a_way_round():
    # Line 966: an emerging pattern of violent behaviour; harm to her way of life is the override.
    key = "female-focus-on-violence"
    assert check(key, sex="female", area="Derby", repeated_offences=["intimate_partner_violence"]).result == "eligible"
    none = check(key, sex="female", area="Derby", repeated_offences=["acquisitive"])
    assert failed(none) == {"violent behaviour"} and failing(none, "violent behaviour").override
    assert unknown(check(key, sex="female", area="Derby")) == {"violent behaviour"}


# --- court requirements ---------------------------------------------------------------------------


@pytest.mark.parametrize(("age", "result"), YOUNG_ADULT_AGES)
def test_it_keeps_the_senior_attendance_centre_for_18_to_24_year_olds(age, result):
    match = check(
        "senior-attendance-centre", age=age, area="Leicester", index_offences=["other"], previous_offences=[],
        requirements=["attendance_centre"],
    )
    assert match.result == result
    if result == "ineligible":
        assert failed(match) == {"age"}


def test_it_keeps_sexual_and_violent_offenders_off_the_senior_attendance_centre():
    key = "senior-attendance-centre"
    young = dict(age=20, area="Leicester", index_offences=["other"], previous_offences=[])
    assert failed(check(key, **{**young, "previous_offences": ["sexual"]})) == {"sexual offences"}
    violent = check(key, **{**young, "index_offences": ["violence"]})
    assert failed(violent) == {"violent offence"}
    assert "common assault" in failing(violent, "violent offence").override
    with_rar = check(key, **young, requirements=["rar"])
    assert failed(with_rar) == {"with a rar"}
    assert failing(with_rar, "with a rar").override


def test_it_needs_dependency_and_consent_for_the_drug_rehabilitation_requirement():
    key = "drug-rehabilitation"
    assert check(key, area="Derby", drug_dependent=True, consents=True).result == "eligible"
    clean = check(key, area="Derby", drug_dependent=False, consents=True)
    assert failed(clean) == {"drug dependency"}
    assert "tendency" in failing(clean, "drug dependency").override
    assert failed(check(key, area="Derby", drug_dependent=True, consents=False)) == {"consent"}


def test_it_needs_a_condition_and_consent_for_the_mental_health_treatment_requirement():
    key = "mental-health-treatment"
    assert check(key, area="Rutland", needs=["mental_health"], consents=True).result == "eligible"
    assert check(key, area="Rutland", serious_mental_health=True, consents=True).result == "eligible"
    well = check(key, area="Rutland", needs=["ete"], serious_mental_health=False, consents=True)
    assert failed(well) == {"mental health"}
    assert failed(check(key, area="Rutland", needs=["mental_health"], consents=False)) == {"consent"}


# --- area -------------------------------------------------------------------------------------------


def test_it_offers_the_county_wide_services_across_dlnr_and_nowhere_else():
    for area in ("Derby", "Leicester", "Nottingham", "Oakham", "Rutland"):
        assert check("engagement-toolkit", area=area).result == "eligible", area
    assert failed(check("engagement-toolkit", area="Essex")) == {"area"}
