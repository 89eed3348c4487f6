"""The curated overlay: reviewed corrections and additions applied on top of what a parser reads.

One YAML file per provider, ``data/catalogue/<code lower-case>.yaml``::

    provider:             # ProviderData fields to set or correct
      hub_location: Preston
    services:             # per parsed (or added) service key: ServiceData fields that replace parsed ones
      accommodation-support:
        summary: Our own words about the service.
    added:                # services the parser cannot find, each a whole ServiceData;
      - key: ...          #   source may give only lines: the brochure file is filled in
        source: {lines: [10, 20]}
    removed:              # parsed keys that are not services, with the reason
      - {key: ..., why: ...}

An overlay naming a service the brochure no longer yields is an error, so drift is seen at import.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

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
    """The brochure with the overlay's provider fixes, removals, additions and service fixes applied."""
    file = parsed.provider.brochure_file
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
        try:
            service = ServiceData.model_validate({**extra, "source": source})
        except ValidationError as exc:
            raise BrochureError(overlay_name, None, f"added '{extra.get('key')}': {exc}") from exc
        if service.key in services:
            raise BrochureError(overlay_name, None, f"added: the parser already finds '{service.key}'")
        services[service.key] = service
    for key, fields in overlay.services.items():
        if key not in services:
            raise BrochureError(overlay_name, None, f"services: the brochure has no service '{key}'")
        fixed = _FIXED.intersection(fields)
        if fixed:
            raise BrochureError(overlay_name, None, f"services.{key}: {sorted(fixed)} cannot be overridden")
        try:
            services[key] = ServiceData.model_validate({**services[key].model_dump(), **fields})
        except ValidationError as exc:
            raise BrochureError(overlay_name, None, f"services.{key}: {exc}") from exc
    return parsed.model_copy(update={"provider": provider, "services": list(services.values())})
