"""Anchoring overlay rules to the brochure text they were written from, so that a shifted brochure is noticed.

A rule cites a brochure ``line:``; its optional ``quote:`` is a short, exact, whitespace-normalised piece of
that line. At import the quote is looked for at the cited line, then in the service's own lines, then in
the whole brochure (the nearest find to the old line wins). A rule whose quote has moved is re-anchored
to the line it is now on; one whose quote is nowhere is kept out of the decision and reported, since the
text it was written from is gone. ``write_quotes`` fills in the quotes of an overlay file, editing its
text so that comments and layout survive.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ratecard.catalogue.parsers.base import clean

# A quote is the start of its line, cut at a word, at least this long when the line allows.
QUOTE_LENGTH = 60
LOST_NOTE = "needs review: rule '{criterion}' cites text no longer in the brochure: '{quote}'"


def normalised(text: str) -> str:
    """A line as quotes are taken from and compared with: markup dropped, single-spaced, trimmed."""
    return clean(text)


class Lines:
    """A brochure's lines, normalised once when first searched, for every rule of the import."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.raw = lines
        self._normalised: list[str] | None = None

    @property
    def lines(self) -> list[str]:
        """Every line normalised: built on the first search, as rules still at their line need none."""
        if self._normalised is None:
            self._normalised = [normalised(line) for line in self.raw]
        return self._normalised

    def at(self, number: int | None) -> str:
        """The normalised text of 1-based line `number`; '' outside the brochure."""
        if number is None or not 1 <= number <= len(self.raw):
            return ""
        if self._normalised is not None:
            return self._normalised[number - 1]
        return normalised(self.raw[number - 1])

    def find(self, quote: str, start: int = 1, end: int | None = None) -> list[int]:
        """Every line in start..end (1-based, inclusive) holding `quote`."""
        lines = self.lines
        end = len(lines) if end is None else min(end, len(lines))
        return [n for n in range(max(start, 1), end + 1) if quote in lines[n - 1]]


@dataclass
class Anchoring:
    """What anchoring one brochure's rules found: the import report's part of it."""

    anchored: int = 0
    without_anchor: int = 0
    moved: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Resolved:
    """Where one quote is now: its line (None when gone) and how it was found."""

    line: int | None
    note: str = ""


def resolve(quote: str, line: int | None, *, lines: Lines, source: tuple[int, int]) -> Resolved:
    """The line `quote` is on now: the cited one if it is still there, else the nearest find.

    The service's own lines (`source`) are searched before the whole brochure, as the same words may be
    printed for another service too.
    """
    wanted = normalised(quote)
    if not wanted:
        return Resolved(None)
    if line is not None and wanted in lines.at(line):
        return Resolved(line)
    for where, found in (("the service's lines", lines.find(wanted, *source)), ("the brochure", lines.find(wanted))):
        if found:
            target = line if line is not None else source[0]
            best = min(found, key=lambda n: (abs(n - target), n))
            note = f" (found {len(found)} times in {where}; took the nearest)" if len(found) > 1 else ""
            return Resolved(best, note)
    return Resolved(None)


def anchor_rules(
    rules: Iterable[dict[str, Any]], *, lines: Lines | None, source: tuple[int, int], name: str, log: Anchoring
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(rules to keep, rules whose quoted text is gone): each without its quote, re-anchored where it moved.

    Without `lines` (no brochure text at hand) quotes are dropped unchecked and every rule is kept.
    """
    kept: list[dict[str, Any]] = []
    lost: list[dict[str, Any]] = []
    for raw in rules:
        if not isinstance(raw, dict):
            kept.append(raw)  # not a rule at all: left for the rule's own validation to reject in words
            continue
        rule = dict(raw)
        quote = rule.pop("quote", None)
        if not isinstance(quote, str) or not quote.strip():
            log.without_anchor += 1
            kept.append(rule)
            continue
        log.anchored += 1
        if lines is None:
            kept.append(rule)
            continue
        old = rule.get("line")
        found = resolve(quote, old if isinstance(old, int) else None, lines=lines, source=source)
        if found.line is None:
            log.lost.append(f"{name}: rule '{rule.get('criterion')}' (line {old}) cites text no longer in the brochure: '{quote}'")
            lost.append({**rule, "quote": quote})
            continue
        if found.line != old:
            log.moved.append(f"{name}: rule '{rule.get('criterion')}' moved from line {old} to {found.line}{found.note}")
            rule["line"] = found.line
        kept.append(rule)
    return kept, lost


def lost_note(rule: dict[str, Any]) -> str:
    """The review note a service records for a rule whose quoted text is gone."""
    return LOST_NOTE.format(criterion=rule.get("criterion"), quote=rule.get("quote"))


def uncited_line_for(lost: dict[str, Any], *, cited: set[int], taken: set[int], source: tuple[int, int]) -> int:
    """A line to hold the lost rule's criterion that no kept rule cites, so coverage counts it uncited.

    Its old line when free, else the nearest free line of the service's range (or just past it).
    """
    old = lost.get("line")
    first, last = source
    start = old if isinstance(old, int) and old >= 1 else first
    candidates = sorted(range(first, last + 1), key=lambda n: (abs(n - start), n))
    for number in [start, *candidates]:
        if number not in cited and number not in taken:
            return number
    return max([last, *cited, *taken]) + 1


# --- Writing quotes into overlay files -------------------------------------------------------------


def quote_of(line: str, *, others: Sequence[str] = (), length: int = QUOTE_LENGTH) -> str:
    """A quotation of `line`: its first `length` characters cut at a word, or the whole line when the
    shorter quote is also found on another of `others` (the brochure's other normalised lines)."""
    text = normalised(line)
    if len(text) <= length:
        return text
    cut = text[:length]
    if text[length] != " " and " " in cut:
        cut = cut[: cut.rindex(" ")]
    cut = cut.rstrip()
    if any(cut in other for other in others):
        return text
    return cut


@dataclass(frozen=True)
class QuoteEdit:
    """One quote to insert: after the YAML line `after` (0-based) or, for a flow mapping, at `column`."""

    after: int
    column: int | None
    indent: int
    quote: str
    where: str  # "services.<key>.rules[i]" for the report
    line: int


def planned_quotes(overlay_text: str, brochure_lines: Sequence[str]) -> tuple[list[QuoteEdit], list[str]]:
    """The quotes `write_quotes` would add to an overlay, and the rules it has to skip (with why)."""
    # The pure-Python loader: its marks count characters, which the flow-style insertion relies on.
    root = yaml.compose(overlay_text, Loader=yaml.SafeLoader)
    edits: list[QuoteEdit] = []
    skipped: list[str] = []
    if not isinstance(root, yaml.MappingNode):
        return edits, skipped
    lines = Lines(brochure_lines)
    for where, rule in _rule_nodes(root):
        keys = {k.value: (k, v) for k, v in rule.value if isinstance(k, yaml.ScalarNode)}
        if "quote" in keys:
            continue
        if "line" not in keys:
            skipped.append(f"{where}: cites no line")
            continue
        key_node, value_node = keys["line"]
        try:
            number = int(value_node.value)
        except (TypeError, ValueError):
            skipped.append(f"{where}: line {value_node.value!r} is not a number")
            continue
        text = lines.at(number)
        if not text:
            skipped.append(f"{where}: line {number} is blank or past the end of the brochure")
            continue
        others = [other for n, other in enumerate(lines.lines, start=1) if n != number]
        quote = quote_of(text, others=others)
        flow = rule.flow_style
        edits.append(
            QuoteEdit(
                after=value_node.end_mark.line,
                column=value_node.end_mark.column if flow else None,
                indent=key_node.start_mark.column,
                quote=quote,
                where=where,
                line=number,
            )
        )
    return edits, skipped


def _rule_nodes(root: yaml.MappingNode) -> Iterable[tuple[str, yaml.MappingNode]]:
    # Rules live in services.<key>.rules and added[i].rules.
    top = {k.value: v for k, v in root.value if isinstance(k, yaml.ScalarNode)}
    holders: list[tuple[str, yaml.Node]] = []
    services = top.get("services")
    if isinstance(services, yaml.MappingNode):
        holders += [(f"services.{k.value}", v) for k, v in services.value]
    added = top.get("added")
    if isinstance(added, yaml.SequenceNode):
        holders += [(f"added[{i}]", v) for i, v in enumerate(added.value)]
    for name, holder in holders:
        if not isinstance(holder, yaml.MappingNode):
            continue
        for k, v in holder.value:
            if k.value == "rules" and isinstance(v, yaml.SequenceNode):
                for index, rule in enumerate(v.value):
                    if isinstance(rule, yaml.MappingNode):
                        yield f"{name}.rules[{index}]", rule


def yaml_quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def with_quotes(overlay_text: str, edits: Sequence[QuoteEdit]) -> str:
    """The overlay text with each edit's `quote:` inserted, everything else left exactly as it was."""
    lines = overlay_text.splitlines(keepends=True)
    # Bottom up, so that earlier positions stay valid.
    for edit in sorted(edits, key=lambda e: (e.after, e.column or 0), reverse=True):
        if edit.column is not None:
            text = lines[edit.after]
            lines[edit.after] = f"{text[: edit.column]}, quote: {yaml_quoted(edit.quote)}{text[edit.column :]}"
            continue
        current = lines[edit.after]
        ending = "\r\n" if current.endswith("\r\n") else "\n"
        if not current.endswith(("\n", "\r")):
            lines[edit.after] = current + ending
        lines.insert(edit.after + 1, f"{' ' * edit.indent}quote: {yaml_quoted(edit.quote)}{ending}")
    return "".join(lines)


@dataclass(frozen=True)
class QuotePlan:
    """The quotes one brochure's overlay lacks: the file to edit, its edits and the rules skipped."""

    overlay: Path
    edits: list[QuoteEdit]
    skipped: list[str]


def plan_quotes(brochure_text: str, *, file: str, overlay_dir: Path) -> QuotePlan:
    """What `write_quotes` would add to the overlay of the brochure `brochure_text` (named `file`)."""
    from ratecard.catalogue.overlay import overlay_path  # the overlay module imports this one
    from ratecard.catalogue.parsers import parse_text

    code = parse_text(brochure_text, file=file).provider.code
    path = overlay_path(overlay_dir, code)
    if not path.exists():
        return QuotePlan(path, [], [])
    edits, skipped = planned_quotes(path.read_text(encoding="utf-8"), brochure_text.splitlines())
    return QuotePlan(path, edits, skipped)


def write_quotes(plan: QuotePlan) -> None:
    """Insert the plan's quotes into its overlay file."""
    if plan.edits:
        text = plan.overlay.read_text(encoding="utf-8")
        plan.overlay.write_text(with_quotes(text, plan.edits), encoding="utf-8")
