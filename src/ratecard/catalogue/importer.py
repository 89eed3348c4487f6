"""Reading brochures into catalogue data: parse, then apply the curated overlay."""

from __future__ import annotations

from pathlib import Path

from ratecard.catalogue.overlay import apply_overlay, load_overlay, overlay_path
from ratecard.catalogue.parsers import parse_text, read_text
from ratecard.catalogue.parsers.base import BrochureError
from ratecard.catalogue.schemas import ParsedBrochure


def read_brochure(path: Path, *, overlay_dir: Path) -> ParsedBrochure:
    """Parse one brochure file and apply its provider's overlay from `overlay_dir`."""
    return brochure_from_text(read_text(path), file=path.name, overlay_dir=overlay_dir)


def brochure_from_text(text: str, *, file: str, overlay_dir: Path) -> ParsedBrochure:
    """Parse a brochure's text (named `file`) and apply its provider's overlay from `overlay_dir`."""
    parsed = parse_text(text, file=file)
    overlay_file = overlay_path(overlay_dir, parsed.provider.code)
    result = apply_overlay(parsed, load_overlay(overlay_file), overlay_name=overlay_file.name)
    if not result.services:
        raise BrochureError(file, None, "no services found")
    return result
