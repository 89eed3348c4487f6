"""Helpers shared by the per-brochure rule tests (test_rules_*.py).

Each brochure is named by its path in tests.paths. The structural checks return what is wrong
(empty when all is well), so a test asserts the result is empty and a failure shows every fault.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Set
from functools import cache
from pathlib import Path

from ratecard.catalogue.importer import read_brochure
from ratecard.catalogue.schemas import ParsedBrochure
from ratecard.eligibility.engine import Match, ServiceRules, decide
from ratecard.eligibility.facts import facts_of
from ratecard.eligibility.profile import Profile
from ratecard.catalogue.rules import RuleKind
from tests.paths import OVERLAYS

_WORD = re.compile(r"[a-z0-9']+")

# --- the brochure and its rules ------------------------------------------------------------------


@cache
def parsed(path: Path) -> ParsedBrochure:
    """The brochure at `path`, parsed and corrected by its provider's overlay (read once)."""
    return read_brochure(path, overlay_dir=OVERLAYS)


@cache
def brochure_lines(path: Path) -> tuple[str, ...]:
    """The brochure's printed lines: line n of the brochure is item n - 1."""
    return tuple(path.read_text(encoding="utf-8").splitlines())


def service_keys(path: Path) -> tuple[str, ...]:
    """The keys of the brochure's services, in brochure order."""
    return tuple(s.key for s in parsed(path).services)


@cache
def rulebook(path: Path) -> dict[str, ServiceRules]:
    """The brochure's compiled rules by service id ("<code>-<key>"), built once."""
    from ratecard.eligibility.service import service_rules_from_brochure

    return {r.service_id: r for r in service_rules_from_brochure(parsed(path))}


def decide_for(path: Path, service_id: str, *, as_of: dt.date | None = None, **fields: object) -> Match:
    """The decision on `service_id` for a profile with `fields`, judged on `as_of`."""
    profile = Profile(as_of=as_of, **fields)
    return decide(rulebook(path)[service_id], facts_of(profile), profile.area)


# --- reading a decision ----------------------------------------------------------------------------


def failed(match: Match) -> set[str]:
    """The criteria the decision failed."""
    return {r.criterion for r in match.reasons if r.status == "failed"}


def unknown(match: Match) -> set[str]:
    """The criteria the decision could not settle."""
    return {r.criterion for r in match.reasons if r.status == "unknown"}


def notes(match: Match) -> set[str]:
    """The criteria the decision only notes."""
    return {r.criterion for r in match.reasons if r.status == "note"}


def noted_lines(match: Match) -> list[tuple[str, int]]:
    """The noted criteria with the brochure line each cites, in decision order."""
    return [(r.criterion, r.source.line) for r in match.reasons if r.status == "note"]


# --- structural checks: each returns what is wrong -----------------------------------------------


def uncovered_criteria(path: Path) -> dict[str, list[int]]:
    """Per service key, the criteria lines no rule cites."""
    uncovered = {}
    for s in parsed(path).services:
        lines = {c.line for c in s.criteria_text}
        cited = {r.line for r in s.rules}
        if lines - cited:
            uncovered[s.key] = sorted(lines - cited)
    return uncovered


def misplaced_citations(
    path: Path,
    extra_lines: Mapping[str, Set[int]],
    *,
    shared_lines: Mapping[str, Set[int]] | None = None,
    outside_pages: Mapping[str, Set[int]] | None = None,
    only_extra_inside: bool = False,
) -> list[tuple]:
    """Rules citing no line, a line that is not one of their service's criteria, or one out of place.

    A rule may cite its service's criteria_text lines, its `extra_lines` and its `shared_lines`.
    Cited lines must lie within the service's own pages, unless listed in `outside_pages` for it;
    with `only_extra_inside`, only the extra lines are held to the service's pages. Every cited
    line must have print on it.
    """
    printed = brochure_lines(path)
    wrong: list[tuple] = []
    for s in parsed(path).services:
        extra = extra_lines.get(s.key, set())
        allowed = {c.line for c in s.criteria_text} | extra | (shared_lines or {}).get(s.key, set())
        elsewhere = (outside_pages or {}).get(s.key, set())
        first, last = s.source.lines
        for rule in s.rules:
            if rule.line is None:
                wrong.append((s.key, rule.criterion, "no line"))
                continue
            if rule.line not in allowed:
                wrong.append((s.key, rule.criterion, rule.line, "not a criterion line"))
            held_inside = rule.line in extra if only_extra_inside else rule.line not in elsewhere
            if held_inside and not first <= rule.line <= last:
                wrong.append((s.key, rule.line, "outside the service"))
            if not printed[rule.line - 1].strip():
                wrong.append((s.key, rule.line, "blank line"))
    return wrong


def uncited_extra_lines(path: Path, extra_lines: Mapping[str, Set[int]]) -> dict[str, list[int]]:
    """Per service key, the extra criterion lines that no rule of that service cites."""
    cited = {s.key: {r.line for r in s.rules} for s in parsed(path).services}
    missing = {}
    for key, lines in extra_lines.items():
        if not lines <= cited.get(key, set()):
            missing[key] = sorted(lines - cited.get(key, set()))
    return missing


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def copied_runs(path: Path, words: int = 8, *, whole_brochure: bool = False) -> list[tuple[str, str]]:
    """(service key, run) for every run of `words` words a rule's message or override copies.

    A run counts as copied when it stands in the line the rule cites, or, with `whole_brochure`,
    as whole words anywhere in the brochure.
    """
    lines = brochure_lines(path)
    everywhere = " " + " ".join(_words(" ".join(lines))) + " " if whole_brochure else ""
    copied = []
    for s in parsed(path).services:
        for rule in s.rules:
            if whole_brochure:
                haystack, pad = everywhere, " "
            else:
                haystack, pad = " ".join(_words(lines[rule.line - 1])), ""
            for text in (rule.message, rule.override or ""):
                found = _words(text)
                runs = (" ".join(found[i : i + words]) for i in range(len(found) - words + 1))
                copied += [(s.key, run) for run in runs if f"{pad}{run}{pad}" in haystack]
    return copied


def missing_summaries(path: Path) -> list[str]:
    """The keys of services the overlay gives no summary."""
    return [s.key for s in parsed(path).services if not s.summary]


def rule_counts(path: Path) -> dict[str, tuple[int, int]]:
    """Per service key, (how many rules are requirements, how many rules in all)."""
    return {
        s.key: (sum(r.kind is RuleKind.REQUIREMENT for r in s.rules), len(s.rules)) for s in parsed(path).services
    }
