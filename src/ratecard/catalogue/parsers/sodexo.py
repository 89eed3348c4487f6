"""Parser for the Sodexo/Nacro CRC rate cards (Norfolk and Suffolk, Cumbria and Lancashire).

The layout, as the PDF extraction left it::

    # Rate Card[: subtitle]
    Valid from <Month Year>
    ## INTRODUCTION / ## ABOUT <AREA> CRC / ## OUR APPROACH / ## ABOUT THIS RATE CARD
    ## <SERVICE NAME>                         one per service, in capitals
    <description paragraphs>
    ### Duration                             free text and/or "Assessment<TAB>=<TAB>up to 1 hour" rows
    ### Service Highlights                   "- " bullets
    ### How to request this service          (sometimes ####) "Non Statutory Intervention: <category>"
                                             and "... Sub Type: <sub type>" lines, or a transfer sentence
    ## NON STATUTORY INTERVENTION (NSI) PROCESS TO PURCHASE SERVICES
    ### Non Statutory Intervention (NSI) Process / ### Transfer Request   "- Key: value" bullets
    ## CONTACT US                             the hub's e-mail address

Everything is read from the text: provider facts from the front and back matter, one ServiceData
per service section. Text that is not a complete brochure of this layout raises BrochureError.

Private helpers this module adds to base.py: ``_Doc`` (a Document that cleans each line once),
``_title_case`` (capitals to title case, acronyms kept), ``_sentences`` (base.split_sentences at this
layout's full stops) and ``_fast`` (a regex compiled so that leading word boundaries do not defeat
re's skip-ahead).
Speed matters: everything is one pass of precompiled regexes per section, both brochures together
parse in a few tens of milliseconds.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from ratecard.catalogue.parsers.base import (
    Document,
    Joined,
    Section,
    clean,
    clean_value,
    delivery_of,
    expand_levels,
    only_brochure_errors,
    padded_words,
    parse_duration,
    slugify,
    split_sentences,
    whole,
)
from ratecard.catalogue.schemas import (
    Criterion,
    Delivery,
    Kind,
    Level,
    OptionData,
    ParsedBrochure,
    Prerequisite,
    ProviderData,
    RequestMethod,
    ServiceData,
    Setting,
    SourceRef,
    TransferInstructions,
)

NAME = "sodexo"

# ---------------------------------------------------------------------------------------------
# Layout markers


def _fast(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Compile `pattern` with each alternative's leading '\\b<char>' written as '<char>(?<=\\b<char>)'.

    Same matches, but re can then skip ahead to the alternatives' first characters instead of trying
    the word boundary at every position: many times faster over a long section.
    """
    return re.compile(re.sub(r"(^|\||\(\?:)\\b([A-Za-z0-9])", r"\1\2(?<=\\b\2)", pattern), flags)


_TITLE = re.compile(r"^#\s+(Rate Card\b.*?)\s*$", re.MULTILINE)
_VALID = re.compile(r"^\s*Valid from\s+(.+?)\s*$", re.IGNORECASE)
_H2 = re.compile(r"^##\s+(?!#)(.+?)\s*$")
_H34 = re.compile(r"^#{3,4}\s+(.+?)\s*$")
_FRONT_MATTER = re.compile(r"^(?:INTRODUCTION|ABOUT\b.*|OUR APPROACH)$", re.IGNORECASE)
_NSI_PROCESS = re.compile(r"^NON[- ]STATUTORY INTERVENTION\s*\(NSI\)\s*PROCESS", re.IGNORECASE)
_CONTACT = re.compile(r"^CONTACT US$", re.IGNORECASE)
_ABOUT_PROVIDER = re.compile(r"^ABOUT\s+(?!THIS\b)(.+?\bCRC)$", re.IGNORECASE)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_BULLET = re.compile(r"^\s*[-*]\s+(.*)$")

# ---------------------------------------------------------------------------------------------
# How-to-request parts

# Case-sensitive on purpose (with the capitalisations the brochures use): a literal first letter lets
# re skip ahead, which re.IGNORECASE would prevent.
_NSI_LABEL = re.compile(
    r"N(?:on|ON)[- ](?:Statutory|STATUTORY)\s+(?:Intervention|INTERVENTION)(?:\s*\(NSI\))?"
    r"(\s+(?:Sub|SUB)\s*(?:[Tt]ype|TYPE))?\s*[:;]"
)
_VALUE_END = re.compile(r"\.(?=\s|$)|\n[ \t]*\n|;\s*or\b|[Ff]ollow full process\b")
_FOLLOW = re.compile(r"(?:[Ff]ollow (?:the )?full process|[Ff]ull process detailed)[^.\n]*\.?")
_TRANSFER = re.compile(  # over lower-cased text
    r"not (?:an|on an) nsi\b|transfer the requirement\b|requirement should be transferred\b"
    r"|should transfer to the crc\b"
)
_SPACES = re.compile(r"\s*")
_MISSING_SLASH = re.compile(r"\b(Low)\s*/\s*(Medium)\s+(High)\b", re.IGNORECASE)

# ---------------------------------------------------------------------------------------------
# Duration and options

_TABLE_ROW = re.compile(
    r"^\s*(Assessment|(Low|Medium|High)\s+Intensity(?:\s+Support)?)\s*[=\u2013\u2014-]\s*(.+?)\s*$",
    re.IGNORECASE,
)
_RECOMMEND_ASSESSMENT = re.compile(r"recommended (?:that )?you instruct (?:the |an )?assessment", re.IGNORECASE)
_MUST_HAVE = re.compile(r"must have undertaken the\s+(.+?)(?:\s*\(|\.|$)", re.IGNORECASE)
_SESSIONS_TOTAL = re.compile(r"\(?\b(\d+)\s+sessions\s+total\)?", re.IGNORECASE)
_MAX_PARTICIPANTS = _fast(r"\bmax(?:imum)?\s+of\s+(\d+)\s+participants\b")  # lower-cased text
_ONE_TO_ONE_WORDS = re.compile(r"\b1\s*[;:]\s*1\b|\b1-2-1\b|\b121\b|\bone[- ]to[- ]one\b|\bOne[- ]to[- ]one\b")
_HOURS = re.compile(r"(\d+(?:\.\d+)?)\s*(?:hours?|hrs?)\b", re.IGNORECASE)

# ---------------------------------------------------------------------------------------------
# Small patterns used per service, compiled once at import

_HOW_TO_HEADING = re.compile(r"^#{3,4}\s+How to request this service", re.M)
_TITLE_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019]*")
_SENTENCE_BREAK = re.compile(r"(?<=\.)\s+(?=[A-Z\u201c\"'(])")
_BRACKETED = re.compile(r"\([^)]*\)")
_SLASH_LIST = re.compile(r"\s+/\s+")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_LETTER = re.compile(r"[A-Za-z]")
_HOURS_WORD = re.compile(r"\b(?:hours?|hrs?)\b", re.I)
_PER_WEEK = re.compile(r"\bper week\b", re.I)
_PLUS = re.compile(r"\bplus\b", re.I)
_TRAILING_NUMBER = re.compile(r"(\d+)\s*$")
_WEEKS = re.compile(r"up to[^.;]*?\bweeks\b(?:\s+support)?", re.I)
_FORMERLY = re.compile(r"\s*\((?:PREVIOUSLY|FORMERLY)\s+([^)]+)\)", re.I)
_ACRONYM_TAIL = re.compile(r"\s*[\[(]([A-Z]{2,6})[\])]\s*$")
_NOT_CRITERIA_PARTS = re.compile(r"highlights|how to request|duration|sessions include|content", re.I)
_SESSIONS_WORD = re.compile(r"\bsessions?\b", re.I)
_DIGITS = re.compile(r"\d+")
_CATEGORY_CODE = re.compile(r"Intervention(?:\s*\(NSI\))?\s*:\s*[^\n]*?\b([A-Z]{3})\.?\s*$", re.M)

# ---------------------------------------------------------------------------------------------
# Classification vocabularies

_RISK = r"(?:\s*(?:or|to|and|/)\s*(?:very\s+)?(?:high|medium))*\s+risk\b"
# These run over lower-cased text (much faster than re.IGNORECASE on long sections).
_CRITERIA = re.compile(
    r"\bsuitable\b|\bunsuitable\b"
    r"|\baimed at (?:all |both )?(?:[a-z-]+ ){0,3}?"
    r"(?:service users|offenders|adults|men|women|perpetrators|those|people)\b"
    r"|\bintended (?:to be used )?(?:for|with)\b|\bdesigned for\b"
    r"|\bis for\b|\bavailable for\b|\bopen to\b|\bexclud|\bexception of\b|\bnot accepted\b"
    r"|\baged?\s+(?:between|\d+|of)\b|\bage of\b|\byears?\s*\+"
    r"|\blow" + _RISK + r"|\bmedium" + _RISK + r"|\bhigh" + _RISK + r"|\brisk of serious harm\b"
    r"|\bogrs\b|\bdependen(?:t|cy)\b|\bmental health\b|\blearning disabilit"
    r"|\b(?:lancashire|cumbria|norfolk|suffolk) only\b|\bonly available\b"
    r"|\bfor (?:male |female )?perpetrators\b|\bperpetrators (?:of|assessed|presenting)\b"
    r"|\bmale (?:domestic abuse )?perpetrators\b"
    r"|\bsuspended sentence order\b|\bnon-resettlement prison"
    # a court requirement ('a requirement available to the Court'); help given where the perpetrator is on a
    # programme, and only for some of a programme's cases ('for BBR cases')
    r"|\bavailable to the court\b|\bwhere the perpetrator\b|\bfor [a-z]{2,5} cases\b"
)
# Delivery phrases, matched as whole words in _phrases() text (hyphens read as spaces)
_GROUP_PHRASES = tuple(
    f" {p} "
    for p in (
        "group work", "groupwork", "group based", "group programme", "group programmes", "group session",
        "group sessions", "group setting", "as a group", "in a group", "part of a group", "in groups",
        "in small groups", "the group",
    )
)
_NOT_GROUP_PHRASES = tuple(
    f" {p} "
    for p in (
        "pre and post group sessions", "pre group sessions", "pre group session", "post group sessions",
        "post group session", "post group goals setting session", "pre group", "post group",
        "option to move onto group programmes", "option to move onto group programme",
    )
)
_ONE_PHRASES = tuple(
    f" {p} "
    for p in (
        "one to one", "individual placement", "individual placements",
        "individual basis", "face to face", "mentor", "mentors",
    )
)
_RAR = _fast(r"\bRAR\b")
_LICENCE = _fast(r"\brar (?:or|and) licen[cs]e\b|\blicen[cs]e activity\b")
# cheap substring checks that must pass before the regexes above are run on a sentence or section
_CRITERIA_HINTS = (
    "suitab", "aimed at", "intended", "designed for", "is for", "available for", "open to", "exclu", "exception of",
    "not accepted", "age", "years", "risk", "ogrs", "dependen", "mental health", "learning disab", "only",
    "perpetrator", "suspended sentence", "non-resettlement", "available to the court", "cases",
)
# A heading naming the people a service is for ("WOMEN'S COMMUNITY SUPPORT (MENTORING)").
_PEOPLE_HEADING = re.compile(r"\b(?:WOMEN|MEN|FEMALE|MALE)(?:'S|\u2019S)?\b", re.IGNORECASE)
_BEFORE_RELEASE = re.compile(r"at least (\d+) weeks before release")
_ACCREDITED = re.compile(r"^ACCREDITED PROGRAMMES?\s*:\s*", re.IGNORECASE)
_AREA_ONLY_HEADING = re.compile(r"\s+(AVAILABLE IN (.+?) ONLY)\s*$", re.IGNORECASE)
_AREA_ONLY_TEXT = _fast(r"\bavailable in ([a-z]+) only\b")  # lower-cased text
_PLACE = r"(?:HMP\s+)?(?!CRC\b)[A-Z][a-z]+(?:\s+(?!CRC\b)(?:[A-Z][a-z]+|St\b))*"
_LOCATIONS = _fast(
    r"(?:\bDelivered|\bdelivered|\bCarried out|\bcarried out|\bBased|\bbased|\bAvailable|\bavailable)\b"
    r"[^.]*?\b(?:in|at)\s+(?:either\s+)?"
    r"(" + _PLACE + r"(?:(?:\s*,\s*|\s+and\s+|\s+or\s+)" + _PLACE + r")*)(?![A-Za-z])(?!\s+only\b)"
)
_BRACKETED_ACRONYM = re.compile(r"\(([A-Z]{2,6})\)")
_WORDS = re.compile(r"[A-Za-z]+")
_PLACE_SPLIT = re.compile(r"\s*,\s*|\s+and\s+|\s+or\s+")

_ACRONYMS = {
    "RAR", "TTG", "CRC", "NSI", "HMP", "ETE", "FBD", "RJ", "DV", "DA", "UPW", "SAC", "PLW",
    "TSP", "BBR", "DEP", "DOORS", "MAPPA", "IOM", "NPS", "GAR",
}
_SMALL = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}
_GENERIC_TAIL = {"support", "service", "programme", "group"}

_NSI_CATEGORY_MAP = (
    (re.compile(r"\bTTG\b", re.I), "Resettlement"),
    (re.compile(r"accommodation", re.I), "Accommodation"),
    (re.compile(r"\bE\s*/\s*T\s*/\s*E\b|employment", re.I), "Employment, training and education"),
    (re.compile(r"finance", re.I), "Finance, benefit and debt"),
    (re.compile(r"\bwomen", re.I), "Women"),
    (re.compile(r"children|families", re.I), "Families and relationships"),
    (re.compile(r"drugs|alcohol", re.I), "Drugs and alcohol"),
    (re.compile(r"restorative", re.I), "Restorative justice"),
    (re.compile(r"attitudes", re.I), "Attitudes, thinking and behaviour"),
)
_DOMESTIC = re.compile(r"domestic abuse|\bdv\b|partner link|better relationships")  # lower-cased text


def detect(text: str) -> bool:
    """True for a Sodexo/Nacro rate card: a '# Rate Card' title and the Sodexo service-page layout."""
    head = text[:4000]
    if not _TITLE.search(head):
        return False
    return "Sodexo" in text or _HOW_TO_HEADING.search(text) is not None


# ---------------------------------------------------------------------------------------------
# Small text helpers


def _title_case(text: str) -> str:
    """'WOMEN'S GROUP PROGRAMME' -> "Women's Group Programme"; known acronyms stay in capitals."""
    first = True

    def word(match: re.Match[str]) -> str:
        nonlocal first
        value = match.group(0)
        was_first, first = first, False
        if value.upper() in _ACRONYMS:
            return value.upper()
        if value.lower() in _SMALL and not was_first:
            return value.lower()
        return value[0].upper() + value[1:].lower()

    return _TITLE_WORD.sub(word, text)


def _sentences(text: str) -> list[str]:
    """A paragraph split at full stops followed by a capital (abbreviations like 'e.g.' survive)."""
    return [sentence for _offset, sentence in split_sentences(text.strip(), _SENTENCE_BREAK)]


def _initials(name: str, *, drop_tail: bool = False, small: bool = False) -> str:
    """'Thinking Skills Programme' -> 'TSP'; small words ('the', 'and') count only when `small` is set."""
    words = _TITLE_WORD.findall(_BRACKETED.sub("", name))
    words = [w for w in words if small or w.lower() not in _SMALL]
    if drop_tail and len(words) > 2 and words[-1].lower() in _GENERIC_TAIL:
        words = words[:-1]
    return "".join(w[0].upper() for w in words)


def _is_bullet(text: str) -> bool:
    return bool(_BULLET.match(text))


class _Doc(Document):
    """A Document that cleans each line once, so sections can be read as clean text cheaply."""

    def __init__(self, text: str, *, file: str) -> None:
        super().__init__(text, file=file)
        self._cleaned = [clean(line) for line in self.lines]

    def clean_line(self, number: int) -> str:
        return self._cleaned[number - 1]

    def cleaned(self, start: int, end: int) -> str:
        """Lines start..end, each cleaned, joined by single spaces."""
        return " ".join(part for part in self._cleaned[start - 1 : end] if part)


# ---------------------------------------------------------------------------------------------
# Sections


@dataclass
class _Part:
    title: str
    start: int  # heading line
    end: int

    @property
    def body(self) -> tuple[int, int]:
        return self.start + 1, self.end


@dataclass
class _ServiceSection:
    heading: str
    start: int
    end: int
    intro: tuple[int, int]
    parts: list[_Part] = field(default_factory=list)

    def part(self, pattern: str) -> _Part | None:
        regex = re.compile(pattern, re.IGNORECASE)
        return next((p for p in self.parts if regex.search(p.title)), None)


def _split_section(doc: Document, section: Section) -> _ServiceSection:
    subs = doc.sections(_H34, section.start + 1, section.end, prefix="#")
    first = subs[0].start if subs else section.end + 1
    result = _ServiceSection(section.title, section.start, section.end, (section.start + 1, first - 1))
    for sub in subs:
        result.parts.append(_Part(clean(sub.title).rstrip(":; "), sub.start, sub.end))
    return result


def _items(doc: _Doc, start: int, end: int) -> list[tuple[int, str]]:
    """Paragraphs, bullets and table rows of start..end as (first line, cleaned text), bullets without the dash."""
    items: list[tuple[int, list[str]]] = []
    current: list[str] | None = None
    for number in range(start, end + 1):
        text = doc.clean_line(number)
        if not text:
            current = None
            continue
        raw = doc.line(number)
        bullet = _BULLET.match(raw)
        row = _TABLE_ROW.match(raw)
        if bullet or row or current is None:
            current = [clean(bullet.group(1)) if bullet else text]
            items.append((number, current))
        else:
            current.append(text)
        if row:
            current = None
    return [(number, " ".join(parts)) for number, parts in items]


# ---------------------------------------------------------------------------------------------
# Provider facts


@dataclass
class _Context:
    file: str
    code: str = ""
    areas: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    recommend_assessment: bool = False
    requirement_transfer: str | None = None  # where court-ordered UPW / programmes are transferred
    licence_programmes: bool = False  # licence conditions that are APs are transferred too


def _check_complete(doc: Document, sections: list[Section]) -> tuple[Section, Section]:
    """The NSI process and contact sections; a brochure without them was cut short."""
    process = next((s for s in sections if _NSI_PROCESS.search(s.title)), None)
    contact = next((s for s in sections if _CONTACT.search(s.title)), None)
    last, shown = doc.last_line_read()
    if process is None:
        raise doc.error(
            last,
            "the text looks truncated: it ends at line "
            f"{last} ('{shown}') without the closing 'NON STATUTORY INTERVENTION (NSI) PROCESS' section",
        )
    if doc.find(re.compile(r"^#{3,4}\s+Transfer Request", re.I), process.start, process.end) is None:
        raise doc.error(
            last,
            f"the text looks truncated: the NSI process section (line {process.start}) has no 'Transfer Request' "
            f"part; last line read is {last} ('{shown}')",
        )
    if contact is None or not _EMAIL.search(doc.text(contact.start, contact.end)):
        raise doc.error(
            last,
            f"the text looks truncated: no 'CONTACT US' section with an e-mail address; last line read is {last} "
            f"('{shown}')",
        )
    return process, contact


def _key_values(doc: Document, start: int, end: int) -> list[tuple[str, str]]:
    """'- Key: value' bullets as (key, value) pairs, and the other bullets as ('', text)."""
    pairs = []
    for _number, raw in doc.numbered(start, end):
        bullet = _BULLET.match(raw)
        if not bullet:
            continue
        text = clean(bullet.group(1))
        key, sep, value = text.partition(":")
        pairs.append((key.strip(), value.strip()) if sep and value.strip() else ("", text))
    return pairs


def _instruction(value: str) -> bool:
    """A printed value that tells the user what to do rather than naming something."""
    return bool(re.match(r"(?:select|please|leave|choose)\b", value, re.I))


def _transfer(doc: Document, process: Section, ctx: _Context) -> tuple[TransferInstructions, str | None]:
    parts = doc.sections(_H34, process.start + 1, process.end)
    nsi_part = next((p for p in parts if re.search(r"NSI\)?\s*Process", p.title, re.I)), None)
    transfer_part = next((p for p in parts if re.search(r"Transfer Request", p.title, re.I)), None)
    upw_part = next((p for p in parts if re.search(r"UPW|Accredited", p.title, re.I)), None)
    assert transfer_part is not None  # checked by _check_complete

    nsi_provider = None
    steps: list[str] = []
    if nsi_part is not None:
        for key, value in _key_values(doc, nsi_part.start + 1, nsi_part.end):
            steps.append(f"{key}: {value}" if key else value)
            if key.lower() == "nsi provider":
                nsi_provider = value
    else:
        ctx.warnings.append("the NSI process section has no 'Non Statutory Intervention (NSI) Process' steps")

    body = doc.text(transfer_part.start + 1, transfer_part.end)
    provider = team = officer = reason = None
    click = re.search(r"(Click Request Transfer[^.]*?\))", clean(body))
    pairs = _key_values(doc, transfer_part.start + 1, transfer_part.end)
    if click and not any(click.group(1) in value for _key, value in pairs):
        steps.append(click.group(1))
    for key, value in pairs:
        steps.append(f"{key}: {value}" if key else value)
        low = key.lower()
        if low == "provider":
            provider = value
        elif low == "team" and not _instruction(value):
            team = value
        elif low == "officer":
            officer = value[:1].upper() + value[1:]
    found = re.search(r"Choose\s+(.+?)\s+in the\s+.reason.\s+box", clean(body), re.I)
    if found:
        reason = found.group(1)
    provider = provider or nsi_provider
    if provider is None:
        raise doc.error(transfer_part.start, "the Transfer Request part names no 'Provider:'")
    if nsi_provider and provider != nsi_provider:
        ctx.warnings.append(f"NSI provider '{nsi_provider}' differs from the transfer provider '{provider}'")

    if upw_part is not None:
        values = dict((k.lower(), v) for k, v in _key_values(doc, upw_part.start + 1, upw_part.end) if k)
        if "provider" in values:
            bits = [values["provider"]]
            if "team" in values:
                bits.append(f"team '{values['team']}'")
            if "officer" in values:
                bits.append(f"officer '{values['officer'][:1].upper() + values['officer'][1:]}'")
            ctx.requirement_transfer = "Court-ordered requirement: transfer it (no NSI) to " + ", ".join(bits) + "."
        upw_text = doc.text(upw_part.start, upw_part.end)
        if re.search(r"licen[cs]e conditions? which are Accredited Programmes", upw_text, re.I):
            ctx.licence_programmes = True

    process_text = doc.text(process.start, process.end)
    ctx.recommend_assessment = bool(re.search(r"recommended that you instruct an assessment", process_text, re.I))
    instructions = TransferInstructions(provider=provider, team=team, officer=officer, reason=reason, steps=steps)
    return instructions, nsi_provider


def _prisons(doc: Document, about: Section, title: str, ctx: _Context) -> list[str]:
    part = next(
        (p for p in doc.sections(_H34, about.start + 1, about.end) if re.fullmatch(title, p.title.rstrip(":"), re.I)),
        None,
    )
    if part is None:
        return []
    prisons: list[str] = []
    unnumbered = []
    for _number, raw in doc.numbered(part.start + 1, part.end):
        text = clean(raw)
        if not text:
            continue
        for name in re.findall(r"HMP\s+[A-Z][A-Za-z]+(?:\s+[A-Z][A-Za-z]+)*", text):
            prisons.append(name)
            if not _is_bullet(raw):
                unnumbered.append(name)
    if unnumbered:
        ctx.warnings.append(
            f"{part.title.rstrip(':')} list (line {part.start}): {', '.join(unnumbered)} printed on continuation "
            "lines"
            " without list numbers"
            + (" (marked '/ Host')" if "Host" in doc.text(part.start, part.end) else "")
        )
    return prisons


def _valid_from(doc: Document, ctx: _Context) -> tuple[dt.date | None, str | None]:
    number = doc.find(_VALID, 1, min(len(doc), 40))
    if number is None:
        ctx.warnings.append("no 'Valid from' date under the title")
        return None, None
    printed = clean(_VALID.match(doc.line(number)).group(1))
    found = re.fullmatch(r"([A-Za-z]+)\s+(\d{4})", printed)
    months = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
    if found and found.group(1).lower() in months:
        return dt.date(int(found.group(2)), months[found.group(1).lower()], 1), printed
    ctx.warnings.append(f"line {number}: cannot read the date '{printed}'")
    return None, printed


# ---------------------------------------------------------------------------------------------
# One service


@dataclass
class _Request:
    category: str | None = None
    category_line: int | None = None
    subtypes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)
    transfer: bool = False


def _split_subtype(value: str) -> list[str]:
    levels = expand_levels(value)
    if len(levels) > 1:
        return levels
    parts = [p.strip() for p in _SLASH_LIST.split(value)]
    if len(parts) > 1 and all(len(p.split()) >= 2 for p in parts) and len({p.split()[0] for p in parts}) == 1:
        return parts
    return [value]


def _how_to(doc: Document, part: _Part, ctx: _Context, name: str) -> _Request:
    flat = Joined.of(doc.numbered(part.start + 1, part.end), separator="\n")
    text = flat.text
    request = _Request(transfer=bool(_TRANSFER.search(text.lower())))
    labels = list(_NSI_LABEL.finditer(text))
    raw_subtypes: list[str] = []
    for index, label in enumerate(labels):
        next_start = labels[index + 1].start() if index + 1 < len(labels) else len(text)
        content = _SPACES.match(text, label.end()).end()
        stop = _VALUE_END.search(text, content, next_start)
        end = stop.start() if stop else next_start
        raw = text[content:end]
        value = clean_value(raw)
        line = flat.line_at(label.start())
        if not value:
            raise doc.error(line, f"service '{name}': the NSI label has no value")
        # This layout prints a sub type after every category it names (a second option repeats the category), and
        # '...; or' only between two sub types: a category or an 'or' with no sub type after it is a broken text.
        next_is_subtype = index + 1 < len(labels) and bool(labels[index + 1].group(1))
        if not label.group(1) and not next_is_subtype:
            raise doc.error(
                line,
                f"service '{name}': the NSI category printed here has no 'Non Statutory Intervention Sub Type' "
                "line after it; this layout prints one for every option",
            )
        if label.group(1) and stop and stop.group(0).startswith(";") and not next_is_subtype:
            raise doc.error(
                line,
                f"service '{name}': the NSI sub type printed here ends in 'or' but no other sub type follows; "
                "this layout prints one for every option",
            )
        if label.group(1):
            raw_subtypes.append(value)
            fixed = _MISSING_SLASH.sub(r"\1 / \2 / \3", value)
            if fixed != value:
                request.review.append(
                    f"NSI sub type printed as '{value}' (no slash between Medium and High); read as '{fixed}'"
                )
            request.subtypes.extend(_split_subtype(fixed))
        elif request.category is None:
            request.category, request.category_line = value, line
        elif value != request.category:
            request.review.append(
                f"a second NSI category '{value}' is printed (line {line}); kept '{request.category}'"
            )
        # text between this value and the next label that is not punctuation
        between = clean(text[end:next_start])
        between = _FOLLOW.sub("", between).strip(" .;")
        if between.endswith(":") and index + 1 < len(labels):
            request.review.append(
                f"the text '{between}' stands before the NSI sub type (line {flat.line_at(next_start)}); "
                "check what it refers to"
            )
    if labels and request.category is None:
        raise doc.error(
            flat.line_at(labels[0].start()), f"service '{name}': NSI sub types but no NSI category printed"
        )
    values = {clean_value(v) for v in [request.category, *raw_subtypes] if v}
    for paragraph in _PARAGRAPH_BREAK.split(text):
        for sentence in _sentences(clean(paragraph)):
            if _NSI_LABEL.search(sentence) or _FOLLOW.fullmatch(sentence) or not _LETTER.search(sentence):
                continue
            if clean_value(sentence) in values:
                continue
            request.notes.append(_FOLLOW.sub("", sentence).strip())
    return request


def _parse_row(value: str) -> tuple[float | int | None, bool, int | None]:
    duration = parse_duration(value)
    hours = duration.total_hours if _HOURS_WORD.search(value) else None
    sessions = duration.sessions if _SESSIONS_WORD.search(value) else None
    return hours, duration.up_to if hours is not None else False, sessions


def _level_subtype(level: Level, subtypes: list[str]) -> str | None:
    word = "assessment" if level is Level.ASSESSMENT else level.value
    return next((s for s in subtypes if word in _WORDS.findall(s.lower())), None)


@dataclass
class _Timing:
    sessions: int | None = None
    session_minutes: int | None = None
    total_hours: float | None = None
    text: str | None = None
    rows: list[tuple[int, str, str]] = field(default_factory=list)  # (line, label, value)
    paragraphs: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)
    must_have: list[tuple[int, str]] = field(default_factory=list)
    recommends_assessment: bool = False


def _normalise_counts(text: str) -> str:
    """'13 x 1;1 sessions' -> '13 x individual sessions' so the shared duration reader counts sessions."""
    return _ONE_TO_ONE_WORDS.sub("individual", text)


def _timing(doc: _Doc, part: _Part | None) -> _Timing:
    timing = _Timing()
    if part is None:
        return timing
    items = _items(doc, *part.body)
    kept: list[str] = []
    for number, text in items:
        row = _TABLE_ROW.match(text)
        if row:
            timing.rows.append((number, clean(row.group(1)), clean(row.group(3)).rstrip(".")))
            kept.append(f"{clean(row.group(1))} = {clean(row.group(3)).rstrip('.')}")
            continue
        if _RECOMMEND_ASSESSMENT.search(text):
            timing.recommends_assessment = True
            continue
        must = _MUST_HAVE.search(text)
        if must:
            timing.must_have.append((number, must.group(1)))
            continue
        timing.paragraphs.append(text)
        kept.append(text)
    if kept:
        timing.text = kept[0] if len(kept) == 1 else "; ".join(k.rstrip(".;: ") for k in kept)
    if not timing.paragraphs:
        return timing

    # several parts each counting sessions: add them up
    session_parts = [p for p in timing.paragraphs if _SESSIONS_WORD.search(p)]
    if len(timing.paragraphs) > 1 and len(session_parts) > 1:
        count = hours = 0.0
        main: tuple[int, int | None] = (0, None)
        known = True
        for text in session_parts:
            duration = parse_duration(_normalise_counts(text))
            sessions = duration.sessions or 1
            count += sessions
            if duration.total_hours is None:
                known = False
            else:
                hours += duration.total_hours
            minutes = duration.session_minutes or (
                int(duration.total_hours * 60) if duration.total_hours is not None and sessions == 1 else None
            )
            if sessions > main[0]:
                main = (sessions, minutes)
        timing.sessions = int(count)
        timing.session_minutes = main[1]
        timing.total_hours = whole(hours) if known else None
        others = [p for p in timing.paragraphs if p not in session_parts]
        note = (
            f"duration printed in {len(timing.paragraphs)} parts; "
            "sessions and hours are the sum of the session parts"
        )
        if others:
            note += " (not counted: " + "; ".join(o.rstrip(".") for o in others) + ")"
        timing.review.append(note)
        return timing

    text = " ".join(timing.paragraphs)
    duration = parse_duration(_normalise_counts(text))
    timing.sessions, timing.session_minutes, timing.total_hours = (
        duration.sessions,
        duration.session_minutes,
        duration.total_hours,
    )
    total = _SESSIONS_TOTAL.search(text)
    if total and int(total.group(1)) != timing.sessions:
        timing.review.append(
            f"duration mixes session kinds: {timing.sessions} sessions of {timing.session_minutes} minutes inside "
            f"{total.group(1)} sessions in all; total hours not printed"
        )
        timing.sessions, timing.total_hours = int(total.group(1)), None
    if _PLUS.search(text):
        timing.review.append(f"duration '{text}' has extras (after 'plus') that the numbers do not count")
    sentences = [s for s in _sentences(text) if not _SESSIONS_WORD.search(s)]
    hour_sentences = [s for s in sentences if len(_HOURS.findall(s)) == 1]
    if duration.sessions is None and len(hour_sentences) > 1 and not _PER_WEEK.search(text):
        total_hours = sum(float(_HOURS.search(s).group(1)) for s in hour_sentences)
        timing.total_hours = whole(total_hours)
        timing.review.append(
            "total hours are the sum of "
            + " + ".join(_HOURS.search(s).group(0) for s in hour_sentences)
            + " printed in separate sentences"
        )
    return timing


def _options(doc: Document, timing: _Timing, request: _Request, name: str) -> tuple[list[OptionData], list[str]]:
    review: list[str] = []
    options: list[OptionData] = []
    if timing.rows:
        for line, label, value in timing.rows:
            level = Level.ASSESSMENT if label.lower().startswith("assessment") else Level(label.split()[0].lower())
            hours, up_to, sessions = _parse_row(value)
            subtype = _level_subtype(level, request.subtypes)
            if subtype is None and request.category is not None:
                # This layout prints a sub type for every option it sells through an NSI: one missing means the
                # text is broken, and an option that cannot be ordered must not be stored as if it could.
                raise doc.error(
                    request.category_line,
                    f"service '{name}': the NSI category printed here has no NSI sub type for the option "
                    f"'{label}' (duration line {line}); this layout prints one for every option",
                )
            options.append(
                OptionData(
                    key=level.value,
                    name=label,
                    nsi_subtype=subtype,
                    level=level,
                    sessions=sessions,
                    hours=hours,
                    hours_up_to=up_to,
                    duration_text=value,
                )
            )
        used = {o.nsi_subtype for o in options}
        for subtype in request.subtypes:
            if subtype not in used:
                words = _WORDS.findall(subtype.lower())
                level = next((lv for lv in (Level.LOW, Level.MEDIUM, Level.HIGH) if lv.value in words), None)
                review.append(f"NSI sub type '{subtype}' has no row in the duration table")
                options.append(OptionData(key=slugify(subtype), name=subtype, nsi_subtype=subtype, level=level))
        return options, review
    if len(request.subtypes) == 1 and request.category is not None:
        _check_one_way(doc, request, name, " ".join(timing.paragraphs))
    if len(request.subtypes) < 2:
        return options, review

    prefix = _common_prefix(request.subtypes)
    block_text = " ".join(timing.paragraphs)
    for subtype in request.subtypes:
        rest = subtype[len(prefix) :].strip(" -\u2013:")
        label = subtype if not rest or rest.isdigit() else rest[:1].upper() + rest[1:]
        number = _TRAILING_NUMBER.search(subtype)
        option = OptionData(key=slugify(label), name=label, nsi_subtype=subtype)
        if number and number.group(1) in _DIGITS.findall(block_text) and _HOURS_WORD.search(block_text):
            option = option.model_copy(update={"level": Level.BLOCK, "hours": float(number.group(1))})
        else:
            para = next((p for p in timing.paragraphs if rest and rest.lower() in p.lower()), None)
            weeks = _WEEKS.search(para or "")
            if weeks:
                option = option.model_copy(update={"level": Level.BLOCK, "duration_text": weeks.group(0)})
                review.append(f"option '{label}': hours are a weekly cap over a number of weeks; no total printed")
            else:
                option = option.model_copy(update={"level": Level.VARIANT, "sessions": timing.sessions})
        options.append(option)
    return options, review


def _check_one_way(doc: Document, request: _Request, name: str, duration_text: str) -> None:
    """Refuse a lone sub type naming one way of delivery when the service is offered both ways.

    The layout prints a sub type per way ('Safer Relationships one to one; or' / '... group work'): with one
    of them lost, a practitioner ordering the other way would be given the wrong sub type.
    """
    subtype, offered = _phrases(request.subtypes[0]), _phrases(duration_text)
    names_group = any(phrase in subtype for phrase in _GROUP_PHRASES)
    names_one = " one to one " in subtype
    if names_group != names_one and " one to one " in offered and any(p in offered for p in _GROUP_PHRASES):
        missing = "group" if names_one else "one-to-one"
        raise doc.error(
            request.category_line,
            f"service '{name}': it is offered both in a group and one to one, but the only NSI sub type printed "
            f"('{request.subtypes[0]}') is for one way; the sub type for {missing} work is missing",
        )


def _common_prefix(values: list[str]) -> str:
    first, last = min(values), max(values)
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    prefix = first[:size]
    return prefix if prefix.endswith((" ", "-", "\u2013", ":")) else prefix[: prefix.rfind(" ") + 1]


def _name_and_aliases(heading: str) -> tuple[str, list[str], bool, str | None, str | None]:
    """Name, aliases, accredited?, area-only area and the printed area phrase, from a heading."""
    raw = clean(heading)
    accredited = bool(_ACCREDITED.match(raw))
    raw = _ACCREDITED.sub("", raw)
    area = phrase = None
    only = _AREA_ONLY_HEADING.search(raw)
    if only:
        phrase, area = only.group(1), _title_case(only.group(2))
        raw = raw[: only.start()]
    aliases: list[str] = []
    formerly = _FORMERLY.search(raw)
    if formerly:
        aliases.append(formerly.group(1).strip())
        raw = raw[: formerly.start()] + raw[formerly.end() :]
    acronym = None
    bracket = _ACRONYM_TAIL.search(raw)
    if bracket:
        acronym = bracket.group(1)
        raw = raw[: bracket.start()]
    name = _title_case(raw.strip())
    if acronym:
        words = name.split()
        for size in range(len(words), 0, -1):
            tail = " ".join(words[-size:])
            if _initials(tail) == acronym:
                head = " ".join(words[:-size])
                aliases.insert(0, f"{head} {acronym}".strip())
                break
            if _initials(tail) + "P" == acronym and size == len(words):
                name = f"{name} Programme"
                aliases.insert(0, acronym)
                break
        else:
            aliases.insert(0, acronym)
    return name, aliases, accredited, area, phrase


def _text_aliases(name: str, text: str, aliases: list[str]) -> None:
    """Acronyms the section itself uses for the service: 'Through the Gate (TTG)', 'SACs', 'PLW'."""
    for match in _BRACKETED_ACRONYM.finditer(text):
        words = _WORDS.findall(text[max(0, match.start() - 80) : match.start()])[-5:]
        for size in range(len(words), 1, -1):
            phrase = " ".join(words[-size:])
            if match.group(1) in (_initials(phrase), _initials(phrase, small=True)) and phrase.lower() in name.lower():
                if match.group(1) not in aliases:
                    aliases.append(match.group(1))
                break
    for candidate in {_initials(name), _initials(name, drop_tail=True)}:
        if len(candidate) >= 2 and len(name.split()) >= 2 and candidate != name and _has_word(text, candidate):
            if candidate not in aliases:
                aliases.append(candidate)


def _has_word(text: str, word: str) -> bool:
    """`word` (or its plural) stands in `text` as a whole word."""
    position = text.find(word)
    while position >= 0:
        before = text[position - 1] if position else " "
        after = text[position + len(word) : position + len(word) + 1]
        if after == "s":
            after = text[position + len(word) + 1 : position + len(word) + 2]
        if not before.isalnum() and not after.isalnum():
            return True
        position = text.find(word, position + 1)
    return False


def _criteria(doc: _Doc, section: _ServiceSection, area_phrase: str | None) -> list[Criterion]:
    found: list[Criterion] = []
    if area_phrase:
        found.append(Criterion(text=area_phrase, line=section.start))
    ranges = [section.intro] + [
        p.body for p in section.parts
        if not _NOT_CRITERIA_PARTS.search(p.title)
    ]
    for start, end in ranges:
        for number, raw in doc.numbered(start, end):
            if not raw.strip() or _is_bullet(raw) or _H34.match(raw):
                continue
            for sentence in _sentences(doc.clean_line(number)):
                low = sentence.lower()
                if "option to add" in low:
                    continue  # it speaks of an add-on service (a Partner Link Worker), whose own section has its criteria
                if any(hint in low for hint in _CRITERIA_HINTS) and _CRITERIA.search(low):
                    found.append(Criterion(text=sentence, line=number))
    if not found and _PEOPLE_HEADING.search(section.heading):
        # the text under it says nothing of who may take part: the heading is the only place that does
        found.append(Criterion(text=clean(section.heading), line=section.start))
    return found


def _highlights(doc: _Doc, section: _ServiceSection) -> list[str]:
    part = section.part(r"^Service Highlights")
    if part is None:
        return []
    return [text for _n, text in _items(doc, *part.body)]


def _locations(text: str) -> list[str]:
    found: list[str] = []
    for match in _LOCATIONS.finditer(text):
        for place in _PLACE_SPLIT.split(match.group(1)):
            place = place.strip()
            if place and place not in found and place.lower() not in {"the", "a"}:
                found.append(place)
    return found


def _phrases(text: str) -> str:
    """base.padded_words of the lower-cased text, with its ways of writing one to one made ' one to one '."""
    return padded_words(_ONE_TO_ONE_WORDS.sub(" one to one ", text.lower()))


def _delivery(name: str, text: str) -> Delivery | None:
    words = _phrases(text)
    for phrase in _NOT_GROUP_PHRASES:
        words = words.replace(phrase, " ")
    group = " group " in _phrases(name) or any(phrase in words for phrase in _GROUP_PHRASES)
    return delivery_of(group, any(phrase in words for phrase in _ONE_PHRASES), text)


def _category(name: str, kind: Kind, request: _Request, intro: str) -> str:
    label = " ".join([name, *request.subtypes])
    if kind is Kind.COURT_REQUIREMENT:
        return "Young adults" if re.search(r"attendance centre", name, re.I) else "Unpaid work"
    if kind is Kind.RESETTLEMENT:
        return "Resettlement"
    if _DOMESTIC.search(label.lower()) or "domestic abuse perpetrators" in intro.lower():
        return "Domestic abuse"
    if re.search(r"young (?:person|adult)", label, re.I):
        return "Young adults"
    for pattern, category in _NSI_CATEGORY_MAP:
        if request.category and pattern.search(request.category):
            return category
    if re.search(r"mentoring", label, re.I):
        return "Mentoring and community support"
    if kind is Kind.ACCREDITED_PROGRAMME:
        if re.search(r"drink|alcohol|drug", name, re.I):
            return "Drugs and alcohol"
        return "Attitudes, thinking and behaviour"
    return "Other"


def _service(doc: _Doc, section: _ServiceSection, ctx: _Context) -> tuple[ServiceData, list[tuple[int, str]]]:
    name, aliases, accredited, area, area_phrase = _name_and_aliases(section.heading)
    if not slugify(name):
        raise doc.error(section.start, f"the heading '{section.heading}' names no service")
    how = section.part(r"^How to request this service")
    if how is None:
        raise doc.error(
            section.start,
            f"service '{name}' (line {section.start}) has no 'How to request this service' part",
        )
    request = _how_to(doc, how, ctx, name)
    review = list(request.review)
    body_text = doc.cleaned(section.start, section.end)
    other_text = " ".join(
        doc.cleaned(*r) for r in [section.intro] + [p.body for p in section.parts if p is not how]
    )
    intro_text = doc.cleaned(*section.intro)
    body_low, intro_low = body_text.lower(), intro_text.lower()

    if request.category is None and not request.transfer:
        ctx.warnings.append(f"line {how.start}: service '{name}' prints neither an NSI nor a transfer instruction")
        method = RequestMethod.CONTACT_PROVIDER
    elif request.transfer:
        method = RequestMethod.TRANSFER_REQUIREMENT
        if request.category:
            review.append(
                "both routes printed: transfer the requirement when court ordered, otherwise the NSI "
                f"'{request.category}'; request_method set to transfer_requirement"
            )
    else:
        method = RequestMethod.NSI

    timing = _timing(doc, section.part(r"^Duration"))
    review.extend(timing.review)
    options, option_review = _options(doc, timing, request, name)
    review.extend(option_review)

    # kind
    levels = {o.level for o in options}
    if accredited or "nationally accredited" in intro_low:
        kind = Kind.ACCREDITED_PROGRAMME
    elif method is RequestMethod.TRANSFER_REQUIREMENT or re.search(
        r"unpaid work|community payback|attendance centre", name, re.I
    ):
        kind = Kind.COURT_REQUIREMENT
    elif re.search(r"through the gate", name, re.I):
        kind = Kind.RESETTLEMENT
    elif (
        levels & {Level.LOW, Level.MEDIUM, Level.HIGH, Level.BLOCK, Level.ASSESSMENT}
        or re.search(r"mentoring|support|partner link", name, re.I)
        or timing.sessions is None
    ):
        kind = Kind.SUPPORT_SERVICE
    else:
        kind = Kind.STRUCTURED_INTERVENTION

    locations = _locations(intro_text)
    setting = Setting.COMMUNITY
    if kind is Kind.RESETTLEMENT:
        setting = Setting.THROUGH_THE_GATE
    elif locations and all(place.startswith("HMP ") for place in locations):
        setting = Setting.THROUGH_THE_GATE
        review.append(
            "only offered at " + " and ".join(locations) + " although the text also says it is delivered in the "
            "community; setting read as through_the_gate"
        )

    areas = [area] if area else []
    text_area = _AREA_ONLY_TEXT.search(intro_low)
    if text_area and _title_case(text_area.group(1)) not in areas:
        areas.append(_title_case(text_area.group(1)))
    for place in areas:
        if ctx.areas and place not in ctx.areas:
            ctx.warnings.append(f"service '{name}' is limited to '{place}', which is not one of {ctx.areas}")

    _text_aliases(name, doc.cleaned(section.start + 1, section.end), aliases)

    delivery = _delivery(name, " ".join([other_text, *request.subtypes]))
    if delivery is None:
        review.append("delivery (group or one to one) is not stated")

    discretionary = method is RequestMethod.NSI and kind is not Kind.RESETTLEMENT
    rar = True if (_RAR.search(body_text) or discretionary) else None
    licence = True if _LICENCE.search(body_low) else None
    if kind is Kind.ACCREDITED_PROGRAMME and ctx.licence_programmes:
        licence = True

    prerequisites: list[Prerequisite] = []
    has_assessment = Level.ASSESSMENT in levels and len(levels) > 1
    if timing.recommends_assessment or (has_assessment and ctx.recommend_assessment):
        prerequisites.append(
            Prerequisite(
                text="Buying the assessment first, to settle the intensity level, is recommended but not required.",
                mandatory=False,
            )
        )
        if not timing.recommends_assessment:
            review.append("assessment-first recommendation taken from the NSI process page, not this service's page")

    notes = [n for n in request.notes if n]
    weeks = _BEFORE_RELEASE.search(body_low)
    if weeks:
        notes.append(f"Refer at least {weeks.group(1)} weeks before the planned release date.")
    if ctx.requirement_transfer and method is RequestMethod.TRANSFER_REQUIREMENT and (
        kind is Kind.ACCREDITED_PROGRAMME or re.search(r"unpaid work|payback", name, re.I)
    ):
        notes.append(ctx.requirement_transfer)

    category_line = request.category_line
    if request.category and ctx.code and not request.category.endswith(ctx.code):
        review.append(
            f"NSI category '{request.category}' (line {category_line}) is printed without the provider code "
            f"{ctx.code}"
        )

    total_hours = timing.total_hours
    if options and any(o.level in (Level.BLOCK, Level.LOW, Level.MEDIUM, Level.HIGH) for o in options):
        total_hours = None
    elif len(options) == 1 and options[0].hours is not None and total_hours is None:
        total_hours = options[0].hours

    end = doc.last_text_line(section.start, section.end) or section.start
    service = ServiceData(
        key=slugify(name),
        name=name,
        aliases=[a for a in dict.fromkeys(aliases) if a and a != name],
        kind=kind,
        category=_category(name, kind, request, intro_text),
        highlights=_highlights(doc, section),
        delivery=delivery,
        setting=setting,
        rar_usable=rar,
        licence_usable=licence,
        areas=areas,
        locations=locations,
        request_method=method,
        nsi_category=request.category,
        nsi_subtypes=list(dict.fromkeys(request.subtypes)),
        request_notes=" ".join(notes) or None,
        prerequisites=prerequisites,
        criteria_text=_criteria(doc, section, area_phrase),
        sessions=timing.sessions,
        session_minutes=timing.session_minutes,
        total_hours=total_hours,
        max_participants=int(m.group(1)) if (m := _MAX_PARTICIPANTS.search(body_low)) else None,
        duration_text=timing.text,
        options=options,
        source=SourceRef(file=ctx.file, lines=(section.start, end)),
        review_notes=review,
    )
    return service, timing.must_have


# ---------------------------------------------------------------------------------------------
# Whole brochure


def _loose(category: str, code: str) -> str:
    """A category without case, punctuation, the provider code or a plural 's': for spotting variants."""
    letters = "".join(ch for ch in category.lower() if "a" <= ch <= "z")
    if code and letters.endswith(code.lower()):
        letters = letters[: -len(code)]
    return letters.rstrip("s")


def _typographic(category: str) -> str:
    """A category with its dashes and spaces made uniform: differences here are only typography."""
    return re.sub(r"\s+", " ", re.sub(r"\s*[\u2013\u2014-]\s*", " - ", category)).strip()


def _category_warnings(services: list[ServiceData], ctx: _Context) -> None:
    """Flag NSI categories that look like one category printed two ways (beyond dashes and spaces)."""
    groups: dict[str, Counter[str]] = {}
    printed_as: dict[str, str] = {}
    for service in services:
        if service.nsi_category:
            form = _typographic(service.nsi_category)
            printed_as.setdefault(form, service.nsi_category)
            groups.setdefault(_loose(service.nsi_category, ctx.code), Counter())[form] += 1
    for variants in groups.values():
        if len(variants) < 2:
            continue
        ranked = variants.most_common()
        ctx.warnings.append(
            f"NSI category printed {len(variants)} ways: "
            + " / ".join(f"'{printed_as[v]}' ({n}x)" for v, n in ranked)
        )
        usual, count = ranked[0]
        tie = sum(1 for _v, n in ranked if n == count) > 1
        for service in services:
            form = _typographic(service.nsi_category or "")
            if form in variants and (tie or form != usual):
                others = [printed_as[v] for v, _n in ranked if v != form]
                service.review_notes.append(
                    "other services print this NSI category as " + " / ".join(f"'{v}'" for v in others)
                    + "; check which spelling nDelius uses"
                )


def parse(text: str, *, file: str) -> ParsedBrochure:
    """Read a Sodexo rate card into provider facts and one ServiceData per service section."""
    with only_brochure_errors(file, lambda exc: f"cannot read this Sodexo rate card: {exc}"):
        return _parse(text, file=file)


def _parse(text: str, *, file: str) -> ParsedBrochure:
    doc = _Doc(text, file=file)
    ctx = _Context(file=file)
    title_line = doc.find(re.compile(r"^#\s+Rate Card\b"), 1, min(len(doc), 40))
    if title_line is None:
        raise doc.error(1, "not a Sodexo rate card: no '# Rate Card' title in the first 40 lines")
    title = clean(doc.line(title_line).lstrip("# "))
    sections = doc.sections(_H2, title_line + 1, len(doc), prefix="#")
    if not sections:
        raise doc.error(title_line, "no '## ' sections after the title")
    process, contact = _check_complete(doc, sections)

    about = next((s for s in sections if _ABOUT_PROVIDER.match(s.title)), None)
    if about is None:
        raise doc.error(title_line, "no 'ABOUT <AREA> CRC' section naming the provider")
    provider_name = _title_case(_ABOUT_PROVIDER.match(about.title).group(1))
    area_names = re.sub(r"\s*CRC$", "", provider_name)
    ctx.areas = [a.strip() for a in re.split(r"\s*,\s*|\s+and\s+|\s*&\s*", area_names) if a.strip()]

    contact_text = doc.text(contact.start, contact.end)
    hub_email = _EMAIL.search(contact_text).group(0)
    for number, line in doc.numbered(1, contact.start - 1):
        if "@" not in line:
            continue
        for email in dict.fromkeys(_EMAIL.findall(line)):
            if email.lower() != hub_email.lower():
                ctx.warnings.append(
                    f"line {number}: e-mail printed as '{email}', the contact page gives '{hub_email}'"
                )
    contact_name = next(
        (clean(m.group(1)) for line in contact_text.splitlines() if (m := _H34.match(line))), provider_name
    )
    hub = re.search(r"\bhub in ([A-Z][a-z]+)", doc.text(about.start, about.end))

    transfer, nsi_provider = _transfer(doc, process, ctx)
    valid_from, valid_text = _valid_from(doc, ctx)

    service_sections = [
        s for s in sections
        if s.start < process.start and not _FRONT_MATTER.match(s.title) and not _CONTACT.match(s.title)
    ]
    if not service_sections:
        raise doc.error(process.start, "no service sections before the NSI process section")

    # the provider code is the suffix the NSI categories share
    suffixes = Counter(
        m.group(1)
        for s in service_sections
        for m in _CATEGORY_CODE.finditer(doc.text(s.start, s.end))
    )
    if not suffixes:
        raise doc.error(
            service_sections[0].start, "no NSI category with a provider code (e.g. 'ES - Other NSF') found"
        )
    ctx.code = suffixes.most_common(1)[0][0]

    services: list[ServiceData] = []
    pending: list[tuple[ServiceData, int, str]] = []
    seen: set[str] = set()
    for section in service_sections:
        service, must = _service(doc, _split_section(doc, section), ctx)
        if service.key in seen:
            ctx.warnings.append(f"line {section.start}: a second section named '{service.name}'; keyed with a suffix")
            service = service.model_copy(update={"key": f"{service.key}-{section.start}"})
        seen.add(service.key)
        services.append(service)
        pending.extend((service, line, target) for line, target in must)

    by_name = {s.name.lower(): s for s in services}
    for service, line, target in pending:
        found = by_name.get(clean(target).lower())
        if found is None:
            wanted = target.lower()
            found = next((s for s in services if s.name.lower() in wanted or wanted in s.name.lower()), None)
        if found is None:
            service.review_notes.append(f"line {line}: requires '{target}', which is not a service in this brochure")
        service.prerequisites.append(
            Prerequisite(
                text=(
                    f"The {found.name if found else clean(target)} must be bought and completed first; "
                    "it sets the pathway and intensity."
                ),
                mandatory=True,
                service_key=found.key if found else None,
            )
        )
    _category_warnings(services, ctx)

    provider = ProviderData(
        code=ctx.code,
        name=provider_name,
        areas=ctx.areas,
        hub_email=hub_email,
        hub_location=hub.group(1) if hub else None,
        contact=f"{contact_name}: {hub_email}",
        brochure_title=title,
        brochure_kind="rate card",
        brochure_file=file,
        valid_from=valid_from,
        valid_text=valid_text,
        nsi_provider_name=nsi_provider,
        transfer=transfer,
        resettlement_prisons=_prisons(doc, about, r"Resettlement Prisons", ctx),
        non_resettlement_prisons=_prisons(doc, about, r"Non-resettlement prisons", ctx),
    )
    return ParsedBrochure(parser=NAME, provider=provider, services=services, warnings=ctx.warnings)
