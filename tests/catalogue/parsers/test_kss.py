"""The Kent, Surrey and Sussex CRC "Accredited Programmes and Interventions" parser and its overlay."""

from __future__ import annotations

import random
import re
import time
from functools import cache

import pytest
import yaml

from ratecard.catalogue.importer import brochure_from_text, read_brochure
from ratecard.catalogue.parsers import kss, parse_text
from ratecard.catalogue.parsers.base import BrochureError, slugify
from ratecard.catalogue.schemas import CATEGORIES, Delivery, Kind, Level, ParsedBrochure, RequestMethod, Setting
from tests.paths import ALL_BROCHURES, KSS, OVERLAYS

TEXT = KSS.read_text(encoding="utf-8")
LINES = TEXT.splitlines()

SERVICE_NAMES = [
    # accredited programmes
    "Resolve",
    "Drink Impaired Drivers",
    "Thinking Skills Programme",
    "Building Better Relationships",
    # resettlement services
    "Employment Retention And Brokerage",
    "Accommodation",
    "Finance, Benefit And Debt",
    "Specialist Services for those that have previously been Sex Workers",
    "Specialist Services For those that have previously been Victims of Domestic Violence",
    # elective services
    "Delivery of Home Modules from MSRP",
    "Delivery of Future Modules from MSRP",
    "Preparation for Work",
    "CSCS Card Training",
    "Job Club",
    "Delivery of Money Modules from MSRP",
    "Changing Drugs and Alcohol Use",
    "Delivery of Habit Modules from MSRP",
    "Brief Extended Alcohol Intervention",
    "Delivery of Health Modules from MSRP",
    "Women's Group",
    "Women's Wrap Around Support",
    "Restorative Justice Conferencing",
    "Individual Tailored Restorative Justice in the Community",
    "Restorative Justice Individual Tailored Service in Custody",
    "Senior Attendance Centre",
    "Delivery Of Support Modules from MSRP",
    "Delivery Of Outlook Modules from MSRP",
    "Positive Futures",
    "Anger Management",
    "Domestic Abuse Programme",
    "Gypsy / Traveller Domestic Abuse Programme",
    "Domestic Abuse One-to-One Programme",
    "Victim Awareness",
    "Compulsive And Obsessive Behaviour Programme",
    "Intervention For Immature Males",
    "Verge of Recall Intervention",
    "Mentor Support",
    # through the gate
    "Mandatory Through the Gate Services",
    "Women's Resettlement Programme at East Sutton Park Prison",
    "Delivery of Modules from MSRP",
    # bespoke services: one service, its three NSI sub categories its options
    "Bespoke Services",
]

MSRP_KEYS = [
    "delivery-of-home-modules-from-msrp",
    "delivery-of-future-modules-from-msrp",
    "delivery-of-money-modules-from-msrp",
    "delivery-of-habit-modules-from-msrp",
    "delivery-of-health-modules-from-msrp",
    "delivery-of-support-modules-from-msrp",
    "delivery-of-outlook-modules-from-msrp",
    "delivery-of-modules-from-msrp",
]


@cache
def parsed() -> ParsedBrochure:
    """The brochure as the importer reads it: picked by layout, parsed, overlay applied."""
    return read_brochure(KSS, overlay_dir=OVERLAYS)


@cache
def raw() -> ParsedBrochure:
    """The parser's own output, before the overlay."""
    return kss.parse(TEXT, file=KSS.name)


def service(key: str):
    return next(s for s in parsed().services if s.key == key)


def without(*numbers: int) -> str:
    """The brochure text with the given 1-based lines removed."""
    return "\n".join(line for number, line in enumerate(LINES, 1) if number not in numbers)


def line_of(text: str) -> int:
    """The 1-based number of the only brochure line containing `text`."""
    found = [number for number, line in enumerate(LINES, 1) if text in line]
    assert len(found) == 1, (text, found)
    return found[0]


# --------------------------------------------------------------------------- layout


def test_it_is_the_layout_picked_for_the_kss_brochure():
    assert parsed().parser == kss.NAME == "kss"
    assert kss.detect(TEXT)


@pytest.mark.parametrize("path", [p for p in ALL_BROCHURES if p != KSS], ids=lambda p: p.name[:3])
def test_it_does_not_claim_the_other_brochures(path):
    assert not kss.detect(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "text",
    ["", "Shopping list\n- eggs\n- milk\n", "NSI Main Category: ES - Other NSF\n", "# Kent, Surrey and Sussex\n"],
)
def test_it_does_not_claim_random_text(text):
    assert not kss.detect(text)


# --------------------------------------------------------------------------- services


def test_it_finds_every_service_exactly_once():
    names = [s.name for s in parsed().services]
    assert names == SERVICE_NAMES
    assert len(set(names)) == len(names) == 41


def test_it_keys_services_by_the_slug_of_their_name():
    keys = [s.key for s in raw().services]
    assert keys == [slugify(name) for name in SERVICE_NAMES]
    assert len(set(keys)) == len(keys)


def test_it_does_not_make_services_of_contents_process_routeway_or_criteria_sections():
    names = {s.name.lower() for s in raw().services}
    for heading in ("contents", "introduction", "transfer request process", "msrp routeways",
                    "accredited programme criteria", "elective services",
                    "through the gate", "mentoring", "support for women"):
        assert heading not in names


def test_it_moves_acronyms_and_rar_markers_out_of_names():
    assert service("thinking-skills-programme").aliases == ["TSP"]
    assert service("building-better-relationships").aliases == ["BBR"]
    assert service("drink-impaired-drivers").aliases == ["DID", "DIDs"]  # 'DIDs' from the criteria table
    assert service("changing-drugs-and-alcohol-use").aliases == ["CADU"]
    assert service("brief-extended-alcohol-intervention").aliases == ["BEAI"]
    assert service("positive-futures").aliases == ["PF"]
    assert "CSCS" in service("cscs-card-training").aliases
    assert service("delivery-of-home-modules-from-msrp").aliases == ["MSRP Home"]
    assert "MSRP" in service("delivery-of-modules-from-msrp").aliases
    for key in ("changing-drugs-and-alcohol-use", "positive-futures", "anger-management", "victim-awareness"):
        assert service(key).rar_usable is True  # '(RAR)' / 'RAR' was printed after the name


# --------------------------------------------------------------------------- provider


def test_it_reads_the_provider_facts():
    provider = parsed().provider
    assert provider.code == "KSS"
    assert provider.name == "Kent, Surrey and Sussex CRC"
    assert provider.areas == ["Kent", "Surrey", "Sussex"]
    assert provider.hub_email == "ratecardinfo@ksscrc.scc.gsi.gov.uk"
    assert provider.nsi_provider_name == "CPA Kent, Surrey and Sussex"
    assert provider.brochure_title == "Accredited Programmes and Interventions"
    assert provider.brochure_file == KSS.name
    assert str(provider.valid_from) == "2018-08-08"
    assert provider.valid_text == "08/08/2018"
    assert "01622 239147" in provider.contact and "Maidstone" in provider.contact
    assert provider.offices == ["Maidstone Corporate Centre"]


def test_it_reads_the_transfer_instructions():
    transfer = parsed().provider.transfer
    assert transfer.provider == "CPA KSS CRC"
    assert transfer.team == "Interventions Management"
    assert transfer.officer == "Unallocated"
    assert transfer.reason == "External NSI Referral"
    steps = transfer.steps
    assert steps[0] == "Select Add NSI"
    assert "Status: Referred" in steps
    assert "If purchasing an MSRP service please upload completed MSRP Rate Card Pro-forma" in steps
    assert steps[-1] == "Click Transfer and select External NSI Referral in the 'reason' box."
    # the lettered step broken over two bullets is one step
    assert "Click Request Transfer (on the right hand side of the created NSI). You will now be presented with a " \
        "Consolidated Offender Transfer screen." in steps
    assert len(steps) == 15 + 7


# --------------------------------------------------------------------------- NSI strings


@pytest.mark.parametrize(
    ("key", "main", "subtypes"),
    [
        ("resolve", "ES – RAR Programme", ["Resolve"]),
        ("thinking-skills-programme", "ES – RAR Programme", ["Thinking Skills Programme"]),
        ("employment-retention-and-brokerage", "ES - Other KSS",
         ["Resettlement Services - Employment Retention and Brokerage"]),
        ("specialist-services-for-those-that-have-previously-been-victims-of-domestic-violence", "ES - Other KSS",
         ["Resettlement Services - Specialist Services for those that have previously been victims of Domestic "
          "Violence"]),
        ("cscs-card-training", "ES – E/T/E KSS", ["CSCS Card Training"]),
        ("job-club", "ES –E/T/E KSS", ["Job Club"]),  # spacing as printed
        ("delivery-of-money-modules-from-msrp", "ES - Finance/Benefit/Debt KSS", ["MSRP Money Modules"]),
        ("changing-drugs-and-alcohol-use", "ES - Drugs/Alcohol KSS", ["Changing Drugs and Alcohol Use ( CADU)"]),
        ("brief-extended-alcohol-intervention", "ES – Drugs / Alcohol KSS", ["Brief Extended Alcohol Intervention"]),
        ("restorative-justice-individual-tailored-service-in-custody", "ES - Restorative Justice",
         ["Individual Tailored Restorative Justice in Custody"]),
        ("senior-attendance-centre", "ES - Attendance Centre KSS", ["Senior Attendance Centre"]),
        ("positive-futures", "ES - RAR Programme KSS", ["Positive Futures"]),
        ("domestic-abuse-programme", "ES - Domestic Violence KSS", ["Group Programme"]),
        ("domestic-abuse-one-to-one-programme", "ES - Domestic Violence KSS", ["One-to-One Programme"]),
        ("verge-of-recall-intervention", "ES Attitudes, Thinking and Behaviour KSS", ["Verge of Recall Intervention"]),
        ("mentor-support", "ES - Other KSS",
         ["Mentoring - 6 Month Support", "Mentoring - 12 Month Support", "Mentoring - 18 Month Support"]),
        ("womens-resettlement-programme-at-east-sutton-park-prison", "ES - Women Specific Interventions KSS",
         ["Women's Resettlement Programme"]),
        ("bespoke-services", "ES - Other KSS",  # the first of the service's main categories
         ["Case Management Support", "Supporting Alcohol Treatment Requirement",
          "Supporting Drug Rehabilitation Requirement"]),
    ],
)
def test_it_keeps_nsi_categories_exactly_as_printed(key, main, subtypes):
    found = service(key)
    assert found.nsi_category == main
    assert found.nsi_subtypes == subtypes
    assert found.request_method is RequestMethod.NSI


def test_it_gives_every_service_options_carrying_its_sub_types():
    for found in parsed().services:
        assert found.options, found.key
        assert {option.nsi_subtype for option in found.options} == set(found.nsi_subtypes), found.key
        assert len({option.key for option in found.options}) == len(found.options)


def test_it_offers_mentoring_in_three_blocks():
    options = service("mentor-support").options
    assert [(o.nsi_subtype, o.level, o.duration_text) for o in options] == [
        ("Mentoring - 6 Month Support", Level.BLOCK, "6 months"),
        ("Mentoring - 12 Month Support", Level.BLOCK, "12 months"),
        ("Mentoring - 18 Month Support", Level.BLOCK, "18 months"),
    ]


def test_it_merges_the_health_modules_printed_under_two_categories():
    health = service("delivery-of-health-modules-from-msrp")
    assert health.nsi_category == "ES - Mental Health KSS"
    assert [(o.name, o.nsi_category, o.nsi_subtype) for o in health.options] == [
        ("MSRP Health Module (Mental Health)", "ES - Mental Health KSS", "MSRP Health Module"),
        ("MSRP Health Module (Physical Health)", "ES - Physical Health KSS", "MSRP Health Module"),
    ]
    assert "ES - Physical Health KSS" in health.request_notes
    assert health.source.lines == (544, 598)
    assert len(health.highlights) == 2  # the mental and the physical health outcome
    assert any("printed twice" in warning for warning in raw().warnings)


def test_it_reads_the_additional_msrp_modules_under_eight_categories():
    extra = service("delivery-of-modules-from-msrp")
    assert extra.nsi_subtypes == ["Additional MSRP Modules"]
    assert len(extra.options) == 8
    assert extra.options[6].name == "Additional MSRP Modules (Children / Families)"
    assert all(o.level is Level.MODULE for o in extra.options)


# Every MSRP module as the brochure prints it: (service, option, NSI main category, its line).
MSRP_MODULES = [
    ("delivery-of-home-modules-from-msrp", "msrp-home-module", "ES - Accommodation KSS", 314),
    ("delivery-of-future-modules-from-msrp", "msrp-future-module", "ES - E/T/E KSS", 342),
    ("delivery-of-money-modules-from-msrp", "msrp-money-modules", "ES - Finance/Benefit/Debt KSS", 442),
    ("delivery-of-habit-modules-from-msrp", "msrp-habit-modules", "ES - Drugs/Alcohol KSS", 494),
    ("delivery-of-health-modules-from-msrp", "mental-health", "ES - Mental Health KSS", 546),
    ("delivery-of-health-modules-from-msrp", "physical-health", "ES - Physical Health KSS", 576),
    ("delivery-of-support-modules-from-msrp", "msrp-support-modules", "ES - Children / Families KSS", 757),
    ("delivery-of-outlook-modules-from-msrp", "msrp-outlook-module", "ES - Attitudes, Thinking and Behaviour KSS", 787),
    ("delivery-of-modules-from-msrp", "accommodation", "ES - Accommodation KSS", 1126),
    ("delivery-of-modules-from-msrp", "e-t-e", "ES - E/T/E KSS", 1130),
    ("delivery-of-modules-from-msrp", "finance-benefit-debt", "ES - Finance / Benefit / Debt KSS", 1134),
    ("delivery-of-modules-from-msrp", "drugs-alcohol", "ES - Drugs / Alcohol KSS", 1138),
    ("delivery-of-modules-from-msrp", "mental-health", "ES - Mental Health KSS", 1142),
    ("delivery-of-modules-from-msrp", "physical-health", "ES - Physical Health KSS", 1146),
    ("delivery-of-modules-from-msrp", "children-families", "ES - Children / Families KSS", 1150),
    ("delivery-of-modules-from-msrp", "attitudes-thinking-and-behaviour", "ES - Attitudes, Thinking and Behaviour KSS",
     1154),
]


@pytest.mark.parametrize(
    ("key", "option_key", "main", "line"), MSRP_MODULES, ids=[f"{k}--{o}" for k, o, _, _ in MSRP_MODULES]
)
def test_it_gives_each_msrp_module_the_main_category_printed_above_it(key, option_key, main, line):
    (option,) = [o for o in service(key).options if o.key == option_key]
    assert option.nsi_category == main
    printed = re.sub(r"^NSI Main Categor(?:y|ies)\s*:\s*", "", LINES[line - 1])
    assert printed == main
    sub = re.sub(r"^NSI Sub Categor(?:y|ies)\s*:\s*", "", LINES[line + 1])  # the sub category two lines on
    assert sub == option.nsi_subtype


def test_it_lists_every_printed_msrp_module_category():
    # the brochure's MSRP sub categories, each with the main category printed before it
    printed = [
        (LINES[n - 3].split(":", 1)[1].strip(), n - 2)
        for n, line in enumerate(LINES, 1)
        if re.match(r"NSI Sub Categor(?:y|ies)\s*:.*MSRP", line)
    ]
    assert sorted(printed, key=lambda item: item[1]) == [(main, line) for _, _, main, line in MSRP_MODULES]


def test_it_gives_every_option_a_main_category_printed_in_its_service():
    for found in raw().services:
        first, last = found.source.lines
        printed = {
            re.sub(r"^NSI Main Categor(?:y|ies)\s*:\s*", "", " ".join(line.split())).rstrip(" .;:,")
            for line in LINES[first - 1 : last]
            if line.startswith("NSI Main Categor")
        }
        assert {o.nsi_category for o in found.options} == printed, found.key


def test_it_reads_bespoke_services_as_one_service_with_three_options():
    bespoke = service("bespoke-services")
    assert bespoke.name == "Bespoke Services"
    assert bespoke.kind is Kind.SUPPORT_SERVICE
    assert bespoke.source.lines == (1178, 1204)
    assert bespoke.duration_text == "The duration of the service will be negotiated with customer."
    assert bespoke.delivery is Delivery.ONE_TO_ONE
    assert [(o.key, o.name, o.nsi_category, o.nsi_subtype) for o in bespoke.options] == [
        ("case-management-support", "Case Management Support", "ES - Other KSS", "Case Management Support"),
        ("supporting-alcohol-treatment-requirement", "Supporting Alcohol Treatment Requirement",
         "ES - Drugs / Alcohol KSS", "Supporting Alcohol Treatment Requirement"),
        ("supporting-drug-rehabilitation-requirement", "Supporting Drug Rehabilitation Requirement",
         "ES - Drugs / Alcohol KSS", "Supporting Drug Rehabilitation Requirement"),
    ]
    # its main categories are of two kinds (other; drugs and alcohol), so no one category fits
    assert bespoke.category == "Other"
    assert any("different kinds" in note for note in bespoke.review_notes)
    # two of its options support a court requirement: each sub category names it
    assert [(c.line, c.text) for c in bespoke.criteria_text] == [
        (1186, "NSI Sub Category: Supporting Alcohol Treatment Requirement"),
        (1190, "NSI Sub Category: Supporting Drug Rehabilitation Requirement"),
    ]
    assert bespoke.highlights == ["Reduced reoffending/delivering the customer's bespoke need."]


def test_it_keeps_the_treatment_requirements_of_the_bespoke_options_as_notes():
    # Rules apply to a whole service; a requirement would shut people out of case management support.
    rules = service("bespoke-services").rules
    assert [(r.kind.value, r.line) for r in rules] == [("note", 1186), ("note", 1190)]


# --------------------------------------------------------------------------- hold-outs: a changed brochure

BESPOKE_HEADING = line_of("## Bespoke Services")
CASE_MAIN = BESPOKE_HEADING + 2
CASE_SUB = line_of("NSI Sub Category: Case Management Support")


def changed(replace: dict[int, list[str]]) -> str:
    """The brochure with the given 1-based lines replaced by the lines given for each (none: removed)."""
    return "\n".join(new for number, line in enumerate(LINES, 1) for new in replace.get(number, [line]))


@pytest.mark.parametrize(
    ("replace", "options", "category", "nsi_category"),
    [
        pytest.param(
            {CASE_MAIN: [], CASE_SUB: []},
            [("supporting-alcohol-treatment-requirement", "ES - Drugs / Alcohol KSS"),
             ("supporting-drug-rehabilitation-requirement", "ES - Drugs / Alcohol KSS")],
            "Drugs and alcohol", "ES - Drugs / Alcohol KSS",
            id="sub-category-removed",
        ),
        pytest.param(
            {CASE_SUB: ["NSI Sub Category: Case Coordination Support"]},
            [("case-coordination-support", "ES - Other KSS"),
             ("supporting-alcohol-treatment-requirement", "ES - Drugs / Alcohol KSS"),
             ("supporting-drug-rehabilitation-requirement", "ES - Drugs / Alcohol KSS")],
            "Other", "ES - Other KSS",
            id="sub-category-renamed",
        ),
        pytest.param(
            {CASE_SUB: [LINES[CASE_SUB - 1], "", "NSI Main Category: ES - Mental Health KSS", "",
                        "NSI Sub Category: Counselling Support"]},
            [("case-management-support", "ES - Other KSS"), ("counselling-support", "ES - Mental Health KSS"),
             ("supporting-alcohol-treatment-requirement", "ES - Drugs / Alcohol KSS"),
             ("supporting-drug-rehabilitation-requirement", "ES - Drugs / Alcohol KSS")],
            "Other", "ES - Other KSS",
            id="sub-category-added",
        ),
        pytest.param(
            {CASE_MAIN: ["NSI Main Category: ES - Accommodation KSS"]},
            [("case-management-support", "ES - Accommodation KSS"),
             ("supporting-alcohol-treatment-requirement", "ES - Drugs / Alcohol KSS"),
             ("supporting-drug-rehabilitation-requirement", "ES - Drugs / Alcohol KSS")],
            "Other", "ES - Accommodation KSS",
            id="main-category-changed",
        ),
    ],
)
def test_it_follows_a_changed_bespoke_services_section(replace, options, category, nsi_category):
    text = changed(replace)
    bespoke = next(s for s in brochure_from_text(text, file=KSS.name, overlay_dir=OVERLAYS).services
                   if s.key == "bespoke-services")
    assert [(o.key, o.nsi_category) for o in bespoke.options] == options
    assert bespoke.nsi_subtypes == [o.nsi_subtype for o in bespoke.options]
    assert (bespoke.category, bespoke.nsi_category) == (category, nsi_category)
    assert bespoke.summary  # the overlay still applies


def test_it_rejects_nsi_lines_left_without_their_service_heading():
    # Without its heading, Bespoke Services would silently become options of the MSRP service above.
    with pytest.raises(BrochureError) as caught:
        kss.parse(changed({BESPOKE_HEADING: []}), file=KSS.name)
    assert caught.value.line == CASE_MAIN - 1  # one line up: the heading line is gone
    assert "Delivery of Modules from MSRP" in caught.value.message and "heading" in caught.value.message


def test_it_rejects_a_bespoke_sub_category_left_without_its_main_category():
    with pytest.raises(BrochureError) as caught:
        kss.parse(changed({CASE_MAIN: []}), file=KSS.name)
    assert caught.value.line == CASE_SUB - 1
    assert "Bespoke Services" in caught.value.message


# --------------------------------------------------------------------------- durations


@pytest.mark.parametrize(
    ("key", "sessions", "minutes", "hours", "text"),
    [
        ("resolve", 26, None, 60,
         "22 x two and a half hour group sessions delivered up to three times a week; 4 x one hour one-to-one "
         "sessions; 1 x one hour post programme three-way"),
        ("drink-impaired-drivers", 14, None, 30, None),
        ("thinking-skills-programme", 19, None, None, None),  # the three-way has no printed length
        ("building-better-relationships", 30, None, None, None),
        ("accommodation", None, None, 4, "Up to four hours face-to-face time delivered as and when required"),
        ("finance-benefit-and-debt", None, None, 2, None),
        ("preparation-for-work", 6, 120, 12, "Six sessions, two hours per session"),
        ("cscs-card-training", 2, None, None, "Two Full day sessions"),
        ("job-club", 10, None, None, "10 Sessions"),
        ("changing-drugs-and-alcohol-use", 12, None, None, "12 sessions"),
        ("brief-extended-alcohol-intervention", 6, None, None, "6 Sessions"),
        ("womens-group", 6, None, None, "Six sessions"),
        ("senior-attendance-centre", None, None, 36, "As determined by the courts up to 36 hours"),
        ("positive-futures", 8, 120, 16, None),
        ("anger-management", 10, None, 18, "10 sessions, 2 x one hour sessions , 8 x two hour group sessions"),
        ("domestic-abuse-programme", 12, 120, 24, "12 group work sessions, two hours per session"),
        ("gypsy-traveller-domestic-abuse-programme", 6, 90, 9, "Six sessions, 90 minutes per session"),
        ("domestic-abuse-one-to-one-programme", 12, 90, 18, None),
        ("victim-awareness", 6, 120, 12, None),
        ("compulsive-and-obsessive-behaviour-programme", 10, None, None, "10 Sessions"),
        ("intervention-for-immature-males", 6, None, None, "Six Sessions"),
        ("verge-of-recall-intervention", None, None, None, "Intensive two week programme"),
        ("mandatory-through-the-gate-services", None, None, 10, None),
        ("womens-resettlement-programme-at-east-sutton-park-prison", 13, 120, 26, None),
        ("delivery-of-outlook-modules-from-msrp", 18, 20, 6, None),
    ],
)
def test_it_reads_durations_as_numbers_and_keeps_the_printed_text(key, sessions, minutes, hours, text):
    found = service(key)
    assert (found.sessions, found.session_minutes, found.total_hours) == (sessions, minutes, hours)
    if text is not None:
        assert found.duration_text == text


def test_it_marks_hour_caps_on_options():
    assert service("accommodation").options[0].hours_up_to is True
    assert service("senior-attendance-centre").options[0].hours_up_to is True
    assert service("resolve").options[0].hours_up_to is False  # 'up to three times a week' is no cap
    assert service("domestic-abuse-one-to-one-programme").options[0].hours_up_to is True


def test_it_notes_headline_sessions_that_differ_from_the_listed_contacts():
    notes = " ".join(service("resolve").review_notes)
    assert "26 sessions" in notes and "27 contacts" in notes
    assert any("41.5 hours" in note for note in service("thinking-skills-programme").review_notes)


# --------------------------------------------------------------------------- prerequisites and charges


@pytest.mark.parametrize("key", MSRP_KEYS)
def test_it_requires_the_msrp_pro_forma_for_every_msrp_service(key):
    found = service(key)
    assert len(found.prerequisites) == 1
    prerequisite = found.prerequisites[0]
    assert prerequisite.mandatory is True
    assert (prerequisite.max_modules, prerequisite.max_sessions) == (3, 18)
    assert "Pro-forma" in prerequisite.text
    assert [o.level for o in found.options] == [Level.MODULE] * len(found.options)
    assert found.options[0].session_minutes == 20


def test_it_requires_no_pro_forma_outside_msrp():
    assert [s.key for s in parsed().services if s.prerequisites] == MSRP_KEYS


def test_it_reads_the_cscs_cancellation_charge():
    charges = service("cscs-card-training").charges
    assert len(charges) == 1
    assert charges[0].amount_pence == 10000
    assert "cancelled after registration" in charges[0].applies_when
    assert [s.key for s in parsed().services if s.charges] == ["cscs-card-training"]


def test_it_flags_the_unpriced_hourly_restorative_justice_charge():
    for key in ("individual-tailored-restorative-justice-in-the-community",
                "restorative-justice-individual-tailored-service-in-custody"):
        found = service(key)
        assert found.charges == []
        assert any("charge" in note for note in found.review_notes)


def test_it_notes_further_purchases():
    assert "10 sessions" in service("compulsive-and-obsessive-behaviour-programme").request_notes
    assert "Further blocks" in service("womens-wrap-around-support").request_notes


# --------------------------------------------------------------------------- criteria


def criteria(key: str) -> dict[str, int]:
    return {c.text: c.line for c in service(key).criteria_text}


def test_it_reads_tsp_criteria_from_the_page_and_the_table_with_lines():
    found = criteria("thinking-skills-programme")
    assert found["Risk is determined by an OGRS score of 25-90, with scores of over 75 requiring additional "
                 "interventions to support the service user."] == 162
    assert found["Available to both female and male service users."] == 170
    assert found["(b) Total score is five or more AND 11.6 scores two"] == 1248
    assert found["(c) Total score is five or more AND 11.7 scores two"] == 1248
    assert found["Exclusion: OGRS below 25 or above 90"] == 1248
    assert any(text.startswith("TSP is appropriate for violent") and line == 160 for text, line in found.items())


def test_it_reads_bbr_criteria_with_lines():
    found = criteria("building-better-relationships")
    assert found["It is a structured programme aimed at male perpetrators of domestic abuse who are medium to "
                 "high risk of harm."] == 184
    assert found["Available to male service users"] == 192
    assert found["Assessed as 'Moderate' or above using the Spousal Assault Assessment tool (SARA)"] == 1241
    assert found["Index offence is Intimate Partner Violence (IPV), related as indicated by OASYS item 2:3d"] == 1241
    assert found["Exclusion: Females"] == 1241
    assert found['Exclusion: Refusal to sign "Statement of Understanding for the Release of Information" or who '
                 'refuse to commit to the "Conditions of Success".'] == 1241


def test_it_reads_resolve_and_did_criteria_from_the_table():
    resolve = criteria("resolve")
    assert resolve["Exclusion: Shift patterns"] == 1245
    assert any("OVP 27." in text for text in resolve)
    assert any(text.startswith("Other offenders who do not meet the risk level") for text in resolve)  # a note
    did = criteria("drink-impaired-drivers")
    assert did["Exclusion: Offenders with >four previous convictions"] == 1242
    assert did["Exclusion: Chaotic lifestyle or problem drinkers (i.e AUDIT score exceeding 20)"] == 1242
    assert any("score <50 on OGRS" in text and line == 130 for text, line in did.items())


def test_it_reads_criteria_of_elective_services():
    assert criteria("senior-attendance-centre") == {
        "A stand-alone punishment intervention for people aged 18 to 24 who have committed an offence of low "
        "seriousness.": 739,
    }
    women = criteria("womens-group")
    assert women["It is designed to be delivered to eight to twelve low to medium risk female service users."] == 610
    assert service("womens-group").max_participants == 12
    assert criteria("domestic-abuse-one-to-one-programme") == {
        "For service users who meet the criteria for BBR but due to specific needs or circumstances cannot "
        "undertake the work in a group.": 911,
    }
    immature = criteria("intervention-for-immature-males")
    assert immature["This intervention is suitable for all male service users."] == 981
    assert criteria("brief-extended-alcohol-intervention") == {
        "Screening for this intervention is undertaken through the use of the SADQ questionnaire.": 530,
    }


def test_it_rejoins_a_sentence_broken_by_page_furniture():
    text, line = next((c.text, c.line) for c in service("compulsive-and-obsessive-behaviour-programme").criteria_text)
    assert text.startswith("A 10 session, responsive one-to-one intervention for those demonstrating")
    assert line == 955
    assert "# Elective Services" not in " ".join(service("mentor-support").highlights)


def test_it_points_every_criterion_at_a_line_that_says_it():
    for found in parsed().services:
        for criterion in found.criteria_text:
            printed = re.sub(r"<[^>]+>|\*\*", "", LINES[criterion.line - 1]).replace("&gt;", ">")
            words = criterion.text.removeprefix("Exclusion: ").split()[:4]
            assert " ".join(words) in " ".join(printed.split()), (found.key, criterion)


# --------------------------------------------------------------------------- other facts


def test_it_collects_targeted_outcomes_as_highlights():
    assert service("resolve").highlights[1] == "manage and reduce impulsivity"
    assert len(service("resolve").highlights) == 7
    assert service("mandatory-through-the-gate-services").highlights[0] == (
        "On release: increase in suitable accommodation obtained for release"
    )
    assert service("womens-group").highlights == [
        "To address the pathways known to lead women into offending, increase self-confidence and reduction in "
        "reoffending."
    ]
    assert all(s.highlights for s in parsed().services)


def test_it_reads_kind_setting_and_delivery():
    assert {s.key for s in parsed().services if s.kind is Kind.ACCREDITED_PROGRAMME} == {
        "resolve", "drink-impaired-drivers", "thinking-skills-programme", "building-better-relationships",
    }
    assert service("senior-attendance-centre").kind is Kind.COURT_REQUIREMENT
    assert service("mentor-support").setting is Setting.THROUGH_THE_GATE
    assert service("mandatory-through-the-gate-services").setting is Setting.THROUGH_THE_GATE
    assert service("accommodation").setting is Setting.CUSTODY
    assert service("restorative-justice-individual-tailored-service-in-custody").setting is Setting.CUSTODY
    prison = service("womens-resettlement-programme-at-east-sutton-park-prison")
    assert (prison.setting, prison.kind, prison.locations) == (
        Setting.CUSTODY, Kind.RESETTLEMENT, ["East Sutton Park Prison"],
    )
    assert service("job-club").delivery is Delivery.GROUP
    assert service("verge-of-recall-intervention").delivery is Delivery.ONE_TO_ONE
    assert service("womens-wrap-around-support").delivery is Delivery.BOTH
    assert service("resolve").delivery is Delivery.GROUP  # its one-to-one sessions are part of the group programme
    assert service("womens-group").licence_usable is True


def test_it_marks_rar_programmes_only():
    assert {s.key for s in parsed().services if s.rar_usable} == {
        "resolve", "drink-impaired-drivers", "thinking-skills-programme", "building-better-relationships",
        "changing-drugs-and-alcohol-use", "positive-futures", "anger-management", "victim-awareness",
    }


def test_it_leaves_areas_empty_for_the_whole_kss_area():
    assert all(s.areas == [] for s in parsed().services)


def test_it_gives_every_service_a_category_and_a_summary():
    for found in parsed().services:
        assert found.category in CATEGORIES
        assert found.summary and len(found.summary) > 40, found.key
    assert service("building-better-relationships").category == "Domestic abuse"
    assert service("delivery-of-home-modules-from-msrp").category == "Accommodation"
    assert service("senior-attendance-centre").category == "Young adults"
    assert service("mentor-support").category == "Mentoring and community support"


def test_it_writes_summaries_in_its_own_words():
    brochure = " ".join(re.sub(r"[^a-z0-9 ]+", " ", TEXT.lower()).split())
    for found in parsed().services:
        words = re.sub(r"[^a-z0-9 ]+", " ", found.summary.lower()).split()
        for start in range(len(words) - 6):
            run = " ".join(words[start : start + 7])
            assert run not in brochure, (found.key, run)


def test_it_sources_each_service_at_its_heading():
    for found in raw().services:
        first, last = found.source.lines
        assert found.source.file == KSS.name
        assert 88 <= first <= last < line_of("# MSRP Routeways")
        heading = LINES[first - 1]
        assert heading.startswith(("#", "**")), found.key
    assert service("resolve").source.lines == (92, 120)
    assert service("intervention-for-immature-males").source.lines[0] == line_of("**Intervention For Immature Males**")


def test_its_overlay_names_only_parsed_services_and_only_adds_words():
    overlay = yaml.safe_load((OVERLAYS / "kss.yaml").read_text(encoding="utf-8"))
    assert set(overlay) == {"services"}
    assert set(overlay["services"]) == {s.key for s in raw().services}
    for key, fields in overlay["services"].items():
        assert set(fields) <= {"summary", "aliases", "rules"}, key


# --------------------------------------------------------------------------- bad text


def test_it_rejects_a_truncated_brochure_naming_the_file_and_last_line():
    half = "\n".join(LINES[: len(LINES) // 2])
    with pytest.raises(BrochureError) as caught:
        parse_text(half, file=KSS.name)
    error = caught.value
    assert error.file == KSS.name
    assert error.line == len(LINES) // 2 - 1  # the last non-blank line read
    assert "truncated" in error.message and "MSRP Routeways" in error.message
    assert str(error).startswith(f"{KSS.name}:{error.line}:")


def test_it_rejects_a_brochure_cut_inside_the_criteria_table():
    cut = "\n".join(LINES[: line_of("<p><b>Resolve</b></p>")])
    with pytest.raises(BrochureError, match=r"truncated.*Information correct at"):
        kss.parse(cut, file=KSS.name)


def test_it_rejects_a_service_without_its_nsi_main_category():
    main = line_of("NSI Main Category: ES - Attendance Centre KSS")
    with pytest.raises(BrochureError) as caught:
        kss.parse(without(main), file=KSS.name)
    assert caught.value.line == main + 1  # the sub category line left without its main category
    assert "Senior Attendance Centre" in caught.value.message

    sub = line_of("NSI Sub Category: Senior Attendance Centre")
    with pytest.raises(BrochureError) as caught:
        kss.parse(without(main, sub), file=KSS.name)
    assert caught.value.line == line_of("### **Senior Attendance Centre**")
    assert "no 'NSI Main Category:' line" in caught.value.message


def test_it_rejects_a_main_category_without_a_sub_category():
    sub = line_of("NSI Sub Category: Positive Futures")
    with pytest.raises(BrochureError, match="has no 'NSI Sub Category'") as caught:
        kss.parse(without(sub), file=KSS.name)
    assert caught.value.line == sub - 2


@pytest.mark.parametrize("text", ["", "\n\n", "Shopping list\n- eggs\n", "# Accredited Programmes and Interventions\n"])
def test_it_raises_only_brochure_errors_on_text_that_is_not_the_brochure(text):
    with pytest.raises(BrochureError):
        kss.parse(text, file="x.txt")


def test_it_raises_only_brochure_errors_on_damaged_text():
    rng = random.Random(4)
    for _ in range(60):
        lines = LINES[:]
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(len(lines))
            roll = rng.random()
            if roll < 0.35:
                del lines[at]
            elif roll < 0.6:
                lines.insert(at, lines[rng.randrange(len(lines))])
            elif roll < 0.85:
                lines[at] = lines[at][: rng.randrange(len(lines[at]) + 1)]
            else:
                lines[at] = "".join(rng.sample(lines[at], len(lines[at])))
        try:
            kss.parse("\n".join(lines), file="damaged.txt")
        except BrochureError as error:
            assert error.file == "damaged.txt"


def test_it_parses_well_under_50_ms():
    kss.parse(TEXT, file=KSS.name)
    best = float("inf")
    for _ in range(5):  # CPU time, best of five: other work on the machine does not count
        start = time.process_time()
        kss.parse(TEXT, file=KSS.name)
        best = min(best, time.process_time() - start)
    assert best < 0.05
