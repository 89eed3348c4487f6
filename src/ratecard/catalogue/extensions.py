"""What domains above the catalogue add to its service page, without the catalogue importing them.

Billing sits above the catalogue (tests/test_layers.py), yet the service page shows the price in
force. So the page asks this registry, and billing registers its provider here when it is imported:
the dependency points upwards only at run time, through plain functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from ratecard.db import utc_now


@dataclass(frozen=True)
class ServicePanel:
    """A block of the service page: a heading, a table (head, rows of cells), notes and a tag."""

    title: str
    head: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)
    tag: str | None = None  # e.g. "Example prices"
    empty: str | None = None  # said instead of the table when there are no rows


ServicePanelOf = Callable[[Session, str, dt.date], ServicePanel | None]

_service_panels: dict[str, ServicePanelOf] = {}


def register_service_panel(name: str, provider: ServicePanelOf) -> None:
    """Add (or replace) a provider of a service page's panel: (session, service id, today) -> ServicePanel or None."""
    _service_panels[name] = provider


def service_panels(*, session: Session, service_id: str, now: dt.datetime | None = None) -> list[ServicePanel]:
    """Every provider's panel for one service page (public: only what anyone may see)."""
    today = utc_now(now).date()
    return [p for provider in _service_panels.values() if (p := provider(session, service_id, today)) is not None]
