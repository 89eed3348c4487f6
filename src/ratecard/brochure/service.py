"""The rate card of a provider, generated from the catalogue and the prices in force: HTML or PDF bytes.

`build` is the one entry point (the web routes, the CLI and bench/invoicing.py call it). It reads,
never writes; the caller owns the session.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from sqlalchemy.orm import Session

from ratecard.brochure import sections
from ratecard.brochure.prices import PriceBook
from ratecard.brochure.schemas import Entry, NsiLine, RateCard, Section
from ratecard.catalogue import service as catalogue
from ratecard.catalogue.schemas import ProviderOut, ServiceFilters, ServiceOut
from ratecard.errors import InvalidInput
from ratecard.templating import hours, label

Format = Literal["html", "pdf"]
FORMATS: tuple[str, ...] = ("html", "pdf")
RECIPIENTS = {"partner": "For the partner (or former partner) of the person on probation, not the person themselves."}


def _anchor(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _duration(item: ServiceOut) -> list[str]:
    lines = []
    if item.duration_text:
        lines.append(item.duration_text)
    if item.sessions:
        minutes = f" of {item.session_minutes} minutes" if item.session_minutes else ""
        lines.append(f"{item.sessions} session{'s' if item.sessions != 1 else ''}{minutes}")
    if item.total_hours:
        lines.append(f"{hours(item.total_hours)} in all")
    if item.rar_days:
        lines.append(f"{item.rar_days} RAR day{'s' if item.rar_days != 1 else ''}")
    return lines or ["Not stated: ask the provider's hub."]


def _option_words(item: ServiceOut) -> list[str]:
    words = []
    for option in item.options:
        said = option.name
        if option.hours is not None:
            said += f" ({'up to ' if option.hours_up_to else ''}{hours(option.hours)})"
        if option.duration_text:
            said += f": {option.duration_text}"
        words.append(said)
    return words


def _nsi(item: ServiceOut) -> list[NsiLine]:
    printed = item.nsi_category or item.nsi_subtypes or any(o.nsi_category or o.nsi_subtype for o in item.options)
    if item.request_method.value != "nsi" and not printed:
        return []
    categories = {option.nsi_category or item.nsi_category for option in item.options}
    if len(categories) > 1:
        # One service bought under several main categories: each option goes under its own.
        return [
            NsiLine(option=o.name, category=o.nsi_category or item.nsi_category,
                    subtypes=[o.nsi_subtype] if o.nsi_subtype else [])
            for o in item.options
        ]
    subtypes = list(item.nsi_subtypes)
    subtypes += [o.nsi_subtype for o in item.options if o.nsi_subtype and o.nsi_subtype not in subtypes]
    return [NsiLine(option=None, category=item.nsi_category, subtypes=subtypes)]


def _who_for(item: ServiceOut) -> tuple[list[str], list[str]]:
    # The rules' messages are the catalogue's plain-English statement of each printed criterion:
    # the match pages say the same words when a rule fails.
    said = [RECIPIENTS[item.recipient]] if item.recipient in RECIPIENTS else []
    said += [rule.message for rule in item.rules]
    overrides = [rule.override for rule in item.rules if rule.override]
    if not said:
        said = ["The catalogue records no conditions for this service: ask the provider's hub whether it suits the person."]
    return said, list(dict.fromkeys(overrides))


def _charge_words(item: ServiceOut) -> list[str]:
    from ratecard.billing.quotes import money

    return [f"{c.description}: {money(c.amount_pence)} ({c.applies_when})" for c in item.charges]


def _entry(item: ServiceOut, provider: ProviderOut, book: PriceBook) -> Entry:
    who_for, overrides = _who_for(item)
    return Entry(
        id=item.id,
        anchor=f"service-{item.id}",
        name=item.name,
        aliases=item.aliases,
        kind=label(item.kind),
        summary=item.summary or f"A {label(item.kind).lower()} in {item.category.lower()}.",
        who_for=who_for,
        overrides=overrides,
        prerequisites=[("Required first: " if p.mandatory else "Recommended first: ") + p.text for p in item.prerequisites],
        delivery=label(item.delivery) or "Not stated",
        setting=label(item.setting),
        duration=_duration(item),
        options=_option_words(item),
        areas=item.areas or provider.areas,
        locations=item.locations,
        refer_method=label(item.request_method),
        nsi=_nsi(item),
        request_notes=item.request_notes,
        charges=_charge_words(item),
        prices=book.lines(item),
    )


def _introduction(provider: ProviderOut, count: int, groups: int, book: PriceBook) -> list[str]:
    areas = ", ".join(provider.areas)
    said = [
        f"{provider.name} offers {count} services to probation practitioners in {areas}. "
        f"They are set out here in {groups} part{'s' if groups != 1 else ''}, in the order the provider's "
        f"own {provider.brochure_kind} uses.",
        "For each service this rate card says what it is, who it is for, how it is delivered and for how "
        "long, where it runs, how to refer someone and what it costs. ratecard writes the summaries and the "
        "eligibility rules in its own words from the facts the catalogue holds; check the provider's "
        "brochure before you refer.",
    ]
    if provider.hub_email:
        said.append(f"Questions and referrals go to the provider's hub at {provider.hub_email}.")
    if book.price_list is None:
        said.append("No price list is in force for this provider on this date, so every service shows "
                    "\u201cprice on request\u201d.")
    elif book.price_list.example:
        said.append("The prices are example prices for trying ratecard, not the provider's.")
    return said


def _valid_from(provider: ProviderOut, book: PriceBook, on: dt.date) -> str:
    if book.price_list is not None:
        return f"{book.price_list.valid_from:%-d %B %Y} (prices); brochure {provider.valid_text or 'undated'}"
    if provider.valid_from:
        return f"{provider.valid_from:%-d %B %Y}"
    return provider.valid_text or f"{on:%-d %B %Y}"


def rate_card(*, session: Session, provider_code: str, on: dt.date | None = None) -> RateCard:
    """The content of a provider's rate card on `on` (today by default); NotFound for an unknown provider."""
    on = on or dt.date.today()
    provider = catalogue.get_provider(session=session, provider_id=provider_code)
    items = catalogue.export_services(session=session, filters=ServiceFilters(provider=provider.code))
    book = PriceBook(session=session, provider_id=provider.id, on=on)
    by_key = {item.key: item for item in items}
    groups = sections.group(provider.code, [item.key for item in items])
    built = [
        Section(heading=heading, anchor=f"part-{n}-{_anchor(heading)}",
                entries=[_entry(by_key[key], provider, book) for key in keys])
        for n, (heading, keys) in enumerate(groups, start=1)
    ]
    transfer = provider.transfer
    return RateCard(
        provider_code=provider.code,
        provider_id=provider.id,
        provider_name=provider.name,
        title=f"{provider.name}: rate card",
        built_from=f"{provider.brochure_title} ({provider.brochure_kind}{', ' + provider.valid_text if provider.valid_text else ''})",
        valid_from=_valid_from(provider, book, on),
        on=on,
        areas=provider.areas,
        hub_email=provider.hub_email,
        hub_location=provider.hub_location,
        nsi_provider_name=provider.nsi_provider_name,
        introduction=_introduction(provider, len(items), len(built), book),
        resettlement_prisons=provider.resettlement_prisons,
        non_resettlement_prisons=provider.non_resettlement_prisons,
        ttg_entries=[(f"service-{i.id}", i.name) for i in items if i.kind.value == "resettlement" or i.setting.value == "through_the_gate"],
        transfer_steps=transfer.steps if transfer else [],
        transfer={k: v for k, v in (transfer.model_dump() if transfer else {}).items() if isinstance(v, str) and v},
        sections=built,
        price_list=book.note(),
    )


def build(*, session: Session, provider_code: str, fmt: Format, on: dt.date | None = None) -> bytes:
    """The provider's rate card as a standalone HTML document or a tagged PDF (A4, bookmarks, page numbers)."""
    if fmt not in FORMATS:
        raise InvalidInput(f"The format must be html or pdf, not '{fmt}'.")
    from ratecard.brochure.render import document_html, pdf

    card = rate_card(session=session, provider_code=provider_code, on=on)
    html = document_html(card)
    return html.encode("utf-8") if fmt == "html" else pdf(html, card)
