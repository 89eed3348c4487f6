"""The Kent, Surrey and Sussex CRC brochure's eligibility criteria, encoded as rules in data/catalogue/kss.yaml.

Every case here is read from the brochure (004); the line numbers in comments are the brochure lines
the criteria are printed on. Lines 1241-1248 are the "Accredited Programme Criteria" table at the end
of the brochure (BBR 1241, DID 1242, Resolve 1245, TSP 1248), one table row to a line.
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
    missing_summaries,
    noted_lines,
    notes,
    parsed,
    rule_counts,
    service_keys,
    uncited_extra_lines,
    uncovered_criteria,
    unknown,
)
from tests.paths import KSS

# The criteria table's row per accredited programme: printed outside the programme's own pages.
TABLE_ROWS = {
    "building-better-relationships": 1241,
    "drink-impaired-drivers": 1242,
    "resolve": 1245,
    "thinking-skills-programme": 1248,
}

# Criteria printed in prose (or a heading) the parser does not capture as criteria_text, per key.
EXTRA_CRITERION_LINES = {
    # "Specialist Services for those that have previously been Sex Workers" (the heading)
    "specialist-services-for-those-that-have-previously-been-sex-workers": {266},
    # "... previously been Victims of Domestic Violence" (the heading)
    "specialist-services-for-those-that-have-previously-been-victims-of-domestic-violence": {286},
    # "aimed at positively supporting service users to address their substance misuse problems"
    "changing-drugs-and-alcohol-use": {478},
    # "As determined by the courts up to 36 hours": a court-ordered attendance centre requirement
    "senior-attendance-centre": {743},
    # "Gypsy / Traveller Domestic Abuse Programme" (the heading names who it is for)
    "gypsy-traveller-domestic-abuse-programme": {879},
    # "Women's Resettlement Programme at East Sutton Park Prison" (the heading)
    "womens-resettlement-programme-at-east-sutton-park-prison": {1096},
    # "NSI Sub Category: Supporting Alcohol Treatment Requirement" / "... Drug Rehabilitation ...":
    # two of the three options of Bespoke Services
    "bespoke-services": {1186, 1190},
}

MEN_ONLY = ("resolve", "building-better-relationships", "intervention-for-immature-males")
WOMEN_ONLY = ("womens-group", "womens-wrap-around-support", "womens-resettlement-programme-at-east-sutton-park-prison")
BOTH_SEXES = (
    "drink-impaired-drivers", "thinking-skills-programme", "accommodation", "finance-benefit-and-debt",
    "specialist-services-for-those-that-have-previously-been-sex-workers",
    "specialist-services-for-those-that-have-previously-been-victims-of-domestic-violence",
)

TODAY = dt.date(2019, 3, 1)


def check(key: str, **fields: object) -> Match:
    """The decision on KSS service `key` for a profile with `fields` (in Kent unless told)."""
    return decide_for(KSS, f"kss-{key}", as_of=TODAY, **{"area": "Kent", **fields})


def reason(match: Match, criterion: str):
    (found,) = [r for r in match.reasons if r.criterion == criterion]
    return found


# People who meet every encoded criterion of each accredited programme; the cases below change one
# thing at a time.
RESOLVE = dict(
    sex="male", ogrs=60, ovp=40, index_offences=["violence"], speaks_english=True, consents=True,
    serious_mental_health=False,
)
DID = dict(
    sex="female", ogrs=30, index_offences=["drink_driving"], previous_offences=["drink_driving"],
    serious_mental_health=False, learning_difficulties=False, audit=12, previous_convictions=2,
)
TSP = dict(sex="male", ogrs=60, index_offences=["acquisitive"])
BBR = dict(
    sex="male", index_offences=["intimate_partner_violence"], sara="medium", in_denial=False,
    speaks_english=True, consents=True, serious_mental_health=False, alcohol_dependent=False,
    drug_dependent=False,
)


# --- the rules themselves ----------------------------------------------------------------------


def test_it_cites_every_criteria_line_of_every_kss_service():
    assert uncovered_criteria(KSS) == {}


def test_it_cites_only_criterion_lines_of_the_service():
    # On the service's own pages, or its row of the criteria table.
    table_rows = {key: {line} for key, line in TABLE_ROWS.items()}
    assert misplaced_citations(KSS, EXTRA_CRITERION_LINES, outside_pages=table_rows) == []


def test_it_reads_the_criteria_table_rows_as_the_programmes_criteria():
    by_key = {s.key: s for s in parsed(KSS).services}
    for key, line in TABLE_ROWS.items():
        assert line in {c.line for c in by_key[key].criteria_text}, key
        assert "Exclusion" in " ".join(c.text for c in by_key[key].criteria_text if c.line == line)


def test_it_gives_the_extra_criterion_lines_a_rule():
    assert uncited_extra_lines(KSS, EXTRA_CRITERION_LINES) == {}


def test_it_writes_messages_in_its_own_words():
    # No run of eight words copied from the printed line.
    assert copied_runs(KSS, words=8) == []


def test_it_encodes_the_expected_rules_per_service():
    counts = rule_counts(KSS)
    assert counts == {
        "resolve": (9, 12),
        "drink-impaired-drivers": (6, 9),
        "thinking-skills-programme": (1, 5),
        "building-better-relationships": (8, 9),
        "employment-retention-and-brokerage": (0, 0),
        "accommodation": (0, 1),
        "finance-benefit-and-debt": (0, 1),
        "specialist-services-for-those-that-have-previously-been-sex-workers": (0, 2),
        "specialist-services-for-those-that-have-previously-been-victims-of-domestic-violence": (0, 2),
        "delivery-of-home-modules-from-msrp": (0, 1),
        "delivery-of-future-modules-from-msrp": (0, 1),
        "preparation-for-work": (0, 0),
        "cscs-card-training": (0, 0),
        "job-club": (0, 0),
        "delivery-of-money-modules-from-msrp": (0, 1),
        "changing-drugs-and-alcohol-use": (0, 1),
        "delivery-of-habit-modules-from-msrp": (0, 1),
        "brief-extended-alcohol-intervention": (1, 2),
        "delivery-of-health-modules-from-msrp": (0, 1),
        "womens-group": (2, 3),
        "womens-wrap-around-support": (1, 2),
        "restorative-justice-conferencing": (0, 0),
        "individual-tailored-restorative-justice-in-the-community": (0, 0),
        "restorative-justice-individual-tailored-service-in-custody": (0, 0),
        "senior-attendance-centre": (3, 3),
        "delivery-of-support-modules-from-msrp": (0, 1),
        "delivery-of-outlook-modules-from-msrp": (0, 1),
        "positive-futures": (0, 0),
        "anger-management": (0, 0),
        "domestic-abuse-programme": (1, 2),
        "gypsy-traveller-domestic-abuse-programme": (1, 1),
        "domestic-abuse-one-to-one-programme": (3, 4),
        "victim-awareness": (0, 0),
        "compulsive-and-obsessive-behaviour-programme": (0, 1),
        "intervention-for-immature-males": (1, 2),
        "verge-of-recall-intervention": (0, 0),
        "mentor-support": (0, 0),
        "mandatory-through-the-gate-services": (0, 0),
        "womens-resettlement-programme-at-east-sutton-park-prison": (1, 1),
        "delivery-of-modules-from-msrp": (0, 0),
        "bespoke-services": (0, 2),
    }


def test_it_keeps_the_summaries_beside_the_rules():
    assert missing_summaries(KSS) == []


# --- nobody is ruled out on nothing -------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(service_keys(KSS)))
def test_it_never_rules_out_an_empty_profile(key):
    match = decide_for(KSS, f"kss-{key}")
    assert match.result != "ineligible"
    assert not failed(match)


def test_it_offers_the_programmes_to_people_who_meet_every_printed_criterion():
    assert check("resolve", **RESOLVE).result == "eligible"
    assert check("drink-impaired-drivers", **DID).result == "eligible"
    assert check("thinking-skills-programme", **TSP).result == "eligible"
    assert check("building-better-relationships", **BBR).result == "eligible"


def test_it_offers_the_brochure_across_kent_surrey_and_sussex_only():
    for area in ("Kent", "Maidstone", "Guildford", "Brighton"):
        assert check("thinking-skills-programme", **{**TSP, "area": area}).result == "eligible"
    essex = check("thinking-skills-programme", **{**TSP, "area": "Essex"})
    assert failed(essex) == {"area"}


# --- sex ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", MEN_ONLY)
def test_it_rules_women_out_of_the_men_only_services(key):
    woman = check(key, sex="female")
    assert woman.result == "ineligible"
    assert "sex" in failed(woman)
    assert "sex" not in failed(check(key, sex="male"))


def test_it_rules_a_woman_out_of_resolve_and_bbr_on_sex_alone():
    assert failed(check("resolve", **{**RESOLVE, "sex": "female"})) == {"sex"}
    assert failed(check("building-better-relationships", **{**BBR, "sex": "female"})) == {"sex"}


@pytest.mark.parametrize("key", WOMEN_ONLY)
def test_it_offers_the_women_only_services_to_women_alone(key):
    fields = dict(setting="custody") if "prison" in key else dict(setting="community")
    assert check(key, sex="female", **fields).result == "eligible"
    man = check(key, sex="male", **fields)
    assert man.result == "ineligible"
    assert failed(man) == {"sex"}


@pytest.mark.parametrize("key", BOTH_SEXES)
def test_it_notes_but_never_decides_on_sex_where_both_are_welcome(key):
    base = {"drink-impaired-drivers": DID, "thinking-skills-programme": TSP}.get(key, dict(setting="custody"))
    for sex in ("male", "female"):
        match = check(key, **{**base, "sex": sex})
        assert match.result == "eligible", match.reasons
        assert reason(match, "sex").status == "note"


def test_it_offers_the_immature_males_intervention_to_any_man_whatever_his_offence():
    # Line 981: suitable for all male service users, not directed at any particular offence.
    for offences in (["acquisitive"], ["sexual"], ["violence"]):
        assert check("intervention-for-immature-males", sex="male", index_offences=offences).result == "eligible"
    abuser = check("intervention-for-immature-males", sex="male", index_offences=["intimate_partner_violence"])
    assert abuser.result == "eligible"
    assert reason(abuser, "partner abuse").status == "note"


# --- Resolve (lines 100, 110 and the table row 1245) -------------------------------------------


def test_it_needs_ogrs_50_for_resolve_with_a_clinical_override():
    assert check("resolve", **{**RESOLVE, "ogrs": 50}).result == "eligible"
    low = check("resolve", **{**RESOLVE, "ogrs": 49})
    assert failed(low) == {"reoffending"}
    why = reason(low, "reoffending")
    assert why.source.line == 100
    assert why.override and "Suitability Assessment Checklist" in why.override
    # A recorded level stands in for a missing score.
    no_score = {k: v for k, v in RESOLVE.items() if k != "ogrs"}
    assert check("resolve", **no_score, risk_level="high").result == "eligible"
    assert failed(check("resolve", **no_score, risk_level="low")) == {"reoffending"}


def test_it_needs_ovp_27_for_resolve_with_a_clinical_override():
    assert check("resolve", **{**RESOLVE, "ovp": 27}).result == "eligible"
    low = check("resolve", **{**RESOLVE, "ovp": 26})
    assert failed(low) == {"violence risk"}
    assert reason(low, "violence risk").override
    missing = check("resolve", **{k: v for k, v in RESOLVE.items() if k != "ovp"})
    assert missing.result == "unknown"
    assert reason(missing, "violence risk").missing == ("ovp",)


def test_it_needs_violence_in_the_record_for_resolve():
    assert check("resolve", **{**RESOLVE, "index_offences": ["acquisitive"], "previous_offences": ["violence"]}).result == "eligible"
    never = check("resolve", **{**RESOLVE, "index_offences": ["acquisitive"], "previous_offences": ["drugs"]}, recent_offences=[])
    assert failed(never) == {"violent offence"}
    # Line 1245: violence in the previous two years counts, convicted or not.
    recent = {**RESOLVE, "index_offences": ["acquisitive"], "previous_offences": ["drugs"], "recent_offences": ["violence"]}
    assert check("resolve", **recent).result == "eligible"
    # With only the index offence known, an earlier violent offence may still be on record.
    partial = check("resolve", **{**RESOLVE, "index_offences": ["acquisitive"]})
    assert partial.result == "unknown"
    assert unknown(partial) == {"violent offence"}


def test_it_sends_sexual_violence_to_a_sex_offender_programme_before_resolve():
    match = check("resolve", **{**RESOLVE, "index_offences": ["violence", "sexual"]})
    assert match.result == "ineligible"
    assert failed(match) == {"sexual offence"}
    assert "sex offender programme" in reason(match, "sexual offence").override


def test_it_sends_partner_violence_to_bbr_before_resolve():
    match = check("resolve", **{**RESOLVE, "index_offences": ["violence", "intimate_partner_violence"]})
    assert failed(match) == {"partner violence"}
    assert "Building Better Relationships" in reason(match, "partner violence").override


def test_it_takes_deniers_onto_resolve_if_they_will_engage():
    assert check("resolve", **{**RESOLVE, "in_denial": True}).result == "eligible"
    assert failed(check("resolve", **{**RESOLVE, "consents": False})) == {"consent"}


def test_it_applies_resolves_printed_exclusions():
    assert failed(check("resolve", **{**RESOLVE, "speaks_english": False})) == {"english"}
    ill = check("resolve", **{**RESOLVE, "serious_mental_health": True})
    assert failed(ill) == {"mental health"}
    assert "stabilised" in reason(ill, "mental health").override
    # Shift patterns, robbery and drink-only violence are printed but cannot be checked: notes.
    assert notes(check("resolve", **RESOLVE)) == {"robbery", "shift work", "violence only when drinking"}


# --- Drink Impaired Drivers (lines 130, 138 and the table row 1242) ----------------------------


def test_it_needs_ogrs_under_50_for_drink_impaired_drivers():
    assert check("drink-impaired-drivers", **{**DID, "ogrs": 49}).result == "eligible"
    high = check("drink-impaired-drivers", **{**DID, "ogrs": 50})
    assert failed(high) == {"reoffending"}
    assert reason(high, "reoffending").source.line == 130


def test_it_needs_a_drink_driving_index_offence_for_drink_impaired_drivers():
    motoring = check("drink-impaired-drivers", **{**DID, "index_offences": ["motoring"]})
    assert failed(motoring) == {"drink-driving offence"}
    assert "specimen" in reason(motoring, "drink-driving offence").override
    # The aggravating factors (earlier offences, injury, twice the limit) are a note only.
    assert "aggravating factor" in notes(check("drink-impaired-drivers", **DID))


def test_it_rules_problem_drinkers_with_an_audit_over_20_out_of_drink_impaired_drivers():
    assert check("drink-impaired-drivers", **{**DID, "audit": 20}).result == "eligible"
    drinker = check("drink-impaired-drivers", **{**DID, "audit": 21})
    assert failed(drinker) == {"problem drinking"}


def test_it_rules_more_than_four_previous_convictions_out_of_drink_impaired_drivers():
    assert check("drink-impaired-drivers", **{**DID, "previous_convictions": 4}).result == "eligible"
    assert failed(check("drink-impaired-drivers", **{**DID, "previous_convictions": 5})) == {"previous convictions"}


def test_it_applies_drink_impaired_drivers_health_exclusions():
    assert failed(check("drink-impaired-drivers", **{**DID, "serious_mental_health": True})) == {"mental health"}
    assert failed(check("drink-impaired-drivers", **{**DID, "learning_difficulties": True})) == {"learning difficulties"}
    # Both sexes (line 138).
    assert check("drink-impaired-drivers", **{**DID, "sex": "male"}).result == "eligible"


# --- Thinking Skills Programme (lines 160, 162, 170 and the table row 1248) ---------------------


@pytest.mark.parametrize(("ogrs", "result"), [(24, "ineligible"), (25, "eligible"), (75, "eligible"),
                                               (76, "eligible"), (90, "eligible"), (91, "ineligible")])
def test_it_needs_ogrs_25_to_90_for_the_thinking_skills_programme(ogrs, result):
    match = check("thinking-skills-programme", **{**TSP, "ogrs": ogrs})
    assert match.result == result
    if result == "ineligible":
        assert failed(match) == {"ogrs"}


def test_it_notes_the_oasys_need_and_the_extra_support_above_75():
    match = check("thinking-skills-programme", **{**TSP, "ogrs": 80, "oasys": {"11.6": 2}})
    assert match.result == "eligible"
    assert notes(match) == {"high ogrs", "oasys need", "offence-specific programmes", "sex"}
    assert "11.7" in reason(match, "oasys need").message


def test_it_does_not_bar_offence_specific_cases_from_the_thinking_skills_programme():
    # "Not a substitute for offence specific interventions" is advice, not an exclusion.
    for offence in ("drink_driving", "intimate_partner_violence", "sexual"):
        assert check("thinking-skills-programme", **{**TSP, "index_offences": [offence]}).result == "eligible"
    # A score is needed: a recorded risk band alone cannot place someone within 25-90.
    band = check("thinking-skills-programme", sex="female", risk_level="medium")
    assert band.result == "unknown"
    assert reason(band, "ogrs").missing == ("ogrs",)


# --- Building Better Relationships (lines 184, 192 and the table row 1241) ---------------------


def test_it_needs_a_sara_of_medium_or_more_for_bbr():
    assert check("building-better-relationships", **{**BBR, "sara": "high"}).result == "eligible"
    low = check("building-better-relationships", **{**BBR, "sara": "low"})
    assert failed(low) == {"sara"}
    assert reason(low, "sara").source.line == 1241


def test_it_refers_men_without_a_partner_violence_index_offence_only_by_override_and_with_a_high_sara():
    other = {**BBR, "index_offences": ["violence"]}
    high = check("building-better-relationships", **{**other, "sara": "high"})
    assert failed(high) == {"partner violence"}
    override = reason(high, "partner violence").override
    assert "6.7" in override and "24 months" in override and "high" in override
    # The override route needs a high SARA: a medium one fails on SARA as well.
    medium = check("building-better-relationships", **{**other, "sara": "medium"})
    assert failed(medium) == {"partner violence", "sara"}


def test_it_needs_a_man_who_accepts_responsibility_and_commits_to_bbr():
    assert failed(check("building-better-relationships", **{**BBR, "in_denial": True})) == {"responsibility"}
    assert failed(check("building-better-relationships", **{**BBR, "consents": False})) == {"consent"}
    assert failed(check("building-better-relationships", **{**BBR, "speaks_english": False})) == {"english"}


def test_it_keeps_unstable_illness_and_substance_misuse_off_bbr_with_overrides():
    ill = check("building-better-relationships", **{**BBR, "serious_mental_health": True})
    assert failed(ill) == {"mental health"}
    assert reason(ill, "mental health").override
    for flag in ("alcohol_dependent", "drug_dependent"):
        using = check("building-better-relationships", **{**BBR, flag: True})
        assert failed(using) == {"substance misuse"}
        assert "stabilised" in reason(using, "substance misuse").override


def test_it_notes_bbrs_risk_of_harm_targeting_without_deciding_on_it():
    match = check("building-better-relationships", **{**BBR, "rosh": "low"})
    assert match.result == "eligible"
    assert reason(match, "risk of harm").status == "note"


# --- domestic abuse below and beside BBR (lines 865, 911) ---------------------------------------


def test_it_offers_the_one_to_one_domestic_abuse_programme_to_people_who_meet_bbrs_criteria():
    key = "domestic-abuse-one-to-one-programme"
    core = dict(index_offences=["intimate_partner_violence"], sara="medium", in_denial=False)
    # The one-to-one is for those who cannot join the group, so BBR's group exclusions do not apply.
    assert check(key, sex="male", speaks_english=False, **core).result == "eligible"
    assert failed(check(key, **{**core, "sara": "low"})) == {"sara"}
    assert failed(check(key, **{**core, "in_denial": True})) == {"responsibility"}
    other = check(key, **{**core, "index_offences": ["violence"], "sara": "high"})
    assert failed(other) == {"partner violence"}
    assert reason(other, "partner violence").override


def test_it_needs_a_current_risk_to_a_partner_for_the_domestic_abuse_programme():
    key = "domestic-abuse-programme"
    assert check(key, index_offences=["intimate_partner_violence"], sara="low").result == "eligible"
    assert check(key, needs=["domestic_abuse"]).result == "eligible"
    none = check(key, index_offences=["acquisitive"], previous_offences=[], needs=["ete"])
    assert failed(none) == {"partner risk"}
    assert reason(check(key, needs=["domestic_abuse"]), "bbr threshold").status == "note"


# --- alcohol and drugs (lines 478, 500, 530, 1186, 1190) ---------------------------------------


def test_it_keeps_dependent_drinkers_off_the_brief_alcohol_intervention():
    key = "brief-extended-alcohol-intervention"
    dependent = check(key, alcohol_dependent=True, audit=25)
    assert dependent.result == "ineligible"
    assert failed(dependent) == {"alcohol dependency"}
    assert reason(dependent, "alcohol dependency").source.line == 530
    assert check(key, alcohol_dependent=False, audit=14).result == "eligible"
    assert unknown(check(key, audit=14)) == {"alcohol dependency"}


def test_it_notes_the_court_requirement_of_each_bespoke_treatment_option():
    # One service with three options; rules are per service, so the requirement each treatment
    # option is for is a note: as a requirement it would shut people out of case management support.
    assert check("bespoke-services").result == "eligible"
    match = check("bespoke-services", requirements=["unpaid_work"])
    assert match.result == "eligible"
    assert noted_lines(match) == [
        ("alcohol treatment requirement", 1186), ("drug rehabilitation requirement", 1190),
    ]


def test_it_notes_the_substance_misuse_targeting_of_cadu_and_habit():
    for key in ("changing-drugs-and-alcohol-use", "delivery-of-habit-modules-from-msrp"):
        match = check(key, needs=["ete"])
        assert match.result == "eligible"
        assert notes(match) == {"substance misuse"}


# --- women (lines 610, 634, 636, 1096) ----------------------------------------------------------


def test_it_offers_the_womens_group_in_the_community_and_on_licence_not_in_prison():
    for setting in ("community", "licence"):
        assert check("womens-group", sex="female", setting=setting).result == "eligible"
    inside = check("womens-group", sex="female", setting="custody")
    assert failed(inside) == {"setting"}
    # "Low to medium risk" is how the groups are designed, not a bar (line 610).
    high = check("womens-group", sex="female", setting="community", rosh="high")
    assert high.result == "eligible"
    assert reason(high, "risk").status == "note"


def test_it_needs_custody_for_east_sutton_park_and_the_resettlement_services():
    esp = check("womens-resettlement-programme-at-east-sutton-park-prison", sex="female", setting="community")
    assert failed(esp) == {"setting"}
    out = check("accommodation", setting="licence")
    assert failed(out) == {"setting"}
    assert check("mentor-support", setting="custody").result == "eligible"


# --- young adults (lines 739, 743) --------------------------------------------------------------


@pytest.mark.parametrize(("age", "result"), [(17, "ineligible"), (18, "eligible"), (24, "eligible"), (25, "ineligible")])
def test_it_offers_the_senior_attendance_centre_to_18_to_24_year_olds(age, result):
    match = check("senior-attendance-centre", age=age, requirements=["attendance_centre"], seriousness="low")
    assert match.result == result
    if result == "ineligible":
        assert failed(match) == {"age"}


def test_it_needs_an_attendance_centre_requirement_for_the_senior_attendance_centre():
    match = check("senior-attendance-centre", date_of_birth=dt.date(2000, 1, 1), requirements=["rar"], seriousness="low")
    assert failed(match) == {"attendance centre requirement"}


def test_it_needs_an_offence_of_low_seriousness_for_the_senior_attendance_centre():
    # Line 739: "an offence of low seriousness".
    base = dict(age=20, requirements=["attendance_centre"])
    assert check("senior-attendance-centre", **base, seriousness="low").result == "eligible"
    for band in ("medium", "high"):
        assert failed(check("senior-attendance-centre", **base, seriousness=band)) == {"seriousness"}
    untold = check("senior-attendance-centre", **base)
    assert unknown(untold) == {"seriousness"} and reason(untold, "seriousness").missing == ("seriousness",)


def test_it_keeps_the_gypsy_traveller_domestic_abuse_programme_to_gypsies_and_travellers():
    # Line 879: a group for Gypsies and Travellers.
    key = "gypsy-traveller-domestic-abuse-programme"
    assert check(key, gypsy_traveller=True).result == "eligible"
    assert failed(check(key, gypsy_traveller=False)) == {"gypsy or traveller"}
    assert reason(check(key), "gypsy or traveller").missing == ("gypsy_traveller",)


# --- services with no printed criteria ------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    ["preparation-for-work", "cscs-card-training", "job-club", "anger-management", "positive-futures",
     "victim-awareness", "verge-of-recall-intervention", "restorative-justice-conferencing"],
)
def test_it_offers_the_services_without_criteria_to_anyone_in_the_area(key):
    match = check(key, sex="female", age=40, ogrs=90, rosh="very_high", index_offences=["sexual"])
    assert match.result == "eligible"
    assert match.reasons == []
