"""The Essex CRC "Guide to Interventions: Information for Sentencers" parser and its overlay."""

from __future__ import annotations

import re
import time
from functools import cache

import pytest

from ratecard.catalogue.importer import read_brochure
from ratecard.catalogue.overlay import apply_overlay, load_overlay, overlay_path
from ratecard.catalogue.parsers import LAYOUTS, essex
from ratecard.catalogue.parsers.base import BrochureError, slugify
from ratecard.catalogue.schemas import CATEGORIES, Delivery, Kind, Level, RequestMethod, Setting
from tests.paths import ALL_BROCHURES, DLNR, ESSEX, OVERLAYS

TEXT = ESSEX.read_text(encoding="utf-8")

SERVICE_NAMES = [
    # the requirement the RAR activities are delivered in
    "Rehabilitation Activity Requirement (RAR)",
    # RAR activities
    "Step Up to Good Tenancy course",
    "Accommodation one to one provision",
    "Step Up to Work course",
    "Education, Training and Employment (ETE) one-to-one provision",
    "Step Up to Money Management",
    "Supporting money management one-to-one provision",
    "Substance misuse mentoring",
    "Family Course",
    "Women only mentoring",
    "Women's Programme",
    "Attitude, Thinking and Behaviour Programme",
    "Motivational Module",
    "Family and Parenting Support",
    "Women's Hub",
    "Victim Awareness",
    "Alcohol Brief Interventions",
    # accredited programmes
    "Building Skills for Recovery Programme",
    "Drink Impaired Drivers Programme",
    "Building Better Relationships",
    "Thinking Skills Programme",
    "RESOLVE",
    # other requirements
    "Community Payback (unpaid work)",
    "Alcohol Treatment Requirement (ATR)",
    "Drug Rehabilitation Requirement (DRR)",
    "Mental Health Treatment Requirement",
    # post release
    "Generic mentoring and 'Meet at the Gate'",
    "Resettlement Module",
]
RAR = SERVICE_NAMES[0]
RAR_ACTIVITIES = SERVICE_NAMES[1:17]
ACCREDITED = SERVICE_NAMES[17:22]
REQUIREMENTS = SERVICE_NAMES[22:26]
POST_RELEASE = SERVICE_NAMES[26:]
LINES = TEXT.splitlines()


@cache
def parsed():
    return essex.parse(TEXT, file=ESSEX.name)


@cache
def imported():
    """The brochure as the importer gives it (parser + overlay).

    While a sibling layout's parser module is still being written, read_brochure cannot import it;
    then the same two steps are run directly on this parser.
    """
    try:
        return read_brochure(ESSEX, overlay_dir=OVERLAYS)
    except ModuleNotFoundError as exc:
        if not any(exc.name == f"ratecard.catalogue.parsers.{name}" for name in LAYOUTS):
            raise
        result = essex.parse(TEXT, file=ESSEX.name)
        path = overlay_path(OVERLAYS, result.provider.code)
        return apply_overlay(result, load_overlay(path), overlay_name=path.name)


def parsed_from(text: str):
    """A changed copy of the guide, parsed."""
    return essex.parse(text, file=ESSEX.name)


def service(name: str, *, brochure=None):
    matches = [s for s in (brochure or parsed()).services if s.name == name]
    assert len(matches) == 1, name
    return matches[0]


# --- detection ---------------------------------------------------------------------------------


def test_it_detects_the_essex_guide():
    assert essex.NAME == "essex"
    assert essex.detect(TEXT)


@pytest.mark.parametrize("path", [p for p in ALL_BROCHURES if p != ESSEX], ids=lambda p: p.name)
def test_it_does_not_detect_the_other_brochures(path):
    assert not essex.detect(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "text",
    ["", "Guide to Interventions\n", "hello world\n" * 50, "Information for Sentencers\nAbout\n- item\n"],
)
def test_it_does_not_detect_random_text(text):
    assert not essex.detect(text)


# --- provider ----------------------------------------------------------------------------------


def test_it_reads_the_provider_facts():
    provider = parsed().provider
    assert parsed().parser == "essex"
    assert provider.code == "ESX"  # the guide prints no NSI names of its own
    assert provider.name == "Essex CRC"
    assert provider.areas == ["Essex"]
    assert provider.brochure_title == "Guide to Interventions: Information for Sentencers"
    assert provider.brochure_kind == "guide for sentencers"
    assert provider.brochure_file == ESSEX.name
    assert provider.valid_from is None and provider.valid_text is None
    assert provider.contact == (
        "0345 608 0211; www.essexcrc.org.uk; offices: Southend, Harlow, Colchester; "
        "neighbourhood centres: Basildon, Thurrock, Chelmsford"
    )
    assert provider.hub_email is None and provider.transfer is None


# --- services ----------------------------------------------------------------------------------


def test_it_reads_every_service_exactly_once():
    names = [s.name for s in parsed().services]
    assert names == SERVICE_NAMES
    keys = [s.key for s in parsed().services]
    assert len(set(keys)) == len(keys) == 28
    assert all(s.key == slugify(s.name) for s in parsed().services)


def test_it_does_not_take_introductions_for_services():
    names = {s.name for s in parsed().services}
    assert not {"Guide to Interventions", "Information for Sentencers", "About this guide"} & names
    assert not any(name.startswith("About") for name in names)


def test_it_gives_each_group_its_kind_and_request_method():
    for name in RAR_ACTIVITIES:
        s = service(name)
        assert s.kind in (Kind.STRUCTURED_INTERVENTION, Kind.SUPPORT_SERVICE), name
        assert s.rar_usable is True and s.licence_usable is True, name
        assert s.request_method == RequestMethod.COURT_ORDER and "Rehabilitation Activity" in s.request_notes
    for name in ACCREDITED:
        s = service(name)
        assert s.kind == Kind.ACCREDITED_PROGRAMME and s.rar_usable is False and s.licence_usable is True
        assert s.request_method == RequestMethod.COURT_ORDER
    for name in [RAR, *REQUIREMENTS]:
        s = service(name)
        assert s.kind == Kind.COURT_REQUIREMENT and s.request_method == RequestMethod.COURT_ORDER
    for name in POST_RELEASE:
        s = service(name)
        assert s.kind == Kind.RESETTLEMENT and s.setting == Setting.THROUGH_THE_GATE
        assert s.request_method == RequestMethod.CONTACT_PROVIDER and s.licence_usable is True
    assert all(service(n).setting == Setting.COMMUNITY for n in [RAR, *RAR_ACTIVITIES, *ACCREDITED, *REQUIREMENTS])


def test_it_reads_the_rar_itself_as_a_court_requirement_from_its_introduction():
    rar = service(RAR)
    assert LINES[rar.source.lines[0] - 1] == RAR  # the contents list's RAR heading, printed as a title
    assert rar.source.lines == (47, 53)  # up to the first RAR activity
    assert rar.key == "rehabilitation-activity-requirement-rar"
    assert rar.aliases == ["RAR", "Rehabilitation Activity Requirement"]
    assert (rar.kind, rar.request_method, rar.setting) == (Kind.COURT_REQUIREMENT, RequestMethod.COURT_ORDER,
                                                            Setting.COMMUNITY)
    assert "no NSI" in rar.request_notes
    assert rar.nsi_category is None and rar.nsi_subtypes == [] and rar.options == []
    # line 49: the court is told the most activity days before sentence
    assert rar.duration_text == LINES[48].split(". ")[1] + "."
    assert "maximum number of activity days" in rar.duration_text
    assert rar.rar_days is None and rar.sessions is None and rar.total_hours is None
    # delivered through its activities, which are group courses and one-to-one support (lines 43, 51)
    assert rar.delivery is Delivery.BOTH
    assert rar.review_notes == []


def test_it_represents_the_rar_as_the_dlnr_guide_does():
    dlnr = next(s for s in read_brochure(DLNR, overlay_dir=OVERLAYS).services
                if s.key == "rehabilitation-activity-requirement")
    rar = service(RAR)
    fields = ("kind", "category", "request_method", "rar_usable", "licence_usable", "setting")
    assert {f: getattr(rar, f) for f in fields} == {f: getattr(dlnr, f) for f in fields}


def test_it_keeps_the_rar_first_and_its_activities_rar_usable():
    services = parsed().services
    assert services[0].name == RAR and services[0].rar_usable is None
    assert [s.name for s in services if s.rar_usable] == RAR_ACTIVITIES


def test_it_tells_courses_from_support_services():
    courses = {s.name for s in parsed().services if s.kind == Kind.STRUCTURED_INTERVENTION}
    assert courses == {
        "Step Up to Good Tenancy course",
        "Step Up to Work course",
        "Step Up to Money Management",
        "Family Course",
        "Women's Programme",
        "Attitude, Thinking and Behaviour Programme",
        "Motivational Module",
        "Victim Awareness",
        "Alcohol Brief Interventions",
    }


def test_it_reads_the_indicated_rar_days():
    family = service("Family Course")
    assert family.rar_days == 4
    assert family.sessions == 4
    assert family.duration_text == "four session course; 4 Days"
    assert family.source.lines == (182, 199)  # the "4 / Days" box printed after the section
    assert [s.name for s in parsed().services if s.rar_days is not None] == ["Family Course"]
    assert any("RAR days" in note for note in service("Women only mentoring").review_notes)
    assert any("only 1 of 16" in warning for warning in parsed().warnings)


def test_it_reads_sessions_as_printed():
    assert service("Drink Impaired Drivers Programme").sessions == 16  # 2 pre-group + 14 group
    assert service("Drink Impaired Drivers Programme").duration_text == (
        "2 one hour pre group sessions, 14 group work sessions."
    )
    assert service("Building Better Relationships").sessions == 29
    assert service("Thinking Skills Programme").sessions == 19
    assert service("RESOLVE").sessions == 27  # 4 individual + 23 group
    bsr = service("Building Skills for Recovery Programme")
    assert bsr.sessions is None and bsr.duration_text == "Between 17 and 29 group work sessions."
    assert any("17 to 29" in note for note in bsr.review_notes)


def test_it_reads_the_requirement_lengths_as_text():
    payback = service("Community Payback (unpaid work)")
    assert payback.total_hours is None
    assert payback.duration_text == "The requirement is set in hours, between 40 [minimum] and 300 [maximum]."
    assert any("between 40 and 300" in note for note in payback.review_notes)
    assert service("Alcohol Treatment Requirement (ATR)").duration_text == (
        "A treatment programme lasting six months is usually recommended."
    )


def test_it_reads_areas_and_leaves_whole_county_services_empty():
    assert service("Substance misuse mentoring").areas == ["Southend", "Thurrock"]
    assert [s.name for s in parsed().services if s.areas] == ["Substance misuse mentoring"]


def test_it_reads_criteria_sentences_with_their_lines():
    bbr = service("Building Better Relationships").criteria_text
    assert [c.line for c in bbr] == [386, 404, 405]
    assert bbr[0].text.startswith("BBR is for adult male perpetrators convicted of a domestic violence")
    assert bbr[1].text == "24 month Community Order with Accredited Programme Requirement"
    assert bbr[2].text.startswith("Consent, at Court, from the participant")
    did = service("Drink Impaired Drivers Programme").criteria_text
    assert [(c.line, c.text) for c in did] == [
        (
            361,
            "This accredited programme is for participants who have offences for driving under the influence "
            "of alcohol.",
        ),
        (378, "Aged 18 or over"),
        (379, "A relevant driving related offence"),
        (380, "A 12 month Order with an Accredited Programme Requirement is required"),
    ]
    bsr = service("Building Skills for Recovery Programme").criteria_text
    assert (354, "BSR is suitable for male and female offenders who are medium to high risk (OGRS3 50+) "
                 "and are dependent on one or more illicit substances or alcohol.") in [(c.line, c.text) for c in bsr]
    drr = [(c.line, c.text) for c in service("Drug Rehabilitation Requirement (DRR)").criteria_text]
    assert (507, "The individual must consent to the requirement.") in drr
    assert (519, "Drug dependency (usually Class A) which is linked to offending behaviour") in drr
    payback = service("Community Payback (unpaid work)").criteria_text
    assert [c.line for c in payback] == [459, 469] and "convictions for sexual offences" in payback[1].text
    assert "requirement available to the court" in payback[0].text
    abi = service("Alcohol Brief Interventions").criteria_text
    assert abi[0].line == 328
    assert abi[0].text.startswith("Targeted at service users who have problematic alcohol misuse")
    assert service("Resolve".upper()).criteria_text[0].text == (
        "RESOLVE is an accredited programme for men who have been convicted of an impulsive violent offence."
    )
    assert service("Accommodation one to one provision").criteria_text[0].line == 75
    assert [c.line for c in service("Women's Hub").criteria_text] == [291, 291]


def test_it_leaves_criteria_empty_where_the_guide_sets_none():
    for name in ("Step Up to Good Tenancy course", "Step Up to Work course", "Family Course", "Victim Awareness"):
        assert service(name).criteria_text == [], name
    # the RAR's one criterion is that the court orders it
    assert [c.line for c in service(RAR).criteria_text] == [51]


def test_it_reads_delivery():
    both = {s.name for s in parsed().services if s.delivery == Delivery.BOTH}
    # the guide's "Group or one to one work" boxes
    assert {"Motivational Module", "Victim Awareness", "Alcohol Brief Interventions", "Resettlement Module"} <= both
    # the footnote: every non-accredited group course is also run one-to-one
    assert {"Step Up to Work course", "Family Course", "Women's Programme"} <= both
    assert {"Community Payback (unpaid work)"} <= both
    # group programmes whose one-to-one work is sessions of the programme itself
    group = {s.name for s in parsed().services if s.delivery == Delivery.GROUP}
    assert {"RESOLVE", "Thinking Skills Programme"} <= group
    for name in (
        "Accommodation one to one provision",
        "Substance misuse mentoring",
        "Women only mentoring",
        "Women's Hub",
        "Generic mentoring and 'Meet at the Gate'",
    ):
        assert service(name).delivery == Delivery.ONE_TO_ONE, name
    for name in (
        "Building Skills for Recovery Programme",
        "Drink Impaired Drivers Programme",
        "Building Better Relationships",
    ):
        assert service(name).delivery == Delivery.GROUP, name
    assert service("Mental Health Treatment Requirement").delivery is None


def test_it_reads_aliases_and_short_names():
    assert service("Building Skills for Recovery Programme").aliases == ["BSR", "Building Skills for Recovery"]
    assert "DID" in service("Drink Impaired Drivers Programme").aliases
    assert "Drink Impaired Driving programme" in service("Drink Impaired Drivers Programme").aliases
    assert "BBR" in service("Building Better Relationships").aliases
    assert service("Thinking Skills Programme").aliases == ["Thinking Skills", "TSP"]
    assert service("Alcohol Treatment Requirement (ATR)").aliases[0] == "ATR"
    assert service("Drug Rehabilitation Requirement (DRR)").aliases[0] == "DRR"
    assert "MHTR" in service("Mental Health Treatment Requirement").aliases
    assert "Through the Gate mentoring" in service("Generic mentoring and 'Meet at the Gate'").aliases
    ete = service("Education, Training and Employment (ETE) one-to-one provision")
    assert "ETE one-to-one provision" in ete.aliases
    assert "Unpaid work" in service("Community Payback (unpaid work)").aliases


def test_it_reads_intensity_options():
    for name in ("Substance misuse mentoring", "Women only mentoring"):
        options = service(name).options
        assert [(o.key, o.level) for o in options] == [
            ("low-intensity", Level.LOW),
            ("medium-intensity", Level.MEDIUM),
            ("high-intensity", Level.HIGH),
        ]
    assert sum(1 for s in parsed().services if s.options) == 2


def test_it_reads_highlights():
    assert service("Step Up to Good Tenancy course").highlights == [
        "information on the type of accommodation available and how to access it",
        "rights and responsibilities as a tenant",
        "budgeting effectively (including information on the costs associated with utilities)",
        "how to be a good tenant",
        "avoiding eviction",
    ]
    mentoring = service("Generic mentoring and 'Meet at the Gate'").highlights
    assert mentoring[0] == "Advice, support and encouragement from an experienced mentor through regular meetings"
    assert len(mentoring) == 6
    # delivery requirements are criteria, not highlights
    assert service("Building Skills for Recovery Programme").highlights == []
    assert len(service("Alcohol Treatment Requirement (ATR)").highlights) == 4


def test_it_reads_categories():
    categories = {s.name: s.category for s in parsed().services}
    assert all(category in CATEGORIES for category in categories.values())
    assert categories["Step Up to Good Tenancy course"] == "Accommodation"
    assert categories["Step Up to Work course"] == "Employment, training and education"
    assert categories["Supporting money management one-to-one provision"] == "Finance, benefit and debt"
    assert categories["Women only mentoring"] == "Women"
    assert categories["Building Better Relationships"] == "Domestic abuse"
    assert categories["RESOLVE"] == "Attitudes, thinking and behaviour"
    assert categories["Community Payback (unpaid work)"] == "Unpaid work"
    assert categories["Mental Health Treatment Requirement"] == "Health and wellbeing"
    assert categories["Victim Awareness"] == "Restorative justice"
    assert categories["Resettlement Module"] == "Resettlement"


def test_it_gives_source_line_ranges():
    text_lines = TEXT.splitlines()
    for s in parsed().services:
        start, end = s.source.lines
        assert s.source.file == ESSEX.name
        assert text_lines[start - 1].strip() == s.name
        assert text_lines[end - 1].strip(), s.name  # ends on text, not on a blank line
    assert service("Step Up to Good Tenancy course").source.lines == (55, 67)
    assert service("Resettlement Module").source.lines == (548, 563)


def test_it_warns_about_the_contents_names_that_differ():
    warnings = " ".join(parsed().warnings)
    assert "'Through the Gate mentoring' is the section titled 'Generic mentoring and 'Meet at the Gate''" in warnings
    assert "'Mental health treatment orders'" in warnings


# --- overlay -----------------------------------------------------------------------------------


def test_it_gives_every_service_a_summary_and_category():
    result = imported()
    assert [s.name for s in result.services] == SERVICE_NAMES
    for s in result.services:
        assert s.summary and len(s.summary) > 40, s.key
        assert s.category in CATEGORIES, s.key


def test_it_keeps_the_brochure_prose_out_of_the_summaries():
    brochure_words = re.findall(r"[a-z0-9']+", TEXT.lower())
    runs = {" ".join(brochure_words[i : i + 7]) for i in range(len(brochure_words) - 6)}
    for s in imported().services:
        words = re.findall(r"[a-z0-9']+", s.summary.lower())
        copied = [" ".join(words[i : i + 7]) for i in range(len(words) - 6) if " ".join(words[i : i + 7]) in runs]
        assert not copied, (s.key, copied)


# --- hold-outs: a changed guide ----------------------------------------------------------------


def test_it_follows_a_renamed_rar_heading():
    renamed = TEXT.replace("Rehabilitation Activity Requirement (RAR)", "Rehabilitation Activity Requirements")
    rar = parsed_from(renamed).services[0]
    assert (rar.name, rar.key, rar.kind) == (
        "Rehabilitation Activity Requirements", "rehabilitation-activity-requirements", Kind.COURT_REQUIREMENT,
    )
    assert rar.source.lines == (47, 53)


def test_it_reads_a_criterion_printed_in_the_rar_introduction():
    added = TEXT.replace(
        "The following pages cover the RAR activities",
        "The requirement is suitable for adults aged 18 or over.\n\nThe following pages cover the RAR activities",
    )
    rar = parsed_from(added).services[0]
    assert [(c.line, c.text) for c in rar.criteria_text][1:] == [
        (53, "The requirement is suitable for adults aged 18 or over."),
    ]
    assert rar.criteria_text[0].line == 51  # the activities the court may order
    assert rar.source.lines == (47, 55)


def test_it_reports_a_rar_introduction_without_text():
    lines = TEXT.splitlines()
    bare = "\n".join(lines[:47] + lines[53:])  # the heading kept, its three paragraphs gone
    result = parsed_from(bare)
    assert [s.name for s in result.services] == SERVICE_NAMES[1:]
    assert any("RAR introduction" in warning and "has no text" in warning for warning in result.warnings)
    with pytest.raises(BrochureError, match="rehabilitation-activity-requirement-rar"):
        path = overlay_path(OVERLAYS, result.provider.code)
        apply_overlay(result, load_overlay(path), overlay_name=path.name)  # the overlay notices it is gone


def test_it_rejects_a_guide_whose_rar_heading_is_gone_from_the_body():
    with pytest.raises(BrochureError, match="RAR introduction"):
        essex.parse(TEXT.replace("\nRehabilitation Activity Requirement (RAR)\n", "\n\n"), file="cut.txt")


# --- bad text ----------------------------------------------------------------------------------


def test_it_rejects_a_truncated_brochure():
    lines = TEXT.splitlines(keepends=True)
    half = "".join(lines[: len(lines) // 2])
    assert essex.detect(half)
    with pytest.raises(BrochureError) as caught:
        essex.parse(half, file=ESSEX.name)
    error = caught.value
    assert error.file == ESSEX.name
    assert error.line == 283  # the last line of text in the first half
    assert "truncated" in error.message and "283" in error.message
    assert ESSEX.name in str(error)


def test_it_rejects_text_cut_before_the_closing_contact_details():
    cut = "".join(TEXT.splitlines(keepends=True)[:563])
    with pytest.raises(BrochureError) as caught:
        essex.parse(cut, file="cut.txt")
    assert caught.value.line == 563
    assert "Resettlement Module" in caught.value.message and "truncated" in caught.value.message


def test_it_rejects_text_missing_its_last_section():
    lines = TEXT.splitlines(keepends=True)
    cut = "".join(lines[:546])  # ends with the mentoring section, before "Resettlement Module"
    with pytest.raises(BrochureError) as caught:
        essex.parse(cut, file="cut.txt")
    assert caught.value.line == 544
    assert "'Resettlement Module'" in caught.value.message


@pytest.mark.parametrize(
    "text",
    [
        "",
        "random words\n" * 20,
        TEXT.replace("About\n", "Abt\n"),
        TEXT.replace("About this guide", "Contents"),
        TEXT.replace("Essex CRC is one", "The company is one"),
        TEXT.replace("- **Post Release⁺**", "- **Miscellany**"),
        TEXT.replace("Resettlement Module\n\nAbout", "\n\nAbout"),
        TEXT.replace("\n", "\r\n")[:3000],
        "\n".join(reversed(TEXT.splitlines())),
    ],
    ids=["empty", "random", "no-about", "no-contents", "no-name", "unknown-group", "untitled", "crlf-cut", "reversed"],
)
def test_it_raises_only_brochure_errors_on_bad_text(text):
    with pytest.raises(BrochureError) as caught:
        essex.parse(text, file="bad.txt")
    assert caught.value.file == "bad.txt"


def test_it_parses_windows_line_endings_the_same():
    crlf = essex.parse(TEXT.replace("\n", "\r\n"), file=ESSEX.name)
    assert [s.model_dump() for s in crlf.services] == [s.model_dump() for s in parsed().services]


def test_it_parses_well_under_50_ms():
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        essex.parse(TEXT, file=ESSEX.name)
        best = min(best, time.perf_counter() - start)
    assert best < 0.05
