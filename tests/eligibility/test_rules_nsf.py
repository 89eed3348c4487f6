"""The Norfolk and Suffolk CRC rate card's eligibility criteria, encoded as rules in data/catalogue/nsf.yaml.

Every case here is read from the rate card (brochure 000); the line numbers in comments are the
brochure lines the criteria are printed on.
"""

from __future__ import annotations

import datetime as dt

import pytest

from ratecard.eligibility.engine import Match, Outcome
from tests.eligibility.rules_support import (
    copied_runs,
    decide_for,
    failed,
    misplaced_citations,
    missing_summaries,
    parsed,
    rule_counts,
    service_keys,
    uncited_extra_lines,
    uncovered_criteria,
    unknown,
)
from tests.eligibility.rules_support import noted_lines as notes
from tests.paths import NSF

# Criteria printed in prose the parser does not capture as criteria_text, per service key.
EXTRA_CRITERION_LINES = {
    # "At least 15 weeks before release, the offenders OM must notify the CRC"
    "non-resettlement-prisons-through-the-gate-service": {104},
    # "a 'punishment' requirement available to the Court"
    "community-payback": {137},
    # "Delivered across all of Norfolk and Suffolk CRC in the community."
    "finance-benefit-and-debt-support": {282},
}

WOMEN_ONLY = ("womens-group-programme", "womens-intervention")
MEN_ONLY = (
    "building-better-relationships",
    "better-me-better-us-domestic-abuse-group-programme",
    "mens-rehabilitation-activity-requirement",
    "positive-pathways-plus-121",
)

TODAY = dt.date(2019, 6, 1)


def check(key: str, **fields: object) -> Match:
    """The decision on NSF service `key` for a profile with `fields`."""
    return decide_for(NSF, f"nsf-{key}", as_of=TODAY, **fields)


def weeks(n: float) -> dt.date:
    return TODAY + dt.timedelta(days=round(7 * n))


# A woman on a community order with a RAR, living in Norwich, with nothing in her record that any
# NSF criterion rules out; cases below change one thing at a time.
CLEAN = dict(
    area="Norwich", setting="community", sentence="community_order", requirements=["rar"],
    index_offences=["acquisitive"], previous_offences=[],
)


# --- the rules themselves ----------------------------------------------------------------------


def test_it_cites_every_criteria_line_of_every_nsf_service():
    assert uncovered_criteria(NSF) == {}


def test_it_cites_only_criterion_lines_inside_the_service():
    assert misplaced_citations(NSF, EXTRA_CRITERION_LINES) == []


def test_it_gives_the_extra_criterion_lines_a_rule():
    assert uncited_extra_lines(NSF, EXTRA_CRITERION_LINES) == {}


def test_it_writes_messages_in_its_own_words():
    # No run of eight words copied from the printed line.
    assert copied_runs(NSF, words=8) == []


def test_it_keeps_the_overlay_summaries_alongside_the_rules():
    assert missing_summaries(NSF) == []
    amp = next(s for s in parsed(NSF).services if s.key == "alcohol-management-programme")
    assert amp.delivery == "group"


def test_it_encodes_the_expected_rules_per_service():
    counts = rule_counts(NSF)
    assert counts == {
        "non-resettlement-prisons-through-the-gate-service": (1, 3),
        "community-payback": (1, 1),
        "thinking-skills-programme": (4, 5),
        "building-better-relationships": (4, 4),
        "accommodation-support": (2, 2),
        "employment-training-and-education-support": (2, 2),
        "finance-benefit-and-debt-support": (1, 2),
        "womens-group-programme": (1, 1),
        "womens-intervention": (1, 2),
        "families-and-parenting-support": (0, 0),
        "who-am-i-children-and-families-programme": (2, 2),
        "alcohol-management-programme": (3, 3),
        "drink-drive-programme": (2, 2),
        "drug-education-programme": (2, 4),
        "anger-management-programme": (2, 2),
        "better-me-better-us-domestic-abuse-group-programme": (3, 3),
        "choices": (0, 1),
        "fearless-futures-young-persons-rar": (1, 1),
        "mens-rehabilitation-activity-requirement": (1, 2),
        "motivation-and-compliance-programme": (1, 1),
        "positive-pathways-plus-121": (3, 3),
        "social-skills-group-programme": (3, 3),
        "victim-awareness-group": (2, 2),
        "restorative-justice": (2, 2),
        "community-support-mentoring": (1, 2),
        "senior-attendance-centre": (3, 4),
    }


# --- nobody is ruled out on nothing -------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(service_keys(NSF)))
def test_it_never_rules_out_an_empty_profile(key):
    match = decide_for(NSF, f"nsf-{key}")
    assert match.result != "ineligible"
    assert not failed(match)


# --- area ------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(service_keys(NSF)))
def test_it_rules_out_people_outside_norfolk_and_suffolk_by_area_alone(key):
    for area in ("Norfolk", "Suffolk", "Ipswich", "Great Yarmouth"):
        assert "area" not in failed(check(key, area=area)) | unknown(check(key, area=area))
    lancashire = check(key, area="Lancashire")
    assert lancashire.result == "ineligible"
    assert failed(lancashire) == {"area"}
    assert [r.source for r in lancashire.reasons if r.criterion == "area"] == [None]  # automatic, not a rule


def test_it_offers_the_womens_group_in_norfolk_and_suffolk_but_not_in_lancashire():
    assert check("womens-group-programme", sex="female", area="Suffolk").result == "eligible"
    blackpool = check("womens-group-programme", sex="female", area="Blackpool")
    assert blackpool.result == "ineligible"
    assert failed(blackpool) == {"area"}


# --- sex ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", WOMEN_ONLY)
def test_it_offers_the_womens_services_to_women_alone(key):
    # Lines 318 and 343: any offence type and level of risk.
    woman = check(key, sex="female", rosh="very_high", index_offences=["violence"], area="Norfolk")
    assert woman.result == "eligible"
    man = check(key, sex="male", area="Norfolk")
    assert man.result == "ineligible"
    assert failed(man) == {"sex"}


@pytest.mark.parametrize("key", MEN_ONLY)
def test_it_rules_women_out_of_the_mens_and_domestic_abuse_programmes(key):
    woman = check(key, sex="female", area="Suffolk")
    assert woman.result == "ineligible"
    assert "sex" in failed(woman)


@pytest.mark.parametrize(
    ("key", "extra"),
    [
        ("thinking-skills-programme", dict(ogrs=60, serious_mental_health=False, drug_dependent=False,
                                           alcohol_dependent=False, audit=4)),
        ("anger-management-programme", dict(index_offences=["violence"], previous_offences=[])),
        ("who-am-i-children-and-families-programme", dict(requirements=["rar"], previous_offences=[])),
        ("senior-attendance-centre", dict(age=20, requirements=["attendance_centre"], sentence="community_order")),
    ],
)
def test_it_offers_the_mixed_services_to_men_and_women(key, extra):
    for sex in ("male", "female"):
        match = check(key, sex=sex, **{**CLEAN, **extra})
        assert match.result == "eligible", match.reasons


# --- thinking skills programme (line 158) ------------------------------------------------------

# Dependency is the flag or an AUDIT of 20+, so both must be clear for a known "not dependent".
TSP = dict(CLEAN, serious_mental_health=False, drug_dependent=False, alcohol_dependent=False, audit=4)


def test_it_needs_medium_or_high_risk_of_reoffending_for_tsp():
    key = "thinking-skills-programme"
    assert check(key, ogrs=50, **TSP).result == "eligible"
    assert check(key, ogrs=90, **TSP).result == "eligible"
    low = check(key, ogrs=49, **TSP)
    assert failed(low) == {"reoffending"}
    assert check(key, risk_level="medium", **TSP).result == "eligible"
    assert failed(check(key, risk_level="low", **TSP)) == {"reoffending"}
    assert unknown(check(key, **TSP)) == {"reoffending"}


def test_it_keeps_sexual_offences_serious_mental_illness_and_dependency_off_tsp():
    key = "thinking-skills-programme"
    assert failed(check(key, ogrs=60, **{**TSP, "index_offences": ["sexual"]})) == {"sexual offence"}
    # Any other offence qualifies, domestic abuse included.
    assert check(key, ogrs=60, **{**TSP, "index_offences": ["intimate_partner_violence"]}).result == "eligible"
    assert failed(check(key, ogrs=60, **{**TSP, "serious_mental_health": True})) == {"mental health"}
    for dependent in (dict(drug_dependent=True), dict(alcohol_dependent=True), dict(audit=20)):
        match = check(key, ogrs=60, **{**TSP, **dependent})
        assert failed(match) == {"dependency"}, dependent
        assert all(r.override for r in match.reasons if r.status == "failed")
    assert check(key, ogrs=60, **{**TSP, "audit": 19}).result == "eligible"
    no_score = check(key, ogrs=60, **{k: v for k, v in TSP.items() if k != "audit"})
    assert no_score.result == "unknown"
    assert [list(r.missing) for r in no_score.reasons if r.status == "unknown"] == [["audit"]]
    # A learning difficulty is only a note: the assessment decides.
    match = check(key, ogrs=60, learning_difficulties=True, **TSP)
    assert match.result == "eligible"
    assert notes(match) == [("other obstacles to learning", 158)]


# --- building better relationships (line 177) ---------------------------------------------------

BBR_MAN = dict(CLEAN, sex="male", sara="medium", index_offences=["intimate_partner_violence"])


def test_it_needs_a_man_at_medium_or_high_sara_for_bbr():
    key = "building-better-relationships"
    assert check(key, **BBR_MAN).result == "eligible"
    assert check(key, **{**BBR_MAN, "sara": "high"}).result == "eligible"
    assert failed(check(key, **{**BBR_MAN, "sara": "low"})) == {"sara"}


def test_it_takes_bbr_referrals_whose_domestic_abuse_is_in_the_past_record():
    key = "building-better-relationships"
    past = {**BBR_MAN, "index_offences": ["acquisitive"], "previous_offences": ["intimate_partner_violence"]}
    # Line 177: past abuse counts when it is recent (two years) or repeated.
    assert check(key, **past, recent_offences=["intimate_partner_violence"], repeated_offences=[]).result == "eligible"
    assert check(key, **past, recent_offences=[], repeated_offences=["intimate_partner_violence"]).result == "eligible"
    old = check(key, **past, recent_offences=["acquisitive"], repeated_offences=[])
    assert failed(old) == {"recent or repeated abuse"}
    assert unknown(check(key, **past)) == {"recent or repeated abuse"}
    never = {**BBR_MAN, "index_offences": ["acquisitive"], "previous_offences": ["violence"]}
    assert failed(check(key, **never, recent_offences=[], repeated_offences=[])) == {
        "domestic abuse offending", "recent or repeated abuse",
    }
    # Only the index offence known: earlier domestic abuse convictions could still qualify him.
    partial = check(key, sex="male", sara="medium", index_offences=["acquisitive"], area="Norwich")
    assert partial.result == "unknown"
    assert unknown(partial) == {"domestic abuse offending", "recent or repeated abuse"}
    offences = next(r for r in partial.reasons if r.criterion == "domestic abuse offending")
    assert offences.missing == ("index_offences and previous_offences",)


# --- needs and setting: accommodation, ETE, FBD ------------------------------------------------


@pytest.mark.parametrize(
    ("key", "need"),
    [("accommodation-support", "accommodation"), ("employment-training-and-education-support", "ete")],
)
def test_it_needs_the_matching_need_and_a_community_setting(key, need):
    for setting in ("community", "licence", "pss"):
        assert check(key, setting=setting, needs=[need], area="Suffolk").result == "eligible"
    assert failed(check(key, setting="custody", needs=[need], area="Suffolk")) == {"setting"}
    assert failed(check(key, setting="community", needs=["family"], area="Suffolk")) == {f"{need} need"}


def test_it_offers_finance_support_to_anyone_in_the_community():
    key = "finance-benefit-and-debt-support"
    match = check(key, setting="community", needs=["ete"], area="Norfolk")
    assert match.result == "eligible"
    assert notes(match) == [("open to all", 280)]
    assert failed(check(key, setting="custody", area="Norfolk")) == {"setting"}


# --- women's intervention (line 343) ------------------------------------------------------------


def test_it_only_notes_the_child_and_family_setting_of_the_womens_intervention():
    match = check("womens-intervention", sex="female", index_offences=["sexual"], previous_offences=[], area="Ipswich")
    assert match.result == "eligible"
    assert notes(match) == [("children and families", 343)]


# --- who am I? (lines 401, 408) -----------------------------------------------------------------


def test_it_needs_a_rar_or_a_licence_for_who_am_i():
    key = "who-am-i-children-and-families-programme"
    assert check(key, **CLEAN).result == "eligible"
    licence = {**CLEAN, "setting": "licence", "sentence": "licence", "requirements": []}
    assert check(key, **licence).result == "eligible"
    unpaid = {**CLEAN, "requirements": ["unpaid_work"]}
    assert failed(check(key, **unpaid)) == {"rar or licence"}


def test_it_turns_away_sex_offenders_past_or_present_from_who_am_i():
    key = "who-am-i-children-and-families-programme"
    now = check(key, **{**CLEAN, "index_offences": ["sexual"]})
    assert failed(now) == {"sexual offence"}
    assert "Families and Parenting Support" in now.reasons[0].message
    past = check(key, **{**CLEAN, "previous_offences": ["sexual"]})
    assert failed(past) == {"sexual offence"}
    partial = check(key, requirements=["rar"], index_offences=["acquisitive"], area="Norwich")
    assert unknown(partial) == {"sexual offence"}


def test_it_leaves_families_and_parenting_support_open_to_sex_offenders():
    # Line 408 names it as the alternative for them.
    match = check("families-and-parenting-support", index_offences=["sexual"], area="Norwich")
    assert match.result == "eligible"
    assert match.reasons == []


# --- alcohol and drugs (lines 427, 448, 470) ----------------------------------------------------

DRINKER = dict(area="Kings Lynn", index_offences=["violence", "alcohol_related"], alcohol_dependent=False, audit=12)


def test_it_needs_alcohol_in_the_offending_for_the_alcohol_management_programme():
    key = "alcohol-management-programme"
    assert check(key, **DRINKER).result == "eligible"
    via_need = check(key, index_offences=["acquisitive"], needs=["alcohol"], alcohol_dependent=False, audit=9,
                     area="Norfolk")
    assert via_need.result == "eligible"
    sober = check(key, index_offences=["acquisitive"], needs=["ete"], alcohol_dependent=False, audit=2, area="Norfolk")
    assert failed(sober) == {"alcohol-linked offending"}


def test_it_keeps_dependent_drinkers_off_the_alcohol_management_programme():
    key = "alcohol-management-programme"
    assert failed(check(key, **{**DRINKER, "alcohol_dependent": True})) == {"alcohol dependency"}
    assert check(key, **{**DRINKER, "audit": 19}).result == "eligible"
    assert failed(check(key, **{**DRINKER, "audit": 20})) == {"alcohol dependency"}
    # The flag and the score are two records of dependency: a low score alone does not settle it.
    assert check(key, audit=12, area="Norfolk", index_offences=["alcohol_related"]).result == "unknown"


@pytest.mark.parametrize("key", ["alcohol-management-programme", "drink-drive-programme"])
def test_it_excludes_a_current_sexual_offence_from_the_alcohol_groups(key):
    current = check(key, **{**DRINKER, "index_offences": ["sexual", "alcohol_related"]})
    assert failed(current) == {"sexual offence"}
    # Only a current sexual offence counts.
    past = check(key, **DRINKER, previous_offences=["sexual"])
    assert past.result == "eligible"


def test_it_takes_drink_drivers_and_alcohol_linked_offending_on_the_drink_drive_programme():
    key = "drink-drive-programme"
    assert check(key, index_offences=["drink_driving"], area="Lowestoft").result == "eligible"
    assert check(key, index_offences=["alcohol_related"], area="Lowestoft").result == "eligible"
    motoring = check(key, index_offences=["motoring"], needs=[], area="Lowestoft")
    assert failed(motoring) == {"alcohol-linked offending"}
    # The rate card prints no dependency bar for this programme.
    assert check(key, index_offences=["drink_driving"], alcohol_dependent=True, area="Lowestoft").result == "eligible"


def test_it_keeps_heroin_and_crack_users_off_drug_education():
    key = "drug-education-programme"
    recreational = check(key, drug_dependent=False, drugs_used=["cocaine", "cannabis"], needs=["drugs"], area="Norwich")
    assert recreational.result == "eligible"  # occasional cocaine use is what it is for
    assert notes(recreational) == [("drug education need", 470), ("occasional use", 470)]
    dependent = check(key, drug_dependent=True, area="Norwich")
    assert dependent.result == "ineligible"
    assert failed(dependent) == {"drug dependency"}
    assert "heroin" in next(r.message for r in dependent.reasons if r.status == "failed")
    # Line 470 names heroin and crack: using them rules a person out even when not recorded as dependent.
    for drug in ("heroin", "crack_cocaine"):
        assert failed(check(key, drug_dependent=False, drugs_used=[drug, "cannabis"], area="Norwich")) == {"heroin or crack"}
    assert unknown(check(key, drug_dependent=False, area="Norwich")) == {"heroin or crack"}


# --- violence and domestic abuse (lines 499, 522, 706) ------------------------------------------


def test_it_needs_violence_without_sexual_or_domestic_abuse_convictions_for_anger_management():
    key = "anger-management-programme"
    base = dict(area="Suffolk", previous_offences=[])
    assert check(key, index_offences=["violence"], **base).result == "eligible"
    # "convicted of": a past conviction counts either way.
    earlier = check(key, index_offences=["acquisitive"], previous_offences=["violence"], area="Suffolk")
    assert earlier.result == "eligible"
    assert failed(check(key, index_offences=["acquisitive"], **base)) == {"violent offence"}
    assert failed(check(key, index_offences=["violence", "intimate_partner_violence"], **base)) == {
        "sexual or domestic abuse offence"
    }
    past = check(key, index_offences=["violence"], previous_offences=["sexual"], area="Suffolk")
    assert failed(past) == {"sexual or domestic abuse offence"}


PERPETRATOR = dict(sex="male", index_offences=["intimate_partner_violence"], area="Norfolk")


def test_it_keeps_high_and_very_high_rosh_off_better_me_better_us():
    key = "better-me-better-us-domestic-abuse-group-programme"
    for rosh in ("low", "medium"):
        assert check(key, rosh=rosh, **PERPETRATOR).result == "eligible"
    for rosh in ("high", "very_high"):
        match = check(key, rosh=rosh, **PERPETRATOR)
        assert match.result == "ineligible"
        assert failed(match) == {"rosh"}
        (reason,) = [r for r in match.reasons if r.status == "failed"]
        assert reason.source.line == 522
        assert "Positive Pathways Plus" in reason.override


@pytest.mark.parametrize(
    "key", ["better-me-better-us-domestic-abuse-group-programme", "positive-pathways-plus-121"]
)
def test_it_needs_domestic_abuse_for_the_domestic_abuse_programmes(key):
    assert check(key, sex="male", rosh="medium", needs=["domestic_abuse"], area="Norfolk").result == "eligible"
    other = check(key, sex="male", rosh="medium", index_offences=["acquisitive"], previous_offences=[],
                  needs=["ete"], area="Norfolk")
    assert failed(other) == {"domestic abuse"}


def test_it_needs_medium_rosh_or_above_for_positive_pathways_plus():
    key = "positive-pathways-plus-121"
    for rosh in ("medium", "high", "very_high"):
        assert check(key, rosh=rosh, **PERPETRATOR).result == "eligible"
    assert failed(check(key, rosh="low", **PERPETRATOR)) == {"rosh"}


def test_it_leaves_every_perpetrators_rosh_level_a_domestic_abuse_rar():
    for rosh in ("low", "medium", "high", "very_high"):
        results = [check(key, rosh=rosh, **PERPETRATOR).result
                   for key in ("better-me-better-us-domestic-abuse-group-programme", "positive-pathways-plus-121")]
        # Medium RoSH fits both; every other level fits exactly one.
        assert results.count(Outcome.ELIGIBLE) == (2 if rosh == "medium" else 1), rosh


# --- young adults (lines 613, 869) --------------------------------------------------------------


def test_it_offers_fearless_futures_to_18_to_25_year_olds():
    key = "fearless-futures-young-persons-rar"
    assert failed(check(key, age=17, area="Norfolk")) == {"age"}
    assert check(key, age=18, area="Norfolk").result == "eligible"
    assert check(key, age=25, area="Norfolk").result == "eligible"
    assert failed(check(key, age=26, area="Norfolk")) == {"age"}
    # From a date of birth, judged on the profile date: still 25 the day before the 26th birthday.
    assert check(key, date_of_birth=dt.date(1993, 6, 2), area="Norfolk").result == "eligible"
    assert check(key, date_of_birth=dt.date(1993, 6, 1), area="Norfolk").result == "ineligible"


SAC = dict(area="Ipswich", setting="community", sentence="suspended_sentence_order", requirements=["attendance_centre"])


def test_it_offers_the_senior_attendance_centre_to_18_to_24_year_olds():
    key = "senior-attendance-centre"
    assert failed(check(key, age=17, **SAC)) == {"age"}
    assert check(key, age=18, **SAC).result == "eligible"
    assert check(key, age=24, **SAC).result == "eligible"
    assert failed(check(key, age=25, **SAC)) == {"age"}


def test_it_needs_an_attendance_centre_requirement_on_a_community_or_suspended_order():
    key = "senior-attendance-centre"
    assert check(key, age=20, **{**SAC, "sentence": "community_order"}).result == "eligible"
    assert failed(check(key, age=20, **{**SAC, "requirements": ["rar"]})) == {"attendance centre requirement"}
    licence = check(key, age=20, **{**SAC, "sentence": "licence", "setting": "licence"})
    assert failed(licence) == {"order"}
    # The 90-minute journey limit is a note, never a decision.
    assert notes(check(key, age=20, **SAC)) == [("travel", 869)]


# --- other RAR modules (lines 571, 657, 685, 758, 786) -----------------------------------------


def test_it_needs_three_missed_appointments_for_the_motivation_and_compliance_programme():
    # Line 685: at least three missed appointments, for men and women alike.
    key = "motivation-and-compliance-programme"
    for sex in ("male", "female"):
        assert check(key, sex=sex, missed_appointments=3, area="Norfolk").result == "eligible"
        assert check(key, sex=sex, missed_appointments=7, area="Norfolk").result == "eligible"
        two = check(key, sex=sex, missed_appointments=2, area="Norfolk")
        assert failed(two) == {"missed appointments"}
        assert "three" in two.reasons[0].message
        untold = check(key, sex=sex, area="Norfolk")
        assert untold.result == "unknown" and untold.reasons[0].missing == ("missed_appointments",)


def test_it_leaves_choices_open_to_everyone_in_the_area():
    match = check("choices", sex="male", index_offences=["sexual"], needs=[], area="Suffolk")
    assert match.result == "eligible"
    assert notes(match) == [("group work", 571)]


def test_it_keeps_current_sexual_and_domestic_abuse_offences_off_the_social_skills_group():
    key = "social-skills-group-programme"
    ok = dict(area="Norfolk", serious_mental_health=False, learning_difficulties=False)
    assert check(key, index_offences=["violence"], **ok).result == "eligible"
    assert check(key, index_offences=["violence"], previous_offences=["sexual"], **ok).result == "eligible"
    for offence in ("sexual", "intimate_partner_violence"):
        assert failed(check(key, index_offences=[offence], **ok)) == {"sexual or domestic abuse offence"}


def test_it_keeps_disabling_mental_illness_and_learning_disability_off_the_social_skills_group():
    key = "social-skills-group-programme"
    base = dict(area="Norfolk", index_offences=["acquisitive"])
    ill = check(key, serious_mental_health=True, learning_difficulties=False, **base)
    assert failed(ill) == {"mental health"}
    ld = check(key, serious_mental_health=False, learning_difficulties=True, **base)
    assert failed(ld) == {"learning disability"}
    assert all(r.override for r in ill.reasons + ld.reasons if r.status == "failed")


def test_it_keeps_hate_crime_domestic_abuse_and_sexual_offences_off_the_victim_awareness_group():
    key = "victim-awareness-group"
    assert check(key, index_offences=["acquisitive", "violence"], area="Suffolk").result == "eligible"
    assert failed(check(key, index_offences=["hate_crime"], area="Suffolk")) == {"hate crime"}
    for offence in ("sexual", "intimate_partner_violence"):
        assert failed(check(key, index_offences=[offence], area="Suffolk")) == {"sexual or domestic abuse offence"}


# --- restorative justice, mentoring and community payback ---------------------------------------


def test_it_needs_the_persons_wish_to_take_part_in_restorative_justice():
    key = "restorative-justice"
    match = check(key, consents=True, victims=["stranger"], area="Norfolk")
    assert match.result == "eligible"
    assert notes(match) == []
    assert failed(check(key, consents=False, victims=["family_member"], area="Norfolk")) == {"consent"}


def test_it_needs_an_identifiable_victim_for_restorative_justice_with_a_way_round():
    # Line 808: restorative work "primarily" needs an identifiable person harmed.
    key = "restorative-justice"
    nobody = check(key, consents=True, victims=[], area="Norfolk")
    assert failed(nobody) == {"identifiable victim"}
    assert nobody.reasons[0].override
    assert unknown(check(key, consents=True, area="Norfolk")) == {"identifiable victim"}


def test_it_starts_mentoring_in_the_community_or_in_the_last_12_weeks_in_custody():
    key = "community-support-mentoring"
    for setting in ("community", "licence", "pss"):
        assert check(key, setting=setting, area="Norfolk").result == "eligible"
    assert check(key, setting="custody", release_date=weeks(12), area="Norfolk").result == "eligible"
    early = check(key, setting="custody", release_date=weeks(13), area="Norfolk")
    assert failed(early) == {"setting"}
    assert unknown(check(key, setting="custody", area="Norfolk")) == {"setting"}


def test_it_needs_an_unpaid_work_requirement_for_community_payback():
    key = "community-payback"
    assert check(key, requirements=["unpaid_work", "rar"], area="Suffolk").result == "eligible"
    assert failed(check(key, requirements=["rar"], area="Suffolk")) == {"unpaid work requirement"}


# --- through the gate (lines 98, 104, 121) ------------------------------------------------------


def test_it_needs_15_weeks_notice_of_release_for_through_the_gate():
    key = "non-resettlement-prisons-through-the-gate-service"
    assert check(key, setting="custody", release_date=weeks(15), area="Norfolk").result == "eligible"
    late = check(key, setting="custody", release_date=weeks(14), area="Norfolk")
    assert failed(late) == {"release date"}
    assert unknown(check(key, setting="custody", area="Norfolk")) == {"release date"}


def test_it_carries_through_the_gate_support_on_after_release_but_not_on_a_community_order():
    key = "non-resettlement-prisons-through-the-gate-service"
    for setting in ("licence", "pss"):
        match = check(key, setting=setting, area="Suffolk")
        assert match.result == "eligible"
        assert notes(match) == [("prison", 98), ("out-of-area prison", 121)]
    community = check(key, setting="community", area="Suffolk")
    assert "setting" in failed(community)  # the automatic through-the-gate setting rule
