"""Parser of the Essex CRC "Guide to Interventions: Information for Sentencers" layout.

The guide is plain text with no markup beyond a bold contents list:

* a title ("Guide to Interventions" / "Information for Sentencers") and an introduction naming the
  provider, the county it covers and its offices;
* "About this guide": a contents list of bold group headings (the RAR, Accredited Programmes, Other
  Requirements, Post Release) with the services of each group, then two footnotes ("*" non-accredited
  group programmes are also run one-to-one; "⁺" RAR activity and accredited programmes are available
  on licence and post sentence supervision);
* an introduction to the RAR, then one section per service: the title on its own line, a line
  "About", paragraphs, lead-in lines ending in ":" followed by bullets ("The course covers:",
  "Delivery Requirements:", "Available:" ...);
* sidebar boxes that the PDF extraction left after the text of their section: "4" / "Days" (the
  indicated number of RAR days) and "Group or" / "one to one work";
* the provider's phone number and website, which close the guide.

The RAR activities are the sections between the RAR introduction and the first section the contents
list names; the others are matched to the contents list by wording, which gives their group. The RAR
introduction itself (the contents list's RAR heading, printed again as a title with paragraphs but no
"About" line) is the court requirement those activities are delivered in, and becomes a service too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ratecard.catalogue.parsers.base import (
    NUMBER_WORDS,
    BrochureError,
    Document,
    clean,
    clean_value,
    delivery_of,
    number,
    only_brochure_errors,
    repeated,
    slugify,
    split_list,
    split_sentences,
)
from ratecard.catalogue.schemas import (
    Criterion,
    Delivery,
    Kind,
    Level,
    OptionData,
    ParsedBrochure,
    ProviderData,
    RequestMethod,
    ServiceData,
    Setting,
    SourceRef,
)

NAME = "essex"

DEFAULT_CODE = "ESX"  # the guide prints no NSI names, so no provider code of its own

# --- layout landmarks -------------------------------------------------------------------------

_TITLE = re.compile(r"(?mi)^[ \t]*Guide to Interventions[ \t\r]*$")
_SUBTITLE = re.compile(r"(?mi)^[ \t]*Information for Sentencers[ \t\r]*$")
_CRC = re.compile(r"\bCRC\b|Community Rehabilitation Compan")
_ABOUT = re.compile(r"^\s*About\s*$")
_CONTENTS = re.compile(r"^\s*About this guide\s*$", re.IGNORECASE)
_GROUP_BULLET = re.compile(r"^\s*[-*•]\s*\*\*(.+?)\*\*")
_ITEM_BULLET = re.compile(r"^\s*[-•]\s+(.+?)\s*$")
_FOOTNOTE = re.compile(r"^\s*[*⁺+†]")
_PHONE = re.compile(r"^\s*(0\d{3}\s?\d{3}\s?\d{4})\s*$")
_WEB = re.compile(r"^\s*((?:https?://)?www\.[\w.-]+\S*)\s*$", re.IGNORECASE)
_NSI_CODE = re.compile(r"(?mi)Non[- ]Statutory Intervention\s*:\s*ES\s*[-–]\s*.+?\s([A-Z]{3})\.?\s*$")

# footnotes of the contents list
_ALSO_ONE_TO_ONE = re.compile(
    r"non-accredited group[- ]work programmes? (?:are|is) also available on a one[- ]to[- ]one", re.I
)
_ON_LICENCE = re.compile(r"RAR activit\w* and Accredited Programmes? (?:is|are) also available during licence", re.I)

# sidebars
_DAYS_NUMBER = re.compile(r"^\s*(\d{1,3})\s*$")
_DAYS_WORD = re.compile(r"^\s*Days?\s*$", re.IGNORECASE)
_DAYS_ONE_LINE = re.compile(r"^\s*(\d{1,3})\s+(?:RAR\s+)?Days?\s*$", re.IGNORECASE)
_GROUP_OR = re.compile(r"^\s*Group or\s*$", re.IGNORECASE)
_ONE_TO_ONE_WORK = re.compile(r"^\s*one[ -]to[ -]one work\s*$", re.IGNORECASE)

# section text
_LEAD_IN = re.compile(r":\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")
_INTENSITIES = re.compile(r"intensity of intervention\s*\(([^)]*)\)", re.IGNORECASE)
_AVAILABLE_ONLY = re.compile(r"^(.+?)\s+only\.?$", re.IGNORECASE)
_QUOTED = re.compile(r"'([^']{3,})'")
_PAREN = re.compile(r"\s*\(([^)]*)\)")

_CRITERION = re.compile(
    r"\b(?:is|are) for\b|\bprogramme for (?:men|women)\b|\btargeted at\b|\bsuitable for\b"
    r"|\bbe imposed\b|\bmust be (?:satisfied|assessed)\b|\bmust consent\b|\bwomen[- ]only\b"
    r"|\b(?:supports|with) women\b|\bthose who\b|\bwho (?:are|have|present|pose)\b"
    r"|\bnot be possible to secure\b|\bhigher level of\b|\bnon-compliance\b"
    r"|\bwithin \d+ weeks of (?:their )?release\b"
    # a court requirement ('activities available to the courts under the RAR'); help meant for people in treatment
    r"|\bavailable to the courts?\b|\bdesigned to assist service users\b",
    re.IGNORECASE,
)
_DURATION_SENTENCE = re.compile(
    r"\blasting\s+\S+\s+(?:weeks?|months?)\b|\bset in hours\b|\bmaximum number of (?:\w+ )?days\b", re.IGNORECASE
)

_NUMBER_WORD = r"(\d+|" + NUMBER_WORDS + ")"  # whole numbers only, as this layout always read them
_SESSION_COURSE = re.compile(r"\b" + _NUMBER_WORD + r"[ -]sessions?(?: (?:course|programme|module))?\b", re.I)
_SESSIONS = re.compile(r"\b" + _NUMBER_WORD + r"\s+(?:[a-z-]+\s+){0,4}?sessions?\b", re.IGNORECASE)
_SESSION_RANGE = re.compile(r"\bbetween (\d+) and (\d+)\s+(?:[a-z-]+\s+){0,3}?sessions?\b", re.IGNORECASE)
_HOURS_RANGE = re.compile(r"\bhours\b.*?\bbetween (\d+)\b.*?\band (\d+)\b", re.IGNORECASE)

_ONE_TO_ONE = re.compile(r"\bone[ -]to[ -]one\b|\bon-to-one\b|\bindividual (?:sessions|placements)\b|\b1:1\b")
_GROUP = re.compile(r"\bgroup(?:s|work)?\b")  # searched in lower-case text without "non-accredited group"

# contents group headings -> what their sections are
_GROUP_RAR = "rar"
_GROUP_AP = "accredited"
_GROUP_REQUIREMENT = "requirement"
_GROUP_POST_RELEASE = "post_release"

# category: first rule whose pattern matches the title, then the body rules
_TITLE_CATEGORIES = (
    (re.compile(r"\bwomen", re.I), "Women"),
    (re.compile(r"payback|unpaid work", re.I), "Unpaid work"),
    (re.compile(r"tenancy|accommodation|housing", re.I), "Accommodation"),
    (re.compile(r"\bwork\b|employment|\bETE\b", re.I), "Employment, training and education"),
    (re.compile(r"money|financ|debt|benefit", re.I), "Finance, benefit and debt"),
    (re.compile(r"substance|alcohol|drug|drink|recovery", re.I), "Drugs and alcohol"),
    (re.compile(r"mental health", re.I), "Health and wellbeing"),
    (re.compile(r"family|parenting", re.I), "Families and relationships"),
    (re.compile(r"victim|restorative", re.I), "Restorative justice"),
    (re.compile(r"resettlement", re.I), "Resettlement"),
    (re.compile(r"mentoring", re.I), "Mentoring and community support"),
    (re.compile(r"thinking|behaviour|motivation", re.I), "Attitudes, thinking and behaviour"),
)
_BODY_CATEGORIES = (
    (re.compile(r"domestic (?:violence|abuse)", re.I), "Domestic abuse"),
    (re.compile(r"violen|aggressi", re.I), "Attitudes, thinking and behaviour"),
)

# national short names of accredited programmes and requirements that the guide does not print
_NATIONAL_SHORT_NAMES = {
    "building skills for recovery": "BSR",
    "drink impaired drivers": "DID",
    "building better relationships": "BBR",
    "thinking skills": "TSP",
    "mental health treatment": "MHTR",
    "community payback": "UPW",
}

_STOP_WORDS = frozenset(
    "a an and at for in of on the to programme programmes course requirement requirements order orders".split()
)


@dataclass
class _Block:
    """A lead-in line ("The course covers:") with the paragraphs and bullets under it."""

    label: str
    line: int
    paragraphs: list[tuple[int, str]] = field(default_factory=list)
    bullets: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _Section:
    """One service's text: title line, "About" line, last line, free paragraphs and blocks."""

    title: str
    start: int
    about: int
    end: int
    paragraphs: list[tuple[int, str]] = field(default_factory=list)
    blocks: list[_Block] = field(default_factory=list)
    rar_days: int | None = None
    days_text: str | None = None
    group_or_one_to_one: bool = False
    group: str = _GROUP_RAR
    contents_name: str | None = None


@dataclass
class _Contents:
    groups: list[tuple[str, str, list[tuple[int, str]]]]  # (heading, group kind, [(line, item)])
    rar_heading: str
    end: int
    also_one_to_one: bool
    on_licence: bool
    footnote_lines: list[tuple[int, str]]
    markers: dict[str, str]  # contents heading -> the footnote marker printed after it


# --- detection --------------------------------------------------------------------------------


def detect(text: str) -> bool:
    """True for the Essex CRC guide: its title and subtitle open the text and a CRC is named."""
    head = text[:4000]
    return bool(_TITLE.search(head) and _SUBTITLE.search(head) and _CRC.search(head))


# --- parsing ----------------------------------------------------------------------------------


def parse(text: str, *, file: str) -> ParsedBrochure:
    """Read the guide into provider facts and one ServiceData per service."""
    with only_brochure_errors(file, lambda exc: f"cannot read this Essex guide: {type(exc).__name__}: {exc}"):
        return _parse(text, file=file)


def _parse(text: str, *, file: str) -> ParsedBrochure:
    doc = Document(text, file=file)
    if not detect(text):
        raise doc.error(None, "not an Essex CRC 'Guide to Interventions: Information for Sentencers'")
    warnings: list[str] = []

    contents_line = doc.find(_CONTENTS)
    if contents_line is None:
        raise doc.error(doc.last_text_line(), "no 'About this guide' contents list: not a usable Essex guide")
    contents = _read_contents(doc, contents_line)
    rar_line = _find_heading(doc, contents.rar_heading, contents.end + 1)
    if rar_line is None:
        raise _truncated(doc, f"the RAR introduction '{contents.rar_heading}' is missing")

    sidebars = _sidebars(doc, rar_line)
    footer = _footer(doc, rar_line)
    sections = _sections(doc, rar_line, footer[0] if footer else None, sidebars)
    if not sections:
        what = "no service sections (a title followed by 'About') after the RAR introduction"
        if footer is None:
            raise _truncated(doc, what)
        raise doc.error(rar_line, f"{what}: not a usable Essex guide")

    _match_contents(doc, contents, sections, footer is not None, warnings)
    if footer is None:
        raise _truncated(
            doc,
            "the closing contact details (phone number and website) after the last section "
            f"'{sections[-1].title}' are missing",
        )

    provider = _provider(doc, contents_line, footer, warnings)
    if not contents.also_one_to_one:
        warnings.append("the footnote saying non-accredited group programmes are also run one-to-one is missing")
    elif any(kind == _GROUP_AP and "*" in contents.markers.get(heading, "") for heading, kind, _ in contents.groups):
        warnings.append(
            "the '*' footnote is attached to the Accredited Programmes heading but speaks of the "
            "non-accredited group programmes; it is applied to the RAR courses"
        )
    if not contents.on_licence:
        warnings.append("the footnote saying RAR activity and accredited programmes run on licence/PSS is missing")

    services = [_service(doc, section, contents) for section in sections]
    introduction = _rar_introduction(doc, rar_line, sections[0].start - 1, sidebars)
    if introduction is None:
        warnings.append(
            f"line {rar_line}: the RAR introduction '{contents.rar_heading}' has no text, so the requirement "
            "itself is not made a service"
        )
    else:
        services.insert(0, _rar_service(doc, introduction, services))
    rar = [s for s in services if s.rar_usable]
    without_days = [s.name for s in rar if s.rar_days is None]
    if without_days:
        warnings.append(
            f"the guide says each RAR activity shows an indicated number of RAR days, but only "
            f"{len(rar) - len(without_days)} of {len(rar)} kept one in the text; the others have no rar_days"
        )
    duplicates = repeated(s.key for s in services)
    if duplicates:
        raise doc.error(None, f"two sections give the same service key: {', '.join(duplicates)}")
    return ParsedBrochure(parser=NAME, provider=provider, services=services, warnings=warnings)


def _truncated(doc: Document, what: str) -> BrochureError:
    last, shown = doc.last_line_read()
    return doc.error(last, f"the brochure looks truncated: {what}; the last line read is {last} ('{shown}')")


def _find_heading(doc: Document, heading: str, start: int) -> int | None:
    wanted = _normal(heading)
    for number_, line in doc.numbered(start):
        if line.strip() and _normal(line) == wanted:
            return number_
    return None


def _normal(text: str) -> str:
    return re.sub(r"[^a-z0-9()]+", " ", clean(text).lower()).strip()


# --- the contents list ------------------------------------------------------------------------


def _group_kind(heading: str) -> str:
    if re.search(r"Rehabilitation Activity|\bRAR\b", heading, re.I):
        return _GROUP_RAR
    if re.search(r"accredited", heading, re.I):
        return _GROUP_AP
    if re.search(r"release|gate|resettle", heading, re.I):
        return _GROUP_POST_RELEASE
    if re.search(r"requirement", heading, re.I):
        return _GROUP_REQUIREMENT
    return ""


def _read_contents(doc: Document, start: int) -> _Contents:
    groups: list[tuple[str, str, list[tuple[int, str]]]] = []
    footnotes: list[tuple[int, str]] = []
    markers: dict[str, str] = {}
    end = start
    for number_, line in doc.numbered(start + 1):
        if not line.strip():
            continue
        group = _GROUP_BULLET.match(line)
        if group:
            heading = clean_value(group.group(1).rstrip("*⁺+† "))
            groups.append((heading, _group_kind(heading), []))
            marker = (group.group(1)[len(group.group(1).rstrip("*⁺+† ")) :] + line[group.end() :]).strip()
            if marker:
                markers[heading] = marker
            end = number_
            continue
        item = _ITEM_BULLET.match(line)
        if item and groups:
            groups[-1][2].append((number_, clean_value(item.group(1))))
            end = number_
            continue
        if _FOOTNOTE.match(line) and groups:
            footnotes.append((number_, clean(line.lstrip("*⁺+† "))))
            end = number_
            continue
        if groups:
            break  # the first ordinary line after the list and its footnotes
    else:
        raise _truncated(doc, "the text ends inside the 'About this guide' contents list")
    if not groups:
        raise doc.error(start, "the 'About this guide' contents list has no bold group headings")
    rar = [heading for heading, kind, _ in groups if kind == _GROUP_RAR]
    if not rar:
        raise doc.error(start, "the contents list names no Rehabilitation Activity Requirement (RAR) group")
    unknown = [heading for heading, kind, _ in groups if not kind]
    if unknown:
        raise doc.error(start, f"unknown contents group(s): {', '.join(unknown)}")
    notes = " ".join(text for _, text in footnotes)
    return _Contents(
        groups=groups,
        rar_heading=rar[0],
        end=end,
        also_one_to_one=bool(_ALSO_ONE_TO_ONE.search(notes)),
        on_licence=bool(_ON_LICENCE.search(notes)),
        footnote_lines=footnotes,
        markers=markers,
    )


# --- sidebars, footer, sections ---------------------------------------------------------------


def _sidebars(doc: Document, start: int) -> dict[int, tuple[str, int | str]]:
    """Lines that are sidebar boxes: {line: ("days", n) | ("days-word", "") | ("group", "") | ("group-word", "")}."""
    following_text: dict[int, int | None] = {}
    upcoming = None
    for number_ in range(len(doc), start - 1, -1):  # one backward pass: the next non-blank line of each line
        following_text[number_] = upcoming
        if doc.line(number_).strip():
            upcoming = number_

    found: dict[int, tuple[str, int | str]] = {}
    for number_, line in doc.numbered(start):
        if number_ in found or not line or len(line) > 40:
            continue
        one_line = _DAYS_ONE_LINE.match(line)
        if one_line:
            found[number_] = ("days", int(one_line.group(1)))
            continue
        if _DAYS_NUMBER.match(line):
            following = following_text.get(number_)
            if following and _DAYS_WORD.match(doc.line(following)):
                found[number_] = ("days", int(line.strip()))
                found[following] = ("days-word", "")
            continue
        if _GROUP_OR.match(line):
            following = following_text.get(number_)
            if following and _ONE_TO_ONE_WORK.match(doc.line(following)):
                found[number_] = ("group", "")
                found[following] = ("group-word", "")
    return found


def _footer(doc: Document, start: int) -> tuple[int, str | None, str | None] | None:
    """(first line, phone, website) of the contact lines that close the guide, or None."""
    phone = web = None
    first = None
    for number_ in range(len(doc), start, -1):  # upwards from the end, over the closing block only
        line = doc.line(number_)
        if not line.strip():
            continue
        phone_match, web_match = _PHONE.match(line), _WEB.match(line)
        if phone_match:
            phone, first = phone_match.group(1), number_
        elif web_match:
            web, first = web_match.group(1), number_
        else:
            break
    if first is None:
        return None
    return first, phone, web


def _sections(doc: Document, rar_line: int, footer_line: int | None, sidebars: dict) -> list[_Section]:
    end_of_text = (footer_line - 1) if footer_line else len(doc)
    starts: list[tuple[int, int, str]] = []  # (title line, About line, title)
    for number_, line in doc.numbered(rar_line + 1, end_of_text):
        if not _ABOUT.match(line):
            continue
        title_line = number_ - 1
        while title_line > rar_line and not doc.line(title_line).strip():
            title_line -= 1
        title_text = doc.line(title_line)
        if title_line <= rar_line or title_line in sidebars or _ABOUT.match(title_text) or _ITEM_BULLET.match(title_text):
            raise doc.error(number_, "an 'About' line without a service title before it")
        starts.append((title_line, number_, clean(doc.line(title_line))))
    sections = []
    for index, (title_line, about_line, title) in enumerate(starts):
        end = starts[index + 1][0] - 1 if index + 1 < len(starts) else end_of_text
        while end > about_line and not doc.line(end).strip():
            end -= 1
        section = _Section(title=title, start=title_line, about=about_line, end=end)
        _read_body(doc, section, sidebars)
        if not section.paragraphs and not section.blocks:
            if index + 1 == len(starts) and footer_line is None:
                raise _truncated(doc, f"the last section '{title}' (line {title_line}) has no text")
            raise doc.error(about_line, f"the section '{title}' has no text after 'About'")
        sections.append(section)
    return sections


def _read_body(doc: Document, section: _Section, sidebars: dict) -> None:
    block: _Block | None = None
    for number_, line in doc.numbered(section.about + 1, section.end):
        if not line.strip():
            continue
        if number_ in sidebars:
            kind, value = sidebars[number_]
            if kind == "days":
                section.rar_days = int(value)
                section.days_text = f"{value} Days"
            elif kind == "group":
                section.group_or_one_to_one = True
            continue
        bullet = _ITEM_BULLET.match(line)
        text = clean(bullet.group(1) if bullet else line)
        if bullet:
            if block is None:
                block = _Block(label="", line=number_)
                section.blocks.append(block)
            block.bullets.append((number_, text))
        elif _LEAD_IN.search(line) and len(text) < 160:
            block = _Block(label=clean_value(text), line=number_)
            section.blocks.append(block)
        elif block is not None and not block.bullets:
            block.paragraphs.append((number_, text))
        else:
            block = None
            section.paragraphs.append((number_, text))


def _rar_introduction(doc: Document, rar_line: int, last: int, sidebars: dict) -> _Section | None:
    """The RAR heading and the paragraphs under it up to the first activity, or None when it has no text."""
    while last > rar_line and not doc.line(last).strip():
        last -= 1
    # no "About" line here: the body starts straight after the title
    section = _Section(title=clean(doc.line(rar_line)), start=rar_line, about=rar_line, end=last)
    _read_body(doc, section, sidebars)
    if not section.paragraphs and not section.blocks:
        return None
    return section


# --- matching sections to the contents list ---------------------------------------------------


def _words(text: str) -> set[str]:
    result = set()
    for word in re.findall(r"[a-z0-9]+", clean(text).lower()):
        if word in _STOP_WORDS:
            continue
        for suffix in ("ing", "ers", "er", "s"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)]
                break
        result.add(word)
    return result


def _similarity(left: set[str], right: set[str]) -> float:
    if not left or not right:
        return 0.0
    return len(left & right) / min(len(left), len(right))


def _match_contents(
    doc: Document,
    contents: _Contents,
    sections: list[_Section],
    complete: bool,
    warnings: list[str],
) -> None:
    items = [(line, name, kind) for _, kind, entries in contents.groups for line, name in entries]
    pairs = []
    title_words = [_words(section.title) for section in sections]
    for item_index, (_, name, _) in enumerate(items):
        item_words = _words(name)
        for section_index, words in enumerate(title_words):
            score = _similarity(item_words, words)
            if score > 0.5:
                pairs.append((-score, section_index, item_index))
    pairs.sort()
    taken_items: set[int] = set()
    for _, section_index, item_index in pairs:
        section = sections[section_index]
        if item_index in taken_items or section.contents_name is not None:
            continue
        taken_items.add(item_index)
        _, name, kind = items[item_index]
        section.contents_name = name
        section.group = kind
        if _normal(_PAREN.sub("", name)) != _normal(_PAREN.sub("", section.title)):
            warnings.append(
                f"contents entry '{name}' is the section titled '{section.title}' (line {section.start})"
            )
    missing = [items[index] for index in range(len(items)) if index not in taken_items]
    if missing:
        names = ", ".join(f"'{name}'" for _, name, _ in missing[:3])
        if len(missing) > 3:
            names += f" and {len(missing) - 3} more"
        if not complete:
            raise _truncated(doc, f"sections listed in 'About this guide' are missing: {names}")
        raise doc.error(missing[0][0], f"the contents list names {names} but no section has that title")

    matched = [index for index, section in enumerate(sections) if section.contents_name is not None]
    first = matched[0] if matched else len(sections)
    group = _GROUP_RAR
    for index, section in enumerate(sections):
        if section.contents_name is not None:
            group = section.group
        elif index > first:
            section.group = group
            warnings.append(
                f"section '{section.title}' (line {section.start}) is not in the contents list; "
                f"taken to belong with the section before it"
            )
    if first == 0:
        raise doc.error(sections[0].start, "no RAR activity sections before the first listed programme")


# --- provider ---------------------------------------------------------------------------------


def _provider(doc: Document, contents_line: int, footer: tuple, warnings: list[str]) -> ProviderData:
    lines = [clean(line) for _, line in doc.numbered(1, contents_line - 1) if line.strip()]
    titles = lines[:2]
    intro = "\n".join(lines[2:])
    name_match = re.search(r"\b([A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)* CRC) is one of\b", intro) or re.search(
        r"\b([A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)* CRC)\b", intro
    )
    if not name_match:
        raise doc.error(contents_line, "the introduction does not name the CRC")
    area = re.search(r"\bcover the county of ([A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)*)", intro)
    areas = [area.group(1)] if area else [name_match.group(1).removesuffix(" CRC")]
    if not area:
        warnings.append("the introduction does not say which county is covered; taken from the provider name")
    contact = [part for part in (footer[1], footer[2]) if part]
    offices = re.search(r"\boffices in (.+?)(?: and neighbourhood centres in (.+?))?\.", intro)
    if offices:
        contact.append("offices: " + ", ".join(split_list(offices.group(1))))
        if offices.group(2):
            contact.append("neighbourhood centres: " + ", ".join(split_list(offices.group(2))))
        warnings.append("the offices and neighbourhood centres are kept in provider.contact (no field of their own)")
    code_match = _NSI_CODE.search(doc.text(1, len(doc)))
    return ProviderData(
        code=code_match.group(1) if code_match else DEFAULT_CODE,
        name=name_match.group(1),
        areas=areas,
        contact="; ".join(contact),
        brochure_title=": ".join(titles),
        brochure_kind="guide for sentencers",
        brochure_file=doc.file,
        valid_from=None,
        valid_text=None,
    )


# --- one service ------------------------------------------------------------------------------


def _sentences(text: str) -> list[str]:
    return [sentence for _offset, sentence in split_sentences(text, _SENTENCE_END)]


def _service(doc: Document, section: _Section, contents: _Contents) -> ServiceData:
    notes: list[str] = []
    group = section.group
    all_text = " ".join(
        [section.title]
        + [text for _, text in section.paragraphs]
        + [
            piece
            for block in section.blocks
            for piece in [block.label] + [t for _, t in block.paragraphs] + [t for _, t in block.bullets]
        ]
    )

    highlights: list[str] = []
    criteria: list[Criterion] = []
    duration_parts: list[str] = []
    areas: list[str] = []
    options: list[OptionData] = []
    constructed: list[str] = []

    for line, text in section.paragraphs:
        if text.startswith(("*", "⁺")):
            continue  # a footnote explaining a term
        for sentence in _sentences(text):
            if _CRITERION.search(sentence):
                criteria.append(Criterion(text=sentence, line=line))
            if _DURATION_SENTENCE.search(sentence):
                duration_parts.append(sentence)
    for block in section.blocks:
        label = block.label.lower()
        if "delivery requirement" in label or "who is suitable" in label:
            for line, text in block.paragraphs + block.bullets:
                criteria.extend(Criterion(text=sentence, line=line) for sentence in _sentences(text))
        elif "following way" in label or "constructed" in label:
            constructed.extend(text for _, text in block.paragraphs + block.bullets)
        elif label.startswith("available"):
            for _, text in block.paragraphs + block.bullets:
                only = _AVAILABLE_ONLY.match(text)
                if only:
                    areas.extend(split_list(only.group(1)))
                else:
                    notes.append(f"availability printed as '{text}' was not read as areas")
        elif re.search(r"\baims?\b", label) and not block.bullets:
            for line, text in block.paragraphs:
                criteria.extend(Criterion(text=s, line=line) for s in _sentences(text) if _CRITERION.search(s))
        else:
            highlights.extend(clean_value(text) for _, text in block.paragraphs + block.bullets)
            intensities = _INTENSITIES.search(block.label)
            if intensities:
                options.extend(_intensity_options(intensities.group(1)))
    criteria.sort(key=lambda criterion: criterion.line)

    # durations
    sessions = None
    duration_parts = constructed + duration_parts
    if constructed:
        sessions = _count_sessions(" ".join(constructed), notes)
    else:
        about = " ".join(text for _, text in section.paragraphs)
        course = _SESSION_COURSE.search(about) if "session" in about.lower() else None
        if course:
            sessions = int(number(course.group(1)))
            duration_parts.insert(0, course.group(0))
    hours_range = next((m for m in map(_HOURS_RANGE.search, duration_parts) if m), None)
    if hours_range:
        notes.append(
            f"the court sets the hours between {hours_range.group(1)} and {hours_range.group(2)}; "
            "there is no single length, so total_hours is empty"
        )
    if section.days_text:
        duration_parts.append(section.days_text)
    structure = " ".join(constructed).lower()
    if re.search(r"\bpre[- ]group sessions\b", structure) and re.search(r"\bone hour\b", structure):
        notes.append("only the pre-group sessions are given a length (one hour); session_minutes is left empty")

    # what kind of service, and how it is delivered
    rar_activity = group == _GROUP_RAR
    if rar_activity:
        kind = _rar_kind(section)
    else:
        kind = {
            _GROUP_AP: Kind.ACCREDITED_PROGRAMME,
            _GROUP_REQUIREMENT: Kind.COURT_REQUIREMENT,
            _GROUP_POST_RELEASE: Kind.RESETTLEMENT,
        }[group]
    delivery = _delivery(section, all_text, kind, rar_activity, contents, notes)
    if rar_activity and section.rar_days is None:
        notes.append(
            "the guide says each RAR activity has an indicated number of RAR days; none is left in the text here"
        )
    if section.rar_days is not None and not rar_activity:
        notes.append(
            f"an indicated {section.rar_days} RAR days is printed beside a section that is not a RAR activity"
        )

    setting = Setting.THROUGH_THE_GATE if group == _GROUP_POST_RELEASE else Setting.COMMUNITY
    if group == _GROUP_POST_RELEASE and re.search(r"\bwithin \d+ weeks of (?:their )?release\b", all_text, re.I):
        notes.append("'within N weeks of their release' does not say whether it starts before or after release")

    request_method, request_notes = _request(group, notes)
    licence_usable = None
    if rar_activity or group == _GROUP_AP:
        licence_usable = True if contents.on_licence else None
    elif group == _GROUP_POST_RELEASE:
        licence_usable = True

    return ServiceData(
        key=slugify(section.title),
        name=section.title,
        aliases=_aliases(section, all_text, kind),
        kind=kind,
        category=_category(section.title, all_text, notes),
        highlights=highlights,
        delivery=delivery,
        setting=setting,
        rar_usable=True if rar_activity else (False if group in (_GROUP_AP, _GROUP_REQUIREMENT) else None),
        licence_usable=licence_usable,
        areas=areas,
        request_method=request_method,
        request_notes=request_notes,
        criteria_text=criteria,
        sessions=sessions,
        rar_days=section.rar_days,
        duration_text="; ".join(duration_parts) or None,
        options=options,
        source=SourceRef(file=doc.file, lines=(section.start, section.end)),
        review_notes=notes,
    )


def _rar_service(doc: Document, section: _Section, services: list[ServiceData]) -> ServiceData:
    """The Rehabilitation Activity Requirement itself, read from its introduction; `services` holds its activities."""
    pieces = section.paragraphs + [item for block in section.blocks for item in block.paragraphs + block.bullets]
    criteria: list[Criterion] = []
    duration: list[str] = []
    for line, text in pieces:
        for sentence in _sentences(text):
            if _CRITERION.search(sentence):
                criteria.append(Criterion(text=sentence, line=line))
            if _DURATION_SENTENCE.search(sentence):
                duration.append(sentence)
    # the requirement is delivered through its activities, so it is delivered as they are
    ways = {s.delivery for s in services if s.rar_usable}
    delivery = delivery_of(
        bool(ways & {Delivery.GROUP, Delivery.BOTH}), bool(ways & {Delivery.ONE_TO_ONE, Delivery.BOTH})
    )
    all_text = " ".join([section.title] + [piece for _, piece in pieces])
    return ServiceData(
        key=slugify(section.title),
        name=section.title,
        aliases=_aliases(section, all_text, Kind.COURT_REQUIREMENT),
        kind=Kind.COURT_REQUIREMENT,
        category="Other",  # a frame for activities of every category, not one need of its own
        highlights=[clean_value(bullet) for block in section.blocks for _, bullet in block.bullets],
        delivery=delivery,
        setting=Setting.COMMUNITY,
        rar_usable=None,  # the requirement is not one of its own activities
        request_method=RequestMethod.COURT_ORDER,
        request_notes=(
            "Made by the court, which sets the most activity days it may use; after sentence the CRC "
            "practitioner assesses the person and chooses the RAR activities. The guide prints no NSI."
        ),
        criteria_text=criteria,
        duration_text="; ".join(duration) or None,
        source=SourceRef(file=doc.file, lines=(section.start, section.end)),
    )


def _count_sessions(text: str, notes: list[str]) -> int | None:
    text = re.sub(r"one[ -]to[ -]one", "individual", text, flags=re.I)
    span = _SESSION_RANGE.search(text)
    if span:
        notes.append(
            f"printed as a range of {span.group(1)} to {span.group(2)} sessions; sessions is left empty"
        )
        return None
    counts = [int(number(match.group(1))) for match in _SESSIONS.finditer(text)]
    if len(counts) > 1:
        notes.append(f"sessions is the sum of the printed parts ({' + '.join(map(str, counts))})")
    return sum(counts) if counts else None


def _intensity_options(text: str) -> list[OptionData]:
    levels = {"low": Level.LOW, "medium": Level.MEDIUM, "high": Level.HIGH}
    options = []
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in levels:
            options.append(
                OptionData(key=f"{word}-intensity", name=f"{word.capitalize()} intensity", level=levels[word])
            )
    return options


def _rar_kind(section: _Section) -> Kind:
    """A set course (course, programme, module) or open-ended support (a service)."""
    for block in section.blocks:
        noun = re.search(r"\b(course|programme|module|service)\b", block.label, re.I)
        if noun:
            return Kind.SUPPORT_SERVICE if noun.group(1).lower() == "service" else Kind.STRUCTURED_INTERVENTION
    about = " ".join(text for _, text in section.paragraphs[:1])
    noun = re.search(r"\b(course|programme|module|service)\b", about, re.I)
    if noun and noun.group(1).lower() != "service":
        return Kind.STRUCTURED_INTERVENTION
    return Kind.SUPPORT_SERVICE


def _delivery(
    section: _Section, text: str, kind: Kind, rar_activity: bool, contents: _Contents, notes: list[str]
) -> Delivery | None:
    if section.group_or_one_to_one:
        return Delivery.BOTH
    text = text.lower().replace("non-accredited group", "")
    one_to_one = bool(_ONE_TO_ONE.search(text))
    group = bool(_GROUP.search(text))
    if rar_activity and kind == Kind.STRUCTURED_INTERVENTION:
        if not contents.also_one_to_one:
            return delivery_of(True, one_to_one, text)
        if not group:
            notes.append(
                "the section does not say the course is group work: 'both' assumes it is one of the "
                "group programmes the guide says are also run one-to-one"
            )
        return Delivery.BOTH
    if kind == Kind.ACCREDITED_PROGRAMME:
        if not group:
            notes.append(
                "the section does not call the programme group work; the group delivery follows the guide's "
                "footnote, which sets accredited programmes apart from the non-accredited group work"
            )
        return delivery_of(True, one_to_one, text)
    found = delivery_of(group, one_to_one, text)
    if found is None:
        notes.append("the guide does not say whether this is group or one-to-one work")
    return found


def _request(group: str, notes: list[str]) -> tuple[RequestMethod, str]:
    if group == _GROUP_RAR:
        return RequestMethod.COURT_ORDER, (
            "Delivered within a Rehabilitation Activity Requirement: the court sets the maximum RAR days "
            "and the CRC practitioner chooses the activities. The guide prints no NSI."
        )
    if group == _GROUP_AP:
        return RequestMethod.COURT_ORDER, (
            "Made by the court as an Accredited Programme Requirement of a community order. The guide prints no NSI."
        )
    if group == _GROUP_REQUIREMENT:
        return RequestMethod.COURT_ORDER, "A requirement the court makes. The guide prints no NSI."
    notes.append("the guide gives no referral route for this post-release offer; 'contact provider' is assumed")
    return RequestMethod.CONTACT_PROVIDER, (
        "Offered after release from prison; the guide prints no NSI or referral route, so ask the provider."
    )


def _category(title: str, text: str, notes: list[str]) -> str:
    for pattern, category in _TITLE_CATEGORIES:
        if pattern.search(title):
            return category
    for pattern, category in _BODY_CATEGORIES:
        if pattern.search(text):
            return category
    notes.append("no category rule matched; set to Other")
    return "Other"


def _aliases(section: _Section, text: str, kind: Kind) -> list[str]:
    title = section.title
    bare = clean(_PAREN.sub("", title))
    aliases: list[str] = []
    for inner in _PAREN.findall(title):
        inner = clean(inner)
        if re.fullmatch(r"[A-Z]{2,6}", inner):
            # "Education, Training and Employment (ETE) one-to-one provision" -> "ETE one-to-one provision"
            after = title[title.index(")") + 1 :].strip()
            aliases.append(inner if not after else f"{inner} {after}")
            if not after:
                aliases.append(bare)
        else:
            aliases.extend([bare, inner[:1].upper() + inner[1:]])
    aliases.extend(_QUOTED.findall(title))
    if section.contents_name and _normal(_PAREN.sub("", section.contents_name)) != _normal(bare):
        aliases.append(section.contents_name)
    initials = "".join(word[0] for word in re.findall(r"[A-Za-z]+", bare) if word.lower() not in _STOP_WORDS).upper()
    for acronym in re.findall(r"\(([A-Z]{2,6})\)", text):
        if acronym == initials:
            aliases.append(acronym)
    if kind in (Kind.ACCREDITED_PROGRAMME, Kind.COURT_REQUIREMENT):
        short = re.sub(r"\s+Programme$", "", bare)
        if short != bare:
            aliases.append(short)
        for prefix, acronym in _NATIONAL_SHORT_NAMES.items():
            if _normal(bare).startswith(prefix):
                aliases.append(acronym)
    result: list[str] = []
    for alias in aliases:
        alias = clean(alias)
        if alias and alias.lower() != title.lower() and alias.lower() not in {a.lower() for a in result}:
            result.append(alias)
    return result
