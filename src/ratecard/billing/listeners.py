"""Billing's hooks in the domains below it (their registries, never their imports of billing): the price
snapshotted when the hub accepts, the difference re-quoted when a variation is approved, the quote on
the referral page and the price in force on the catalogue's service page."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ratecard.catalogue import extensions as catalogue_extensions
from ratecard.delivery import extensions as delivery_extensions
from ratecard.referrals import extensions as referral_extensions

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ratecard.catalogue.extensions import ServicePanel
    from ratecard.referrals.extensions import Panel
    from ratecard.referrals.models import Referral

# Only the registries are imported here: `import ratecard.billing` registers the hooks without loading
# the referral service, the models or pydantic, so a CLI command that never prices starts as fast.

EXAMPLE_LABEL = "Example prices for trying ratecard, not the provider's"


def snapshot_at_acceptance(session: Session, referral: Referral, action: str, user: Any, now: dt.datetime) -> None:
    """When the hub accepts, fix the referral's price from the list in force on its referral date
    (nothing when no price is in force); later price lists never change it."""
    from sqlalchemy import select

    from ratecard.billing import quotes
    from ratecard.billing.models import PriceEntry, ReferralPrice

    if action != "accept" or session.get(ReferralPrice, referral.id) is not None:
        return
    quote = quotes.quote_for(session=session, referral=referral)
    if not quote.lines or quote.price_list_id is None:
        return
    line = quote.lines[0]
    entry = session.scalar(select(PriceEntry).where(
        PriceEntry.price_list_id == quote.price_list_id, PriceEntry.service_id == line.service_id,
        PriceEntry.option_id.is_(None) if line.option_id is None else PriceEntry.option_id == line.option_id))
    assert entry is not None
    session.add(ReferralPrice(
        referral_id=referral.id, price_list_id=quote.price_list_id, price_entry_id=entry.id,
        service_id=entry.service_id, option_id=entry.option_id, unit=entry.unit,
        unit_price_pence=entry.unit_price_pence, vat_rate=entry.vat_rate, minimum_units=entry.minimum_units,
        charge_rule=entry.charge_rule, units_bought=line.units, snapshotted_at=now,
    ))
    session.flush()


def requote_variation(session: Session, referral: Referral, plan: Any, extra_before: int, extra_after: int,
                      user: Any, now: dt.datetime) -> None:
    """An approved variation changes the extra sessions: re-quote the difference at the snapshotted price."""
    from decimal import Decimal

    from ratecard.billing import quotes
    from ratecard.billing.models import PriceVariation, ReferralPrice
    from ratecard.billing.vat import vat_pence
    from ratecard.catalogue.models import Service, ServiceOption

    snapshot = session.get(ReferralPrice, referral.id)
    delta = extra_after - extra_before
    if snapshot is None or delta == 0 or snapshot.unit not in ("per_session", "per_hour"):
        return
    units = Decimal(delta)
    if snapshot.unit == "per_hour":
        service = session.get(Service, referral.service_id)
        option = session.get(ServiceOption, referral.option_id) if referral.option_id else None
        minutes = (option.session_minutes if option else None) or (service.session_minutes if service else None)
        if not minutes:
            return  # no session length printed: the hours of an extra session are not known
        units = (Decimal(delta * minutes) / 60).quantize(Decimal("0.01"))
    net = quotes.net_of(units, snapshot.unit_price_pence)
    session.add(PriceVariation(
        referral_id=referral.id, action_plan_id=plan.id, extra_units=units, net_pence=net,
        vat_pence=vat_pence(net, snapshot.vat_rate), reason=plan.variation_reason,
        approved_by_id=user.id if user else None, approved_at=now,
    ))
    session.flush()


def quote_panel(session: Session, referral_id: int, now: dt.datetime) -> Panel | None:
    """The referral page's quote (a draft or a referral awaiting the hub) or the price fixed at acceptance."""
    from sqlalchemy import select

    from ratecard.billing import quotes
    from ratecard.billing.models import PriceVariation
    from ratecard.billing.money import money
    from ratecard.billing.vat import rates
    from ratecard.referrals.extensions import Panel
    from ratecard.referrals.models import Referral

    referral = session.get(Referral, referral_id)
    if referral is None:
        return None
    out = quotes.quote_for(session=session, referral=referral)
    if not out.snapshotted and referral.status not in ("draft", "referred", "transferred"):
        return None  # accepted with no price in force: nothing was fixed, and a live quote would mislead
    heading = "Price agreed at acceptance" if out.snapshotted else "Quote"
    if not out.lines:
        return Panel(title="Price", heading=heading, rows=[("Quote", out.message or "No price is in force.")])
    rows: list[tuple[str, str]] = [("Price list", out.price_list_title or "")]
    if out.example:
        rows.append(("Prices", EXAMPLE_LABEL))
    for line in out.lines:
        rows += [
            ("Item", line.description),
            ("Units", f"{quotes.units_text(line.units)} {quotes.unit_words(line.unit, line.units)} x {money(line.unit_price_pence)}"),
            ("Net", money(line.net_pence)),
            (f"VAT, {rates()[line.vat_rate].label.lower()}", money(line.vat_pence)),
            ("Line total", money(line.total_pence)),
        ]
        rows += [("Note", note) for note in line.notes]
    rows.append(("Total", f"{money(out.total_pence)} ({money(out.net_pence)} plus VAT {money(out.vat_pence)})"))
    for variation in session.scalars(select(PriceVariation).where(PriceVariation.referral_id == referral_id)
                                     .order_by(PriceVariation.id)):
        rows.append(("Variation approved", f"{quotes.units_text(variation.extra_units)} more: "
                     f"{money(variation.net_pence + variation.vat_pence)} including VAT"))
    return Panel(title="Price", heading=heading, rows=rows)


def price_panel(session: Session, service_id: str, today: dt.date) -> ServicePanel | None:
    """The catalogue's service page: the published price in force today for each option (public)."""
    from sqlalchemy import select

    from ratecard.billing import prices, quotes
    from ratecard.billing.models import PriceEntry
    from ratecard.billing.money import money
    from ratecard.billing.vat import rates
    from ratecard.catalogue.extensions import ServicePanel
    from ratecard.catalogue.models import Service

    service = session.get(Service, service_id)
    if service is None:
        return None
    price_list = prices.in_force(session=session, provider_id=service.provider_id, on=today)
    if price_list is None:
        return ServicePanel(title="Price", head=[], rows=[], empty="Price on request: no price list is in force.")
    entries = list(session.scalars(select(PriceEntry).where(PriceEntry.price_list_id == price_list.id,
                                                            PriceEntry.service_id == service_id)))
    names = {o.id: o.name for o in service.options}
    order = {o.id: o.position for o in service.options}
    rows = []
    notes = [f"From {price_list.title}, in force {quotes.period_words(price_list)}. Prices exclude VAT."]
    if price_list.example:
        notes.insert(0, f"{EXAMPLE_LABEL}: the brochures print no prices.")
    for entry in sorted(entries, key=lambda e: order.get(e.option_id or "", -1)):
        if entry.option_id and entry.option_id not in names:
            continue  # an option the catalogue has since withdrawn
        extra = quotes.conditions(entry)
        rows.append([names.get(entry.option_id or "", service.name), f"{money(entry.unit_price_pence)} "
                     f"per {quotes.unit_words(entry.unit, 1)}", rates()[entry.vat_rate].label, "; ".join(extra) or "–"])
    return ServicePanel(title="Price", head=["Option", "Price ex VAT", "VAT", "Conditions"], rows=rows, notes=notes,
                        tag="Example prices" if price_list.example else None,
                        empty="Price on request: the list in force has no price for this service.")


def install() -> None:
    """Register billing's hooks (idempotent: registered by name)."""
    referral_extensions.register_transition_listener("billing", snapshot_at_acceptance)
    referral_extensions.register_panel("billing", quote_panel)
    delivery_extensions.register_plan_approved("billing", requote_variation)
    catalogue_extensions.register_service_panel("billing", price_panel)
