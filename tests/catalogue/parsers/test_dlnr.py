"""The DLNR CRC Probation Service Guide parser and its overlay."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest

from ratecard.catalogue.importer import read_brochure
from ratecard.catalogue.parsers import dlnr, parse_text
from ratecard.catalogue.parsers.base import BrochureError
from ratecard.catalogue.schemas import CATEGORIES, Delivery, Kind, Level, RequestMethod, ServiceData
from tests.paths import ALL_BROCHURES, DLNR, OVERLAYS

REQUIREMENTS = [
    "Unpaid Work",
    "Accredited Programmes",
    "Rehabilitation Activity Requirement",
    "Prohibited Activity",
    "Exclusion",
    "Curfew",
    "Residence",
    "Mental Health Treatment",
    "Drug Rehabilitation",
    "Alcohol Treatment",
    "Senior Attendance Centre",
    "Foreign Travel Prohibition",
]
PROGRAMMES = [
    "Thinking Skills Programme",
    "Control of Violence for Angry Impulsive Drinkers",
    "Resolve",
    "Building Better Relationships",
]
RAR_ACTIVITIES = [
    "Foundations of Rehabilitation",
    "Substance Misuse Brief Intervention",
    "Anger Management",
    "Women's Services",
    "Education, Training & Employment",
    "Engagement Toolkit",
    "Transition and Hope",
    "Pathway to Independence",
    "Getting a home, keeping a home (including Tenancy Sustainment)",
    "Housing and welfare support",
    "Female Focus on Violence",
]


@pytest.fixture(scope="module")
def text() -> str:
    return DLNR.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def parsed(text):
    return dlnr.parse(text, file=DLNR.name)


@pytest.fixture(scope="module")
def brochure():
    return read_brochure(DLNR, overlay_dir=OVERLAYS)


@pytest.fixture(scope="module")
def services(brochure) -> dict[str, ServiceData]:
    return {service.key: service for service in brochure.services}


def criteria(service: ServiceData) -> list[tuple[int, str]]:
    return [(criterion.line, criterion.text) for criterion in service.criteria_text]


# --- layout and provider ---------------------------------------------------------------------


def test_it_detects_only_the_dlnr_guide():
    for path in ALL_BROCHURES:
        assert dlnr.detect(path.read_text(encoding="utf-8")) is (path == DLNR), path.name
    assert not dlnr.detect("")
    assert not dlnr.detect("A Probation Service Guide\n\nSection contents\n3.1 Unpaid Work\n")
    assert not dlnr.detect("Essex CRC Probation Service Guide\n")


def test_it_is_picked_by_the_layout_dispatcher(text):
    assert parse_text(text, file=DLNR.name).parser == "dlnr"


def test_it_reads_the_provider_from_the_text(brochure):
    provider = brochure.provider
    assert provider.code == "DLNR"
    assert provider.name == "Derbyshire, Leicestershire, Nottinghamshire and Rutland Community Rehabilitation Company"
    assert provider.areas == ["Derbyshire", "Leicestershire", "Nottinghamshire", "Rutland"]
    assert provider.brochure_title == "DLNR CRC Probation Service Guide"
    assert provider.brochure_kind == "guide for sentencers"
    assert provider.brochure_file == DLNR.name
    assert provider.valid_from == dt.date(2017, 2, 1)
    assert provider.valid_text == "February 2017"
    assert "communications@rrp.gse.gov.uk" in provider.contact
    assert "www.dlnrcrc.co.uk" in provider.contact


def test_it_warns_about_the_requirement_count_the_introduction_prints(parsed):
    assert any("line 159" in warning and "13 requirements" in warning for warning in parsed.warnings)
    assert not any("line 151" in warning for warning in parsed.warnings)  # "12 possible requirements" is right
    assert len(parsed.warnings) == 1  # contents and body titles agree once abbreviations and areas are set aside


# --- the service list ------------------------------------------------------------------------


def test_it_finds_every_service_exactly_once(parsed):
    names = [service.name for service in parsed.services]
    assert sorted(names) == sorted(REQUIREMENTS + PROGRAMMES + RAR_ACTIVITIES)
    assert len(names) == len(set(names)) == 27
    keys = [service.key for service in parsed.services]
    assert len(keys) == len(set(keys))


def test_it_keeps_the_guide_order(parsed):
    names = [service.name for service in parsed.services]
    assert names[:3] == ["Unpaid Work", "Accredited Programmes", "Thinking Skills Programme"]
    assert names[-1] == "Foreign Travel Prohibition"
    lines = [service.source.lines[0] for service in parsed.services]
    assert lines == sorted(lines)


def test_it_leaves_out_the_glossary_and_introductions(parsed):
    names = {service.name for service in parsed.services}
    for not_a_service in ("Glossary", "Peer Mentor", "Community Volunteer", "The Community Order and its Requirements",
                          "Suspended Sentence Orders", "Rehabilitation + Reparation", "Change Programme"):
        assert not_a_service not in names
    assert all(service.source.lines[0] >= 155 for service in parsed.services)


def test_it_keys_services_by_their_names(parsed):
    for service in parsed.services:
        assert service.key == re.sub(r"[^a-z0-9]+", "-", service.name.lower().replace("&", " and ").replace("'", "")).strip("-")
    keys = {service.key for service in parsed.services}
    assert {"unpaid-work", "thinking-skills-programme", "womens-services", "education-training-and-employment",
            "getting-a-home-keeping-a-home-including-tenancy-sustainment"} <= keys


def test_it_sorts_services_into_kinds(services):
    by_kind: dict[Kind, set[str]] = {}
    for service in services.values():
        by_kind.setdefault(service.kind, set()).add(service.name)
    assert by_kind[Kind.COURT_REQUIREMENT] == set(REQUIREMENTS)
    assert by_kind[Kind.ACCREDITED_PROGRAMME] == set(PROGRAMMES)
    assert by_kind[Kind.SUPPORT_SERVICE] == {"Education, Training & Employment", "Housing and welfare support"}
    assert by_kind[Kind.STRUCTURED_INTERVENTION] == set(RAR_ACTIVITIES) - by_kind[Kind.SUPPORT_SERVICE]
    for service in services.values():
        if service.kind is Kind.COURT_REQUIREMENT or service.kind is Kind.ACCREDITED_PROGRAMME:
            assert service.request_method is RequestMethod.COURT_ORDER, service.key
        else:
            assert service.rar_usable is True, service.key
            assert service.request_method is RequestMethod.CONTACT_PROVIDER, service.key


def test_it_reads_the_short_names_printed_next_to_the_titles(services):
    assert services["thinking-skills-programme"].aliases == ["TSP"]
    assert services["control-of-violence-for-angry-impulsive-drinkers"].aliases == ["COVAID"]
    assert services["building-better-relationships"].aliases == ["BBR"]
    assert services["rehabilitation-activity-requirement"].aliases == ["RAR"]
    assert services["pathway-to-independence"].aliases == ["PTI"]
    assert services["senior-attendance-centre"].aliases == ["SAC"]
    assert services["mental-health-treatment"].aliases == ["MHTR"]
    assert services["drug-rehabilitation"].aliases == ["DRR"]
    assert services["alcohol-treatment"].aliases == ["ATR"]
    assert services["foundations-of-rehabilitation"].aliases == ["FoR"]
    assert services["education-training-and-employment"].aliases == ["ETE"]
    assert "Tenancy Sustainment" in services["getting-a-home-keeping-a-home-including-tenancy-sustainment"].aliases


def test_it_takes_derbyshire_only_from_the_contents_and_headings(services):
    assert services["resolve"].areas == ["Derbyshire"]
    assert services["female-focus-on-violence"].areas == ["Derbyshire"]
    others = [key for key, service in services.items() if service.areas and key not in ("resolve", "female-focus-on-violence")]
    assert others == []


# --- facts as printed ------------------------------------------------------------------------


def test_it_reads_the_unpaid_work_limits(services):
    upw = services["unpaid-work"]
    assert (322, "The number of hours must be specified between 40 and 300.") in criteria(upw)
    assert "within 12 months" in upw.duration_text
    assert "Low — 40 to 80 hours; Medium — 80 to 150 hours; High — 150 to 300 hours" in upw.duration_text
    assert upw.category == "Unpaid work"
    assert "Main purposes: Punishment + Reparation + Rehabilitation" in upw.highlights


def test_it_reads_programme_sessions_and_hours(services):
    tsp = services["thinking-skills-programme"]
    assert (tsp.sessions, tsp.session_minutes, tsp.total_hours) == (19, 150, 47.5)
    covaid = services["control-of-violence-for-angry-impulsive-drinkers"]
    assert (covaid.sessions, covaid.session_minutes, covaid.total_hours) == (13, 150, 32.5)
    bbr = services["building-better-relationships"]
    assert (bbr.sessions, bbr.session_minutes, bbr.total_hours) == (30, 150, 75)
    resolve = services["resolve"]
    assert (resolve.sessions, resolve.session_minutes, resolve.total_hours) == (26, 150, None)  # "up to 2.5 hours"
    assert resolve.duration_text.startswith("26 sessions of group and individual sessions of up to 2.5 hours.")
    for service in (tsp, covaid, bbr, resolve):
        # group programmes whose individual sessions are part of the course, not another way to take it
        assert service.delivery is Delivery.GROUP
        assert service.rar_usable is False  # "should still be made as a separate requirement"
        assert service.licence_usable is True


def test_it_flags_the_resolve_session_count_that_does_not_add_up(services):
    notes = services["resolve"].review_notes
    assert any("27 sessions" in note and "26" in note for note in notes)


def test_it_reads_programme_criteria_with_their_lines(services):
    tsp = criteria(services["thinking-skills-programme"])
    assert tsp[0] == (
        371,
        "TSP targets male and female service users aged 18 years and over who are medium risk of re-offending and "
        "above, and have OGRS score of 25 and above",
    )
    assert (380, "current sex offenders.") in tsp
    assert (405, "Order duration must be minimum 9 months.") in tsp
    covaid = criteria(services["control-of-violence-for-angry-impulsive-drinkers"])
    assert (417, "COVAID targets males aged 18 years and over") in covaid
    assert covaid[1][0] == 418 and covaid[1][1].startswith("OGRS score 35-74")
    assert (425, "females") in covaid
    assert (443, "Order duration must be a minimum 6 months.") in covaid
    resolve = criteria(services["resolve"])
    assert (461, "Male service users who:") in resolve
    assert (482, "OGRS 50% or above") in resolve
    assert (484, "OVP 30-59%") in resolve
    bbr = criteria(services["building-better-relationships"])
    assert (506, "assessed at medium risk or above using the Spousal Assault Risk Assessment (SARA) guide.") in bbr
    assert (536, "Order duration must be 12 months or more.") in bbr


def test_it_notes_the_tsp_risk_wording_against_the_guides_own_bands(services):
    assert any("OGRS of 25+" in note and "50-74" in note for note in services["thinking-skills-programme"].review_notes)


def test_it_reads_the_rar_days_table_by_ogrs_band(services):
    rar = services["rehabilitation-activity-requirement"]
    rows = criteria(rar)
    assert (559, "OGRS Low: 0 - 49% — Guideline days range 10 - 20 days; Length of Order 6 - 12 months") in rows
    assert (560, "OGRS Medium: 50 - 74% — Guideline days range 15 - 35 days; Length of Order 9 - 18 months") in rows
    assert (561, "OGRS High: 75% + — Guideline days range 20 - 60 days; Length of Order 12 - 36 months") in rows
    assert (554, "The consent of the service user is not necessary.") in rows
    assert any(line == 155 and "on or after 1st February 2015" in text for line, text in rows)  # from section 1.0
    assert "maximum number of days" in rar.duration_text
    assert "Guideline days range 20 - 60 days" in rar.duration_text


def test_it_reads_foundations_of_rehabilitation_levels(services):
    service = services["foundations-of-rehabilitation"]
    assert [(o.name, o.level, o.sessions) for o in service.options] == [
        ("Connect", Level.LOW, 6),
        ("Connect + Grow", Level.MEDIUM, 12),
        ("Connect + Grow + Thrive", Level.HIGH, 18),
    ]
    assert service.sessions is None
    rows = criteria(service)
    assert (611, "Male OGRS — Connect (Low) 25 - 100; C + G (Medium) 25 - 100; C + G + t (High) 50 - 100") in rows
    assert any(line == 591 and "less than 25% OGRS" in text for line, text in rows)
    assert service.delivery is Delivery.GROUP


def test_it_reads_the_audit_range_of_the_brief_intervention(services):
    service = services["substance-misuse-brief-intervention"]
    assert (628, "for alcohol users: problematic but non-dependent use – Guide AUDIT Score 8-19") in criteria(service)
    assert service.sessions is None
    assert service.duration_text == "Guideline days: 6 - 9 sessions."
    assert any("6-9" in note for note in service.review_notes)
    assert service.category == "Drugs and alcohol"


def test_it_reads_the_alcohol_treatment_requirement(services):
    atr = services["alcohol-treatment"]
    assert (1189, "dependency on alcohol (AUDIT 20+ as a guide to this)") in criteria(atr)
    assert (1190, "service user consents to treatment") in criteria(atr)
    assert [(o.name, o.level, o.duration_text) for o in atr.options] == [
        ("Shorter ATRs", Level.BLOCK, "3-6 months"),
        ("6 month ATR", Level.BLOCK, "6 months"),
        ("Longer ATRs", Level.BLOCK, "6 months+ (ideally max 6 months)"),
    ]
    assert any("misprint" in note for note in atr.review_notes)


def test_it_reads_the_drug_rehabilitation_criteria_across_a_page_break(services):
    rows = criteria(services["drug-rehabilitation"])
    assert (1144, "service user consents to treatment") in rows
    assert (1152, "must be recommended by an officer of the NPS or CRC") in rows  # after the repeated page header
    assert (1161, "dependent cannabis users.") in rows
    assert not any(1133 <= line <= 1138 for line, _ in rows)  # court review criteria are not eligibility


def test_it_reads_curfew_residence_and_treatment_limits(services):
    curfew = services["curfew"]
    assert "between two and 16 hours in any one day" in curfew.duration_text
    assert "limited to up to 12 months" in curfew.duration_text
    assert "High — four to 12 months" in curfew.duration_text
    assert services["residence"].duration_text == "Seriousness levels: Medium — High (up to 36 months)."
    mhtr = services["mental-health-treatment"]
    assert mhtr.duration_text == "Treatment need: Medium — High (six to 36 months)."
    assert (1100, "the service user is willing to comply") in criteria(mhtr)
    assert len(mhtr.options) == 3 and all(option.level is Level.VARIANT for option in mhtr.options)
    ftp = services["foreign-travel-prohibition"]
    assert (1281, "Such a requirement cannot last for longer than 12 months.") in criteria(ftp)
    assert ftp.duration_text == "Such a requirement cannot last for longer than 12 months."


def test_it_reads_the_senior_attendance_centre(services):
    sac = services["senior-attendance-centre"]
    assert (1220, "They are for male and females between the ages of 18-24.") in criteria(sac)
    assert (1222, "The Court can impose a SAC requirement of up to 36 hours.") in criteria(sac)
    assert sac.session_minutes == 180
    assert [(o.name, o.hours) for o in sac.options] == [("12 hours", 12), ("24 hours", 24), ("36 hours", 36)]
    assert sac.category == "Young adults"
    assert sac.locations == []
    assert any("based in the cities" in note for note in sac.review_notes)
    # a sentence carried over a page break keeps the line it starts on
    assert any(line == 1234 and "possession of weapons" in text for line, text in criteria(sac))


def test_it_reads_the_rar_activities(services):
    anger = services["anger-management"]
    assert (anger.sessions, anger.rar_days, anger.delivery) == (6, 6, Delivery.GROUP)
    assert (666, "be a male service user") in criteria(anger)
    assert anger.highlights[0] == "Introduction" and len(anger.highlights) == 6
    ffv = services["female-focus-on-violence"]
    assert (ffv.sessions, ffv.delivery) == (6, Delivery.ONE_TO_ONE)
    assert (970, "The programme is unsuitable for male service users.") in criteria(ffv)
    pti = services["pathway-to-independence"]
    assert pti.sessions == 6 and pti.licence_usable is True
    assert (876, "young adults aged 18-24 on a Community/Suspended Sentence Order which includes a RAR") in criteria(pti)
    home = services["getting-a-home-keeping-a-home-including-tenancy-sustainment"]
    assert (home.sessions, home.delivery, home.category) == (4, Delivery.GROUP, "Accommodation")
    hope = services["transition-and-hope"]
    assert (hope.sessions, hope.delivery) == (1, Delivery.GROUP)
    assert hope.licence_usable is None  # "on their order/licence" describes the peer mentors, not who it is for
    toolkit = services["engagement-toolkit"]
    assert (toolkit.delivery, toolkit.licence_usable) == (Delivery.ONE_TO_ONE, True)
    assert toolkit.request_notes.startswith("Not applicable.")


def test_it_reads_womens_services_programmes_as_options(services):
    women = services["womens-services"]
    assert [(o.name, o.level, o.sessions) for o in women.options] == [
        ("Change Programme", Level.PROGRAMME, 10),
        ("Healthy Emotions Programme", Level.PROGRAMME, 5),
        ("Healthy Relationships Programme", Level.PROGRAMME, 5),
        ("Positive Parenting", Level.PROGRAMME, 5),
    ]
    rows = criteria(women)
    assert (735, "NPS cases: suitable for female service users.") in rows
    assert (750, "sex worker") in rows  # a vulnerability bullet after the repeated page header
    assert women.delivery is Delivery.BOTH
    assert women.category == "Women"


def test_it_reads_ete_and_housing_support(services):
    ete = services["education-training-and-employment"]
    assert ete.delivery is Delivery.BOTH
    assert "0800 200 6565" in ete.request_notes
    assert ete.duration_text == "Length of engagement: 10 to 20 days / Engagement sessions within a period of up to 6 months."
    assert "CV workshop" in ete.highlights and "Phone confidence" in ete.highlights
    housing = services["housing-and-welfare-support"]
    assert housing.source.lines == (952, 954)
    assert housing.delivery is Delivery.ONE_TO_ONE
    assert any("some circumstances" in note for note in housing.review_notes)


def test_it_gives_source_lines_inside_each_section(services):
    assert services["unpaid-work"].source.lines == (312, 334)
    assert services["thinking-skills-programme"].source.lines == (361, 405)
    assert services["foreign-travel-prohibition"].source.lines == (1263, 1285)  # the closing page is left out
    assert services["getting-a-home-keeping-a-home-including-tenancy-sustainment"].source.lines == (913, 950)


# --- the overlay -----------------------------------------------------------------------------


def test_it_gives_every_service_a_summary_and_a_category(services):
    for service in services.values():
        assert service.summary and len(service.summary) > 40, service.key
        assert service.category in CATEGORIES, service.key


def test_it_keeps_the_brochures_prose_out_of_the_summaries(services, text):
    printed = re.sub(r"\s+", " ", text.lower())
    for service in services.values():
        words = re.findall(r"[\w'’-]+|[.,;:]", service.summary.lower())
        for start in range(len(words) - 7):
            run = " ".join(words[start : start + 8])
            run = re.sub(r" ([.,;:])", r"\1", run)
            assert run not in printed, (service.key, run)


def test_it_adds_the_unprinted_unpaid_work_alias_from_the_overlay(parsed, services):
    assert "UPW" not in next(s for s in parsed.services if s.key == "unpaid-work").aliases
    assert "UPW" in services["unpaid-work"].aliases


# --- bad text --------------------------------------------------------------------------------


def test_it_reports_the_first_half_as_truncated(text):
    lines = text.splitlines(keepends=True)
    half = "".join(lines[: len(lines) // 2])
    with pytest.raises(BrochureError) as caught:
        dlnr.parse(half, file=DLNR.name)
    error = caught.value
    assert error.file == DLNR.name
    assert error.line == len(lines) // 2
    assert "truncated" in error.message
    assert "3.12 Foreign Travel Prohibition" in error.message
    assert str(error).startswith(f"{DLNR.name}:{len(lines) // 2}:")


@pytest.mark.parametrize("keep", [10, 30, 100, 146, 1000, 1264, 1270, 1286])
def test_it_reports_other_cuts_with_the_last_line_read(text, keep):
    lines = text.splitlines(keepends=True)
    with pytest.raises(BrochureError) as caught:
        dlnr.parse("".join(lines[:keep]), file=DLNR.name)
    assert caught.value.file == DLNR.name
    assert caught.value.line is not None and caught.value.line <= keep


def test_it_reports_a_missing_closing_page_as_truncated(text):
    cut = text[: text.index("Derbyshire\nLeicestershire\nNottinghamshire")]
    with pytest.raises(BrochureError, match="closing page"):
        dlnr.parse(cut, file=DLNR.name)


def test_it_reports_a_section_missing_from_the_middle(text):
    start = text.index("\n3.5\n\nExclusion")
    end = text.index("\n3.6\n\nCurfew")
    with pytest.raises(BrochureError, match=r"3\.5 Exclusion"):
        dlnr.parse(text[:start] + text[end:], file=DLNR.name)


@pytest.mark.parametrize(
    "bad",
    ["", "\n\n\n", "random words\nwith no layout\n", "DLNR CRC Probation Service Guide\n", "x" * 50000,
     "DLNR CRC Probation Service Guide\n\nSection contents\n\n3.1 Unpaid Work\n\n3.1\n\nUnpaid Work\n"],
)
def test_it_raises_only_brochure_errors_for_bad_text(bad):
    with pytest.raises(BrochureError):
        dlnr.parse(bad, file="bad.txt")


def test_it_reads_windows_line_endings(text):
    assert len(dlnr.parse(text.replace("\n", "\r\n"), file=DLNR.name).services) == 27


def test_it_parses_quickly(text):
    dlnr.parse(text, file=DLNR.name)
    started = time.perf_counter()
    for _ in range(3):
        dlnr.parse(text, file=DLNR.name)
    assert (time.perf_counter() - started) / 3 < 0.25  # generous for slow CI; typically well under 50 ms
