"""How each provider's brochure groups its services: read from data/brochure/sections.yaml."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

SECTIONS_FILE = Path(__file__).resolve().parents[3] / "data" / "brochure" / "sections.yaml"
LEFT_OVER = "Other services"  # the heading of services printed before a provider's first heading


class Heading(BaseModel):
    """One part or section heading as the brochure prints it, and the first service under it."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    heading: str = Field(min_length=1)
    line: int = Field(ge=1)
    first: str = Field(alias="from", min_length=1)  # the catalogue key of the first service under it


class ProviderSections(BaseModel):
    """A provider's headings in brochure order, with where they were read."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=1)
    sections: list[Heading]


class SectionsFile(BaseModel):
    """The whole reviewed file."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=1)
    providers: dict[str, ProviderSections]


@lru_cache(maxsize=1)
def load(path: Path = SECTIONS_FILE) -> SectionsFile:
    """The sections file, checked."""
    return SectionsFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def group(provider_code: str, keys: list[str]) -> list[tuple[str, list[str]]]:
    """(heading, keys) in brochure order for a provider's service keys (already in brochure order).

    A heading whose first service is not listed any more starts nowhere; its services fall under
    the heading before. Services before the first heading found go under LEFT_OVER.
    """
    headings = load().providers.get(provider_code.upper())
    starts = {h.first: h.heading for h in headings.sections} if headings else {}
    groups: list[tuple[str, list[str]]] = []
    for key in keys:
        if key in starts:
            groups.append((starts[key], []))
        elif not groups:
            groups.append((LEFT_OVER, []))
        groups[-1][1].append(key)
    return groups
