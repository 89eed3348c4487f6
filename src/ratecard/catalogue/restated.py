"""Numbers an overlay summary restates, checked against what the brochure's parse found.

A summary saying "Eight one-to-one sessions" goes stale without a word when the brochure later prints
nine. At import every number beside a session, week, hour, minute, day or month word of a service's
summary and highlights is compared with the parsed facts for that unit (the service's and its options'
sessions, hours, session length, RAR days and the numbers of their printed durations); a unit the facts
say nothing of is compared with the service's printed lines instead. Each disagreement is reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ratecard.catalogue.parsers.base import NUMBER, clean, number, parse_duration
from ratecard.catalogue.schemas import ServiceData, SummaryMismatch

UNITS = {
    "session": "sessions", "sessions": "sessions",
    "week": "weeks", "weeks": "weeks",
    "hour": "hours", "hours": "hours", "hr": "hours", "hrs": "hours",
    "minute": "minutes", "minutes": "minutes", "min": "minutes", "mins": "minutes",
    "day": "days", "days": "days",
    "month": "months", "months": "months",
}
_UNIT_WORDS = r"(?:sessions?|weeks?|hours?|hrs?|minutes?|mins?|days?|months?)(?![A-Za-z])"
# Up to three words between the number and its unit ('Eight one-to-one sessions', 'Four rolling group
# sessions'), none of them a number or a unit itself; a range or choice ('12 to 36 hours', 'twelve or
# eighteen months', '2-3 weeks') gives each of its numbers the unit.
_WORD = rf"(?!(?:{NUMBER})(?![\w]))(?!{_UNIT_WORDS})[A-Za-z][\w'\u2019]*(?:-[A-Za-z][\w'\u2019]*)*"
RESTATED = re.compile(
    rf"(?P<first>{NUMBER})(?:\s*(?:-|\u2013|to|or|and)\s*(?P<second>{NUMBER}))?"
    rf"(?P<gap>(?:[\s-]+{_WORD}){{0,3}}?)[\s-]+(?P<unit>{_UNIT_WORDS})",
    re.IGNORECASE,
)
_PIECES = re.compile(r"[;,.(]|\bplus\b|\band\b")


_ANY_UNIT = re.compile(r"session|week|hour|hr|min|day|month", re.IGNORECASE)


def restated(text: str) -> list[tuple[str, str, float]]:
    """(the words, unit, value) of each number beside a unit word in `text`; a range gives one per number."""
    if not _ANY_UNIT.search(text):
        return []  # most summaries and lines name no unit: skip the costly pattern
    found = []
    for match in RESTATED.finditer(clean(text)):
        unit = UNITS[match.group("unit").lower()]
        for part in ("first", "second"):
            if match.group(part):
                found.append((match.group(0), unit, number(match.group(part))))
    return found


def _add(facts: dict[str, set[float]], unit: str, value: float | None) -> None:
    if value is not None:
        facts.setdefault(unit, set()).add(float(value))


def parsed_facts(service: ServiceData) -> dict[str, set[float]]:
    """For each unit, the values the parse holds for a service: its fields, its options' and their printed durations."""
    facts: dict[str, set[float]] = {}
    durations = [service.duration_text, *(o.duration_text for o in service.options)]
    for sessions, minutes, hours in [
        (service.sessions, service.session_minutes, service.total_hours),
        *((o.sessions, o.session_minutes, o.hours) for o in service.options),
    ]:
        _add(facts, "sessions", sessions)
        if minutes is not None:
            _add(facts, "minutes", minutes)
            _add(facts, "hours", minutes / 60)
        _add(facts, "hours", hours)
    _add(facts, "days", service.rar_days)
    for text in filter(None, durations):
        for _, unit, value in restated(text):
            _add(facts, unit, value)
            if unit == "minutes":
                _add(facts, "hours", value / 60)
        # '2 x one hour sessions': the count of 'N x M hours' is a number of sessions too.
        for piece in _PIECES.split(clean(text)):
            duration = parse_duration(piece)
            _add(facts, "sessions", duration.sessions)
            if duration.session_minutes is not None:
                _add(facts, "hours", duration.session_minutes / 60)
                _add(facts, "minutes", duration.session_minutes)
            _add(facts, "hours", duration.total_hours)
    return facts


def _agrees(value: float, found: Iterable[float], unit: str) -> bool:
    if unit == "hours" and any(abs(value * 60 - f * 60) < 0.5 for f in found):
        return True
    return any(abs(value - f) < 1e-6 for f in found)


def mismatches(service: ServiceData, *, service_id: str, printed: Sequence[str]) -> list[SummaryMismatch]:
    """Each number the summary or highlights of `service` restate that neither its parsed facts nor, for a
    unit the facts say nothing of, its `printed` lines (the brochure text of the service) hold."""
    said = [(words, unit, value) for text in [service.summary or "", *service.highlights] for words, unit, value in restated(text)]
    if not said:
        return []
    facts = parsed_facts(service)
    text_facts: dict[str, set[float]] | None = None

    def printed_facts() -> dict[str, set[float]]:
        # Read only when needed (a unit the facts lack, or a disagreement): a section is long.
        nonlocal text_facts
        if text_facts is None:
            text_facts = {}
            # joined, so that a number and its unit printed on two lines are still read together
            for _, u, v in restated(" ".join(printed)):
                _add(text_facts, u, v)
        return text_facts

    found = []
    for words, unit, value in said:
        basis, known = "parsed facts", facts.get(unit)
        if not known:
            basis, known = "brochure text", printed_facts().get(unit, set())
        if not _agrees(value, known, unit):
            in_text = _agrees(value, printed_facts().get(unit, ()), unit)
            found.append(
                SummaryMismatch(
                    service_id=service_id, name=service.name, said=words, unit=unit, value=value,
                    found=sorted(known), basis=basis, printed=in_text,
                )
            )
    return found
