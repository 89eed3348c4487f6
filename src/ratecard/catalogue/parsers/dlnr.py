"""Parser of the DLNR CRC "Probation Service Guide" for sentencers (Derbyshire, Leicestershire,
Nottinghamshire and Rutland Community Rehabilitation Company, February 2017).

The layout, as the PDF extraction left it:

* a title line ("DLNR CRC Probation Service Guide"), the Acts it covers and the month it was issued;
* "About this guide", naming the company in full with its short name in brackets ("... Community
  Rehabilitation Company (DLNR CRC)"), then a glossary of new terms (not services);
* "Section contents", printed twice (the second list carries on the first), one entry a line:
  ``3.2.3 Resolve (Derbyshire only)``; a long title may carry on to a line in brackets;
* the body: every numbered section starts with its number alone on a line and its title on the next
  non-blank line. Each PDF page repeats the number and title of the section it continues, so the same
  number appears several times in a row. 1.0 (the Community Order), 2.0 (Suspended Sentence Orders) and
  3.0 (a third copy of the contents) introduce; 3.1-3.12 are court requirements; the children of 3.2
  (3.2.1 ...) are the accredited programmes and the children of 3.3 the RAR activities;
* inside a section, fixed sub-headings on lines of their own ("Main purposes", "What is it?", "Who is
  suitable?", "Who is it not suitable for?", "The programme involves", "Additional information",
  "Seriousness levels", "Guideline days", "Initial referral process", ...), paragraphs on one line
  each, bullets ("- ", "- o ", "1. ") and two tab-separated tables (RAR days by OGRS band, the
  Foundations of Rehabilitation referral grid). Orderable variants are printed as their own short
  headings: "Change Programme (10 Sessions)", "Shorter DRRs: 3 - 6 months", and as lists ("Connect =
  low level intensity (6 sessions)", "orders are made of 12, 24 or 36 hours");
* a closing page: the company's name over four lines, a feedback e-mail address and the website.

A section that lists an unknown short heading followed by a paragraph saying the support "can be
offered as part of a RAR" (3.3.9's "Housing and welfare support") is read as a service of its own.

The contents list is the check on the body: every section it lists must be found in order, and the
closing page must follow the last one; otherwise the text is reported as truncated.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from pydantic import ValidationError

from ratecard.catalogue.parsers.base import (
    NUMBER,
    Document,
    Joined,
    clean,
    delivery_of,
    number,
    only_brochure_errors,
    repeated,
    slugify,
    split_list,
    whole,
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

NAME = "dlnr"

# --- layout landmarks -------------------------------------------------------------------------

_TITLE = re.compile(r"^[ \t]*((\w+) CRC Probation Service Guide)[ \t\r]*$", re.MULTILINE)
_CONTENTS = re.compile(r"^\s*Section contents\s*$", re.IGNORECASE)
_CONTENTS_ENTRY = re.compile(r"^\s*(\d+\.\d+(?:\.\d+)*)\s+(\S.*?)\s*$")
_MARKER = re.compile(r"^\s*(\d+\.\d+(?:\.\d+)*)\s*$")
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
)
_ISSUED = re.compile(r"^\s*(" + "|".join(_MONTHS) + r")\s+(\d{4})\s*$")
_COMPANY = re.compile(
    r"((?:[A-Z][a-z]+, )*[A-Z][a-z]+ and [A-Z][a-z]+) (Community Rehabilitation Company) \((\w+) CRC\)"
)
_BACK_COVER = re.compile(r"^\s*Community Rehabilitation Company\s*$")
_FEEDBACK = re.compile(r"feedback about this guide", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_WEB = re.compile(r"\bwww\.[\w.-]+\w")
_SENTENCERS = re.compile(r"magistrates|judges|sentencers", re.IGNORECASE)
_REQUIREMENT_COUNT = re.compile(r"\b(\d+) (?:possible )?requirements\b")

# --- section text -----------------------------------------------------------------------------

_HEADINGS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (role, re.compile(pattern, re.IGNORECASE))
    for role, pattern in (
        ("purpose", r"(main purposes?)(?:\s*:\s*(?P<v>.+))?"),
        ("what", r"(what is it)\s*\?"),
        ("aim", r"(programme aims?)\s*:?"),
        ("unsuitable", r"(who is (?:it )?not suitable(?: for)?)\s*[?:]?"),
        ("suitable", r"(who is (?:it )?suitable(?: for)?)\s*[?:]?"),
        ("involves", r"(the programme involves)(?:\s+(?P<v>[^:]+?))?\s*:?"),
        ("covers", r"(subjects covered include)\s*:?"),
        ("offer", r"(what does the programme offer)\s*\??"),
        ("additional", r"(additional information)\s*:?"),
        ("levels", r"(seriousness levels|treatment need)\s*:?"),
        ("guideline", r"(guideline days|length of engagement)\s*:?"),
        ("referral", r"(initial referral process)\s*:?"),
        ("supported", r"(usefully supported by)\s*:?"),
        ("assessment", r"(assessment)\s*:?"),
        ("length", r"(length and intensity)\s*:?"),
        ("reviews", r"(exceptional criteria for court reviews.*?)\s*:"),
        ("criteria", r"((?:[A-Z]{2,5} )?criteria)\s*:"),
        ("duties", r"(the requirements of the CRC are to)\s*:"),
    )
)
_SUIT_ROLES = frozenset({"suitable", "unsuitable"})
_HIGHLIGHT_ROLES = frozenset({"aim", "covers", "offer", "involves", "purpose", "what"})

_BULLET = re.compile(r"^(?:[-\u2022*]\s+(?:o\s+)?|\d{1,2}\.\s+)(?P<t>\S.*)$")
_PROGRAMME_OPTION = re.compile(rf"(?P<name>[A-Z][\w' ]+?)\s*\((?P<n>{NUMBER}) sessions?\)", re.IGNORECASE)
_LENGTH_OPTION = re.compile(r"(?P<name>(?:Shorter|Longer)\s+[A-Z]{2,5}s?)\s*[:\u2013\u2014-]\s*(?P<d>.+?)\s*:?")
_MONTH_OPTION = re.compile(r"(?P<name>(?P<n>\d+)\s+months?\s+[A-Z]{2,5})\s*:?")
_LEVEL_OPTION = re.compile(
    r"(?P<name>.+?)\s*=\s*(?P<level>low|medium|high) level intensity\s*\((?P<d>(?P<n>\d+) sessions?[^)]*)\)\.?",
    re.IGNORECASE,
)
_HOURS_OPTIONS = re.compile(r"orders are made of ((?:\d+,\s*)*\d+\s+(?:or|and)\s+\d+) hours", re.IGNORECASE)
_TREATMENT_LEAD = re.compile(r"must specify one of the following", re.IGNORECASE)
_SUBSERVICE_PART = re.compile(r"\bas part of (?:a|the) RAR\b")
_AREA_ONLY = re.compile(r"^(\w+) only$", re.IGNORECASE)
_ONLY = re.compile(r"\s*\((\w+) only\)", re.IGNORECASE)
_ABBREVIATION = re.compile(r"^(?=(?:[a-z]*[A-Z]){2})[A-Z][A-Za-z]{1,7}$")
_INCLUDING = re.compile(r"^(?P<base>.+?)\s*\((?:including|inc\.)\s+(?P<part>[^)]+)\)$", re.IGNORECASE)
_TOKEN = re.compile(r"\b[A-Z][A-Za-z]{1,6}\b")
_MINOR_WORDS = frozenset({"of", "for", "and", "to", "the", "a", "on", "in", "at"})

_ENDS_SENTENCE = re.compile(r"[.!?:;)\"\u201d]$")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\u201c\"])")
_LEAD_IN = re.compile(r":\s*$")

# who a service is (not) for: sex, age, risk scores, offences, dependency, consent, court tests, order length
# (these four are matched against lower-cased text: much faster than re.IGNORECASE)
_CRITERION = re.compile(
    r"\b(?:"
    r"(?:males?|females?|men|women)\s+(?:who|where|with|aged|service\s+users?)\b"
    r"|for\s+(?:(?:males?|females?|men|women)\b|those\b)|male\s+and\s+females?\b"
    r"|aged\b|ages?\s+of\b|u25\b|ogrs\b|rosh\b|ovp\b|sara\b|audit\b"
    r"|(?:low|medium|high)\b[^.]{0,20}\brisk\s+of\s+re-?offending\b|risk\s+cases\b"
    r"|(?:low|medium|high|lower|higher)(?:-\w+)?\s+(?:levels?\s+of\s+)?(?:need\s+and\s+)?risk\b"
    r"|offences?\s+(?:committed|involving)\b|index\s+offence\b"
    r"|dependen|consen|willing\b|registration\b"
    r"|must\s+(?:be\s+satisfied|consult|obtain|consider)\b"
    r"|(?:not\s+|un)?suitable\s+(?:for|to)\b|are\s+not\s+suitable\b|eligib"
    r"|meet\s+the\s+(?:eligibility\s+)?criteria\b"
    r"|order\s+duration\b|between\s+\w+\s+and\s+\d+\b|up\s+to\s+\d+\s+hours\b|cannot\s+last\b"
    r"|unemployed\b|young\s+adults?\s+who\b|targeted\s+at\b|prioriti[sz]e\b"
    r"|can\s+(?:only\s+)?be\s+used\b|reserved\s+for\b"
    # what a court requirement is added to, and the person it binds for its length
    r"|requirements?\s+can\s+be\s+added\s+to\b|for\s+the\s+duration\s+of\s+the\s+requirement\b"
    r")|^those\b"
)
# what makes a lead-in line ("Male service users who:") a criterion of its own
_WHO = re.compile(r"\b(?:males?|females?|men|women|aged|ogrs|risk|cases|suitable\s+for|young\s+adults?)\b")
_NOT_A_CRITERION_LEAD = re.compile(r"following criteria", re.IGNORECASE)
_CRITERIA_LEAD = re.compile(r"must be satisfied|criteria|eligib|following groups|vulnerabilit", re.IGNORECASE)
_OPTIONISH = re.compile(r"\bsessions?\b|-session\b|=|\bintensity\b", re.IGNORECASE)
_LEVEL_LINE = re.compile(r"^(?:Low|Medium|High)\b.*\u2014")
_FOR_EXAMPLE = re.compile(r"^\(?for example\b", re.IGNORECASE)
_HIGHLIGHT_LEAD = re.compile(r"focus|include|cover|workshops|aims? of", re.IGNORECASE)
_LABELLED = re.compile(r"^([A-Z][A-Za-z ,&]{2,40}):\s+\S")

# durations
_NUMW = f"(?:{NUMBER})"
_DURATION = re.compile(
    rf"\b{_NUMW}(?:\s*(?:-|to)\s*{_NUMW})?\s*\+?\s*[- ]?(?:[a-z-]+\s+){{0,4}}?"
    r"(?:sessions?|hours?|days?|weeks?|months?|modules?)\b"
    r"|\bstand-alone session\b|\b(?:once|twice|three times)\b"
)
_LIMIT = re.compile(
    r"\bbetween\s+\w+\s+and\s+\d+|\bup\s+to\s+\w+\s+(?:hours|days|weeks|months)|\bcannot\s+last"
    r"|\bwithin\s+\w+\s+(?:days|weeks|months)|\bmaximum\b|\bminimum\b|\blimited\s+to"
    r"|\b(?:designate|sets?)\b[^.]*\bnumber\s+of\s+(?:hours|days)\b"
)
_TOTAL_SESSIONS = re.compile(rf"\b({_NUMW})\s+sessions?\s+in\s+total\b")
_SESSION_RANGE = re.compile(rf"\b({_NUMW})\s*(?:-|to)\s*({_NUMW})[- ](?:[a-z-]+ ){{0,3}}?sessions?\b")
_SESSIONS = re.compile(
    rf"\b({_NUMW})(?:-| )(?:(?!(?:hours?|minutes?|sessions?)\b)[a-z-]+ ){{0,3}}sessions?\b(?! per\b)"
)
_SINGLE_SESSION = re.compile(r"\b(?:this|a|one)\s+(?:single\s+|one-off\s+)?stand-alone\s+session\b")
_SESSION_LENGTH = (
    re.compile(rf"\bsessions?\s+(?:runs?|lasts?)\s+for\s+(up to\s+)?({_NUMW})\s*(hours?|minutes?)\b"),
    re.compile(rf"\bsessions?\s+of\s+(up to\s+)?({_NUMW})\s*(hours?|minutes?)\b"),
    re.compile(rf"\b()({_NUMW})[- ](hour|minute)s?\s+(?:[a-z]+\s+)?sessions?\b"),
)
_RAR_DAYS = re.compile(r"^(\d+) days?$", re.IGNORECASE)
_PARTS = re.compile(r"(\d+) modules? of (\d+) group(?: work)? sessions|(\d+) group(?: work)? sessions|(\d+) individual sessions")
_IDEAL_MAX = re.compile(r"(\d+)\s*months?\s*\+\s*\(ideal(?:ly)? max (\d+) months?\)", re.IGNORECASE)

# delivery
_GROUP = re.compile(
    r"\bgroup(?:[- ]based|[- ]work|s? sessions?|s? workshops?|s? engagements?| basis)\b|\bgroups are delivered\b"
    r"|\bto a group of\b|\b(?:or|and) group\b|\bgroup and individual\b"
)  # matched against lower-cased text, as are the two below
_ONE_TO_ONE = re.compile(r"\bone[- ]to[- ]one\b|\bindividual sessions\b")
_FLEXIBLE = re.compile(r"flexible method of delivery")
_NOT_IN_RAR = re.compile(
    r"Accredited Programmes? should (?:still )?be made as a separate requirement|not (?:be )?incorporated into a RAR",
    re.IGNORECASE,
)
_SUPPORT = re.compile(r"\badvisor support\b|\bone-to-one support\b", re.IGNORECASE)

_CATEGORY_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), category)  # matched against lower-cased text
    for pattern, category in (
        (r"unpaid work|community payback", "Unpaid work"),
        (r"curfew|exclusion|prohibit|residence|foreign travel", "Restrictions and monitoring"),
        (r"women|female", "Women"),
        (r"domestic|intimate partner|building better relationships", "Domestic abuse"),
        (r"violen|anger|thinking skills|offending behaviour|accredited programme", "Attitudes, thinking and behaviour"),
        (r"drug|alcohol|substance|drinker", "Drugs and alcohol"),
        (r"mental health|wellbeing", "Health and wellbeing"),
        (r"mentor", "Mentoring and community support"),
        (r"senior attendance|young adult", "Young adults"),
        (r"employment|training|education", "Employment, training and education"),
        (r"\bhomes?\b|housing|tenancy|accommodation", "Accommodation"),
        (r"desistance|general offending", "Attitudes, thinking and behaviour"),
    )
)


# --- reading the layout -----------------------------------------------------------------------


@dataclass
class _Section:
    number: str
    title: str
    start: int  # the number line
    end: int
    skip: set[int] = field(default_factory=set)  # page headers repeating number and title


@dataclass
class _Item:
    """A paragraph, bullet, table or orderable-variant heading inside a section."""

    role: str
    heading: str
    kind: str  # para | bullet | table | option | subservice
    parts: list[tuple[int, str]]
    lead: str = ""  # bullets: the lead-in paragraph ending in ":" they follow
    option: int | None = None  # inside the block of this option heading
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    spec: dict | None = None  # option headings: what they order
    inline: bool = False  # a value printed on its heading's line ("Main purpose: Rehabilitation")

    @property
    def line(self) -> int:
        return self.parts[0][0] if self.parts else self.rows[0][0]

    @property
    def last_line(self) -> int:
        lines = [n for n, _ in self.parts] + [n for n, _ in self.rows]
        return max(lines)

    @cached_property
    def text(self) -> str:
        """The joined text; read only once the item is complete."""
        return " ".join(text for _, text in self.parts)

    @cached_property
    def sentences(self) -> list[_Sentence]:
        return _sentences(self)


@dataclass
class _Context:
    doc: Document
    areas: list[str]
    contents: dict[str, str]
    warnings: list[str]
    ogrs_bands: dict[str, tuple[int, int]] = field(default_factory=dict)
    only: list[tuple[str, str]] = field(default_factory=list)  # (text before "(X only)", X) anywhere in the guide


def detect(text: str) -> bool:
    """True for the DLNR CRC Probation Service Guide layout: its title line near the top."""
    match = _TITLE.search(text[:3000])
    return bool(match and match.group(2) == "DLNR")


def parse(text: str, *, file: str) -> ParsedBrochure:
    """Read the guide into provider facts and one service per requirement, programme and RAR activity."""
    doc = Document(text, file=file)
    with only_brochure_errors(
        file, lambda exc: f"could not read the guide: {exc}", (ValidationError, ValueError, IndexError, KeyError)
    ):
        return _parse(doc)


def _parse(doc: Document) -> ParsedBrochure:
    if not any(line.strip() for line in doc.lines):
        raise doc.error(None, "the text is empty")
    title_line = doc.find(_TITLE, 1, min(len(doc), 60))
    if title_line is None or _TITLE.search(doc.line(title_line)).group(2) != "DLNR":  # type: ignore[union-attr]
        raise doc.error(1, "not a DLNR CRC Probation Service Guide: its title line was not found near the top")
    warnings: list[str] = []
    provider_facts = _provider_head(doc, title_line)
    contents, first_marker = _contents(doc)
    sections = _sections(doc, contents, first_marker, warnings)
    cover = _back_cover(doc, sections[-1])
    sections[-1].end = doc.last_text_line(sections[-1].start, cover - 1) or sections[-1].start
    provider = _provider(doc, provider_facts, cover, warnings)
    ctx = _Context(doc=doc, areas=provider.areas, contents=contents, warnings=warnings)
    ctx.only = [(clean(doc.line(n)[: m.start()]).lower(), m.group(1).capitalize())
                for n in range(1, len(doc) + 1) if "only)" in doc.line(n).lower()
                for m in _ONLY.finditer(doc.line(n))]
    services = _services(ctx, sections)
    _check_requirement_count(ctx, sections, services)
    return ParsedBrochure(parser=NAME, provider=provider, services=services, warnings=warnings)


def _provider_head(doc: Document, title_line: int) -> dict:
    title = clean(doc.line(title_line))
    issued_line = doc.find(_ISSUED, title_line, min(len(doc), title_line + 15))
    valid_text = valid_from = None
    if issued_line is not None:
        match = _ISSUED.match(doc.line(issued_line))
        assert match
        valid_text = f"{match.group(1)} {match.group(2)}"
        valid_from = dt.date(int(match.group(2)), _MONTHS.index(match.group(1)) + 1, 1)
    company_line = doc.find(_COMPANY, 1, min(len(doc), 120))
    if company_line is None:
        last, text = doc.last_line_read()
        raise doc.error(
            last,
            "the introduction naming the Community Rehabilitation Company ('... Community Rehabilitation Company "
            f"(DLNR CRC)') was not found; the text stops at line {last} ({text!r})",
        )
    match = _COMPANY.search(doc.line(company_line))
    assert match
    places = match.group(1)
    areas = split_list(places)
    intro = doc.text(title_line, company_line)
    return {
        "code": match.group(3),
        "name": f"{places} {match.group(2)}",
        "areas": areas,
        "brochure_title": title,
        "brochure_kind": "guide for sentencers" if _SENTENCERS.search(intro) else "guide",
        "valid_from": valid_from,
        "valid_text": valid_text,
    }


def _provider(doc: Document, facts: dict, cover: int, warnings: list[str]) -> ProviderData:
    tail = doc.text(cover, len(doc))
    contacts = list(dict.fromkeys(_EMAIL.findall(tail) + _WEB.findall(tail)))
    if not contacts:
        warnings.append(f"line {cover}: the closing page prints no e-mail address or website")
    return ProviderData(
        **facts,
        contact="; ".join(contacts) or None,
        brochure_file=doc.file,
    )


def _contents(doc: Document) -> tuple[dict[str, str], int]:
    """The numbered entries of the contents lists, and the first line of the body."""
    start = doc.find(_CONTENTS)
    if start is None:
        last, text = doc.last_line_read()
        raise doc.error(last, f"truncated or not this layout: no 'Section contents' list (text ends at line {last}: {text!r})")
    first_marker = doc.find(_MARKER, start)
    if first_marker is None:
        last, text = doc.last_line_read()
        raise doc.error(
            last, f"truncated: no numbered section follows the contents list (the text stops at line {last}: {text!r})"
        )
    contents: dict[str, str] = {}
    previous: str | None = None
    for number_, line in doc.numbered(start + 1, first_marker - 1):
        stripped = line.strip()
        match = _CONTENTS_ENTRY.match(stripped)
        if match:
            previous = match.group(1)
            contents[previous] = clean(match.group(2))
        elif stripped.startswith("(") and previous and doc.line(number_ - 1).strip():
            contents[previous] += " " + clean(stripped)
        elif not stripped:
            previous = None
    if not contents:
        raise doc.error(start, "the 'Section contents' list has no numbered entries")
    return contents, first_marker


def _sort_key(number_: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number_.split("."))


def _sections(doc: Document, contents: dict[str, str], first_marker: int, warnings: list[str]) -> list[_Section]:
    """The body's sections, page-header repeats folded into the section they continue."""
    sections: list[_Section] = []
    for number_, line in doc.numbered(first_marker):
        match = _MARKER.match(line)
        if not match:
            continue
        code = match.group(1)
        if code not in contents:
            warnings.append(f"line {number_}: number {code} is not in the contents list; read as text")
            continue
        title_line = next((n for n in range(number_ + 1, min(len(doc), number_ + 4) + 1) if doc.line(n).strip()), None)
        if title_line is None:
            break  # the text stops after the number: reported as truncated below
        if sections and sections[-1].number == code:
            sections[-1].skip.update({number_, title_line})
            continue
        if any(section.number == code for section in sections):
            warnings.append(f"line {number_}: section {code} appears again after other sections")
        if sections:
            sections[-1].end = number_ - 1
        sections.append(_Section(number=code, title=clean(doc.line(title_line)), start=number_, end=len(doc),
                                 skip={number_, title_line}))
    found = {section.number for section in sections}
    missing = [code for code in contents if code not in found]
    if missing:
        last_found = max((section for section in sections), key=lambda s: s.start, default=None)
        later = [code for code in missing if last_found is None or _sort_key(code) > _sort_key(last_found.number)]
        listed = ", ".join(f"{code} {contents[code]}" for code in missing)
        last, text = doc.last_line_read()
        if later and len(later) == len(missing):
            where = f" inside section {last_found.number} {last_found.title}" if last_found else ""
            raise doc.error(
                last,
                f"truncated: the text stops at line {last} ({text!r}){where}; "
                f"sections listed in the contents are missing: {listed}",
            )
        raise doc.error(sections[0].start if sections else last, f"sections listed in the contents are missing from the body: {listed}")
    numbers = [section.number for section in sections]
    if numbers != sorted(numbers, key=_sort_key):
        warnings.append("the body's sections are not in contents order: " + ", ".join(numbers))
    for section in sections:
        if section.number.split(".")[0] != "3" or section.number == "3.0":
            continue  # the introductions are not services
        if _normal_title(section.title) != _normal_title(contents[section.number]):
            warnings.append(
                f"line {section.start}: section {section.number} is titled {contents[section.number]!r} in the "
                f"contents but {section.title!r} in the body"
            )
    return sections


def _normal_title(title: str) -> str:
    title = re.sub(r"\binc\.", "including", title, flags=re.IGNORECASE)
    title = re.sub(r"\s*\((?:\w+ only|[A-Z][A-Za-z]{1,7})\)", "", title, flags=re.IGNORECASE)
    return slugify(title.replace(" CRC ", " "))


def _back_cover(doc: Document, last: _Section) -> int:
    """The first line of the closing page, which must follow the last section."""
    feedback = doc.find(_FEEDBACK, last.start)
    cover = doc.find(_BACK_COVER, last.start)
    if feedback is None and cover is None:
        line, text = doc.last_line_read()
        raise doc.error(
            line,
            f"truncated: the text stops at line {line} ({text!r}) inside section {last.number} {last.title}; "
            "the closing page (feedback address and website) is missing",
        )
    if cover is None or (feedback is not None and feedback < cover):
        return feedback  # type: ignore[return-value]
    first = cover
    while first - 1 > last.start and doc.line(first - 1).strip():
        first -= 1
    return first


# --- section items ----------------------------------------------------------------------------


def _heading(text: str) -> tuple[str, str, str] | None:
    for role, pattern in _HEADINGS:
        match = pattern.fullmatch(text)
        if match:
            inline = match.groupdict().get("v") or ""
            return role, match.group(1), inline.strip()
    return None


def _option_heading(text: str) -> dict | None:
    match = _PROGRAMME_OPTION.fullmatch(text)
    if match:
        count = int(number(match.group("n")))
        return {"name": clean(match.group("name")), "level": Level.PROGRAMME, "sessions": count,
                "duration_text": text[match.start("n"):].rstrip(")").strip()}
    match = _LENGTH_OPTION.fullmatch(text)
    if match:
        return {"name": match.group("name"), "level": Level.BLOCK, "duration_text": match.group("d").strip()}
    match = _MONTH_OPTION.fullmatch(text)
    if match:
        return {"name": match.group("name"), "level": Level.BLOCK, "duration_text": f"{match.group('n')} months"}
    return None


def _items(doc: Document, section: _Section) -> list[_Item]:
    items: list[_Item] = []
    role, heading, lead = "intro", "", ""
    option: int | None = None
    options_seen = 0
    last: _Item | None = None
    blank = True
    for number_, raw in doc.numbered(section.start, section.end):
        if number_ in section.skip:
            blank = True
            continue
        stripped = raw.strip()
        if not stripped:
            blank = True
            continue
        text = clean(stripped)
        if "\t" in raw:
            cells = [clean(cell) for cell in raw.split("\t") if cell.strip()]
            if last is not None and last.kind == "table" and not blank:
                last.rows.append((number_, cells))
            else:
                last = _Item(role, heading, "table", [], option=option, rows=[(number_, cells)])
                items.append(last)
            blank = False
            continue
        bullet = _BULLET.match(text)
        short = len(text) <= 90  # headings and variant headings are short lines
        found = None if bullet or not short else _heading(text)
        if found:
            role, heading, inline = found
            lead, option, last = "", None, None
            if inline:
                items.append(_Item(role, heading, "para", [(number_, inline)], inline=True))
            blank = False
            continue
        spec = None if bullet or not short else _option_heading(text)
        if spec is not None:
            option = options_seen
            options_seen += 1
            items.append(_Item(role, heading, "option", [(number_, text)], option=option, spec=spec))
            lead, last, blank = "", None, False
            continue
        if bullet:
            last = _Item(role, heading, "bullet", [(number_, bullet.group("t"))], lead=lead, option=option)
            items.append(last)
        elif last is not None and last.kind in ("para", "bullet") and not blank:
            last.parts.append((number_, text))
        elif (last is not None and last.kind == "para" and not _ENDS_SENTENCE.search(last.parts[-1][1])
              and text[:1].islower()):
            last.parts.append((number_, text))  # a paragraph carried over a page break
        else:
            last = _Item(role, heading, "para", [(number_, text)], option=option)
            items.append(last)
            lead = text if _LEAD_IN.search(text) else ""
        blank = False
    for index, item in enumerate(items[:-1]):
        following = items[index + 1]
        if (item.kind == "para" and not item.inline and item.role != "purpose" and len(item.parts) == 1
                and following.kind == "para"
                and _is_title(item.text) and _SUBSERVICE_PART.search(following.text)):
            item.kind = "subservice"
    return items


def _is_title(text: str) -> bool:
    return (len(text.split()) <= 6 and text[:1].isupper() and not re.search(r"[.:;,?!]$|\+", text)
            and not re.search(r"\d", text))


@dataclass
class _Sentence:
    text: str
    line: int


def _sentences(item: _Item) -> list[_Sentence]:
    """The item's sentences with the line each starts on; a bracketed example stays with its sentence."""
    joined = Joined.of(item.parts)
    pieces: list[_Sentence] = []
    for text, line in joined.sentences(_SENTENCE_BREAK):
        if pieces and text.startswith("("):
            pieces[-1].text += " " + text
        else:
            pieces.append(_Sentence(text, line))
    return pieces


# --- services ---------------------------------------------------------------------------------


def _services(ctx: _Context, sections: list[_Section]) -> list[ServiceData]:
    by_number = {section.number: section for section in sections}
    items_of = {section.number: _items(ctx.doc, section) for section in sections}
    intro_items = [item for section in sections if section.number.split(".")[0] in ("1", "2")
                   for item in items_of[section.number]]
    rar = next((s for s in sections if re.search(r"Rehabilitation Activity", s.title)), None)
    rar_text = ""
    if rar is not None:
        _read_ogrs_bands(ctx, items_of[rar.number])
        rar_text = " ".join(item.text for item in items_of[rar.number])
    services: list[ServiceData] = []
    for section in sections:
        parts = section.number.split(".")
        if parts[0] != "3" or parts[1:] == ["0"] or len(parts) < 2:
            continue
        parent = by_number.get(".".join(parts[:2])) if len(parts) == 3 else None
        items = items_of[section.number]
        split = next((i for i, item in enumerate(items) if item.kind == "subservice"), None)
        own, extra = (items, []) if split is None else (items[:split], items[split:])
        if parent is None:
            group = "requirement"
        elif re.search(r"Accredited Programme", parent.title):
            group = "programme"
        elif re.search(r"Rehabilitation Activity", parent.title):
            group = "rar"
        else:
            group = "other"
            ctx.warnings.append(f"line {section.start}: section {section.number} is under {parent.title!r}, "
                                "which is neither the accredited programmes nor the RAR")
        shared = {"group": group, "intro_items": intro_items if group == "requirement" else [],
                  "parent_items": items_of[parent.number] if parent else [], "rar_text": rar_text}
        end = max((item.last_line for item in own), default=section.start)
        services.append(_service(ctx, section.title, ctx.contents[section.number], own, section.start, end, **shared))
        if extra:
            heading = extra[0]
            service = _service(ctx, heading.text, heading.text, extra[1:], heading.line, extra[-1].last_line, **shared)
            service.review_notes.append(
                f"described under section {section.number} {section.title}, as a heading of its own; "
                "read as a separate RAR support service"
            )
            services.append(service)
    duplicates = repeated(service.key for service in services)
    if duplicates:
        raise ctx.doc.error(None, f"two services would share the key(s) {', '.join(duplicates)}")
    return services


def _read_ogrs_bands(ctx: _Context, items: list[_Item]) -> None:
    for item in items:
        if item.kind != "table" or "OGRS" not in " ".join(item.rows[0][1]):
            continue
        for _, cells in item.rows[1:]:
            match = re.match(r"(Low|Medium|High):\s*(\d+)\s*(?:-\s*(\d+))?\s*%", cells[0])
            if match:
                ctx.ogrs_bands[match.group(1).lower()] = (int(match.group(2)), int(match.group(3) or 100))


def _names(ctx: _Context, title: str, contents_title: str) -> tuple[str, list[str], list[str]]:
    """Name as printed without bracketed abbreviations or areas; the abbreviations and areas."""
    aliases: list[str] = []
    areas: list[str] = []

    def strip(text: str) -> str:
        while True:
            match = re.search(r"\s*\(([^()]*)\)\s*$", text)
            if not match:
                return text
            inner = match.group(1).strip()
            area = _AREA_ONLY.match(inner)
            if area and area.group(1).capitalize() in ctx.areas:
                areas.append(area.group(1).capitalize())
            elif _ABBREVIATION.match(inner):
                aliases.append(inner)
            else:
                return text
            text = text[: match.start()]

    name = strip(title)
    strip(contents_title)
    for before, area in ctx.only:
        if before.endswith(name.lower()) and area in ctx.areas:
            areas.append(area)
    including = _INCLUDING.match(name)
    if including:
        aliases += [including.group("base"), including.group("part")]
    return name, list(dict.fromkeys(aliases)), list(dict.fromkeys(areas))


def _initialisms(name: str, items: list[_Item]) -> list[str]:
    words = re.findall(r"[A-Za-z]+(?:'[a-z]+)?", name)
    if not words:
        return []
    every = "".join(word[0] for word in words).lower()
    significant = "".join(word[0] for word in words if word.lower() not in _MINOR_WORDS).lower()
    wanted = {form for form in (every, significant, every + "r", significant + "r") if len(form) >= 2}
    text = " ".join([item.text for item in items] + [" ".join(cells) for item in items for _, cells in item.rows])
    tokens = dict.fromkeys(_TOKEN.findall(text))
    return [token for token in tokens if sum(ch.isupper() for ch in token) >= 2 and token.lower() in wanted]


def _service(
    ctx: _Context,
    title: str,
    contents_title: str,
    items: list[_Item],
    first: int,
    last: int,
    *,
    group: str,
    intro_items: list[_Item],
    parent_items: list[_Item],
    rar_text: str,
) -> ServiceData:
    kind = {"requirement": Kind.COURT_REQUIREMENT, "programme": Kind.ACCREDITED_PROGRAMME}.get(
        group, Kind.STRUCTURED_INTERVENTION)
    name, aliases, areas = _names(ctx, title, contents_title)
    aliases = list(dict.fromkeys(aliases + _initialisms(name, items)))
    criteria, used = _criteria(items)
    criteria += _intro_criteria(name, aliases, intro_items)
    criteria = sorted({(c.line, c.text): c for c in criteria}.values(), key=lambda c: c.line)
    options, option_items = _options(items)
    highlights = _highlights(items, used | option_items, requirement=group == "requirement")
    body = [item for item in items if item.role not in _SUIT_ROLES]
    body_text = " ".join(item.text for item in body)
    sessions, session_range = _session_count(items) if group != "requirement" else (None, None)
    minutes, up_to = _session_minutes(body_text)
    total = sessions * minutes / 60 if sessions and minutes and not up_to else None
    notes: list[str] = []

    delivery = _delivery(body_text)
    if delivery is None and group != "requirement":
        notes.append("the guide does not say whether it is delivered in groups or one-to-one")
    if re.search(r"individual group work", body_text, re.IGNORECASE):
        notes.append("printed as 'individual group work sessions': read as group delivery")
    if session_range:
        notes.append(f"the number of sessions is printed as a range ({session_range}); sessions left unset")
    if up_to and sessions and minutes:
        notes.append(f"sessions are 'up to' {minutes / 60:g} hours each, so no total hours are set")
    notes += _session_sum_notes(items, sessions)
    notes += _option_notes(options)
    notes += _risk_band_notes(ctx, criteria)
    cities = re.search(r"based in (?:the )?(cities|towns|counties)\b", body_text)
    if cities:
        notes.append(f"the guide only says it is {cities.group(0)!r} without naming them; locations left empty")

    if kind is Kind.STRUCTURED_INTERVENTION and group == "rar" and sessions is None and _SUPPORT.search(body_text):
        kind = Kind.SUPPORT_SERVICE
    rar_usable: bool | None = None
    if group == "rar":
        rar_usable = True
        if re.search(r"in some circumstances[^.]*part of a RAR", body_text, re.IGNORECASE):
            notes.append("the guide says it can count towards a RAR only 'in some circumstances'")
    elif group == "programme" and _NOT_IN_RAR.search(rar_text):
        rar_usable = False
    licence_usable: bool | None = None
    # who it is for, not who delivers it (Transition and Hope's mentors are "on their order/licence")
    licence_text = " ".join(item.text for item in items if item.role in _SUIT_ROLES)
    if group == "programme":
        licence_text += " " + " ".join(item.text for item in parent_items)
    if group != "requirement" and re.search(r"\blicence\b", licence_text, re.IGNORECASE):
        licence_usable = True

    request_notes = " ".join(item.text for item in items if item.role == "referral" and item.kind == "para") or None
    if group in ("requirement", "programme"):
        request_method = RequestMethod.COURT_ORDER
    else:
        request_method = RequestMethod.CONTACT_PROVIDER

    duration_text = _duration_text(items, used, option_items, requirement=group == "requirement")
    if duration_text is None and options:
        duration_text = "; ".join(f"{option.name}: {option.duration_text}" for option in options if option.duration_text)
    rar_days = None
    for item in items:
        if item.role == "guideline" and item.kind == "para":
            match = _RAR_DAYS.match(item.text)
            if match:
                rar_days = int(match.group(1))

    category = _category(name, aliases, items)
    try:
        return ServiceData(
            key=slugify(name),
            name=name,
            aliases=aliases,
            kind=kind,
            category=category,
            highlights=highlights,
            delivery=delivery,
            setting=Setting.COMMUNITY,
            rar_usable=rar_usable,
            licence_usable=licence_usable,
            areas=areas,
            request_method=request_method,
            request_notes=request_notes,
            criteria_text=criteria,
            sessions=sessions,
            session_minutes=minutes,
            total_hours=whole(total) if total is not None else None,
            rar_days=rar_days,
            duration_text=duration_text,
            options=options,
            source=SourceRef(file=ctx.doc.file, lines=(first, max(first, last))),
            review_notes=notes,
        )
    except ValidationError as exc:
        raise ctx.doc.error(first, f"section {title!r} could not be read: {exc}") from exc


@lru_cache(maxsize=4096)
def _is_criterion(text: str) -> bool:
    return _CRITERION.search(text.lower()) is not None


@lru_cache(maxsize=4096)
def _is_who(text: str) -> bool:
    return _WHO.search(text.lower()) is not None


_UNITS = ("session", "hour", "day", "week", "month", "module", "once", "twice", "times")


@lru_cache(maxsize=4096)
def _duration_phrase(text: str) -> str | None:
    lower = text.lower()
    if not any(unit in lower for unit in _UNITS):
        return None  # cheap test first: the pattern is the costliest in the module
    match = _DURATION.search(lower)
    return match.group(0) if match else None


def _is_limit(text: str) -> bool:
    return _LIMIT.search(text.lower()) is not None


def _criteria(items: list[_Item]) -> tuple[list[Criterion], set[int]]:
    """Every sentence or bullet saying who the service is or is not for; and the ids of the items used."""
    found: list[Criterion] = []
    used: set[int] = set()
    for item in items:
        if item.role == "reviews" or item.kind in ("option", "subservice"):
            continue
        if item.kind == "table":
            header = item.rows[0][1]
            if "OGRS" not in " ".join(cells for _, row in item.rows for cells in row):
                continue
            for line, cells in item.rows[1:]:
                if not re.search(r"\d", " ".join(cells)) or not ("OGRS" in cells[0] or "OGRS" in header[0]):
                    continue
                found.append(Criterion(text=_row_text(header, cells), line=line))
            used.add(id(item))
            continue
        if item.kind == "bullet":
            text = item.text
            if _LEVEL_OPTION.fullmatch(text) or _TREATMENT_LEAD.search(item.lead):
                continue
            if (item.role in _SUIT_ROLES or item.role == "criteria" or (item.option is not None and item.role == "length")
                    or _CRITERIA_LEAD.search(item.lead) or _is_criterion(text)):
                found.append(Criterion(text=text, line=item.line))
                used.add(id(item))
            continue
        kept_previous = False
        for sentence in item.sentences:
            text = sentence.text
            lead_in = bool(_LEAD_IN.search(text))
            if item.role in _SUIT_ROLES:
                if lead_in:
                    keep = bool(_is_who(text)) and not _NOT_A_CRITERION_LEAD.search(text)
                elif _OPTIONISH.search(text) and not _is_criterion(text):
                    keep = False
                else:
                    keep = True
            elif item.role == "levels" and _LEVEL_LINE.match(text):
                keep = False
            elif _FOR_EXAMPLE.match(text) and not lead_in:
                keep = kept_previous
            elif lead_in:
                keep = bool(_is_who(text)) and bool(_is_criterion(text))
            else:
                keep = bool(_is_criterion(text))
            if keep:
                found.append(Criterion(text=text, line=sentence.line))
                used.add(id(item))
            kept_previous = keep
    return found, used


def _row_text(header: list[str], cells: list[str]) -> str:
    label = f"{header[0]} {cells[0]}" if header[0].isupper() and header[0] not in cells[0] else cells[0]
    rest = [f"{head} {cell}" for head, cell in zip(header[1:], cells[1:])]
    return f"{label} \u2014 " + "; ".join(rest) if rest else label


def _intro_criteria(name: str, aliases: list[str], intro_items: list[_Item]) -> list[Criterion]:
    """What the Community Order / SSO introductions say about this requirement's limits."""
    names = [name] + aliases
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b")
    found = []
    for item in intro_items:
        if item.kind not in ("para", "bullet"):
            continue
        for sentence in item.sentences:
            if _is_criterion(sentence.text) and pattern.search(sentence.text):
                found.append(Criterion(text=sentence.text, line=sentence.line))
    return found


def _options(items: list[_Item]) -> tuple[list[OptionData], set[int]]:
    options: list[OptionData] = []
    used: set[int] = set()
    for item in items:
        spec = None
        if item.kind == "option" and item.spec:
            spec = dict(item.spec)
        elif item.kind == "bullet":
            match = _LEVEL_OPTION.fullmatch(item.text)
            if match:
                name = re.sub(r"\s*\+\s*", " + ", clean(match.group("name")))
                spec = {"name": name, "level": Level(match.group("level").lower()),
                        "sessions": int(match.group("n")), "duration_text": match.group("d").strip()}
            elif _TREATMENT_LEAD.search(item.lead):
                text = re.sub(r"^as an?\s+", "", item.text.rstrip(" .;"), flags=re.IGNORECASE)
                spec = {"name": text[:1].upper() + text[1:], "level": Level.VARIANT}
        elif item.kind == "para":
            match = _HOURS_OPTIONS.search(item.text)
            if match:
                for hours in re.findall(r"\d+", match.group(1)):
                    options.append(OptionData(key=f"{hours}-hours", name=f"{hours} hours", level=Level.BLOCK,
                                              hours=float(hours), duration_text=f"{hours} hours"))
                used.add(id(item))
        if spec:
            options.append(OptionData(key=slugify(spec["name"]), **spec))
            used.add(id(item))
    return options, used


def _highlights(items: list[_Item], used: set[int], *, requirement: bool) -> list[str]:
    found: list[str] = []
    purposes_done = False
    for item in items:
        if id(item) in used or item.kind not in ("para", "bullet"):
            continue
        if item.role == "purpose" and item.kind == "para" and not purposes_done:
            purposes_done = True
            if len(item.text) <= 60 and not re.search(r"[.:]$", item.text):
                found.append(f"{item.heading}: {item.text}")
            continue
        if item.kind == "bullet":
            if item.role in _HIGHLIGHT_ROLES or _HIGHLIGHT_LEAD.search(item.lead):
                if item.role in _SUIT_ROLES or item.role in ("reviews", "criteria", "duties"):
                    continue
                if requirement and item.role == "what" and not _HIGHLIGHT_LEAD.search(item.lead):
                    continue  # what the court or the order does, not what the service covers
                found.append(_tidy(item.text))
        elif item.role == "involves":
            match = _LABELLED.match(item.text)
            if match:
                found.append(match.group(1))
    return [text for text in dict.fromkeys(found) if text]


def _tidy(text: str) -> str:
    text = re.sub(r"[\s,;.\u201d\"]*(?:\band|\bor)?[\s,;.\u201d\"]*$", "", text)
    return text[:1].upper() + text[1:] if text else text


def _duration_text(items: list[_Item], used: set[int], option_items: set[int], *, requirement: bool) -> str | None:
    pieces: list[str] = []
    levels: dict[str, list[str]] = {}
    counted = False
    for item in items:
        if item.kind == "option" and requirement:
            pieces.append(item.text.rstrip(":"))
            continue
        if item.kind == "table" and requirement and re.search(r"days|hours|months|length", " ".join(item.rows[0][1]), re.I):
            pieces += [_row_text(item.rows[0][1], cells) for _, cells in item.rows[1:]]
            continue
        if requirement and item.kind == "para" and _HOURS_OPTIONS.search(item.text):
            pieces += [sentence.text for sentence in item.sentences if _HOURS_OPTIONS.search(sentence.text)]
            continue
        if item.kind not in ("para", "bullet") or id(item) in option_items:
            continue
        if item.role == "levels" and _LEVEL_LINE.match(item.text):
            levels.setdefault(item.heading, []).append(item.text.rstrip(" ."))
            continue
        if requirement:
            if item.role in _SUIT_ROLES or item.role == "reviews":
                continue
            for sentence in item.sentences:
                if (_is_limit(sentence.text) or _SESSION_LENGTH[2].search(sentence.text.lower())
                        or (item.role in ("levels", "length") and _duration_phrase(sentence.text))):
                    pieces.append(sentence.text)
            continue
        if item.role not in ("involves", "guideline", "length", "additional") or item.option is not None:
            continue
        for sentence in item.sentences:
            text = sentence.text
            if not _duration_phrase(text) or (id(item) in used and _is_criterion(text)):
                continue
            if _LEAD_IN.search(text):
                if counted:
                    continue  # "The six sessions will focus on:" repeats the count just read
                text = re.sub(r"\s+(?:that|which)\s+will\b.*$", "", text.rstrip(": "))
            counted = counted or bool(_SESSIONS.search(text.lower()))
            pieces.append(f"{item.heading}: {text}" if item.role == "guideline" else text)
    if not pieces and not requirement:
        for item in items:
            if item.role in ("aim", "what", "purpose", "additional") and item.kind in ("para", "bullet") \
                    and item.option is None and id(item) not in option_items:
                for sentence in item.sentences:
                    phrase = _duration_phrase(sentence.text)
                    if phrase and not _is_criterion(sentence.text):
                        pieces.append(sentence.text.rstrip(":") if len(sentence.text) <= 120 else phrase)
    for heading, lines in levels.items():
        pieces.append(f"{heading}: " + "; ".join(lines))
    pieces = [piece if re.search(r"[.;:!?]$", piece) else piece + "." for piece in dict.fromkeys(pieces)]
    return " ".join(pieces) or None


def _session_count(items: list[_Item]) -> tuple[int | None, str | None]:
    ordered = [r for r in ("involves", "guideline", "aim", "what", "purpose", "additional")]
    texts = []
    for role in ordered:
        for item in items:
            if item.role == role and item.kind in ("para", "bullet") and item.option is None:
                lower = item.text.lower()
                if "session" in lower:
                    texts.append(lower)
    for text in texts:
        match = _TOTAL_SESSIONS.search(text)
        if match:
            return int(number(match.group(1))), None
    for text in texts:
        range_ = _SESSION_RANGE.search(text)
        match = _SESSIONS.search(text)
        single = _SINGLE_SESSION.search(text)
        if range_ and (not match or range_.start() <= match.start()):
            return None, f"{range_.group(1)}-{range_.group(2)}"
        if match:
            return int(number(match.group(1))), None
        if single:
            return 1, None
    return None, None


def _session_minutes(text: str) -> tuple[int | None, bool]:
    lower = text.lower()
    if "session" not in lower:
        return None, False
    for pattern in _SESSION_LENGTH:
        match = pattern.search(lower)
        if match:
            value = number(match.group(2))
            minutes = value if match.group(3).startswith("minute") else value * 60
            return int(minutes), bool(match.group(1))
    return None, False


def _delivery(text: str) -> Delivery | None:
    text = text.lower()
    if _FLEXIBLE.search(text):
        return Delivery.BOTH
    return delivery_of(bool(_GROUP.search(text)), bool(_ONE_TO_ONE.search(text)), text)


def _session_sum_notes(items: list[_Item], sessions: int | None) -> list[str]:
    notes = []
    for item in items:
        if item.kind not in ("para", "bullet") or "sessions" not in item.text:
            continue
        total, pieces = 0, 0
        for match in _PARTS.finditer(item.text):
            if match.group(1):
                total += int(match.group(1)) * int(match.group(2))
            else:
                total += int(match.group(3) or match.group(4))
            pieces += 1
        if pieces >= 2 and sessions and total != sessions:
            notes.append(
                f"line {item.line} counts {total} sessions ({item.text.rstrip('.')}) but the programme is "
                f"printed as {sessions} sessions"
            )
    return notes


def _option_notes(options: list[OptionData]) -> list[str]:
    notes = []
    for option in options:
        match = _IDEAL_MAX.search(option.duration_text or "")
        if match and int(match.group(2)) <= int(match.group(1)):
            notes.append(
                f"'{option.name}' is printed as '{option.duration_text}': the ideal maximum is not longer than the "
                "minimum, probably a misprint"
            )
    return notes


def _risk_band_notes(ctx: _Context, criteria: list[Criterion]) -> list[str]:
    band = ctx.ogrs_bands.get("medium")
    if not band:
        return []
    notes = []
    for criterion in criteria:
        if re.search(r"medium risk of re-?offending", criterion.text, re.IGNORECASE):
            score = re.search(r"OGRS score (?:of )?(\d+)", criterion.text)
            if score and int(score.group(1)) < band[0]:
                notes.append(
                    f"line {criterion.line} asks for medium risk of re-offending but an OGRS of {score.group(1)}+, "
                    f"while the guide's RAR table puts medium at OGRS {band[0]}-{band[1]}%"
                )
    return notes


def _category(name: str, aliases: list[str], items: list[_Item]) -> str:
    subject = " ".join(item.text for item in items if item.role in ("aim", "what", "purpose"))[:800]
    for text in (" ".join([name] + aliases).lower(), subject.lower()):
        best: tuple[int, int, str] | None = None
        for order, (pattern, category) in enumerate(_CATEGORY_RULES):
            match = pattern.search(text)
            if match and (best is None or (match.start(), order) < best[:2]):
                best = (match.start(), order, category)
        if best:
            return best[2]
    return "Other"


def _check_requirement_count(ctx: _Context, sections: list[_Section], services: list[ServiceData]) -> None:
    requirements = sum(1 for service in services if service.kind is Kind.COURT_REQUIREMENT)
    for section in sections:
        if section.number.split(".")[0] not in ("1",):
            continue
        for number_, line in ctx.doc.numbered(section.start, section.end):
            for match in _REQUIREMENT_COUNT.finditer(line):
                if int(match.group(1)) != requirements:
                    ctx.warnings.append(
                        f"line {number_}: section {section.number} speaks of {match.group(1)} requirements; the guide "
                        f"describes {requirements} (3.1-3.{requirements})"
                    )
