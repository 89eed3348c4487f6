"""Factories for billing: price-list managers, entries for a provider's orderable options, lists drafted or published."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ratecard.accounts.models import User
from ratecard.accounts.service import Role
from ratecard.billing import pricelists
from ratecard.billing.models import PriceList
from ratecard.billing.schemas import PriceEntryIn, PriceListIn
from ratecard.catalogue.models import Service, ServiceOption
from tests.referrals import factories as rf

JAN = dt.date(2027, 1, 1)
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


def manager(session: Session, provider_id: str = "cln", **overrides: Any) -> User:
    """Hub staff of `provider_id` who may manage its price lists."""
    return rf.user(session, Role.HUB, provider_id=provider_id, can_manage_prices=True, **overrides)


def orderable(session: Session, provider_id: str) -> list[tuple[str, str | None]]:
    """(service id, option id or None) for every orderable option of a provider, in brochure order."""
    found: list[tuple[str, str | None]] = []
    for service in session.scalars(select(Service).where(Service.provider_id == provider_id, Service.listed.is_(True))
                                   .order_by(Service.position)):
        options = list(session.scalars(select(ServiceOption).where(
            ServiceOption.service_id == service.id, ServiceOption.withdrawn_at.is_(None)).order_by(ServiceOption.position)))
        found += [(service.id, o.id) for o in options] if options else [(service.id, None)]
    return found


def entry_in(service_id: str = "cln-conflict-resolution", option_id: str | None = None, **overrides: Any) -> PriceEntryIn:
    """£45.00 a session at the standard rate unless told otherwise."""
    values: dict[str, Any] = {"service_id": service_id, "option_id": option_id, "unit": "per_session",
                              "unit_price_pence": 4500, "vat_rate": "standard"}
    return PriceEntryIn.model_validate(values | overrides)


def every_entry(session: Session, provider_id: str, **overrides: Any) -> list[PriceEntryIn]:
    """An entry for every orderable option of the provider."""
    return [entry_in(s, o, **overrides) for s, o in orderable(session, provider_id)]


def draft(session: Session, user: User, *, provider_id: str = "cln", valid_from: dt.date = JAN,
          valid_to: dt.date | None = None, entries: list[PriceEntryIn] | None = None, title: str | None = None,
          example: bool = False) -> PriceList:
    """A draft list of `provider_id` (one entry, CLN's Conflict Resolution, unless given)."""
    if entries is None:
        entries = [entry_in()] if provider_id == "cln" else every_entry(session, provider_id)
    data = PriceListIn(provider_id=provider_id, title=title or f"Prices from {valid_from:%d %B %Y}",
                       valid_from=valid_from, valid_to=valid_to, entries=entries)
    return pricelists.create_list(session=session, user=user, data=data, example=example, now=NOW)


def published(session: Session, user: User, **kwargs: Any) -> PriceList:
    """A list drafted and published."""
    price_list = draft(session, user, **kwargs)
    return pricelists.publish(session=session, user=user, price_list_id=price_list.id, now=NOW)
