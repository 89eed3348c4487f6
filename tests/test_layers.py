"""Layering: a domain imports only from its own layer or the layers below it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "ratecard"

# Each top-level package or module of ratecard and its layer; a module may import from its own layer
# or a lower one, never a higher one. Shared plumbing sits at the bottom; the entry points on top.
LAYERS: dict[str, int] = {
    **dict.fromkeys(
        ("security", "types", "text", "places", "db", "config", "errors", "deps", "pages", "forms", "templating",
         "migrate", "serving"),
        0,
    ),
    "catalogue": 1,
    "accounts": 1,  # beside the catalogue, below everything that acts on a person
    "eligibility": 2,
    "referrals": 3,
    "sentencing": 3,  # reads the catalogue and eligibility's understanding of areas; never referrals or delivery
    "delivery": 4,  # what happens once a referral is accepted: above the referrals, never imported by them
    "billing": 5,  # prices, quotes and invoices: reads delivery and the referrals, imported by none of them
    "brochure": 6,  # the rate card generated from the catalogue and the prices in force
    **dict.fromkeys(("admin", "models", "openapi", "apidocs", "demo", "web_app", "cli", "__init__"), 7),
}

# Imports that break the order today, kept visible until they are moved (each (file, domain) is one
# breach): the test fails when one disappears too, so this list only shrinks.
KNOWN_BREACHES: set[tuple[str, str]] = set()


def _domain(path: Path) -> str:
    return path.relative_to(SRC).parts[0].removesuffix(".py")


def _imported_domains(source: str, relative: Path) -> set[str]:
    """The ratecard domains a module (at `relative` under src/ratecard) imports, relative imports too."""
    tree = ast.parse(source, filename=str(relative))
    package = ["ratecard", *relative.with_suffix("").parts[:-1]]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            # "from ratecard import places" names the domain in the imported names.
            names = [f"{base}.{alias.name}" for alias in node.names] if base == "ratecard" else [base]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "ratecard" and len(parts) > 1:
                found.add(parts[1])
    return found


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def _breaches() -> set[tuple[str, str]]:
    breaches = set()
    for path in _modules():
        here = _domain(path)
        for target in _imported_domains(path.read_text(encoding="utf-8"), path.relative_to(SRC)) - {here}:
            if LAYERS[target] > LAYERS[here]:
                breaches.add((path.relative_to(SRC).as_posix(), target))
    return breaches


def test_it_places_every_domain_in_a_layer():
    unplaced = {_domain(p) for p in _modules()} - LAYERS.keys()
    assert not unplaced, f"add these to LAYERS in tests/test_layers.py: {sorted(unplaced)}"


def test_it_finds_no_import_from_a_higher_layer():
    new = _breaches() - KNOWN_BREACHES
    assert not new, "imports from a higher layer: " + ", ".join(f"{f} imports {d}" for f, d in sorted(new))


def test_it_keeps_the_list_of_known_breaches_current():
    gone = KNOWN_BREACHES - _breaches()
    assert not gone, f"these breaches are fixed: remove them from KNOWN_BREACHES: {sorted(gone)}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from ratecard.eligibility.rules import Rule\n", {"eligibility"}),
        ("from ratecard import places, db\n", {"places", "db"}),
        ("import ratecard.referrals.service as r\n", {"referrals"}),
        ("from ..referrals import service\n", {"referrals"}),
        ("from .models import Service\n", {"catalogue"}),
        ("import json\nfrom pydantic import BaseModel\n", set()),
    ],
)
def test_it_reads_every_form_of_import(source, expected):
    assert _imported_domains(source, Path("catalogue/probe.py")) == expected


def test_it_would_catch_the_catalogue_importing_the_engine():
    # The breach issue #11 names: the catalogue's schemas holding rules imported from the engine.
    found = _imported_domains("from ratecard.eligibility.rules import Rule\n", Path("catalogue/schemas.py"))
    assert any(LAYERS[d] > LAYERS["catalogue"] for d in found)
