"""The Essex CRC guide's eligibility criteria, encoded as rules in data/catalogue/esx.yaml.

Every case here is read from the guide (brochure 002); the line numbers in comments are the
brochure lines the criteria are printed on.
"""

from __future__ import annotations

import datetime as dt

import pytest

from ratecard.eligibility.engine import Match
from tests.eligibility.rules_support import (
    copied_runs,
    decide_for,
    failed,
    misplaced_citations,
    rule_counts,
    service_keys,
    uncited_extra_lines,
    uncovered_criteria,
    unknown,
)
from tests.paths import ESSEX

# Criteria printed in prose the parser does not capture as criteria_text, per service key.
EXTRA_CRITERION_LINES = {
    # "designed to assist service users' engagement with substance misuse services"
    "substance-misuse-mentoring": {167},
}

WOMEN_ONLY = ("women-only-mentoring", "womens-programme", "womens-hub")
MEN_ONLY = ("building-better-relationships", "resolve")

TODAY = dt.date(2020, 6, 1)


def check(key: str, **fields: object) -> Match:
    """The decision on Essex service `key` for a profile with `fields`."""
    return decide_for(ESSEX, f"esx-{key}", as_of=TODAY, **fields)


# A man sentenced to a 24-month community order with an accredited programme requirement,
# who meets every accredited programme's order criteria; cases below change one thing at a time.
ORDER = dict(
    area="Chelmsford", setting="community", sentence="community_order", sentence_months=24,
    requirements=["accredited_programme", "rar"],
)


# --- the rules themselves ----------------------------------------------------------------------


def test_it_cites_every_criteria_line_of_every_essex_service():
    assert uncovered_criteria(ESSEX) == {}


def test_it_cites_only_criterion_lines_inside_the_service():
    assert misplaced_citations(ESSEX, EXTRA_CRITERION_LINES) == []


def test_it_gives_the_extra_criterion_lines_a_rule():
    assert uncited_extra_lines(ESSEX, EXTRA_CRITERION_LINES) == {}


def test_it_writes_messages_in_its_own_words():
    # No run of eight words copied from the printed line.
    assert copied_runs(ESSEX, words=8) == []


def test_it_encodes_the_expected_rules_per_service():
    counts = rule_counts(ESSEX)
    assert counts == {
        "rehabilitation-activity-requirement-rar": (1, 1),  # its introduction prints no criteria
        "step-up-to-good-tenancy-course": (0, 0),
        "accommodation-one-to-one-provision": (2, 2),
        "step-up-to-work-course": (0, 0),
        "education-training-and-employment-ete-one-to-one-provision": (2, 2),
        "step-up-to-money-management": (1, 1),
        "supporting-money-management-one-to-one-provision": (0, 0),
        "substance-misuse-mentoring": (0, 1),
        "family-course": (0, 0),
        "women-only-mentoring": (1, 1),
        "womens-programme": (1, 1),
        "attitude-thinking-and-behaviour-programme": (0, 0),
        "motivational-module": (0, 1),
        "family-and-parenting-support": (0, 0),
        "womens-hub": (1, 1),
        "victim-awareness": (0, 0),
        "alcohol-brief-interventions": (1, 2),
        "building-skills-for-recovery-programme": (4, 5),
        "drink-impaired-drivers-programme": (5, 5),
        "building-better-relationships": (7, 7),
        "thinking-skills-programme": (3, 3),
        "resolve": (4, 4),
        "community-payback-unpaid-work": (3, 4),
        "alcohol-treatment-requirement-atr": (3, 4),
        "drug-rehabilitation-requirement-drr": (2, 4),
        "mental-health-treatment-requirement": (1, 2),
        "generic-mentoring-and-meet-at-the-gate": (0, 0),
        "resettlement-module": (1, 1),
    }


# --- nobody is ruled out on nothing -------------------------------------------------------------


@pytest.mark.parametrize("service_id", sorted(service_keys(ESSEX)))
def test_it_never_rules_out_an_empty_profile(service_id):
    match = decide_for(ESSEX, f"esx-{service_id}")
    assert match.result != "ineligible"
    assert not failed(match)


# --- sex ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", WOMEN_ONLY)
def test_it_offers_the_women_only_services_to_women_alone(key):
    assert check(key, sex="female", area="Essex").result == "eligible"
    man = check(key, sex="male", area="Essex")
    assert man.result == "ineligible"
    assert failed(man) == {"sex"}


@pytest.mark.parametrize("key", MEN_ONLY)
def test_it_rules_women_out_of_the_men_only_programmes(key):
    woman = check(key, sex="female", **ORDER)
    assert woman.result == "ineligible"
    assert "sex" in failed(woman)


def test_it_offers_building_skills_for_recovery_to_both_sexes():
    # Line 354: "suitable for male and female offenders".
    for sex in ("male", "female"):
        match = check("building-skills-for-recovery-programme", sex=sex, ogrs=60, drug_dependent=True, **ORDER)
        assert match.result == "eligible", match.reasons


# --- alcohol: brief interventions against the treatment requirement ----------------------------

ATR_CASE = dict(area="Basildon", index_offences=["violence", "alcohol_related"], consents=True)


def test_it_sends_dependent_drinkers_to_the_atr_not_brief_interventions():
    brief = check("alcohol-brief-interventions", alcohol_dependent=True, **ATR_CASE)
    assert brief.result == "ineligible"
    (reason,) = [r for r in brief.reasons if r.status == "failed"]
    assert reason.criterion == "alcohol dependency"
    assert reason.source.line == 328
    assert reason.override and "specialist" in reason.override
    assert check("alcohol-treatment-requirement-atr", alcohol_dependent=True, **ATR_CASE).result == "eligible"


def test_it_takes_an_audit_of_20_as_dependency():
    # Line 490: physical dependency is an AUDIT score of 20+.
    assert check("alcohol-brief-interventions", audit=19, alcohol_dependent=False, **ATR_CASE).result == "eligible"
    # The flag and the score are two ways of recording dependency: a score under 20 alone does
    # not prove that the person is not dependent.
    assert check("alcohol-brief-interventions", audit=19, **ATR_CASE).result == "unknown"
    assert check("alcohol-brief-interventions", audit=20, **ATR_CASE).result == "ineligible"
    assert check("alcohol-treatment-requirement-atr", audit=20, **ATR_CASE).result == "eligible"
    atr = check("alcohol-treatment-requirement-atr", audit=19, alcohol_dependent=False, **ATR_CASE)
    assert atr.result == "ineligible"
    assert failed(atr) == {"alcohol dependency"}


def test_it_lets_a_known_non_dependent_drinker_onto_brief_interventions_once_audit_is_known():
    match = check("alcohol-brief-interventions", alcohol_dependent=False, area="Essex")
    assert match.result == "unknown"
    (reason,) = [r for r in match.reasons if r.status == "unknown"]
    assert reason.missing == ("audit",)
    assert check("alcohol-brief-interventions", alcohol_dependent=False, audit=12, area="Essex").result == "eligible"


def test_it_reads_the_brief_interventions_targeting_as_a_note_only():
    # Line 328: "targeted at" problematic drinkers; an AUDIT of 3 does not rule anyone out.
    match = check("alcohol-brief-interventions", audit=3, alcohol_dependent=False, area="Essex")
    assert match.result == "eligible"
    assert [r.criterion for r in match.reasons if r.status == "note"] == ["alcohol misuse"]


def test_it_needs_an_alcohol_linked_offence_and_consent_for_the_atr():
    # Line 475: alcohol misuse a key factor in the crime; line 491: consent to treatment.
    key = "alcohol-treatment-requirement-atr"
    sober = check(key, alcohol_dependent=True, consents=True, index_offences=["acquisitive"], area="Essex")
    assert failed(sober) == {"alcohol-linked offence"}
    drove = check(key, alcohol_dependent=True, consents=True, index_offences=["drink_driving"], area="Essex")
    assert drove.result == "eligible"
    refuses = check(key, alcohol_dependent=True, consents=False, index_offences=["alcohol_related"], area="Essex")
    assert failed(refuses) == {"consent"}


# --- accredited programmes: scores, ages, offences and order lengths ---------------------------


def test_it_needs_ogrs_50_for_building_skills_for_recovery():
    key = "building-skills-for-recovery-programme"
    assert check(key, ogrs=50, drug_dependent=True, **ORDER).result == "eligible"
    low = check(key, ogrs=49, drug_dependent=True, **ORDER)
    assert failed(low) == {"reoffending"}
    assert check(key, risk_level="high", alcohol_dependent=True, **ORDER).result == "eligible"


def test_it_needs_a_dependency_for_building_skills_for_recovery():
    key = "building-skills-for-recovery-programme"
    assert check(key, ogrs=80, audit=20, **ORDER).result == "eligible"
    none = check(key, ogrs=80, drug_dependent=False, alcohol_dependent=False, audit=12, **ORDER)
    assert failed(none) == {"dependency"}
    # Without the AUDIT score an AUDIT of 20+ could still show alcohol dependency.
    maybe = check(key, ogrs=80, drug_dependent=False, alcohol_dependent=False, **ORDER)
    assert maybe.result == "unknown"
    assert [list(r.missing) for r in maybe.reasons if r.status == "unknown"] == [["audit"]]


@pytest.mark.parametrize(
    ("key", "months", "extra"),
    [
        ("building-skills-for-recovery-programme", 18, dict(ogrs=60, drug_dependent=True)),
        ("drink-impaired-drivers-programme", 12, dict(age=30, index_offences=["drink_driving"])),
        (
            "building-better-relationships", 24,
            dict(sex="male", age=35, index_offences=["intimate_partner_violence"], sara="medium", consents=True),
        ),
        ("thinking-skills-programme", 18, dict(index_offences=["acquisitive"])),
        ("resolve", 18, dict(sex="male", index_offences=["violence"])),
    ],
)
def test_it_needs_an_order_long_enough_with_a_programme_requirement(key, months, extra):
    order = {**ORDER, **extra}
    assert check(key, **{**order, "sentence_months": months}).result == "eligible"
    short = check(key, **{**order, "sentence_months": months - 1})
    assert short.result == "ineligible"
    assert failed(short) == {"order length"}
    no_apr = check(key, **{**order, "requirements": ["rar", "unpaid_work"]})
    assert failed(no_apr) == {"programme requirement"}
    # Line 45: the accredited programmes are also offered on licence and post-sentence supervision.
    licence = {**order, "setting": "licence", "sentence": "licence", "sentence_months": 6, "requirements": []}
    assert check(key, **licence).result == "eligible"


def test_it_needs_adults_with_a_drink_driving_offence_for_the_drink_impaired_drivers_programme():
    key = "drink-impaired-drivers-programme"
    assert check(key, age=18, index_offences=["drink_driving"], **ORDER).result == "eligible"
    assert failed(check(key, age=17, index_offences=["drink_driving"], **ORDER)) == {"age"}
    # A motoring offence without drink is a driving offence but not the right one (line 361).
    assert failed(check(key, age=40, index_offences=["motoring"], **ORDER)) == {"drink-driving offence"}
    assert failed(check(key, age=40, index_offences=["violence"], **ORDER)) == {
        "drink-driving offence", "driving offence",
    }


def test_it_needs_a_male_adult_domestic_abuser_at_risk_with_consent_for_bbr():
    key = "building-better-relationships"
    man = dict(sex="male", age=30, index_offences=["intimate_partner_violence"], sara="high", consents=True, **ORDER)
    assert check(key, **man).result == "eligible"
    assert failed(check(key, **{**man, "age": 17})) == {"age"}
    assert check(key, **{**man, "age": 18}).result == "eligible"
    assert failed(check(key, **{**man, "sara": "low"})) == {"sara"}
    assert check(key, **{**man, "sara": "medium"}).result == "eligible"
    assert failed(check(key, **{**man, "consents": False})) == {"consent"}
    assert failed(check(key, **{**man, "index_offences": ["violence"]})) == {"offence"}


def test_it_keeps_domestic_abuse_off_the_thinking_skills_programme():
    # Line 413: general offending and non-domestic violence.
    key = "thinking-skills-programme"
    assert check(key, index_offences=["violence"], **ORDER).result == "eligible"
    abuser = check(key, index_offences=["intimate_partner_violence"], **ORDER)
    assert failed(abuser) == {"offence"}
    assert check("building-better-relationships", sex="male", age=30, sara="medium", consents=True,
                 index_offences=["intimate_partner_violence"], **ORDER).result == "eligible"


def test_it_needs_a_violent_offence_for_resolve():
    key = "resolve"
    assert check(key, sex="male", index_offences=["violence"], **ORDER).result == "eligible"
    assert failed(check(key, sex="male", index_offences=["acquisitive"], **ORDER)) == {"offence"}


# --- other requirements -----------------------------------------------------------------------


def test_it_warns_off_community_payback_for_high_risk_and_sexual_convictions():
    key = "community-payback-unpaid-work"
    base = dict(area="Harlow", index_offences=["acquisitive"], previous_offences=["violence"], requirements=["unpaid_work"])
    ok = check(key, rosh="medium", **base)
    assert ok.result == "eligible"
    assert [r.criterion for r in ok.reasons] == ["benefits"]  # the ESA note, which never decides
    for rosh in ("high", "very_high"):
        risky = check(key, rosh=rosh, **base)
        assert failed(risky) == {"rosh"}
        assert all(r.override for r in risky.reasons if r.status == "failed")
    # "convictions for sexual offences": previous ones count too.
    past = check(key, rosh="low", index_offences=["acquisitive"], previous_offences=["sexual"], area="Harlow",
                 requirements=["unpaid_work"])
    assert failed(past) == {"sexual convictions"}
    # Only the index offences known: a sexual conviction may still be on record.
    partial = check(key, rosh="low", index_offences=["acquisitive"], area="Harlow", requirements=["unpaid_work"])
    assert partial.result == "unknown"
    assert unknown(partial) == {"sexual convictions"}


def test_it_needs_drug_misuse_and_consent_for_the_drr():
    # Line 507: dependency, or a propensity to misuse Class A drugs; line 520: consent.
    key = "drug-rehabilitation-requirement-drr"
    assert check(key, drug_dependent=True, consents=True, area="Essex").result == "eligible"
    assert check(key, drug_dependent=False, class_a_use=True, consents=True, area="Essex").result == "eligible"
    clean = check(key, drug_dependent=False, class_a_use=False, consents=True, area="Essex")
    assert failed(clean) == {"drug misuse"}
    assert failed(check(key, drug_dependent=True, consents=False, area="Essex")) == {"consent"}


def test_it_needs_willingness_for_the_mental_health_treatment_requirement():
    key = "mental-health-treatment-requirement"
    assert check(key, consents=True, area="Essex").result == "eligible"
    assert failed(check(key, consents=False, area="Essex")) == {"consent"}


# --- needs, setting and release ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "need"),
    [("accommodation-one-to-one-provision", "accommodation"),
     ("education-training-and-employment-ete-one-to-one-provision", "ete")],
)
def test_it_offers_the_one_to_one_provision_after_custody_or_on_a_community_sentence(key, need):
    # Lines 75 and 110: "following custody or who are on a community sentence".
    for setting in ("community", "licence", "pss"):
        assert check(key, setting=setting, needs=[need], area="Essex").result == "eligible"
    assert failed(check(key, setting="custody", needs=[need], area="Essex")) == {"setting"}
    assert failed(check(key, setting="community", needs=["family"], area="Essex")) == {f"{need} need"}


def test_it_needs_money_problems_for_the_money_management_course():
    key = "step-up-to-money-management"
    assert check(key, needs=["finance"], area="Essex").result == "eligible"
    assert failed(check(key, needs=["accommodation"], area="Essex")) == {"finance need"}


def test_it_offers_the_resettlement_module_within_four_weeks_of_release():
    key = "resettlement-module"
    at = check(key, setting="custody", release_date=TODAY + dt.timedelta(days=28), area="Essex")
    assert at.result == "eligible"
    early = check(key, setting="custody", release_date=TODAY + dt.timedelta(days=29), area="Essex")
    assert failed(early) == {"release date"}
    assert unknown(check(key, setting="custody", area="Essex")) == {"release date"}


def test_it_leaves_the_notes_out_of_the_decision():
    motivated = check("motivational-module", needs=["ete"], area="Essex")
    assert motivated.result == "eligible"
    assert [(r.status, r.source.line) for r in motivated.reasons] == [("note", 254)]


# --- area ------------------------------------------------------------------------------------


def test_it_offers_substance_misuse_mentoring_in_southend_and_thurrock_only():
    key = "substance-misuse-mentoring"
    assert check(key, area="Southend").result == "eligible"
    assert check(key, area="Thurrock").result == "eligible"
    colchester = check(key, area="Colchester")
    assert colchester.result == "ineligible"
    assert failed(colchester) == {"area"}
    essex = check(key, area="Essex")
    assert essex.result == "unknown"
    assert unknown(essex) == {"area"}


def test_it_offers_the_rest_of_the_guide_across_essex():
    assert check("family-course", area="Colchester").result == "eligible"
    assert failed(check("family-course", area="Norwich")) == {"area"}
