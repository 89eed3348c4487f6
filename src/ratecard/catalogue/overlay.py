"""The curated overlay: reviewed corrections and additions applied on top of what a parser reads.

One YAML file per provider, ``data/catalogue/<code lower-case>.yaml``::

    provider:             # ProviderData fields to set or correct
      hub_location: Preston
    services:             # per parsed (or added) service key: ServiceData fields that replace parsed ones
      accommodation-support:
        summary: Our own words about the service.
        rules:            # the printed criteria as tests (catalogue/rules.py), each citing its line
          - criterion: sex
            line: 174
            quote: "For men aged 18 or over"   # optional: exact words of that line (see anchors.py)
    added:                # services the parser cannot find, each a whole ServiceData;
      - key: ...          #   source may give only lines: the brochure file is filled in
        source: {lines: [10, 20]}
    removed:              # parsed keys that are not services, with the reason
      - {key: ..., why: ...}

An overlay naming a service the brochure no longer yields is an error, so drift is seen at import.
A rule's quote is found again where the brochure moved it; a rule whose quote is gone is set aside
for review (``ratecard catalogue anchor`` writes the quotes).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from ratecard.catalogue.anchors import Anchoring, Lines, anchor_rules, lost_note, uncited_line_for
from ratecard.catalogue.parsers.base import BrochureError, repeated
from ratecard.catalogue.schemas import ParsedBrochure, ProviderData, ServiceData

_FIXED = {"key", "source"}
# libyaml's safe loader when PyYAML has it (several times faster), else the pure-Python one.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Removal(BaseModel):
    """A parsed key the overlay drops, and why."""

    model_config = ConfigDict(extra="forbid")
    key: str
    why: str


class Overlay(BaseModel):
    """The parsed shape of an overlay file."""

    model_config = ConfigDict(extra="forbid")
    provider: dict[str, Any] = {}
    services: dict[str, dict[str, Any]] = {}
    added: list[dict[str, Any]] = []
    removed: list[Removal] = []


def overlay_path(directory: Path, code: str) -> Path:
    """Where the overlay of provider `code` lives."""
    return directory / f"{code.lower()}.yaml"


def load_overlay(path: Path) -> Overlay:
    """Read an overlay file; a missing file is an empty overlay."""
    if not path.exists():
        return Overlay()
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader) or {}
        return Overlay.model_validate(data)
    except (yaml.YAMLError, ValidationError) as exc:
        raise BrochureError(path.name, getattr(getattr(exc, "problem_mark", None), "line", None), str(exc)) from exc


def apply_overlay(parsed: ParsedBrochure, overlay: Overlay, *, overlay_name: str) -> ParsedBrochure:
    """The brochure with the overlay's provider fixes, removals, additions and service fixes applied.

    Rule quotes are not checked here (there is no brochure text): see `overlay_with_anchors`.
    """
    return overlay_with_anchors(parsed, overlay, overlay_name=overlay_name, lines=None)[0]


def overlay_with_anchors(
    parsed: ParsedBrochure, overlay: Overlay, *, overlay_name: str, lines: Sequence[str] | None
) -> tuple[ParsedBrochure, Anchoring]:
    """The overlay applied as `apply_overlay` does, each quoted rule anchored to the brochure's `lines`.

    A rule whose quote moved cites its new line; one whose quote is gone is left out of the rules, its
    service records a review note and keeps the criterion uncited, so the matcher cannot answer eligible.
    """
    file = parsed.provider.brochure_file
    log = Anchoring()
    normalised = Lines(lines) if lines is not None else None
    try:
        provider = ProviderData.model_validate({**parsed.provider.model_dump(), **overlay.provider})
    except ValidationError as exc:
        raise BrochureError(overlay_name, None, f"provider: {exc}") from exc

    twice = repeated(service.key for service in parsed.services)
    if twice:
        # Checked before the services are keyed, where one of each pair would be lost without a word.
        raise BrochureError(file, None, f"services found twice: {', '.join(twice)}")
    services = {service.key: service for service in parsed.services}
    for removal in overlay.removed:
        if removal.key not in services:
            raise BrochureError(overlay_name, None, f"removed: the brochure has no service '{removal.key}'")
        del services[removal.key]
    for extra in overlay.added:
        source = {"file": file, **extra.get("source", {})}
        key = extra.get("key")
        try:
            lines_of = ServiceData.model_validate({**extra, "rules": [], "source": source}).source.lines
            fields = _anchored(extra, lines=normalised, source=lines_of, name=str(extra.get("name", key)), log=log)
            service = ServiceData.model_validate({**fields, "source": source})
        except ValidationError as exc:
            raise BrochureError(overlay_name, None, f"added '{key}': {exc}") from exc
        if service.key in services:
            raise BrochureError(overlay_name, None, f"added: the parser already finds '{service.key}'")
        services[service.key] = service
    for key, fields in overlay.services.items():
        if key not in services:
            raise BrochureError(overlay_name, None, f"services: the brochure has no service '{key}'")
        fixed = _FIXED.intersection(fields)
        if fixed:
            raise BrochureError(overlay_name, None, f"services.{key}: {sorted(fixed)} cannot be overridden")
        current = services[key]
        try:
            merged = {**current.model_dump(), **fields}
            if "rules" in fields:  # only the overlay's own rules carry quotes
                merged = _anchored(merged, lines=normalised, source=current.source.lines, name=current.name, log=log)
            services[key] = ServiceData.model_validate(merged)
        except ValidationError as exc:
            raise BrochureError(overlay_name, None, f"services.{key}: {exc}") from exc
    result = parsed.model_copy(update={"provider": provider, "services": list(services.values())})
    return result, log


def _anchored(
    fields: dict[str, Any], *, lines: Lines | None, source: tuple[int, int], name: str, log: Anchoring
) -> dict[str, Any]:
    # The service's fields with its rules anchored; a rule whose text is gone becomes a review note and an
    # uncited criterion line instead, so that coverage (and so the matcher) treats its criterion as undecided.
    rules = fields.get("rules")
    if not isinstance(rules, list):
        return fields
    kept, lost = anchor_rules(rules, lines=lines, source=source, name=name, log=log)
    if not lost:
        return {**fields, "rules": kept}
    criteria = list(fields.get("criteria_text") or [])
    cited = {r.get("line") for r in kept if isinstance(r, dict)}
    taken = {c["line"] if isinstance(c, dict) else c.line for c in criteria}
    uncited = taken - cited
    for rule in lost:
        if not uncited:
            # Every printed line is cited by a kept rule: add one that no rule cites, holding the lost quote.
            line = uncited_line_for(rule, cited=cited, taken=taken, source=source)
            criteria.append({"text": rule["quote"], "line": line})
            taken.add(line)
            uncited.add(line)
    notes = [*fields.get("review_notes", []), *(lost_note(rule) for rule in lost)]
    return {**fields, "rules": kept, "criteria_text": criteria, "review_notes": notes}
