"""Parser for the Kent, Surrey and Sussex (KSS) CRC "Accredited Programmes and Interventions" brochure.

The layout (text extracted from the PDF, markdown-ish):

* ``# Title``, ``# Contents`` (name<TAB>page), ``# Introduction`` (rate-card e-mail),
  ``# Non Statutory Interventions (NSI) Process ...`` (numbered NSI steps, then
  ``## Transfer Request process`` with lettered steps).
* The body: ``# Part`` headings (Accredited Programmes, Resettlement services, Elective Services,
  Through the Gate) that are repeated as page furniture, even mid-sentence; services under
  ``##``/``###`` headings or bold-only lines; category-only ``##`` headings (``## Accommodation``)
  that just group the services after them.  A service is a heading followed by
  ``NSI Main Category:`` / ``NSI Sub Category:`` lines, a description, ``Duration:`` or
  ``Duration/frequency:``, ``Delivery model (group/individual)`` and a ``Targeted outcome/success
  measure`` section.  One heading may carry several NSI pairs: the same sub type under several main
  categories (the "Additional MSRP Modules"), or different sub types ("Bespoke Services"); either
  way it is one service with one option per pair, each option keeping its own main category.  A
  heading printed twice (the MSRP Health modules, under Mental Health and again under Physical
  Health) is one service.
* ``# MSRP Routeways`` (descriptions, not services), ``# Accredited Programme Criteria`` (tab
  separated rows whose cells are HTML lists: eligibility and exclusions, merged into the
  programmes above), the address block and ``Information correct at dd/mm/yyyy`` as the last line.

Criteria are the sentences that say who a service is for (cue words: sex, risk scores, 'aimed at',
an MSRP routeway's opening), the criteria table's cells, a sub category that supports a court
requirement, and, when the text says nothing of who may take part, a heading that names the people
('Women's ...', 'Gypsy / Traveller ...').

Private helpers here that base.py lacks: a duration reader for this layout's phrasing
('22 x two and a half hour ...', 'Six sessions, two hours per session', 'a maximum of three modules
up to 18 sessions. Each session is approximately 20 minutes long'), sentence breaks that keep
'e.g.' together, and an HTML table-cell reader.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field

from ratecard.catalogue.parsers.base import (
    NUMBER,
    PUNCTUATION_TO_SPACE,
    BrochureError,
    Document,
    Joined,
    clean,
    clean_value,
    delivery_of,
    number,
    only_brochure_errors,
    padded_words,
    slugify,
    split_list,
    whole,
)
from ratecard.catalogue.schemas import (
    Charge,
    Criterion,
    Delivery,
    Kind,
    Level,
    OptionData,
    ParsedBrochure,
    Prerequisite,
    ProviderData,
    ServiceData,
    Setting,
    SourceRef,
    TransferInstructions,
)

NAME = "kss"

_I = re.IGNORECASE

# --------------------------------------------------------------------------- line shapes

_H1 = re.compile(r"^#\s+(.+?)$")
_HEADING = re.compile(r"^#{2,4}\s+(.+?)$")
_BOLD_LINE = re.compile(r"^\*\*([^*]+?)\*\*$")
_OUTCOME = re.compile(r"targeted\s+outcome", _I)
_NSI = re.compile(r"^NSI\s+(Main|Sub)\s+Categor(y|ies)\s*:\s*(.*)$", _I)
_RULE = re.compile(r"^-{3,}$")
_DURATION = re.compile(r"^duration(?:\s*/\s*frequency)?\s*:\s*(.*)$", _I)
_DELIVERY = re.compile(r"^delivery model\s*\(group\s*/\s*individual\)\s*:?\s*(.*)$", _I)
_BULLET = re.compile(r"^[-*\u2022]\s+(.*)$")
_TIMES_ITEM = re.compile(r"^(?:[-*\u2022]\s+)?\d+\s*x\b", _I)

# --------------------------------------------------------------------------- landmarks

_TITLE = re.compile(r"^Accredited Programmes and Interventions$", _I)
_CONTENTS = re.compile(r"^Contents$", _I)
_PROCESS = re.compile(r"^Non Statutory Interventions \(NSI\) Process", _I)
_TRANSFER = re.compile(r"^Transfer Request process", _I)
_ROUTEWAYS = re.compile(r"^MSRP Routeways$", _I)
_CRITERIA = re.compile(r"^Accredited Programme Criteria$", _I)
_VALID = re.compile(r"^Information correct at\s+((\d{1,2})/(\d{1,2})/(\d{4}))$", _I)

# --------------------------------------------------------------------------- provider facts

_LONG_NAME = re.compile(r"\b([A-Z][a-z]+(?:, [A-Z][a-z]+)*(?: and [A-Z][a-z]+)?) Community Rehabilitation Company\b")
_CODE = re.compile(r"\b([A-Z]{2,4}) CRC\b")
_MAILTO = re.compile(r"mailto:([\w.+-]+@[\w.-]+\w)")
_EMAIL = re.compile(r"\b([\w.+-]+@[\w.-]+\w)")
_NSI_PROVIDER = re.compile(r"NSI Provider:\*{0,2}\s*(.+)$")
_NUMBERED_STEP = re.compile(r"^\d+\.\s+(.*)$")
_LETTERED_STEP = re.compile(r"^[-*]\s+(?:[a-z]\.\s+)?(.*)$")
_STEP_VALUE = re.compile(r"^(Provider|Team|Officer):\s*(?:e\.g\.\s*)?(.+)$")
_REASON = re.compile(r"select (.+?) in the 'reason' box", _I)
_PHONE = re.compile(r"^0\d{3,4} ?\d{5,7}")

# --------------------------------------------------------------------------- detection

_DETECT_NSI = re.compile(r"^NSI Main Category\s*:", re.MULTILINE | _I)
_DETECT_KSS = re.compile(r"\bKSS CRC\b|Kent, Surrey and Sussex")


def detect(text: str) -> bool:
    """True for the KSS brochure layout: 'NSI Main Category:' lines in a Kent, Surrey and Sussex text."""
    return bool(_DETECT_NSI.search(text) and _DETECT_KSS.search(text))


# --------------------------------------------------------------------------- numbers and durations

_LENGTH = rf"(?:{NUMBER})(?:\s+and\s+a\s+half)?"
_ITEM = re.compile(rf"\b(\d+)\s*x\s*(?:({_LENGTH})\s*(hours?|minutes?|mins?)\b)?", _I)
_COUNT = re.compile(rf"^(?:up to\s+)?({NUMBER})\s+(?:[a-z-]+\s+){{0,2}}?sessions?\b", _I)
_HEADLINE = re.compile(rf"\b(?:this|a)\s+({NUMBER})\s+session\b", _I)
_PER_SESSION = re.compile(
    rf"({_LENGTH})\s*(hours?|minutes?|mins?)\s+(?:per|each)\s+session"
    rf"|each session is (?:approximately |about )?({_LENGTH})\s*(hours?|minutes?|mins?)",
    _I,
)
_UP_TO = re.compile(rf"\b(?:up to|maximum of)\s+(?:{NUMBER})\s+(?:sessions?|hours?|modules?)\b", _I)
_UP_TO_SESSIONS = re.compile(rf"up to ({NUMBER})\s+sessions?", _I)
_HOURS = re.compile(rf"\b({NUMBER})\s+hours?\b", _I)
_MAX_MODULES = re.compile(rf"maximum of ({NUMBER})\s+modules", _I)
_MONTHS = re.compile(r"\b(\d+)\s+month", _I)


def _word_number(text: str) -> float | None:
    """'22' -> 22, 'two and a half' -> 2.5, 'one' -> 1; None when not a number."""
    text = text.strip().lower()
    half = 0.0
    if text.endswith(" and a half"):
        text, half = text[: -len(" and a half")].strip(), 0.5
    try:
        return number(text) + half
    except (KeyError, ValueError):
        return None


def _minutes(value: str, unit: str) -> float | None:
    length = _word_number(value)
    if length is None:
        return None
    return length if unit.lower().startswith("m") else length * 60


@dataclass
class _Duration:
    sessions: int | None = None
    session_minutes: int | None = None
    total_hours: float | None = None
    up_to: bool = False
    notes: list[str] = field(default_factory=list)


def _read_duration(text: str, headline: int | None) -> _Duration:
    """Numbers from the printed duration (and the description's 'This N session ...' headline)."""
    result = _Duration(up_to=bool(_UP_TO.search(text)))
    contacts = list(_ITEM.finditer(text)) if "x " in text else []
    count = _COUNT.search(text) or _UP_TO_SESSIONS.search(text)
    stated = int(_word_number(count.group(1)) or 0) or None if count else None

    if contacts:  # '22 x two and a half hour group sessions; 4 x one hour one-to-one sessions; ...'
        counted = sum(int(match.group(1)) for match in contacts)
        lengths = [_minutes(m.group(2), m.group(3)) if m.group(2) else None for m in contacts]
        if all(length is not None for length in lengths):
            result.total_hours = whole(sum(int(m.group(1)) * n for m, n in zip(contacts, lengths)) / 60)
            if len(set(lengths)) == 1:
                result.session_minutes = int(lengths[0])
        else:
            timed = sum(int(m.group(1)) * n for m, n in zip(contacts, lengths) if n is not None)
            result.notes.append(
                "the length of some listed contacts is not printed, so total_hours is left empty "
                f"(the timed ones add up to {whole(timed / 60)} hours)"
            )
        first = headline or stated
        result.sessions = first or counted
        if first and first != counted:
            result.notes.append(
                f"{first} sessions are printed but the duration lists {counted} contacts; sessions holds {first}"
            )
        return result

    result.sessions = headline or stated
    lowered = text.lower()
    per = _PER_SESSION.search(text) if "per session" in lowered or "each session" in lowered else None
    if per:  # 'Six sessions, two hours per session' / 'Each session is approximately 20 minutes long'
        value, unit = (per.group(1), per.group(2)) if per.group(1) else (per.group(3), per.group(4))
        minutes = _minutes(value, unit)
        if minutes is not None:
            result.session_minutes = int(minutes)
            if result.sessions:
                result.total_hours = whole(result.sessions * minutes / 60)
        return result
    hours = _HOURS.search(text)  # 'Up to four hours face-to-face time', 'up to 36 hours'
    if hours and not result.sessions:
        result.total_hours = whole(_word_number(hours.group(1)) or 0)
    return result


# --------------------------------------------------------------------------- text helpers

_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "eg.", "ie.", "approx.", "no.")
_SENTENCE_END = re.compile(r"(?<=[.!?])(?=\s+[A-Z\"\u201c(])")


def _abbreviation(match: re.Match[str]) -> bool:
    """True for a break after 'e.g.', 'i.e.', 'etc.' and the like, which do not end a sentence."""
    return match.string[max(0, match.end() - 7) : match.end()].lower().endswith(_ABBREVIATIONS)


def _sentences(paragraph: Joined) -> list[tuple[str, int]]:
    """The paragraph's sentences with the line each starts on; 'e.g.' and the like do not end one."""
    return paragraph.sentences(_SENTENCE_END, skip=_abbreviation)


_LOWER_START = re.compile(r"^[a-z]")
_OPEN_END = re.compile(r"[.!?:]$")


def _paragraphs(items: list[tuple[int, str]]) -> list[Joined]:
    """Paragraphs, with a sentence broken by page furniture ('... help the service' / 'users to ...') rejoined."""
    groups: list[list[tuple[int, str]]] = []
    for line, text in items:
        if groups and not _BULLET.match(text) and _LOWER_START.match(text) and not _OPEN_END.search(groups[-1][-1][1]):
            groups[-1].append((line, text))
        else:
            groups.append([(line, text)])
    return [Joined.of(group) for group in groups]


_INLINE_TAG = re.compile(r"</?(?:b|u|i|em|strong|span)\b[^>]*>", _I)
_TAG = re.compile(r"<[^>]+>")
_CELL_PART = re.compile(r"<li>(.*?)(?=<li>|</li>|<ul|</ul>)|<p>(.*?)</p>", re.DOTALL)
_JOINER = re.compile(r"^(AND|OR)\b")


def _strip_tags(text: str) -> str:
    """Cell text without HTML: inline tags vanish, block tags become spaces; entities decoded."""
    if "<" in text:
        text = _TAG.sub(" ", _INLINE_TAG.sub("", text))
    return clean(html.unescape(text) if "&" in text else text)


def _cell_items(cell: str) -> list[tuple[str, bool]]:
    """The list items and paragraphs of one criteria-table cell as printed (tags removed), each with
    True when it is a paragraph rather than a list item. A nested item starting 'AND'/'OR' joins the
    item before it.
    """
    items: list[tuple[str, bool]] = []
    for match in _CELL_PART.finditer(cell):
        if match.group(2) is not None:
            text = _strip_tags(match.group(2))
            if text:
                items.append((text, True))
            continue
        text = _strip_tags(match.group(1)).lstrip("\u2022 ").strip()
        if not text:
            continue
        if items and not items[-1][1] and _JOINER.match(text):
            items[-1] = (f"{items[-1][0]} {text}", False)
        else:
            items.append((text, False))
    if not items:
        text = _strip_tags(cell)
        if text:
            items.append((text, False))
    return items


# --------------------------------------------------------------------------- names and classification

_ACRONYM = re.compile(r"\s*\(\s*([A-Z][A-Za-z]{1,6})\s*\)")
_RAR = re.compile(r"\s*\(RAR\)|\s+RAR$")
_MSRP_ROUTEWAY = re.compile(r"^Delivery of (\w+) Modules from MSRP$", _I)
_MSRP_GENERAL = re.compile(r"^Delivery of Modules from MSRP$", _I)
_LEAD_ACRONYM = re.compile(r"^([A-Z]{3,6})\s+\w")


def _name(heading: str) -> tuple[str, list[str], bool]:
    """'Changing Drugs and Alcohol Use (CADU) RAR' -> ('Changing Drugs and Alcohol Use', ['CADU'], True).

    Bracketed acronyms become aliases, a '(RAR)' / trailing 'RAR' marker becomes the RAR flag; the
    words of the name stay as printed.
    """
    text = clean(heading).rstrip(":").strip()
    rar = bool(_RAR.search(text))
    text = _RAR.sub("", text).strip()
    aliases = [m.group(1) for m in _ACRONYM.finditer(text) if m.group(1).rstrip("s").isupper()]
    if aliases:
        text = _ACRONYM.sub(lambda m: "" if m.group(1) in aliases else m.group(0), text).strip()
    routeway = _MSRP_ROUTEWAY.match(text)
    if routeway:
        aliases.append(f"MSRP {routeway.group(1).capitalize()}")
    elif _MSRP_GENERAL.match(text):
        aliases.extend(["MSRP", "Additional MSRP Modules"])
    lead = _LEAD_ACRONYM.match(text)
    if lead and lead.group(1) not in aliases and lead.group(1) != "MSRP":
        aliases.append(lead.group(1))
    return text, aliases, rar


_ES_PREFIX = re.compile(r"^ES\s*[-\u2013]?\s*")
_KSS_SUFFIX = re.compile(r"\s+KSS$")
_NON_LETTERS = re.compile(r"[^a-z]+")


def _short_category(main: str) -> str:
    """'ES - Mental Health KSS' -> 'Mental Health'."""
    return _KSS_SUFFIX.sub("", _ES_PREFIX.sub("", main)).strip()


_CATEGORY_CUES = (
    ("accommodation", "Accommodation"),
    ("e t e", "Employment, training and education"),
    ("finance", "Finance, benefit and debt"),
    ("drugs", "Drugs and alcohol"),
    ("health", "Health and wellbeing"),
    ("women", "Women"),
    ("restorative", "Restorative justice"),
    ("attendance centre", "Young adults"),
    ("children", "Families and relationships"),
    ("attitudes", "Attitudes, thinking and behaviour"),
    ("domestic", "Domestic abuse"),
)
_DA_NAME = re.compile(r"relationship|domestic", _I)
_DRINK_NAME = re.compile(r"drink|alcohol|drug", _I)
_RESETTLEMENT_NAME = re.compile(r"resettlement|through the gate", _I)


def _category(main: str, name: str, part: str) -> str:
    """One of schemas.CATEGORIES, from the NSI main category (and the name where that is generic)."""
    short = _NON_LETTERS.sub(" ", _short_category(main).lower()).strip()
    if part.startswith("resettlement") or part == "through the gate":
        return "Resettlement"
    if "rar programme" in short:
        if _DA_NAME.search(name):
            return "Domestic abuse"
        if _DRINK_NAME.search(name):
            return "Drugs and alcohol"
        return "Attitudes, thinking and behaviour"
    if short == "other":
        if "mentor" in name.lower():
            return "Mentoring and community support"
        if _RESETTLEMENT_NAME.search(name):
            return "Resettlement"
        return "Other"
    for cue, category in _CATEGORY_CUES:
        if cue in short:
            return category
    return "Other"


_GROUP = re.compile(r"\bgroups?\b", _I)
_SINGLE = re.compile(r"one[- ]to[- ]one|\bindividual", _I)


def _delivery(text: str) -> Delivery | None:
    return delivery_of(_GROUP.search(text) is not None, _SINGLE.search(text) is not None, text)


_COURT = re.compile(r"determined by the courts?", _I)
_SUPPORT = re.compile(r"\bmonths?\b|as and when required|negotiated|hourly", _I)


def _kind(part: str, name: str, duration_text: str) -> Kind:
    if part.startswith("accredited programme"):
        return Kind.ACCREDITED_PROGRAMME
    if part.startswith("resettlement") or part == "through the gate" or "resettlement" in name.lower():
        return Kind.RESETTLEMENT
    if _COURT.search(duration_text):
        return Kind.COURT_REQUIREMENT
    if _SUPPORT.search(duration_text):
        return Kind.SUPPORT_SERVICE
    return Kind.STRUCTURED_INTERVENTION


# Cues that a sentence says who a service is (or is not) for; matched as whole words against the
# sentence lower-cased with punctuation turned into spaces.
_CRITERIA_CUES = (
    "available to both", "available to male", "available to female", "available to men",
    "available to women", "available to all", "open to", "is suitable", "is also suitable",
    "suitable for", "suitability", "appropriate for", "not a substitute", "aimed at male",
    "aimed at female", "aimed at those", "targeted at", "for those demonstrating", "for those who",
    "those with", "for service users who", "meet the criteria", "threshold", "index offence",
    "ogrs", "ovp", "oasys", "rosh", "sara", "sadq", "audit", "male service users",
    "female service users", "females", "males", "for women who", "delivered to women",
    "risk of harm", "medium to high risk", "low to medium risk", "offence linked to",
    "offences linked to", "not directed at",
    # what a programme is aimed at ('aimed at increasing the employability of service users'), and the
    # opening of an MSRP routeway, which names the need its menu of sessions serves
    "aimed at", "sessions selected from a menu of",
)
_CUE = re.compile(" (?:" + "|".join(re.escape(cue) for cue in _CRITERIA_CUES) + r"|aged \d+) ")
_PUNCTUATION = {**PUNCTUATION_TO_SPACE, ord("\u2022"): " "}


def _is_criterion(sentence: str) -> bool:
    """True when the sentence states who the service is or is not for (sex, age, risk scores, ...)."""
    return bool(_CUE.search(padded_words(sentence.lower(), _PUNCTUATION)))


# A heading that names the people a service is for ('Women's Resettlement Programme', 'Gypsy / Traveller
# Domestic Abuse Programme'): when the text under it says nothing of who may take part, the heading is
# the only place the brochure does.
_PEOPLE_HEADING = re.compile(r"\b(?:women|men|female|male|gypsy|travellers?)(?:'s|\u2019s)?\b", _I)
# An NSI sub category that supports a court requirement ('Supporting Drug Rehabilitation Requirement'):
# that option is for someone whose order carries the requirement.
_REQUIREMENT_SUB = re.compile(r"\bRequirement\b")


_CUSTODY_NAME = re.compile(r"\b(?:custody|prison)\b", _I)
_PRISON_IN_NAME = re.compile(r"\bat ((?:[A-Z][a-z]+ )+Prison)\b")
_PROFORMA = re.compile(r"require[sd]? a completed (.+?Pro-?forma)", _I)
_PRICE = re.compile(r"£\s?(\d+(?:\.\d{2})?)")
_CANCEL = re.compile(r"\bcancel", _I)
_AFTER_REGISTRATION = re.compile(r"post registration|after registration", _I)
_DAYS_PRIOR = re.compile(r"(\d+) days prior", _I)
_REGISTRATION_COSTS = re.compile(r"registration costs", _I)
_MORE_SESSIONS = re.compile(r"additional (\d+) sessions may be purchased", _I)
_MORE_BLOCKS = re.compile(r"additional blocks can be purchased", _I)
_GROUP_SIZE = re.compile(r"delivered to (\w+) to (\w+) [\w ]*?service users", _I)
_SUB_SPLIT = re.compile(r"\s*/\s*")


# --------------------------------------------------------------------------- body model


@dataclass
class _Pair:
    main: str
    sub: str
    line: int
    plural: bool = False
    sub_line: int = 0  # the line of the 'NSI Sub Category:' (line is the main category's)


@dataclass
class _Block:
    """One heading with NSI lines, and what was read under it."""

    title: str
    line: int
    end: int
    part: str
    pairs: list[_Pair] = field(default_factory=list)
    prose: list[tuple[int, str]] = field(default_factory=list)  # paragraphs and bullets
    duration: list[tuple[int, str]] = field(default_factory=list)
    delivery: list[tuple[int, str]] = field(default_factory=list)
    outcomes: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _Service:
    key: str
    name: str
    aliases: list[str]
    rar: bool
    blocks: list[_Block]
    pairs: list[_Pair]
    table: list[Criterion] = field(default_factory=list)


# line kinds
_BLANK, _PART, _HEAD, _OUTCOME_HEAD, _NSI_LINE, _FURNITURE, _TEXT = range(7)


# --------------------------------------------------------------------------- parse


def parse(text: str, *, file: str) -> ParsedBrochure:
    """Read the KSS brochure into provider facts and services."""
    doc = Document(text, file=file)
    with only_brochure_errors(file, lambda exc: f"cannot read this KSS brochure ({type(exc).__name__}: {exc})"):
        return _Parser(doc).run()


class _Parser:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.warnings: list[str] = []
        # one pass: every line stripped and classified; index 0 is unused so numbers are 1-based
        self.text = [""] + [line.strip() for line in doc.lines]
        self.kind = [_BLANK] * len(self.text)
        self.title = [""] * len(self.text)
        self.match: dict[int, re.Match[str]] = {}
        for number_ in range(1, len(self.text)):
            line = self.text[number_]
            if not line:
                continue
            first = line[0]
            kind = _TEXT
            if first == "#":
                h1 = _H1.match(line)
                heading = None if h1 else _HEADING.match(line)
                if h1:
                    kind, self.title[number_] = _PART, clean(h1.group(1))
                elif heading:
                    title = clean(heading.group(1))
                    kind = _OUTCOME_HEAD if _OUTCOME.search(title) else _HEAD
                    self.title[number_] = title.rstrip(":").strip()
            elif first == "*" and line.endswith("**"):
                bold = _BOLD_LINE.match(line)
                if bold:
                    title = clean(bold.group(1))
                    kind = _OUTCOME_HEAD if _OUTCOME.search(title) else _HEAD
                    self.title[number_] = title.rstrip(":").strip()
            elif first in "Nn":
                nsi = _NSI.match(line)
                if nsi:
                    kind = _NSI_LINE
                    self.match[number_] = nsi
            elif first == "-" and _RULE.match(line):
                kind = _FURNITURE
            self.kind[number_] = kind
        self.parts = [n for n in range(1, len(self.text)) if self.kind[n] == _PART]
        self.heads = [n for n in range(1, len(self.text)) if self.kind[n] == _HEAD]

    # ---- landmarks

    def _part(self, pattern: re.Pattern[str], after: int = 0) -> int | None:
        return next((n for n in self.parts if n > after and pattern.search(self.title[n])), None)

    def _last_read(self) -> tuple[int, str]:
        line = self.doc.last_text_line()
        if line is None:
            return max(len(self.doc), 1), ""
        return line, self.text[line]

    def _truncated(self, what: str) -> BrochureError:
        line, text = self._last_read()
        shown = text if len(text) <= 70 else text[:67] + "..."
        return self.doc.error(
            line,
            f"the brochure is truncated or incomplete: {what} is missing; the text stops at line {line} ({shown!r})",
        )

    def run(self) -> ParsedBrochure:
        if len(self.text) == 1 or not any(self.text):
            raise self.doc.error(None, "the file is empty")
        title_line = self._part(_TITLE)
        if title_line is None:
            raise self.doc.error(1, "not the KSS layout: no '# Accredited Programmes and Interventions' title")
        process = self._part(_PROCESS, title_line)
        if process is None:
            raise self._truncated("the '# Non Statutory Interventions (NSI) Process' section")
        transfer = next((n for n in self.heads if n > process and _TRANSFER.search(self.title[n])), None)
        if transfer is None:
            raise self._truncated("the '## Transfer Request process' section")
        body = next((n for n in self.parts if n > transfer), None)
        if body is None:
            raise self._truncated("the first part heading of the services after the transfer steps")
        routeways = self._part(_ROUTEWAYS, body)
        if routeways is None:
            raise self._truncated("the '# MSRP Routeways' section after the services")
        criteria = self._part(_CRITERIA, routeways)
        if criteria is None:
            raise self._truncated("the '# Accredited Programme Criteria' table")
        valid = next((n for n in range(len(self.text) - 1, criteria, -1) if _VALID.match(self.text[n])), None)
        if valid is None:
            raise self._truncated("the closing 'Information correct at dd/mm/yyyy' line")

        provider = self._provider(title_line, process, transfer, body, valid)
        contents = self._contents(title_line, process)
        blocks = self._blocks(body, routeways - 1)
        services = self._services(blocks)
        self._criteria_table(criteria, valid, services)
        self._check_contents(contents, body, routeways - 1)
        built = [self._finish(service) for service in services.values()]
        return ParsedBrochure(parser=NAME, provider=provider, services=built, warnings=self.warnings)

    # ---- provider

    def _provider(self, title_line: int, process: int, transfer: int, body: int, valid: int) -> ProviderData:
        doc, lines = self.doc, self.text
        head = "\n".join(lines[1:body])
        long_name = _LONG_NAME.search(head)
        if long_name is None:
            raise doc.error(title_line, "no '<areas> Community Rehabilitation Company' name in the text")
        area_text = long_name.group(1)
        areas = split_list(area_text)
        codes = _CODE.findall(head)
        if not codes:
            raise doc.error(title_line, "no provider code ('XXX CRC') in the text")
        code = max(sorted(set(codes)), key=codes.count)
        name = f"{area_text} CRC"

        email = _MAILTO.search(head) or _EMAIL.search(head)

        nsi_provider = None
        steps: list[str] = []
        for number_ in range(process, transfer):
            step = _NUMBERED_STEP.match(lines[number_])
            if not step:
                continue
            steps.append(clean(step.group(1)))
            found = _NSI_PROVIDER.search(lines[number_])
            if found and nsi_provider is None:
                nsi_provider = clean_value(found.group(1))
        if nsi_provider is None:
            raise doc.error(process, "the NSI process steps do not name the 'NSI Provider'")

        team = officer = reason = transfer_provider = None
        for number_ in range(transfer + 1, body):
            lettered = _LETTERED_STEP.match(lines[number_])
            if not lettered:
                continue
            step = clean(lettered.group(1))
            if steps and _LOWER_START.match(step) and not _OPEN_END.search(steps[-1]):
                steps[-1] = f"{steps[-1]} {step}"  # 'a. ... You will now be' + 'b. presented with ...'
            else:
                steps.append(step)
            value = _STEP_VALUE.match(step)
            if value:
                found_value = clean_value(value.group(2))
                if value.group(1) == "Provider":
                    transfer_provider = found_value
                elif value.group(1) == "Team":
                    team = found_value
                else:
                    officer = found_value
            why = _REASON.search(step)
            if why:
                reason = clean_value(why.group(1))
        if transfer_provider is None or reason is None:
            raise doc.error(transfer, "the transfer steps do not give the provider to transfer to and the reason")

        contact = None
        offices: list[str] = []
        tail = range(max(valid - 20, body), valid)
        start = next((n for n in tail if clean(lines[n]) == name), None)
        if start is None:
            self.warnings.append(f"the address block does not name '{name}'")
        else:
            address = []
            for number_ in range(start + 1, valid):
                if not lines[number_]:
                    break
                address.append(clean(lines[number_]).rstrip(","))
            phone = next((m.group(0) for n in tail if (m := _PHONE.match(lines[n]))), None)
            contact = ", ".join(address) + (f"; {phone}" if phone else "")
            offices = address[:1]  # 'Maidstone Corporate Centre'

        match = _VALID.match(lines[valid])
        try:
            valid_from: dt.date | None = dt.date(int(match.group(4)), int(match.group(3)), int(match.group(2)))
        except ValueError:
            valid_from = None
            self.warnings.append(f"line {valid}: the date '{match.group(1)}' is not a real date")

        return ProviderData(
            code=code,
            name=name,
            areas=areas,
            hub_email=email.group(1) if email else None,
            contact=contact,
            brochure_title=self.title[title_line],
            brochure_kind="programme brochure",
            brochure_file=doc.file,
            valid_from=valid_from,
            valid_text=clean(match.group(1)),
            nsi_provider_name=nsi_provider,
            offices=offices,
            transfer=TransferInstructions(
                provider=transfer_provider, team=team, officer=officer, reason=reason, steps=steps
            ),
        )

    # ---- contents

    def _contents(self, title_line: int, process: int) -> list[tuple[int, str]]:
        start = next((n for n in self.parts if title_line < n < process and _CONTENTS.match(self.title[n])), None)
        if start is None:
            self.warnings.append("no '# Contents' section")
            return []
        entries = []
        for number_ in range(start + 1, process):
            if self.kind[number_] == _PART:
                break
            raw = self.doc.line(number_)
            if "\t" in raw:
                entry = _strip_tags(raw.split("\t")[0])
                if entry:
                    entries.append((number_, entry))
        return entries

    def _check_contents(self, contents: list[tuple[int, str]], start: int, end: int) -> None:
        printed = set()
        for number_ in range(start, end + 1):
            if self.kind[number_] in (_PART, _HEAD):
                title = self.title[number_]
                printed.add(slugify(title))
                printed.add(slugify(_ACRONYM.sub("", title)))
        printed |= {key.removesuffix("s") for key in printed}
        for number_, entry in contents:
            key = slugify(entry)
            if key in {"introduction", "msrp-routeways", "accredited-programme-criteria"} or "process" in key:
                continue
            if key not in printed and key.removesuffix("s") not in printed:
                self.warnings.append(f"contents line {number_}: '{entry}' has no matching heading in the body")

    # ---- body

    def _blocks(self, start: int, end: int) -> list[_Block]:
        heads = [n for n in self.heads if start <= n <= end]
        first_head = heads[0] if heads else end + 1
        for number_ in range(start, first_head):
            if self.kind[number_] == _NSI_LINE:
                raise self.doc.error(number_, "an NSI category line comes before any service heading")
        blocks = []
        for index, line in enumerate(heads):
            last = heads[index + 1] - 1 if index + 1 < len(heads) else end
            part = next((self.title[n].lower() for n in reversed(self.parts) if n < line), "")
            block = self._read_block(line, last, part)
            if block is not None:
                blocks.append(block)
        if not blocks:
            raise self.doc.error(start, "no services (headings with 'NSI Main Category:' lines) were found")
        return blocks

    def _read_block(self, line: int, last: int, part: str) -> _Block | None:
        doc, lines, kinds = self.doc, self.text, self.kind
        title = self.title[line]
        block = _Block(title=title, line=line, end=line, part=part)
        mode = "prose"
        duration_shape: str | None = None  # 'list' when the duration is a list of items
        pending: _Pair | None = None
        previous_nsi = False
        for number_ in range(line + 1, last + 1):
            kind, text = kinds[number_], lines[number_]
            if kind in (_BLANK, _PART, _FURNITURE):
                previous_nsi = False
                continue
            block.end = number_
            if kind == _NSI_LINE:
                nsi = self.match[number_]
                which, plural, value = nsi.group(1).lower(), nsi.group(2).lower() == "ies", clean_value(nsi.group(3))
                if not value:
                    raise doc.error(number_, f"'{title}': the NSI {which} category is empty")
                if which == "main":
                    if pending is not None:
                        raise doc.error(pending.line, f"'{title}': 'NSI Main Category' has no 'NSI Sub Category'")
                    described = block.prose or block.duration or block.delivery or block.outcomes
                    if described:
                        # NSI lines come straight after their heading: more of them after the text
                        # mean a service whose heading was lost, and would make it options of this one
                        raise doc.error(
                            number_,
                            f"an 'NSI Main Category:' line after the text of '{title}' (from line "
                            f"{described[0][0]}); the heading of the service it belongs to is missing",
                        )
                    pending = _Pair(main=value, sub="", line=number_)
                else:
                    if pending is None:
                        raise doc.error(
                            number_, f"'{title}': 'NSI Sub Category' without an 'NSI Main Category:' line before it"
                        )
                    pending.sub, pending.plural, pending.sub_line = value, plural, number_
                    block.pairs.append(pending)
                    pending = None
                previous_nsi, mode = True, "prose"
                continue
            if previous_nsi and pending is None and kind == _TEXT:
                before = doc.line(number_ - 1)
                if before.rstrip().endswith("/") or before.endswith("  "):
                    # a sub type wrapped onto the next line ('... 12 Month Support/' + 'Mentoring - 18 ...')
                    block.pairs[-1].sub = clean_value(f"{block.pairs[-1].sub} {text}")
                    continue
            previous_nsi = False
            if kind == _OUTCOME_HEAD:
                mode = "outcome"
                continue
            if mode != "outcome":
                duration = _DURATION.match(text)
                if duration:
                    mode, duration_shape = "duration", None
                    if duration.group(1).strip():
                        value = duration.group(1).strip()
                        block.duration.append((number_, value))
                        duration_shape = "list" if _TIMES_ITEM.match(value) else "line"
                        mode = "duration" if duration_shape == "list" else "prose"
                    continue
                delivery = _DELIVERY.match(text)
                if delivery:
                    mode = "delivery"
                    if delivery.group(1).strip():
                        block.delivery.append((number_, delivery.group(1).strip()))
                        mode = "prose"
                    continue
            if mode == "duration":
                item = bool(_BULLET.match(text) or _TIMES_ITEM.match(text))
                if duration_shape is None:
                    block.duration.append((number_, text))
                    duration_shape = "list" if item else "line"
                    if not item:
                        mode = "prose"
                    continue
                if item:
                    block.duration.append((number_, text))
                    continue
                mode = "prose"
            if mode == "delivery":
                block.delivery.append((number_, text))
                mode = "prose"
                continue
            if mode == "outcome":
                block.outcomes.append((number_, text))
                continue
            block.prose.append((number_, text))
        if pending is not None:
            raise doc.error(pending.line, f"'{title}': 'NSI Main Category' has no 'NSI Sub Category'")
        if not block.pairs:
            found = block.duration or block.delivery or block.outcomes
            if found:
                raise doc.error(
                    line,
                    f"'{title}' is described as a service (see line {found[0][0]}) but has no "
                    "'NSI Main Category:' line",
                )
            if block.prose:
                self.warnings.append(f"line {line}: text under heading '{title}' without NSI lines was skipped")
            return None
        return block

    # ---- services

    def _services(self, blocks: list[_Block]) -> dict[str, _Service]:
        services: dict[str, _Service] = {}
        for block in blocks:
            # however many NSI pairs a heading prints, they are the options of the one service it names
            self._add(services, block.title, block, block.pairs)
        return services

    def _add(self, services: dict[str, _Service], heading: str, block: _Block, pairs: list[_Pair]) -> None:
        name, aliases, rar = _name(heading)
        key = slugify(name)
        if not key:
            raise self.doc.error(block.line, f"the heading '{heading}' gives no usable service name")
        existing = services.get(key)
        if existing is None:
            services[key] = _Service(key=key, name=name, aliases=aliases, rar=rar, blocks=[block], pairs=list(pairs))
            return
        same = [t for _, t in existing.blocks[0].prose] == [t for _, t in block.prose]
        self.warnings.append(
            f"'{name}' is printed twice (lines {existing.blocks[0].line} and {block.line})"
            + ("" if same else " with different text")
            + "; merged into one service"
        )
        existing.blocks.append(block)
        existing.pairs.extend(pairs)
        existing.rar = existing.rar or rar
        existing.aliases.extend(alias for alias in aliases if alias not in existing.aliases)

    # ---- criteria table

    def _criteria_table(self, start: int, end: int, services: dict[str, _Service]) -> None:
        rows = 0
        exclusions = 2  # the column of exclusions, read from each header row
        for number_ in range(start + 1, end):
            raw = self.doc.line(number_)
            if "\t" not in raw:
                continue
            cells = raw.split("\t")
            programme = _strip_tags(cells[0])
            if not programme or programme.lower() == "accredited programmes":
                header = [_strip_tags(cell).lower() for cell in cells]
                exclusions = next((i for i, cell in enumerate(header) if cell.startswith("exclusion")), exclusions)
                continue
            rows += 1
            name, aliases, _ = _name(programme)
            service = services.get(slugify(name))
            if service is None:
                wanted = {alias.lower() for alias in aliases}
                service = next((s for s in services.values() if wanted & {a.lower() for a in s.aliases}), None)
            if service is None:
                self.warnings.append(
                    f"line {number_}: criteria row '{programme}' matches no programme described earlier; skipped"
                )
                continue
            service.aliases.extend(alias for alias in aliases if alias not in service.aliases)
            for index, cell in enumerate(cells[1:], 1):
                for text, paragraph in _cell_items(cell):
                    # list items of the Exclusions column are labelled so they do not read as requirements
                    label = "Exclusion: " if index == exclusions and not paragraph else ""
                    service.table.append(Criterion(text=label + text, line=number_))
        if rows == 0:
            self.warnings.append(f"line {start}: the accredited programme criteria table has no rows")

    # ---- build

    def _finish(self, service: _Service) -> ServiceData:
        blocks = service.blocks
        first = blocks[0]
        name = service.name
        review: list[str] = []

        prose = [item for block in blocks for item in block.prose]
        whole_prose = " ".join(text for _, text in prose)
        paragraphs = _paragraphs(first.prose)
        all_text = " ".join(text for _, text in prose + first.duration + first.delivery + first.outcomes).lower()

        duration_text = "; ".join(clean(text.lstrip("-*\u2022 ")) for _, text in first.duration) or None
        headline = next(
            (m for p in paragraphs if " session" in p.text and (m := _HEADLINE.search(p.text))), None
        )
        headline_count = int(_word_number(headline.group(1)) or 0) or None if headline else None
        duration = _read_duration(duration_text or "", headline_count)
        review.extend(duration.notes)

        # NSI: main categories, sub types, orderable units
        mains = list(dict.fromkeys(pair.main for pair in service.pairs))
        units: list[tuple[str, str]] = []
        for pair in service.pairs:
            subs = [pair.sub]
            if pair.plural and "/" in pair.sub:
                pieces = [clean_value(piece) for piece in _SUB_SPLIT.split(pair.sub)]
                if len(pieces) > 1 and all(len(piece.split()) >= 2 for piece in pieces):
                    subs = pieces
            units.extend((pair.main, sub) for sub in subs)
        subtypes = list(dict.fromkeys(sub for _, sub in units))

        categories = {_category(main, name, first.part) for main in mains}
        category = next(iter(categories)) if len(categories) == 1 else "Other"
        if len(categories) > 1:
            review.append("printed under NSI main categories of different kinds; category set to Other")

        kind = _kind(first.part, name, duration_text or "")
        delivery_text = " ".join(text for _, text in first.delivery)
        delivery = _delivery(delivery_text) if delivery_text else None
        if delivery is None:
            delivery = _delivery(" ".join(text for _, text in first.prose + first.duration))
        if delivery is None:
            review.append("the delivery model (group or one-to-one) is not printed")

        setting = Setting.COMMUNITY
        if "through the gate" in name.lower() or "through the gate" in all_text:
            setting = Setting.THROUGH_THE_GATE
        elif _CUSTODY_NAME.search(name):
            setting = Setting.CUSTODY
        elif kind is Kind.RESETTLEMENT:
            setting = Setting.CUSTODY
            review.append(
                "setting read as custody (a pre-release resettlement service); the text does not say where it runs"
            )

        rar = service.rar or any("rar programme" in main.lower() for main in mains)

        criteria: list[Criterion] = []
        seen: set[str] = set()
        for block in blocks:
            for paragraph in _paragraphs(block.prose):
                for sentence, at in _sentences(paragraph):
                    if _is_criterion(sentence):
                        text = clean(sentence)
                        if text not in seen:
                            seen.add(text)
                            criteria.append(Criterion(text=text, line=at))
        if not criteria and _PEOPLE_HEADING.search(first.title):
            criteria.append(Criterion(text=clean(first.title), line=first.line))
        for pair in service.pairs:
            if _REQUIREMENT_SUB.search(pair.sub):
                criteria.append(Criterion(text=f"NSI Sub Category: {pair.sub}", line=pair.sub_line))
        criteria.extend(service.table)

        highlights: list[str] = []
        for block in blocks:
            lead = ""
            for _, text in block.outcomes:
                bullet = _BULLET.match(text)
                item = clean(bullet.group(1) if bullet else text)
                if not bullet and item.endswith(":"):
                    lead = item  # 'On release:' / 'Post release:' label the bullets after them
                    continue
                if bullet and lead:
                    item = f"{lead} {item}"
                elif not bullet:
                    lead = ""
                if item and item not in highlights:
                    highlights.append(item)

        prerequisites = self._prerequisites(whole_prose, duration_text or "", review)
        charges = self._charges(paragraphs, whole_prose, duration_text or "", review)

        notes: list[str] = []
        if len(mains) > 1:
            notes.append(
                "Add the NSI under the main category of the option ordered: "
                + "; ".join(f"{main} / {sub}" for main, sub in units)
                + "."
            )
        more = _MORE_SESSIONS.search(whole_prose) if "purchased" in whole_prose else None
        if more:
            notes.append(f"After the first block a further {more.group(1)} sessions can be bought with a new NSI.")
        if "purchased" in f"{duration_text} {whole_prose}" and _MORE_BLOCKS.search(f"{duration_text} {whole_prose}"):
            notes.append("Further blocks can be bought for the same person.")
        if not rar and any(not main.endswith("KSS") for main in mains):
            review.append("the printed NSI main category lacks the 'KSS' suffix the other elective categories carry")

        group_size = _GROUP_SIZE.search(whole_prose) if "delivered to" in whole_prose else None
        top = _word_number(group_size.group(2)) if group_size else None

        start = min(block.line for block in blocks)
        end = max(block.end for block in blocks)
        return ServiceData(
            key=service.key,
            name=name,
            aliases=service.aliases,
            kind=kind,
            category=category,
            highlights=highlights,
            delivery=delivery,
            setting=setting,
            rar_usable=True if rar else None,
            licence_usable=True if "licence" in all_text or "license" in all_text else None,
            areas=[],
            locations=[clean(m.group(1)) for m in _PRISON_IN_NAME.finditer(name)],
            nsi_category=mains[0],
            nsi_subtypes=subtypes,
            request_notes=" ".join(notes) or None,
            prerequisites=prerequisites,
            charges=charges,
            criteria_text=criteria,
            sessions=duration.sessions,
            session_minutes=duration.session_minutes,
            total_hours=duration.total_hours,
            max_participants=int(top) if top else None,
            duration_text=duration_text,
            options=self._options(units, subtypes, kind, duration, duration_text),
            source=SourceRef(file=self.doc.file, lines=(start, end)),
            review_notes=review,
        )

    @staticmethod
    def _prerequisites(whole_prose: str, duration_text: str, review: list[str]) -> list[Prerequisite]:
        proforma = _PROFORMA.search(whole_prose)
        if not proforma:
            return []
        modules = _MAX_MODULES.search(duration_text)
        sessions = _UP_TO_SESSIONS.search(duration_text)
        max_modules = int(_word_number(modules.group(1)) or 0) or None if modules else None
        max_sessions = int(_word_number(sessions.group(1)) or 0) or None if sessions else None
        limits = [f"{max_modules} modules" if max_modules else "", f"{max_sessions} sessions" if max_sessions else ""]
        limit = " and ".join(text for text in limits if text)
        if not (max_modules and max_sessions):
            review.append("the pro-forma limits (modules, sessions) could not be read from the duration")
        return [
            Prerequisite(
                text=f"Fill in the {clean(proforma.group(1))} with the chosen sessions and upload it to the NSI; "
                "the CRC will not accept the transfer without it."
                + (f" It can cover at most {limit}." if limit else ""),
                mandatory=True,
                max_modules=max_modules,
                max_sessions=max_sessions,
            )
        ]

    @staticmethod
    def _charges(
        paragraphs: list[Joined], whole_prose: str, duration_text: str, review: list[str]
    ) -> list[Charge]:
        charges: list[Charge] = []
        for paragraph in paragraphs:
            if "£" not in paragraph.text:
                continue
            for sentence, _ in _sentences(paragraph):
                price = _PRICE.search(sentence)
                if not price:
                    continue
                when = "the referral is cancelled"
                if _CANCEL.search(sentence) and _AFTER_REGISTRATION.search(sentence):
                    when = "the referral is cancelled after registration"
                    days = _DAYS_PRIOR.search(whole_prose)
                    if days:
                        when += f" (registration is made {days.group(1)} days before the course)"
                elif not _CANCEL.search(sentence):
                    when = "see the brochure"
                    review.append(f"a charge of £{price.group(1)} is printed without a clear condition")
                what = "registration costs" if _REGISTRATION_COSTS.search(sentence) else "a fee"
                charges.append(
                    Charge(
                        description=f"Cancellation charge covering {what}",
                        amount_pence=round(float(price.group(1)) * 100),
                        applies_when=when,
                    )
                )
        if not charges and "charge" in f"{whole_prose} {duration_text}".lower():
            review.append("the text speaks of a charge (an hourly rate with a one-hour minimum) but prints no amount")
        return charges

    @staticmethod
    def _options(
        units: list[tuple[str, str]],
        subtypes: list[str],
        kind: Kind,
        duration: _Duration,
        duration_text: str | None,
    ) -> list[OptionData]:
        options: list[OptionData] = []
        keys: set[str] = set()
        # A sub type printed under several main categories is told apart by the category; the keys
        # stay those of the options before each carried its category, as referrals point at them.
        repeated_subs = {sub for sub in subtypes if sum(1 for _, other in units if other == sub) > 1}
        for main, sub in units:
            by_main = sub in repeated_subs
            label = f"{sub} ({_short_category(main)})" if by_main else sub
            key = base = slugify(_short_category(main) if by_main else sub)
            counter = 2
            while key in keys:
                key, counter = f"{base}-{counter}", counter + 1
            keys.add(key)
            months = _MONTHS.search(sub)
            if "msrp" in sub.lower():
                level = Level.MODULE
            elif months or (duration.total_hours is not None and duration.sessions is None):
                level = Level.BLOCK  # a span of time or a number of hours
            elif duration.sessions is None and kind is Kind.SUPPORT_SERVICE:
                level = Level.BLOCK
            else:
                level = Level.PROGRAMME
            if months and len(units) > 1:  # 'Mentoring - 6 Month Support' etc.
                options.append(
                    OptionData(
                        key=key,
                        name=label,
                        nsi_category=main,
                        nsi_subtype=sub,
                        level=level,
                        duration_text=f"{months.group(1)} months",
                    )
                )
                continue
            options.append(
                OptionData(
                    key=key,
                    name=label,
                    nsi_category=main,
                    nsi_subtype=sub,
                    level=level,
                    sessions=duration.sessions,
                    session_minutes=duration.session_minutes,
                    hours=duration.total_hours,
                    hours_up_to=bool(duration.up_to and duration.total_hours is not None),
                    duration_text=duration_text,
                )
            )
        return options
