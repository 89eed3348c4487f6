"""Shared parser tools: numbered lines, sections, clean text, sentences, numbers, durations, delivery, NSI sub types."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from text_to_num import text2num

from ratecard.catalogue.schemas import Delivery


class BrochureError(Exception):
    """A brochure that cannot be imported: names the file and the line where reading stopped."""

    def __init__(self, file: str, line: int | None, message: str) -> None:
        self.file = file
        self.line = line
        self.message = message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}")


@contextmanager
def only_brochure_errors(
    file: str, message: Callable[[Exception], str], catch: tuple[type[Exception], ...] = (Exception,)
) -> Iterator[None]:
    """Re-raise a `catch` exception from the block as a BrochureError for `file` worded by `message`."""
    # bad text must surface as a BrochureError naming the file, never as a crash of the import
    try:
        yield
    except BrochureError:
        raise
    except catch as exc:
        raise BrochureError(file, None, message(exc)) from exc


@dataclass(frozen=True)
class Section:
    """A titled run of lines; start and end are 1-based and inclusive."""

    title: str
    start: int
    end: int


class Document:
    """A brochure's text as numbered lines (1-based, as an editor shows them)."""

    def __init__(self, text: str, *, file: str) -> None:
        self.file = file
        self.lines = text.splitlines()

    def __len__(self) -> int:
        return len(self.lines)

    def line(self, number: int) -> str:
        """The text of 1-based line `number`."""
        return self.lines[number - 1]

    def numbered(self, start: int = 1, end: int | None = None) -> Iterator[tuple[int, str]]:
        """Yield (number, text) for lines start..end inclusive."""
        end = len(self.lines) if end is None else end
        for number in range(start, end + 1):
            yield number, self.lines[number - 1]

    def find(self, pattern: str | re.Pattern[str], start: int = 1, end: int | None = None) -> int | None:
        """The number of the first line in start..end matching `pattern`, or None."""
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        for number, text in self.numbered(start, end):
            if regex.search(text):
                return number
        return None

    def sections(
        self, heading: str | re.Pattern[str], start: int = 1, end: int | None = None, *, prefix: str = ""
    ) -> list[Section]:
        """Split start..end at lines that start with `prefix` and match `heading`; group 1 (or the line) titles."""
        regex = re.compile(heading) if isinstance(heading, str) else heading
        end = len(self.lines) if end is None else end
        found: list[tuple[int, str]] = []
        for number, text in self.numbered(start, end):
            # a cheap prefix test first: most lines of a long section are not headings
            if not text.startswith(prefix):
                continue
            match = regex.search(text)
            if match:
                title = match.group(1) if match.groups() else text
                found.append((number, clean(title)))
        result = []
        for index, (number, title) in enumerate(found):
            last = found[index + 1][0] - 1 if index + 1 < len(found) else end
            result.append(Section(title=title, start=number, end=last))
        return result

    def text(self, start: int, end: int) -> str:
        """Lines start..end joined with newlines."""
        return "\n".join(self.lines[start - 1 : end])

    def last_text_line(self, start: int = 1, end: int | None = None) -> int | None:
        """The number of the last non-blank line in start..end, or None."""
        end = len(self.lines) if end is None else end
        for number in range(end, start - 1, -1):
            if self.lines[number - 1].strip():
                return number
        return None

    def last_line_read(self) -> tuple[int, str]:
        """The last non-blank line's number and its first 60 characters cleaned: where a truncated text stops."""
        number = self.last_text_line()
        if number is None:
            return 1, ""
        return number, clean(self.line(number))[:60]

    def error(self, line: int | None, message: str) -> BrochureError:
        """A BrochureError for this file."""
        return BrochureError(self.file, line, message)


@dataclass
class Joined:
    """Numbered pieces of text joined into one string, remembering the line each piece starts on."""

    text: str
    starts: list[int]  # offset of each piece in text, ascending
    lines: list[int]  # the line number of each piece

    @classmethod
    def of(cls, pieces: Iterable[tuple[int, str]], separator: str = " ") -> Joined:
        """Join (line number, text) pieces with `separator`."""
        texts: list[str] = []
        starts: list[int] = []
        lines: list[int] = []
        position = 0
        for line, text in pieces:
            starts.append(position)
            lines.append(line)
            texts.append(text)
            position += len(text) + len(separator)
        return cls(separator.join(texts), starts, lines)

    def line_at(self, offset: int) -> int:
        """The line of the piece that holds character `offset` of the text."""
        if not self.lines:
            return 1
        return self.lines[max(bisect_right(self.starts, offset) - 1, 0)]

    def sentences(
        self, breaks: re.Pattern[str], skip: Callable[[re.Match[str]], bool] | None = None
    ) -> list[tuple[str, int]]:
        """The text's sentences (see split_sentences), each with the line it starts on."""
        return [(sentence, self.line_at(offset)) for offset, sentence in split_sentences(self.text, breaks, skip)]


def split_sentences(
    text: str, breaks: re.Pattern[str], skip: Callable[[re.Match[str]], bool] | None = None
) -> list[tuple[int, str]]:
    """(start offset, sentence): the stripped, non-blank stretches of `text` between the `breaks` not skipped."""
    spans: list[tuple[int, int]] = []
    position = 0
    for match in breaks.finditer(text):
        if skip is not None and skip(match):
            continue
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, len(text)))
    found: list[tuple[int, str]] = []
    for start, end in spans:
        piece = text[start:end]
        sentence = piece.strip()
        if sentence:
            found.append((start + len(piece) - len(piece.lstrip()), sentence))
    return found


_MARKUP = re.compile(r"\*\*|__|</?b>|</?strong>|</?em>|</?i>")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_SPACE = re.compile(r"\s+")


def clean(text: str) -> str:
    """Text without markdown/HTML emphasis or links, single-spaced, trimmed (trailing full stop kept)."""
    # Parsers clean nearly every line and few lines hold markup or odd spacing, so those skip the regexes. Every
    # whitespace character but ' ' is unprintable: a printable text without '  ' needs no re-spacing.
    if "*" in text or "_" in text or "<" in text or "[" in text:
        text = _LINK.sub(r"\1", text)
        text = _MARKUP.sub("", text)
        return _SPACE.sub(" ", text).strip()
    text = text.strip()
    if "  " in text or not text.isprintable():
        return " ".join(text.split())
    return text


def clean_value(text: str) -> str:
    """A printed value (NSI category, sub type) without markup, edge spaces or a trailing full stop/semicolon."""
    return clean(text).rstrip(" .;:,").strip()


_LIST_SEPARATOR = re.compile(r",\s*|\s+and\s+")


def split_list(text: str) -> list[str]:
    """'Kent, Surrey and Sussex' -> ['Kent', 'Surrey', 'Sussex']."""
    return [part.strip() for part in _LIST_SEPARATOR.split(text) if part.strip()]


PUNCTUATION_TO_SPACE = str.maketrans(
    dict.fromkeys("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\u2013\u2014\u2018\u2019\u201c\u201d", " ")
)


def padded_words(text: str, table: dict[int, str] = PUNCTUATION_TO_SPACE) -> str:
    """The words of `text`, punctuation (per `table`) read as space, single-spaced and padded: ' one to one '."""
    # padded, a phrase is found as whole words by a plain `in`, far quicker than a regex of word boundaries
    return " " + " ".join(text.translate(table).split()) + " "


def repeated(values: Iterable[str]) -> list[str]:
    """The values that occur more than once, sorted."""
    return sorted(value for value, count in Counter(values).items() if count > 1)


# Over lower-cased text. Ways of writing one-to-one work, and of naming group work.
_ONE = (
    r"(?:one[- ]to[- ]one|on-to-one|\b1\s*[:;]\s*1\b|\b1-2-1\b|\b121\b"
    r"|\bindividual(?:ly\b|\s+(?:sessions?|placements?|basis|work|support)\b))"
)
_GROUP_WORD = r"\bgroup(?:s|work|[- ]work|[- ]based)?\b"
_ONE_TO_ONE_MENTION = re.compile(_ONE)
# One-to-one work offered as another way to take the service: 'in groups or on a 1;1 basis', 'group or one to one
# work', 'also available on a 1-2-1 basis', 'could be delivered on a one to one', 'designed to be flexible and can
# be delivered in groups, one-to-one ...'.
_EITHER_WAY = re.compile(
    rf"{_GROUP_WORD}(?:[\s,]+[\w;:'-]+){{0,3}}?\s+or\s+(?:[\w;:'-]+\s+){{0,3}}?{_ONE}"
    rf"|{_ONE}(?:[\s,]+[\w;:'-]+){{0,3}}?\s+or\s+(?:[\w;:'-]+\s+){{0,3}}?{_GROUP_WORD}"
    rf"|\b(?:also|can|could|may)\b(?:\s+[\w-]+){{0,3}}?\s+(?:delivered|available|offered|run)\s+"
    rf"(?:(?:on|as|in|through)\s+)?(?:an?\s+)?{_ONE}"
    r"|\bflexib\w*\b[^.]*?\bdeliver"
)
# A one-to-one mention that is a session of the programme: 'one-to-one sessions', 'a one to one goals planning
# session', 'an initial one-to-one assessment' (what follows it), or any mention in a sentence about the pre- or
# post-group sessions ('Pre group session: ... (one to one)', 'pre group one-to-one').
_NAMES_A_SESSION = re.compile(r"\s*(?:[\w-]+\s+){0,3}?(?:sessions?|assessment|three[- ]way)\b")
_PRE_OR_POST = re.compile(r"\b(?:pre|post)[- ]?(?:group|programme)\b")
# A sentence that sends some people elsewhere ('not accepted onto this group, the one to one ... service should be
# used as an alternative intervention') speaks of another service's delivery, not of this one's.
_ELSEWHERE = re.compile(r"\bnot (?:be )?(?:accepted|suitable)\b|\bunsuitable\b|\balternative intervention\b")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n")


def one_to_one_only_in_sessions(text: str) -> bool:
    """True when every one-to-one mention of `text` is a session of its programme (pre-group, review, three-way).

    False when the text offers one-to-one work as another way to take the service, speaks of one-to-one work
    that is no session (support, placements, a basis of delivery), or mentions no one-to-one work it recognises.
    """
    text = text.lower()
    if _EITHER_WAY.search(text):
        return False
    found = False
    for sentence in _SENTENCE.split(text):
        if _ELSEWHERE.search(sentence):
            continue
        around_sessions = _PRE_OR_POST.search(sentence) is not None
        for mention in _ONE_TO_ONE_MENTION.finditer(sentence):
            if not (
                around_sessions
                or mention.group(0).startswith("individual session")
                or _NAMES_A_SESSION.match(sentence, mention.end())
            ):
                return False
            found = True
    return found


def delivery_of(group: bool, one_to_one: bool, text: str | None = None) -> Delivery | None:
    """How a service is delivered, from whether its `text` speaks of group and of one-to-one work (None: neither).

    `both` means a person can be offered either, so a group programme whose only one-to-one work is its own
    sessions (an individual pre-group session, reviews, a three-way) is `group`. That needs the text: a caller
    that gives none gets `both` whenever the text speaks of both.
    """
    if group and one_to_one:
        if text is not None and one_to_one_only_in_sessions(text):
            return Delivery.GROUP
        return Delivery.BOTH
    if group:
        return Delivery.GROUP
    if one_to_one:
        return Delivery.ONE_TO_ONE
    return None


def slugify(text: str) -> str:
    """A lower-case, hyphenated key from a name: 'Women's Group Programme' -> 'womens-group-programme'."""
    text = text.lower().replace("&", " and ").replace("'", "").replace("\u2019", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


@dataclass(frozen=True)
class Duration:
    """Numbers read from a printed duration; any may be unknown."""

    sessions: int | None = None
    session_minutes: int | None = None
    total_hours: float | None = None
    up_to: bool = False


# The words of the numbers 1-100. Parsers splice NUMBER into their own patterns, so the words are found by regex;
# their values come from text2num (a maintained parser of number words), so no hand-kept table of values can
# drift from the words the regex finds.
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_TEENS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_NOT_A_COUNT = r"(?![- ]to[- ]one\b)(?<!\bone[- ]to[- ]one)"  # neither 'one' of 'one-to-one' counts anything
_UNIT_AFTER = rf"(?:-|\s+)(?:{_UNITS})(?![A-Za-z]){_NOT_A_COUNT}"  # the unit of 'twenty-four' / 'twenty four'
# Whole words only: letters on either side ('often', 'none', 'seventeen' as 'seven') are no number. A tens word
# alone may not stand before a unit, so that no pattern can backtrack to read 'twenty-four' as 20 and '-four'.
NUMBER_WORDS = (
    rf"(?<![A-Za-z])(?:one(?:-|\s+)hundred\b|(?:{_TENS})(?:{_UNIT_AFTER}|(?!{_UNIT_AFTER})(?![A-Za-z]))"
    rf"|(?:{_TEENS}|{_UNITS})(?![A-Za-z])(?!(?:-|\s+)hundred\b){_NOT_A_COUNT})"
)
NUMBER = r"\d+(?:\.\d+)?|" + NUMBER_WORDS
_NUM = f"({NUMBER})"
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_WORDS_ONLY = re.compile(NUMBER_WORDS, re.IGNORECASE)


def number(text: str) -> float:
    """'12' -> 12.0, 'Twelve' -> 12.0, 'twenty-four' -> 24.0, '2.5' -> 2.5; ValueError for anything else."""
    text = text.strip()
    if _DIGITS.fullmatch(text):
        return float(text)
    # Only what NUMBER finds is a number here: text2num alone would also read 'thousand' or 'zero'.
    if not _WORDS_ONLY.fullmatch(text):
        raise ValueError(f"not a number from 1 to 100: {text!r}")
    return float(text2num(" ".join(text.lower().split()), "en"))


def whole(value: float) -> int | float:
    """12.0 -> 12; 2.5 stays 2.5."""
    return int(value) if value == int(value) else value


def parse_duration(text: str) -> Duration:
    """Read sessions, minutes per session and total hours from phrases like '7 x 2.5 hour sessions'.

    Understands 'N x M hour(s)/minute(s)', 'N sessions x up to M hours', 'N (group) sessions of M
    hours', 'up to N hours', 'N hours'. Leaves unknown what the text does not say.
    """
    flat = clean(text).lower().replace("\u00d7", "x")
    up_to = "up to" in flat
    per = re.search(
        _NUM + r"\s*(?:[a-z-]+\s+){0,3}?(?:sessions?)?\s*(?:x|of|at)\s*(?:up to\s*)?" + _NUM
        + r"\s*(hours?|hrs?|minutes?|mins?)",
        flat,
    )
    if per:
        count = number(per.group(1))
        length = number(per.group(2))
        minutes = length if per.group(3).startswith("m") else length * 60
        return Duration(
            sessions=int(count),
            session_minutes=int(minutes),
            total_hours=whole(count * minutes / 60),
            up_to=up_to,
        )
    sessions = re.search(_NUM + r"\s*(?:[a-z-]+\s+){0,2}?sessions?", flat)
    hours = re.search(_NUM + r"\s*(hours?|hrs?)\b", flat)
    return Duration(
        sessions=int(number(sessions.group(1))) if sessions else None,
        total_hours=whole(number(hours.group(1))) if hours else None,
        up_to=up_to,
    )


_LEVELS = re.compile(r"\b(Low|Medium|High)\s*/\s*(Medium|High)(?:\s*/\s*(High))?\b", re.IGNORECASE)


def expand_levels(subtype: str) -> list[str]:
    """'Accommodation Support Low / Medium / High Intensity' -> the three sub types as nDelius lists them."""
    match = _LEVELS.search(subtype)
    if not match:
        return [subtype]
    before, after = subtype[: match.start()], subtype[match.end() :]
    levels = [level for level in match.groups() if level]
    return [f"{before}{level}{after}".strip() for level in levels]
