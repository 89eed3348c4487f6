"""Brochure parsers, one module per layout, and the function that picks the right one for a file.

Each parser module defines NAME, ``detect(text) -> bool`` and ``parse(text, *, file) -> ParsedBrochure``.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

from ratecard.catalogue.parsers.base import BrochureError
from ratecard.catalogue.schemas import ParsedBrochure

LAYOUTS = ("sodexo", "essex", "dlnr", "kss")


def parser_modules() -> list[ModuleType]:
    """The parser modules, in the order they are tried."""
    return [importlib.import_module(f"ratecard.catalogue.parsers.{name}") for name in LAYOUTS]


def read_text(path: Path) -> str:
    """A brochure file's text; empty, unreadable or non-UTF-8 files raise BrochureError."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BrochureError(path.name, None, f"cannot read the file ({exc.strerror})") from exc
    if not raw.strip():
        raise BrochureError(path.name, None, "the file is empty")
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise BrochureError(path.name, line, "the file holds binary data (a NUL byte), not brochure text")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise BrochureError(path.name, line, "the file is not UTF-8 text") from exc


def parse_text(text: str, *, file: str) -> ParsedBrochure:
    """Parse brochure text with the first parser whose layout it matches."""
    for module in parser_modules():
        if module.detect(text):
            return module.parse(text, file=file)
    raise BrochureError(
        file, None, "unknown layout: not one of the known brochure formats (" + ", ".join(LAYOUTS) + ")"
    )


def parse_file(path: Path) -> ParsedBrochure:
    """Read and parse one brochure file."""
    return parse_text(read_text(path), file=path.name)
