"""The Cumbria and Lancashire CRC rate card's eligibility criteria, encoded as rules in data/catalogue/cln.yaml.

Every case here is read from the rate card (brochure 001); the line numbers in comments are the
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
    notes,
    parsed,
    rule_counts,
    service_keys,
    uncited_extra_lines,
    uncovered_criteria,
    unknown,
)
from tests.paths import CLN

# Criteria printed in prose the parser does not capture as criteria_text, per service key.
EXTRA_CRITERION_LINES = {
    # "At least 15 weeks before release, the offenders OM must notify the CRC"
    "non-resettlement-prisons-through-the-gate-service": {101},
    # "a 'punishment' requirement available to the Court"
    "community-payback": {132},
    # "delivered in the community ... can start pre-release during the final 12 weeks in custody"
    "womens-service": {433},
    # "WOMEN'S COMMUNITY SUPPORT (MENTORING)" (the heading names who it is for)
    "womens-community-support-mentoring": {492},
    # "delivered in the community ... can start pre-release during the final 12 weeks in custody"
    "family-and-parenting": {533},
    # "where the perpetrator is receiving support to address their behaviour"
    "partner-link-worker": {875},
}

ALL_KEYS = service_keys(CLN)
WOMEN_ONLY = ("womens-service", "womens-service-vision-project", "womens-community-support-mentoring")
MEN_ONLY = ("building-better-relationships", "resolve", "domestic-abuse-safer-relationships")

TODAY = dt.date(2020, 6, 1)


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def check(key: str, **fields: object) -> Match:
    """The decision on Cumbria and Lancashire service `key` for a profile with `fields`."""
    return decide_for(CLN, f"cln-{key}", as_of=TODAY, **fields)


# --- the rules themselves ----------------------------------------------------------------------


def test_it_cites_every_criteria_line_of_every_cln_service():
    assert uncovered_criteria(CLN) == {}


def test_it_cites_only_criterion_lines_inside_the_service():
    assert misplaced_citations(CLN, EXTRA_CRITERION_LINES) == []


def test_it_gives_the_extra_criterion_lines_a_rule():
    assert uncited_extra_lines(CLN, EXTRA_CRITERION_LINES) == {}


def test_it_writes_messages_in_its_own_words():
    # No run of eight words copied from the printed line.
    assert copied_runs(CLN, words=8) == []


def test_it_encodes_the_expected_rules_per_service():
    counts = rule_counts(CLN)
    assert counts == {
        "non-resettlement-prisons-through-the-gate-service": (1, 3),
        "community-payback": (1, 1),
        "thinking-skills-programme": (4, 5),
        "building-better-relationships": (4, 4),
        "resolve": (4, 4),
        "drink-impaired-drivers": (2, 3),
        "community-integration-initial-assessment-and-planning": (0, 0),
        "accommodation": (2, 2),
        "the-offender-outreach-and-resettlement-service": (3, 3),
        "employment-training-and-education-support": (2, 2),
        "finance-benefit-and-debt": (1, 1),
        "womens-service": (2, 2),
        "womens-service-vision-project": (1, 1),
        "womens-community-support-mentoring": (1, 1),
        "family-and-parenting": (1, 2),
        "conflict-resolution": (0, 0),
        "domestic-abuse-safer-relationships": (5, 6),
        "emotional-resilience": (0, 0),
        "rethink": (1, 1),
        "rights-and-responsibilities-hate-crime": (3, 3),
        "values-attitudes-and-behaviour-hate-crime": (0, 1),
        "stress-resilience": (0, 0),
        "victim-awareness-think-victim": (0, 0),
        "attendance-centre": (3, 3),
        "restorative-justice": (1, 1),
        "community-support-mentoring": (0, 0),
        "partner-link-worker": (1, 2),
        "paired-mentoring": (1, 1),
    }


def test_it_leaves_the_community_integration_prerequisite_to_the_catalogue():
    # Lines 276, 362 and 413: the assessment comes first, but that is a referral prerequisite.
    for s in parsed(CLN).services:
        assert not any(r.line in (244, 276, 362, 413) for r in s.rules), s.key
    accommodation = next(s for s in parsed(CLN).services if s.key == "accommodation")
    assert [p.service_key for p in accommodation.prerequisites] == [
        "community-integration-initial-assessment-and-planning"
    ]


# --- nobody is ruled out on nothing -------------------------------------------------------------


@pytest.mark.parametrize("key", ALL_KEYS)
def test_it_never_rules_out_an_empty_profile(key):
    match = decide_for(CLN, f"cln-{key}")
    assert match.result != "ineligible"
    assert not failed(match)


@pytest.mark.parametrize(
    "key",
    ("community-integration-initial-assessment-and-planning", "conflict-resolution", "emotional-resilience",
     "stress-resilience", "victim-awareness-think-victim", "community-support-mentoring"),
)
def test_it_offers_the_services_without_printed_criteria_to_anyone_in_the_area(key):
    for sex in ("male", "female"):
        assert check(key, sex=sex, area="Carlisle").result == "eligible"
    assert failed(check(key, area="Norwich")) == {"area"}


# --- sex ---------------------------------------------------------------------------------------

WOMAN = dict(sex="female", area="Preston", setting="community")


@pytest.mark.parametrize("key", WOMEN_ONLY)
def test_it_offers_the_womens_services_to_women_alone(key):
    # Lines 429, 469 and 492.
    assert check(key, **WOMAN).result == "eligible"
    man = check(key, **{**WOMAN, "sex": "male"})
    assert man.result == "ineligible"
    assert failed(man) == {"sex"}


@pytest.mark.parametrize("key", MEN_ONLY)
def test_it_rules_women_out_of_the_programmes_for_men(key):
    # Lines 174 and 196 ("males", "male offenders") and 596 ("male perpetrators").
    woman = check(key, sex="female", area="Preston")
    assert woman.result == "ineligible"
    assert "sex" in failed(woman)


@pytest.mark.parametrize(
    ("key", "case"),
    [
        ("thinking-skills-programme", dict(ogrs=60, index_offences=["acquisitive"], serious_mental_health=False,
                                           drug_dependent=False, alcohol_dependent=False, audit=4)),
        ("drink-impaired-drivers", dict(age=40, index_offences=["drink_driving"])),
        ("rights-and-responsibilities-hate-crime", dict(age=30, index_offences=["hate_crime"], previous_offences=[])),
        ("attendance-centre", dict(age=20, index_offences=["acquisitive"], previous_offences=[], seriousness="low")),
        ("paired-mentoring", dict(index_offences=["sexual"])),
    ],
)
def test_it_offers_the_courses_printed_for_both_sexes_to_men_and_women(key, case):
    # Lines 153, 218, 677, 780 and 910 say "male and female" or "men and women".
    for sex in ("male", "female"):
        match = check(key, sex=sex, area="Lancaster", **case)
        assert match.result == "eligible", match.reasons


# --- accredited programmes ---------------------------------------------------------------------

TSP = dict(
    area="Carlisle", ogrs=60, index_offences=["violence"], serious_mental_health=False,
    drug_dependent=False, alcohol_dependent=False, audit=4,
)


def test_it_needs_ogrs_50_for_thinking_skills():
    # Line 153: "medium or high risk of offending"; medium starts at OGRS 50.
    key = "thinking-skills-programme"
    assert check(key, **{**TSP, "ogrs": 50}).result == "eligible"
    assert check(key, **{**TSP, "ogrs": 100}).result == "eligible"
    low = check(key, **{**TSP, "ogrs": 49})
    assert failed(low) == {"reoffending"}
    assert check(key, **{**TSP, "ogrs": None, "risk_level": "high"}).result == "eligible"


def test_it_keeps_sexual_offences_serious_mental_illness_and_dependency_off_thinking_skills():
    key = "thinking-skills-programme"
    assert check(key, **TSP).result == "eligible"
    assert failed(check(key, **{**TSP, "index_offences": ["sexual"]})) == {"offence"}
    assert failed(check(key, **{**TSP, "serious_mental_health": True})) == {"mental health"}
    drugs = check(key, **{**TSP, "drug_dependent": True})
    assert failed(drugs) == {"dependency"}
    (reason,) = [r for r in drugs.reasons if r.status == "failed"]
    assert reason.source.line == 153 and reason.override and "learning" in reason.override
    assert failed(check(key, **{**TSP, "alcohol_dependent": True})) == {"dependency"}
    # An AUDIT of 20 or more is alcohol dependency; 19 is harmful drinking but not dependency.
    assert failed(check(key, **{**TSP, "audit": 20})) == {"dependency"}
    assert check(key, **{**TSP, "audit": 19}).result == "eligible"
    # "Other obstacles" to learning are a note the practitioner reads, never the deciding rule.
    struggling = check(key, **{**TSP, "learning_difficulties": True})
    assert struggling.result == "eligible"
    assert notes(struggling) == {"other obstacles to learning"}


BBR = dict(sex="male", area="Blackburn", ogrs=60, index_offences=["intimate_partner_violence"])


def test_it_needs_medium_or_high_risk_for_bbr():
    # Line 174: "medium and high risk males"; the rate card names no measure, so either the
    # reoffending band or a SARA of medium or above will do.
    key = "building-better-relationships"
    assert check(key, **BBR).result == "eligible"
    assert check(key, **{**BBR, "ogrs": 50}).result == "eligible"
    # Low reoffending risk alone does not settle it: a SARA of medium or above would still do.
    low = check(key, **{**BBR, "ogrs": 49})
    assert low.result == "unknown"
    assert [list(r.missing) for r in low.reasons if r.status == "unknown"] == [["sara"]]
    assert check(key, **{**BBR, "ogrs": 49, "sara": "medium"}).result == "eligible"
    assert failed(check(key, **{**BBR, "ogrs": 49, "sara": "low"})) == {"risk"}
    assert check(key, **{**BBR, "ogrs": None, "sara": "high"}).result == "eligible"


def test_it_takes_earlier_domestic_abuse_for_bbr_when_the_index_offence_is_not():
    # Line 174: a non-domestic index offence is fine with earlier domestic abuse offending.
    key = "building-better-relationships"
    earlier = {**BBR, "index_offences": ["violence"], "previous_offences": ["intimate_partner_violence"]}
    # ... so long as it is a pattern or within the past two years.
    assert check(key, **earlier, recent_offences=["intimate_partner_violence"]).result == "eligible"
    assert check(key, **earlier, repeated_offences=["intimate_partner_violence"]).result == "eligible"
    old = check(key, **earlier, recent_offences=["violence"], repeated_offences=[])
    assert failed(old) == {"recent or repeated abuse"}
    assert unknown(check(key, **earlier)) == {"recent or repeated abuse"}
    none = check(key, **{**BBR, "index_offences": ["violence"], "previous_offences": ["acquisitive"]}, recent_offences=[])
    assert failed(none) == {"domestic abuse offending"}
    # Previous offences not recorded: they may still show domestic abuse.
    partial = check(key, **{**BBR, "index_offences": ["violence"]}, repeated_offences=["intimate_partner_violence"])
    assert partial.result == "unknown"
    assert unknown(partial) == {"domestic abuse offending"}


RESOLVE = dict(sex="male", area="Burnley", ogrs=60, index_offences=["violence"])


def test_it_needs_medium_or_high_risk_and_violence_for_resolve():
    # Line 196.
    key = "resolve"
    assert check(key, **RESOLVE).result == "eligible"
    assert check(key, **{**RESOLVE, "ogrs": 50}).result == "eligible"
    assert failed(check(key, **{**RESOLVE, "ogrs": 49})) == {"reoffending"}
    earlier = {**RESOLVE, "index_offences": ["acquisitive"], "previous_offences": ["violence"]}
    # An earlier violent offence counts only within the past two years.
    assert check(key, **earlier, recent_offences=["violence"]).result == "eligible"
    assert failed(check(key, **earlier, recent_offences=["acquisitive"])) == {"recent violence"}
    assert unknown(check(key, **earlier)) == {"recent violence"}
    none = check(key, **{**RESOLVE, "index_offences": ["acquisitive"], "previous_offences": ["drugs"]}, recent_offences=[])
    assert failed(none) == {"violent offence", "recent violence"}


DID = dict(area="Blackpool", age=35, index_offences=["drink_driving"])


def test_it_runs_drink_impaired_drivers_in_lancashire_only():
    # Line 216: "AVAILABLE IN LANCASHIRE ONLY" is the catalogue's area, not a rule.
    key = "drink-impaired-drivers"
    blackpool = check(key, **DID)
    assert blackpool.result == "eligible"
    assert notes(blackpool) == {"Lancashire only"}
    carlisle = check(key, **{**DID, "area": "Carlisle"})
    assert carlisle.result == "ineligible"
    assert failed(carlisle) == {"area"}
    assert check(key, **{**DID, "area": "Lancashire"}).result == "eligible"
    assert failed(check(key, **{**DID, "area": "Cumbria"})) == {"area"}


def test_it_needs_an_adult_with_a_drink_driving_offence_for_drink_impaired_drivers():
    # Line 218: men and women aged 18 or over with a related offence.
    key = "drink-impaired-drivers"
    assert check(key, **{**DID, "age": 18}).result == "eligible"
    assert failed(check(key, **{**DID, "age": 17})) == {"age"}
    assert check(key, **{**DID, "age": None, "date_of_birth": dt.date(2002, 6, 1)}).result == "eligible"
    assert failed(check(key, **{**DID, "age": None, "date_of_birth": dt.date(2002, 6, 2)})) == {"age"}
    earlier = check(key, **{**DID, "index_offences": ["motoring"], "previous_offences": ["drink_driving"]})
    assert earlier.result == "eligible"
    sober = check(key, **{**DID, "index_offences": ["motoring"], "previous_offences": []})
    assert failed(sober) == {"drink-driving offence"}
    (reason,) = [r for r in sober.reasons if r.status == "failed"]
    assert reason.override and "aggravating" in reason.override


# --- resettlement: needs, settings and release dates -------------------------------------------


@pytest.mark.parametrize(
    ("key", "need"),
    [("accommodation", "accommodation"), ("employment-training-and-education-support", "ete")],
)
def test_it_needs_the_matching_need_for_housing_and_work_support(key, need):
    # Lines 270 and 356: "who have an accommodation need", "any ETE related need".
    assert check(key, needs=[need], setting="licence", area="Kendal").result == "eligible"
    other = check(key, needs=["family"], setting="community", area="Kendal")
    assert failed(other) == {f"{need} need"}


def test_it_offers_finance_benefit_and_debt_to_everyone():
    # Line 396: "Available for all service users".
    assert check("finance-benefit-and-debt", needs=["family"], setting="community", area="Kendal").result == "eligible"


@pytest.mark.parametrize(
    ("key", "case"),
    [
        ("accommodation", dict(needs=["accommodation"])),
        ("employment-training-and-education-support", dict(needs=["ete"])),
        ("finance-benefit-and-debt", dict()),
        ("womens-service", dict(sex="female")),
    ],
)
def test_it_lets_people_in_custody_start_in_their_last_12_weeks(key, case):
    # Lines 270, 356, 396 and 433: delivered in the community, or pre-release in the final 12 weeks.
    case = {**case, "area": "Preston"}
    for setting in ("community", "licence", "pss"):
        assert check(key, setting=setting, **case).result == "eligible"
    assert check(key, setting="custody", release_date=days(84), **case).result == "eligible"
    early = check(key, setting="custody", release_date=days(85), **case)
    assert failed(early) == {"setting"}
    assert unknown(check(key, setting="custody", **case)) == {"setting"}


def test_it_offers_family_and_parenting_in_the_last_12_weeks_at_two_prisons():
    # Line 533: pre-release in the final 12 weeks; line 535: HMP Preston and HMP Lancaster Farms only.
    key = "family-and-parenting"
    inside = check(key, setting="custody", release_date=days(84), area="Preston")
    assert inside.result == "eligible"
    assert notes(inside) == {"prisons"}
    early = check(key, setting="custody", release_date=days(85), area="Preston")
    assert failed(early) == {"release timing"}
    assert check(key, setting="licence", area="Lancaster").result == "eligible"


def test_it_needs_15_weeks_notice_for_non_resettlement_prison_through_the_gate():
    # Line 101: the offender manager refers at least 15 weeks before release.
    key = "non-resettlement-prisons-through-the-gate-service"
    assert check(key, setting="custody", release_date=days(105), area="Lancashire").result == "eligible"
    late = check(key, setting="custody", release_date=days(104), area="Lancashire")
    assert failed(late) == {"release timing"}
    # Line 116/118: support carries on after release.
    released = check(key, setting="licence", area="Preston")
    assert released.result == "eligible"
    assert notes(released) == {"non-resettlement prison", "out-of-area prison"}
    # Through-the-gate help is not for someone on a community sentence (derived from the setting).
    assert failed(check(key, setting="community", area="Preston")) == {"setting"}


DOORS = dict(area="Blackpool", rosh="high", needs=["accommodation"], setting="licence")


def test_it_offers_the_outreach_and_resettlement_service_in_lancashire_to_high_risk_people():
    # Line 310: Lancashire only; high or very high risk of serious harm; complex accommodation needs.
    key = "the-offender-outreach-and-resettlement-service"
    assert check(key, **DOORS).result == "eligible"
    assert check(key, **{**DOORS, "rosh": "very_high"}).result == "eligible"
    assert failed(check(key, **{**DOORS, "rosh": "medium"})) == {"rosh"}
    assert failed(check(key, **{**DOORS, "area": "Carlisle"})) == {"area"}
    assert failed(check(key, **{**DOORS, "needs": ["ete"]})) == {"accommodation need"}
    assert failed(check(key, **{**DOORS, "setting": "custody"})) == {"setting"}


# --- requirements and attitudes, thinking and behaviour -----------------------------------------


def test_it_needs_an_unpaid_work_requirement_for_community_payback():
    # Line 132: a requirement the court makes, transferred rather than bought.
    key = "community-payback"
    assert check(key, requirements=["unpaid_work", "rar"], area="Barrow").result == "eligible"
    assert failed(check(key, requirements=["rar"], area="Barrow")) == {"unpaid work requirement"}


SAFER = dict(
    sex="male", age=30, rosh="medium", index_offences=["intimate_partner_violence"], consents=True, area="Lancaster",
)


def test_it_needs_a_willing_adult_man_at_low_or_medium_risk_for_safer_relationships():
    # Line 596.
    key = "domestic-abuse-safer-relationships"
    assert check(key, **SAFER).result == "eligible"
    assert check(key, **{**SAFER, "age": 18}).result == "eligible"
    assert failed(check(key, **{**SAFER, "age": 17})) == {"age"}
    assert check(key, **{**SAFER, "rosh": "low"}).result == "eligible"
    assert failed(check(key, **{**SAFER, "rosh": "high"})) == {"rosh"}
    assert failed(check(key, **{**SAFER, "rosh": "very_high"})) == {"rosh"}
    assert failed(check(key, **{**SAFER, "consents": False})) == {"motivation"}
    # Abuse shown by a recorded need rather than a conviction.
    need = check(key, **{**SAFER, "index_offences": ["violence"], "previous_offences": [], "needs": ["domestic_abuse"]})
    assert need.result == "eligible"
    none = check(key, **{**SAFER, "index_offences": ["violence"], "previous_offences": [], "needs": ["ete"]})
    assert failed(none) == {"domestic abuse"}
    # A standalone BBR/IDAP condition cannot be told apart from other programme requirements: a note.
    assert notes(check(key, **SAFER)) == {"BBR or IDAP condition"}


def test_it_offers_rethink_to_low_and_medium_risk_only():
    # Line 653: low to medium risk; high starts at OGRS 75.
    key = "rethink"
    assert check(key, ogrs=0, area="Workington").result == "eligible"
    assert check(key, ogrs=74, area="Workington").result == "eligible"
    assert failed(check(key, ogrs=75, area="Workington")) == {"reoffending"}
    assert failed(check(key, risk_level="high", area="Workington")) == {"reoffending"}


HATE = dict(sex="male", age=25, index_offences=["hate_crime"], previous_offences=[], area="Preston")


def test_it_needs_an_adult_generalist_hate_offender_for_rights_and_responsibilities():
    # Line 677.
    key = "rights-and-responsibilities-hate-crime"
    assert check(key, **HATE).result == "eligible"
    assert check(key, **{**HATE, "age": 18}).result == "eligible"
    assert failed(check(key, **{**HATE, "age": 17})) == {"age"}
    assert failed(check(key, **{**HATE, "index_offences": ["violence"]})) == {"hate crime"}
    assert check(key, **{**HATE, "index_offences": ["violence"], "previous_offences": ["hate_crime"]}).result == "eligible"
    extremist = check(key, **{**HATE, "previous_offences": ["extremism"]})
    assert failed(extremist) == {"political motivation"}


def test_it_offers_values_attitudes_and_behaviour_without_a_hate_crime_conviction():
    # Line 700: hate-based attitudes, "whether an offence of hate crime has been committed, or not".
    key = "values-attitudes-and-behaviour-hate-crime"
    match = check(key, index_offences=["acquisitive"], previous_offences=[], area="Carlisle")
    assert match.result == "eligible"
    assert [(r.status, r.source.line) for r in match.reasons] == [("note", 700)]
    assert check(key, **HATE).result == "eligible"


AC = dict(age=20, index_offences=["acquisitive"], previous_offences=["drugs"], area="Preston", seriousness="low")


@pytest.mark.parametrize(("age", "result"), [(17, "ineligible"), (18, "eligible"), (24, "eligible"), (25, "ineligible")])
def test_it_offers_the_attendance_centre_to_18_to_24_year_olds(age, result):
    # Line 780: "aged between 18 and 24".
    match = check("attendance-centre", **{**AC, "age": age})
    assert match.result == result
    if result == "ineligible":
        assert failed(match) == {"age"}


def test_it_counts_attendance_centre_ages_from_the_date_of_birth():
    key = "attendance-centre"
    assert check(key, **{**AC, "age": None, "date_of_birth": dt.date(1995, 6, 2)}).result == "eligible"  # 24
    assert failed(check(key, **{**AC, "age": None, "date_of_birth": dt.date(1995, 6, 1)})) == {"age"}  # 25 today


def test_it_keeps_sex_offenders_off_the_attendance_centre():
    # Line 780: "not suitable for sex offenders" - earlier convictions count too.
    key = "attendance-centre"
    assert check(key, **AC).result == "eligible"
    assert notes(check(key, **AC)) == set()
    assert failed(check(key, **{**AC, "index_offences": ["sexual"]})) == {"sexual offending"}
    assert failed(check(key, **{**AC, "previous_offences": ["sexual"]})) == {"sexual offending"}
    partial = check(key, age=20, index_offences=["acquisitive"], area="Preston", seriousness="medium")
    assert unknown(partial) == {"sexual offending"}


def test_it_needs_the_low_to_medium_seriousness_band_for_a_standalone_attendance_centre():
    # Line 780: low to medium seriousness on its own; also usable as RAR or licence activity.
    key = "attendance-centre"
    assert check(key, **{**AC, "seriousness": "medium"}).result == "eligible"
    high = {**AC, "seriousness": "high"}
    assert failed(check(key, **high, requirements=[], setting="community")) == {"seriousness"}
    assert check(key, **high, requirements=["rar"], setting="community").result == "eligible"
    assert check(key, **high, setting="licence").result == "eligible"
    untold = check(key, **{**AC, "seriousness": None})
    assert unknown(untold) == {"seriousness"}


# --- other services ----------------------------------------------------------------------------


def test_it_needs_a_sexual_offence_for_paired_mentoring():
    # Line 910: convicted of, or at risk of committing, a sexual offence.
    key = "paired-mentoring"
    assert check(key, previous_offences=["sexual"], index_offences=["violence"], area="Carlisle").result == "eligible"
    none = check(key, index_offences=["violence"], previous_offences=[], area="Carlisle")
    assert failed(none) == {"sexual offending"}
    (reason,) = [r for r in none.reasons if r.status == "failed"]
    assert reason.override and "at risk" in reason.override


def test_it_needs_an_identifiable_victim_for_restorative_justice():
    # Line 808: restorative work needs a person harmed who can be identified ("primarily": an override).
    key = "restorative-justice"
    for victims in (["stranger"], ["worker", "child"]):
        match = check(key, victims=victims, area="Kendal")
        assert match.result == "eligible" and match.reasons == []
    nobody = check(key, victims=[], area="Kendal")
    assert failed(nobody) == {"identifiable victim"} and nobody.reasons[0].override
    assert unknown(check(key, area="Kendal")) == {"identifiable victim"}


def test_it_offers_the_partner_link_worker_for_the_partner_never_as_eligible_for_the_person():
    # Line 875: the support is for the partners, ex-partners and children of someone in treatment.
    key = "partner-link-worker"
    abuser = check(key, index_offences=["intimate_partner_violence"], previous_offences=[], area="Kendal")
    assert abuser.result == "for_someone_else"
    assert abuser.reasons[0].criterion == "recipient" and "partner" in abuser.reasons[0].message
    # Still for someone else while the person's own record is not known in full.
    assert check(key, area="Kendal").result == "for_someone_else"
    # No partner abuse in the person's case: nothing for the partner link worker to support.
    unrelated = check(key, index_offences=["drugs"], previous_offences=[], needs=[], area="Kendal")
    assert unrelated.result == "ineligible" and failed(unrelated) == {"perpetrator in treatment"}
    assert check(key, index_offences=["intimate_partner_violence"], area="Manchester").result == "ineligible"
