"""Factories for catalogue data: sensible defaults, override only what a test is about."""

from __future__ import annotations

import itertools
from typing import Any

from ratecard.catalogue.schemas import (
    Kind,
    OptionData,
    ParsedBrochure,
    ProviderData,
    ServiceData,
    SourceRef,
)

_counter = itertools.count(1)


def provider_data(**overrides: Any) -> ProviderData:
    """A provider called after a fresh code, covering two made-up counties."""
    n = next(_counter)
    values: dict[str, Any] = {
        "code": f"T{n:02d}",
        "name": f"Test Provider {n}",
        "areas": ["Northshire", "Southshire"],
        "brochure_title": "Rate Card",
        "brochure_kind": "rate card",
        "brochure_file": f"test_{n}.txt",
    }
    return ProviderData(**{**values, **overrides})


def option_data(**overrides: Any) -> OptionData:
    """An orderable option with an NSI sub type."""
    n = next(_counter)
    values: dict[str, Any] = {"key": f"option-{n}", "name": f"Option {n}", "nsi_subtype": f"Sub type {n}"}
    return OptionData(**{**values, **overrides})


def service_data(**overrides: Any) -> ServiceData:
    """A structured intervention bought by NSI."""
    n = next(_counter)
    values: dict[str, Any] = {
        "key": f"service-{n}",
        "name": f"Service {n}",
        "kind": Kind.STRUCTURED_INTERVENTION,
        "category": "Attitudes, thinking and behaviour",
        "nsi_category": "ES - Other TST",
        "nsi_subtypes": [f"Service {n}"],
        "source": SourceRef(file="test.txt", lines=(n, n + 5)),
    }
    return ServiceData(**{**values, **overrides})


def parsed_brochure(*, provider: ProviderData | None = None, services: list[ServiceData] | None = None) -> ParsedBrochure:
    """A parsed brochure of `provider` holding `services` (two fresh ones by default)."""
    return ParsedBrochure(
        parser="test",
        provider=provider or provider_data(),
        services=services if services is not None else [service_data(), service_data()],
    )
