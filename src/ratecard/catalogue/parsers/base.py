"""Tools every brochure parser shares: numbered lines, sections, durations, NSI sub types."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator


class BrochureError(Exception):
    """A brochure that cannot be imported: names the file and the line where reading stopped."""

    def __init__(self, file: str, line: int | None, message: str) -> None:
        self.file = file
        self.line = line
        self.message = message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}")


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

    def sections(self, heading: str | re.Pattern[str], start: int = 1, end: int | None = None) -> list[Section]:
        """Split start..end at lines matching `heading`; group 1 of the pattern (or the line) is the title."""
        regex = re.compile(heading) if isinstance(heading, str) else heading
        end = len(self.lines) if end is None else end
        found: list[tuple[int, str]] = []
        for number, text in self.numbered(start, end):
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

    def error(self, line: int | None, message: str) -> BrochureError:
        """A BrochureError for this file."""
        return BrochureError(self.file, line, message)


_MARKUP = re.compile(r"\*\*|__|</?b>|</?strong>|</?em>|</?i>")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_SPACE = re.compile(r"\s+")


def clean(text: str) -> str:
    """Text without markdown/HTML emphasis or links, single-spaced, trimmed (trailing full stop kept)."""
    text = _LINK.sub(r"\1", text)
    text = _MARKUP.sub("", text)
    return _SPACE.sub(" ", text).strip()


def clean_value(text: str) -> str:
    """A printed value (NSI category, sub type) without markup, edge spaces or a trailing full stop/semicolon."""
    return clean(text).rstrip(" .;:,").strip()


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


_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "eighteen": 18, "twenty": 20, "thirty": 30,
}
_NUM = r"(\d+(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + r")"


def number(text: str) -> float:
    """'12' -> 12.0, 'twelve' -> 12.0, '2.5' -> 2.5."""
    text = text.lower()
    return float(_NUMBER_WORDS[text]) if text in _NUMBER_WORDS else float(text)


def _whole(value: float) -> int | float:
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
            total_hours=_whole(count * minutes / 60),
            up_to=up_to,
        )
    sessions = re.search(_NUM + r"\s*(?:[a-z-]+\s+){0,2}?sessions?", flat)
    hours = re.search(_NUM + r"\s*(hours?|hrs?)\b", flat)
    return Duration(
        sessions=int(number(sessions.group(1))) if sessions else None,
        total_hours=_whole(number(hours.group(1))) if hours else None,
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
