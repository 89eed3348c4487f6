"""The content model of a generated rate card: what the HTML page and the PDF both print."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel


class PriceLine(BaseModel):
    """What one orderable thing costs, in words: 'Low intensity: £120.00 per session, plus VAT'."""

    option: str | None  # the option's name; None for the service as a whole
    text: str  # the price, or "Price on request"
    priced: bool


class NsiLine(BaseModel):
    """The NSI main category and sub types to add in nDelius, exactly as the brochure prints them."""

    option: str | None
    category: str | None
    subtypes: list[str]


class Entry(BaseModel):
    """One service as the rate card prints it."""

    id: str
    anchor: str
    name: str
    aliases: list[str]
    kind: str
    summary: str
    who_for: list[str]  # the eligibility rules in plain English
    overrides: list[str]  # printed ways round a rule
    prerequisites: list[str]
    delivery: str
    setting: str
    duration: list[str]
    options: list[str]
    areas: list[str]
    locations: list[str]
    refer_method: str
    nsi: list[NsiLine]
    request_notes: str | None
    charges: list[str]
    prices: list[PriceLine]


class Section(BaseModel):
    """A heading of the provider's brochure and the services under it."""

    heading: str
    anchor: str
    entries: list[Entry]


class PriceListNote(BaseModel):
    """The price list the prices come from."""

    title: str
    valid_from: dt.date
    valid_to: dt.date | None
    example: bool


class RateCard(BaseModel):
    """Everything one rate card shows, assembled from the catalogue and the prices in force."""

    provider_code: str
    provider_id: str
    provider_name: str
    title: str
    built_from: str  # the published brochure the catalogue holds the facts of
    valid_from: str  # in words
    on: dt.date
    areas: list[str]
    hub_email: str | None
    hub_location: str | None
    nsi_provider_name: str | None
    introduction: list[str]
    resettlement_prisons: list[str]
    non_resettlement_prisons: list[str]
    ttg_entries: list[tuple[str, str]]  # (anchor, name) of the Through the Gate services
    transfer_steps: list[str]
    transfer: dict[str, str]  # provider/team/officer/reason of the transfer, where printed
    sections: list[Section]
    price_list: PriceListNote | None
