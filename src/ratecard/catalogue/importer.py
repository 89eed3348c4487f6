"""Reading brochures into catalogue data: parse, then apply the curated overlay, checking it still fits."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ratecard.catalogue.anchors import Anchoring
from ratecard.catalogue.overlay import load_overlay, overlay_path, overlay_with_anchors
from ratecard.catalogue.parsers import parse_text, read_text
from ratecard.catalogue.parsers.base import BrochureError
from ratecard.catalogue.restated import mismatches
from ratecard.catalogue.schemas import ParsedBrochure, SummaryMismatch
from ratecard.catalogue.service import service_id


@dataclass
class OverlayChecks:
    """What import noticed of an overlay against the brochure: anchors that moved or are gone, stale numbers."""

    anchoring: Anchoring = field(default_factory=Anchoring)
    summaries: list[SummaryMismatch] = field(default_factory=list)


def read_brochure(path: Path, *, overlay_dir: Path) -> ParsedBrochure:
    """Parse one brochure file and apply its provider's overlay from `overlay_dir`."""
    return brochure_from_text(read_text(path), file=path.name, overlay_dir=overlay_dir)


def brochure_from_text(text: str, *, file: str, overlay_dir: Path) -> ParsedBrochure:
    """Parse a brochure's text (named `file`) and apply its provider's overlay from `overlay_dir`."""
    return checked_brochure(text, file=file, overlay_dir=overlay_dir)[0]


def checked_brochure(text: str, *, file: str, overlay_dir: Path) -> tuple[ParsedBrochure, OverlayChecks]:
    """The brochure as `brochure_from_text` reads it, with what the overlay checks found."""
    parsed = parse_text(text, file=file)
    overlay_file = overlay_path(overlay_dir, parsed.provider.code)
    lines = text.splitlines()  # numbered as the parsers number them (Document)
    result, anchoring = overlay_with_anchors(parsed, load_overlay(overlay_file), overlay_name=overlay_file.name, lines=lines)
    if not result.services:
        raise BrochureError(file, None, "no services found")
    code = result.provider.code
    summaries = [
        found
        for s in result.services
        for found in mismatches(s, service_id=service_id(code, s.key), printed=lines[s.source.lines[0] - 1 : s.source.lines[1]])
    ]
    return result, OverlayChecks(anchoring=anchoring, summaries=summaries)
