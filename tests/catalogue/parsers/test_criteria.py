"""Criteria and facts the layout parsers read on every brochure, pinned on the real texts and on changed copies."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from ratecard.catalogue.importer import brochure_from_text
from ratecard.catalogue.parsers import parse_text
from ratecard.catalogue.parsers.base import BrochureError
from ratecard.catalogue.schemas import Delivery, Kind, ParsedBrochure
from tests.paths import ALL_BROCHURES, CLN, DLNR, ESSEX, KSS, NSF, OVERLAYS


@cache
def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@cache
def _parsed(path: Path) -> ParsedBrochure:
    return parse_text(_text(path), file=path.name)


@cache
def _with_overlay(path: Path) -> ParsedBrochure:
    return brochure_from_text(_text(path), file=path.name, overlay_dir=OVERLAYS)


def _service(brochure: ParsedBrochure, key: str):
    return next(s for s in brochure.services if s.key == key)


def _lines(path: Path, key: str, text: str | None = None) -> list[int]:
    brochure = _parsed(path) if text is None else parse_text(text, file=path.name)
    return [c.line for c in _service(brochure, key).criteria_text]


def _edited(path: Path, line: int, old: str, new: str) -> str:
    """The brochure with each '|'-separated part of `old` replaced by `new` on 1-based `line` (which must hold it)."""
    lines = _text(path).splitlines()
    for part in old.split("|"):
        assert part in lines[line - 1], (line, part)
        lines[line - 1] = lines[line - 1].replace(part, new)
    return "\n".join(lines) + "\n"


def _shifted(path: Path, before: int, count: int = 3) -> str:
    """The brochure with `count` blank lines put in before 1-based `before`."""
    lines = _text(path).splitlines()
    return "\n".join(lines[: before - 1] + [""] * count + lines[before - 1 :]) + "\n"


# --------------------------------------------------------------------------- criteria once missed

# (brochure, service, line, words on that line that make it a criterion)
NEWLY_READ = [
    pytest.param(NSF, "community-payback", 137, "available to the Court", id="nsf-community-payback"),
    pytest.param(CLN, "community-payback", 132, "available to the Court", id="cln-community-payback"),
    pytest.param(CLN, "partner-link-worker", 875, "where the perpetrator", id="cln-partner-link-worker-perpetrator"),
    pytest.param(CLN, "partner-link-worker", 881, "for BBR cases", id="cln-partner-link-worker-bbr"),
    pytest.param(ESSEX, "rehabilitation-activity-requirement-rar", 51, "available to the courts", id="esx-rar"),
    pytest.param(ESSEX, "community-payback-unpaid-work", 459, "available to the court", id="esx-community-payback"),
    pytest.param(ESSEX, "substance-misuse-mentoring", 167, "designed to assist service users", id="esx-mentoring"),
    pytest.param(DLNR, "accredited-programmes", 359, "requirements can be added to", id="dlnr-accredited"),
    pytest.param(DLNR, "exclusion", 1015, "for the duration of the requirement", id="dlnr-exclusion"),
    pytest.param(DLNR, "prohibited-activity", 993, "for the duration of the requirement", id="dlnr-prohibited"),
    pytest.param(KSS, "delivery-of-home-modules-from-msrp", 320, "selected from a menu of", id="kss-home"),
    pytest.param(KSS, "delivery-of-future-modules-from-msrp", 348, "aimed at|selected from a menu of", id="kss-future"),
    pytest.param(KSS, "delivery-of-money-modules-from-msrp", 448, "selected from a menu of", id="kss-money"),
    pytest.param(KSS, "delivery-of-health-modules-from-msrp", 552, "aimed at|selected from a menu of", id="kss-health"),
    pytest.param(KSS, "changing-drugs-and-alcohol-use", 478, "aimed at", id="kss-cadu"),
]


@pytest.mark.parametrize(("path", "key", "line", "words"), NEWLY_READ)
def test_it_reads_criteria_printed_in_running_text(path, key, line, words):
    assert line in _lines(path, key)
    # the words are what makes it a criterion: without them the line is plain description
    assert line not in _lines(path, key, _edited(path, line, words, "offered"))


@pytest.mark.parametrize(("path", "key", "line", "words"), NEWLY_READ)
def test_it_follows_a_criterion_that_moved_down(path, key, line, words):
    assert line + 3 in _lines(path, key, _shifted(path, line))


# (brochure, service, heading line, a sentence saying who it is for, to put under the heading's text)
PEOPLE_HEADINGS = [
    pytest.param(CLN, "womens-community-support-mentoring", 492, 494, id="cln-womens-mentoring"),
    pytest.param(KSS, "womens-resettlement-programme-at-east-sutton-park-prison", 1096, 1104, id="kss-east-sutton"),
    pytest.param(KSS, "gypsy-traveller-domestic-abuse-programme", 879, 887, id="kss-gypsy-traveller"),
]


@pytest.mark.parametrize(("path", "key", "heading", "body"), PEOPLE_HEADINGS)
def test_it_reads_a_heading_naming_the_people_when_the_text_names_none(path, key, heading, body):
    assert _lines(path, key) == [heading]
    lines = _text(path).splitlines()
    # once the text itself says who may take part, that sentence is the criterion, not the heading
    lines[body - 1] += " It is suitable for service users aged 18 and over."
    assert _lines(path, key, "\n".join(lines)) == [body]


@pytest.mark.parametrize(("path", "key", "heading", "body"), PEOPLE_HEADINGS)
def test_it_reads_no_heading_criterion_once_the_heading_names_no_people(path, key, heading, body):
    lines = _text(path).splitlines()
    lines[heading - 1] = re.sub(r"(?i)women's|gypsy / traveller", "Community", lines[heading - 1])
    renamed = parse_text("\n".join(lines), file=path.name)
    service = next(s for s in renamed.services if s.source.lines[0] == heading)
    assert service.name.startswith("Community")
    assert service.criteria_text == []


def test_it_reads_the_bespoke_options_for_a_court_requirement_as_criteria():
    assert _lines(KSS, "bespoke-services") == [1186, 1190]
    text = _edited(KSS, 1190, "Supporting Drug Rehabilitation Requirement", "Supporting Drug Recovery")
    assert _lines(KSS, "bespoke-services", text) == [1186]


def test_it_leaves_an_add_on_services_criteria_to_the_add_on():
    # Safer Relationships mentions what the Partner Link Worker is for; that is the add-on's criterion, not its own
    assert 598 not in _lines(CLN, "domestic-abuse-safer-relationships")
    assert 875 in _lines(CLN, "partner-link-worker")


# Services that print nothing about who may take part (each checked against its section by hand).
NO_CRITERIA = {
    NSF: ["families-and-parenting-support"],
    CLN: [
        "community-integration-initial-assessment-and-planning", "conflict-resolution", "emotional-resilience",
        "stress-resilience", "victim-awareness-think-victim", "community-support-mentoring",
    ],
    ESSEX: [
        "step-up-to-good-tenancy-course", "step-up-to-work-course", "supporting-money-management-one-to-one-provision",
        "family-course", "attitude-thinking-and-behaviour-programme", "family-and-parenting-support",
        "victim-awareness", "generic-mentoring-and-meet-at-the-gate",
    ],
    DLNR: [],
    KSS: [
        "employment-retention-and-brokerage", "preparation-for-work", "cscs-card-training", "job-club",
        "restorative-justice-conferencing", "individual-tailored-restorative-justice-in-the-community",
        "restorative-justice-individual-tailored-service-in-custody", "positive-futures", "anger-management",
        "victim-awareness", "verge-of-recall-intervention", "mentor-support", "mandatory-through-the-gate-services",
        "delivery-of-modules-from-msrp",
    ],
}


@pytest.mark.parametrize("path", ALL_BROCHURES, ids=lambda p: p.name[:3])
def test_it_reads_no_criteria_only_where_none_are_printed(path):
    assert sorted(s.key for s in _parsed(path).services if not s.criteria_text) == sorted(NO_CRITERIA[path])


@pytest.mark.parametrize("path", ALL_BROCHURES, ids=lambda p: p.name[:3])
def test_it_has_a_rule_for_every_criterion_line_it_reads(path):
    uncited = {
        s.key: sorted({c.line for c in s.criteria_text} - {r.line for r in s.rules})
        for s in _with_overlay(path).services
    }
    assert {key: lines for key, lines in uncited.items() if lines} == {}


# --------------------------------------------------------------------------- facts

# Group programmes whose only one-to-one work is their own pre-, post- or three-way sessions.
GROUP_PROGRAMMES = re.compile(
    r"^(?:Thinking Skills|Building Better Relationships|Resolve|Drink Impaired Drivers|Control of Violence"
    r"|Who Am I|Fearless Futures)",
    re.IGNORECASE,
)


def _group_programmes():
    for path in ALL_BROCHURES:
        for service in _parsed(path).services:
            if GROUP_PROGRAMMES.match(service.name):
                yield pytest.param(path, service.key, id=f"{path.name[:3]}-{service.key}")


@pytest.mark.parametrize(("path", "key"), list(_group_programmes()))
def test_it_reads_group_programmes_with_individual_sessions_as_group(path, key):
    assert _service(_parsed(path), key).delivery is Delivery.GROUP


def test_it_finds_the_group_programmes_in_every_brochure():
    found = {path.name[:3] for path, _key in (p.values for p in _group_programmes())}
    assert found == {path.name[:3] for path in ALL_BROCHURES}
    assert len(list(_group_programmes())) >= 19


@pytest.mark.parametrize(("path", "key"), [(ESSEX, "rehabilitation-activity-requirement-rar"),
                                           (DLNR, "rehabilitation-activity-requirement")], ids=["esx", "dlnr"])
def test_it_reads_the_rehabilitation_activity_requirement_as_a_court_requirement(path, key):
    assert _service(_parsed(path), key).kind is Kind.COURT_REQUIREMENT


def _sub_type_lines(path: Path) -> list[int]:
    return [
        number
        for number, line in enumerate(_text(path).splitlines(), start=1)
        if line.strip().startswith("Non Statutory Intervention Sub Type")
    ]


@pytest.mark.parametrize(
    ("path", "line"),
    [pytest.param(path, line, id=f"{path.name[:3]}-{line}") for path in (NSF, CLN) for line in _sub_type_lines(path)],
)
def test_it_refuses_an_option_left_without_its_nsi_sub_type(path, line):
    lines = _text(path).splitlines()
    category = max(
        n for n, text in enumerate(lines[:line], start=1) if re.search(r"Non Statutory Intervention(?: \(NSI\))?:", text)
    )
    earlier_sub_types = [n for n in range(category + 1, line) if "Sub Type" in lines[n - 1]]
    before = earlier_sub_types[-1] if earlier_sub_types else None
    lines[line - 1] = ""
    with pytest.raises(BrochureError) as caught:
        parse_text("\n".join(lines), file=path.name)
    # the error names the category left short, or the sub type that promised another after it ('...; or')
    assert caught.value.line in (category, before)


def test_it_refuses_a_service_offered_both_ways_with_the_sub_type_of_only_one():
    # Safer Relationships prints '... one to one; or' and '... group work': without the first, ordering
    # one-to-one work would be given the group sub type.
    lines = _text(CLN).splitlines()
    assert lines[620].endswith("one to one; or")
    lines[620] = ""
    with pytest.raises(BrochureError) as caught:
        parse_text("\n".join(lines), file=CLN.name)
    assert caught.value.line == 619
    assert "one-to-one work is missing" in caught.value.message
    # a service offered only one way may print a sub type naming that way
    lines[614] = lines[614].replace(" or on a 1;1 basis", "")
    services = parse_text("\n".join(lines), file=CLN.name).services
    service = next(s for s in services if s.source.lines[0] <= 619 <= s.source.lines[1])
    assert service.nsi_subtypes == ["Safer Relationships group work"]
    assert "sub type" in caught.value.message.lower()
