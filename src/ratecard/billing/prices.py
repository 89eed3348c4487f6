"""Reading prices: the published price list in force for a provider on a day, and the entry for an option."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ratecard.billing.models import PriceEntry, PriceList
from ratecard.billing.workflow import LIVE_STATUSES
from ratecard.catalogue.models import Service


def in_force(*, session: Session, provider_id: str, on: dt.date) -> PriceList | None:
    """The provider's published price list in force on `on` (at most one: published lists never overlap).

    A superseded list still counts for the days it kept: a newer list only ended it early."""
    return session.scalar(
        select(PriceList)
        .where(
            PriceList.provider_id == provider_id,
            PriceList.status.in_(LIVE_STATUSES),
            PriceList.valid_from <= on,
            or_(PriceList.valid_to.is_(None), PriceList.valid_to >= on),
        )
        .order_by(PriceList.valid_from.desc())
        .limit(1)
    )


def entry_for(*, session: Session, service_id: str, option_id: str | None, on: dt.date) -> PriceEntry | None:
    """The price of a service's option (or of the service, when `option_id` is None) in force on `on`."""
    provider_id = session.scalar(select(Service.provider_id).where(Service.id == service_id))
    if provider_id is None:
        return None
    price_list = in_force(session=session, provider_id=provider_id, on=on)
    if price_list is None:
        return None
    option_clause = PriceEntry.option_id.is_(None) if option_id is None else PriceEntry.option_id == option_id
    return session.scalar(
        select(PriceEntry).where(PriceEntry.price_list_id == price_list.id, PriceEntry.service_id == service_id,
                                 option_clause)
    )
