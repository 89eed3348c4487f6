"""Reading brochures into catalogue data: parse, then apply the curated overlay."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ratecard.catalogue.overlay import apply_overlay, load_overlay, overlay_path
from ratecard.catalogue.parsers import parse_file
from ratecard.catalogue.parsers.base import BrochureError
from ratecard.catalogue.schemas import ParsedBrochure


def read_brochure(path: Path, *, overlay_dir: Path) -> ParsedBrochure:
    """Parse one brochure file and apply its provider's overlay from `overlay_dir`."""
    parsed = parse_file(path)
    overlay_file = overlay_path(overlay_dir, parsed.provider.code)
    result = apply_overlay(parsed, load_overlay(overlay_file), overlay_name=overlay_file.name)
    keys = Counter(service.key for service in result.services)
    twice = sorted(key for key, count in keys.items() if count > 1)
    if twice:
        raise BrochureError(path.name, None, f"services found twice: {', '.join(twice)}")
    if not result.services:
        raise BrochureError(path.name, None, "no services found")
    return result
