"""Pydantic shapes of the catalogue: what parsers produce, overlays amend and the API returns."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ratecard.catalogue.rules import Rule


class Kind(StrEnum):
    """What sort of offer a service is."""

    ACCREDITED_PROGRAMME = "accredited_programme"
    STRUCTURED_INTERVENTION = "structured_intervention"  # a set course, group or one-to-one
    SUPPORT_SERVICE = "support_service"  # open-ended support bought in intensities or blocks
    RESETTLEMENT = "resettlement"  # through-the-gate / pre-release
    COURT_REQUIREMENT = "court_requirement"
    OTHER = "other"


class Delivery(StrEnum):
    """How participants are seen."""

    GROUP = "group"
    ONE_TO_ONE = "one_to_one"
    BOTH = "both"


class Setting(StrEnum):
    """Where in the sentence the service runs."""

    COMMUNITY = "community"
    CUSTODY = "custody"  # pre-release, inside a prison
    THROUGH_THE_GATE = "through_the_gate"  # starts inside, continues after release


class RequestMethod(StrEnum):
    """How a practitioner buys or obtains the service."""

    NSI = "nsi"  # add a Non-Statutory Intervention and transfer it to the hub
    TRANSFER_REQUIREMENT = "transfer_requirement"  # court-ordered: transfer the requirement
    COURT_ORDER = "court_order"  # made by the court on a sentencer's decision; nothing to buy
    CONTACT_PROVIDER = "contact_provider"  # ask the provider; no NSI printed


class Level(StrEnum):
    """What an orderable option of a service is."""

    ASSESSMENT = "assessment"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    MODULE = "module"
    BLOCK = "block"  # a fixed length of time or hours (6-month mentoring, 12 hours of SAC)
    PROGRAMME = "programme"  # the whole course as one unit
    VARIANT = "variant"  # another way of delivering it (group work vs one to one)


CATEGORIES = (
    "Accommodation",
    "Employment, training and education",
    "Finance, benefit and debt",
    "Women",
    "Families and relationships",
    "Drugs and alcohol",
    "Attitudes, thinking and behaviour",
    "Domestic abuse",
    "Health and wellbeing",
    "Restorative justice",
    "Mentoring and community support",
    "Resettlement",
    "Young adults",
    "Unpaid work",
    "Restrictions and monitoring",
    "Other",
)
"""The category vocabulary the catalogue is filtered by; each service has exactly one."""


Recipient = Literal["partner", "family"]
"""Who a service is for when it is not the person on probation: their partner or ex-partner, or their family."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


class SourceRef(_Strict):
    """Where in a brochure a fact was read: file name and 1-based inclusive line range."""

    file: str
    lines: tuple[int, int]

    @field_validator("lines")
    @classmethod
    def _ordered(cls, value: tuple[int, int]) -> tuple[int, int]:
        if value[0] < 1 or value[1] < value[0]:
            raise ValueError("line range must be 1-based and start <= end")
        return value


class Criterion(_Strict):
    """One eligibility sentence as printed, with the line it came from."""

    text: str
    line: int


class Prerequisite(_Strict):
    """Something that must (or should) happen before this service is bought."""

    text: str  # in our words
    mandatory: bool = False  # True blocks a referral; False is a recommendation
    service_key: str | None = None  # the service to buy first, when it is one of this provider's
    max_modules: int | None = None
    max_sessions: int | None = None


class Charge(_Strict):
    """A fee the brochure prints, and when it applies."""

    description: str
    amount_pence: int = Field(ge=0)
    applies_when: str


class OptionData(_Strict):
    """One orderable unit of a service, with its own NSI sub type."""

    key: str = Field(min_length=1, max_length=200, pattern=r"^[a-z0-9-]+$")
    name: str = Field(min_length=1, max_length=200)
    # The NSI main category this option is bought under, as printed; None: the service's one. One
    # service may print the same sub type under several main categories (KSS's MSRP modules).
    nsi_category: str | None = Field(default=None, max_length=200)
    nsi_subtype: str | None = Field(default=None, max_length=300)
    level: Level | None = None
    sessions: int | None = Field(default=None, ge=0)
    session_minutes: int | None = Field(default=None, ge=0)
    hours: float | None = Field(default=None, ge=0)
    hours_up_to: bool = False  # the hours are a cap ("up to 2 hours"), not a fixed length
    duration_text: str | None = None


class ServiceData(_Strict):
    """Everything a brochure says about one service, as parsed and then corrected by the overlay."""

    key: str = Field(min_length=1, max_length=150, pattern=r"^[a-z0-9-]+$")  # stable; id is "<code>-<key>"
    name: str = Field(min_length=1, max_length=200)
    aliases: list[str] = []
    kind: Kind
    category: str
    summary: str | None = None  # our own words, from the curated overlay
    highlights: list[str] = []
    delivery: Delivery | None = None
    setting: Setting = Setting.COMMUNITY
    rar_usable: bool | None = None
    licence_usable: bool | None = None
    areas: list[str] = []  # empty means the provider's whole area
    locations: list[str] = []  # towns, offices or prisons where it is delivered
    request_method: RequestMethod = RequestMethod.NSI
    nsi_category: str | None = Field(default=None, max_length=200)
    nsi_subtypes: list[str] = []
    request_notes: str | None = None
    prerequisites: list[Prerequisite] = []
    charges: list[Charge] = []
    criteria_text: list[Criterion] = []
    rules: list[Rule] = []  # the criteria as structured tests (from the overlay)
    # Who it is delivered to when that is not the person on probation (from the overlay): the matcher
    # never answers such a service "eligible" for the person.
    recipient: Recipient | None = None
    sessions: int | None = Field(default=None, ge=0)
    session_minutes: int | None = Field(default=None, ge=0)
    total_hours: float | None = Field(default=None, ge=0)
    rar_days: int | None = Field(default=None, ge=0)
    max_participants: int | None = Field(default=None, ge=0)
    duration_text: str | None = None
    options: list[OptionData] = []
    source: SourceRef
    review_notes: list[str] = []  # what the parser could not settle

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str) -> str:
        if value not in CATEGORIES:
            raise ValueError(f"category must be one of {', '.join(CATEGORIES)}")
        return value


class TransferInstructions(_Strict):
    """How the practitioner hands the NSI to the provider's hub in nDelius."""

    provider: str  # "CPA Norfolk and Suffolk"
    team: str | None = None
    officer: str | None = None
    reason: str | None = None  # "External NSI Referral"
    steps: list[str] = []


class ProviderData(_Strict):
    """A provider as its brochure describes it."""

    code: str = Field(min_length=2, max_length=16, pattern=r"^[A-Z][A-Z0-9]*$")  # as in NSI names: NSF, CLN, KSS
    name: str = Field(min_length=1, max_length=200)
    areas: list[str]
    hub_email: str | None = None
    hub_location: str | None = None
    contact: str | None = None
    brochure_title: str
    brochure_kind: str  # rate card, guide for sentencers, programme brochure
    brochure_file: str
    valid_from: dt.date | None = None
    valid_text: str | None = None  # the date as printed
    nsi_provider_name: str | None = None
    transfer: TransferInstructions | None = None
    resettlement_prisons: list[str] = []
    non_resettlement_prisons: list[str] = []
    offices: list[str] = []  # offices, hubs and centres the provider names


class ParsedBrochure(_Strict):
    """What one brochure parser returns."""

    parser: str
    provider: ProviderData
    services: list[ServiceData]
    warnings: list[str] = []


# --- What the service layer reports and the API returns ---------------------------------------


class NotEncoded(BaseModel):
    """A service whose brochure prints criteria that no rule or note cites: matched as unknown, never eligible."""

    service_id: str
    name: str
    lines: list[int]  # the printed criteria lines no rule or note cites


class SummaryMismatch(BaseModel):
    """A number an overlay summary or highlight restates that the parsed facts do not hold."""

    service_id: str
    name: str
    said: str  # the words of the summary, e.g. "Eight one-to-one sessions"
    unit: str  # sessions | weeks | hours | minutes | days | months
    value: float
    found: list[float]  # what the parsed facts (or, lacking any, the printed section) give for that unit
    basis: str  # "parsed facts" or "brochure text"
    printed: bool = False  # the service's printed lines do hold the number (the parse and the text differ)


class ImportReport(BaseModel):
    """What importing one brochure found and did."""

    file: str
    provider: str | None = None
    parser: str | None = None
    services_found: int = 0
    options_found: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    fields_filled: dict[str, int] = {}
    needs_review: list[str] = []
    criteria_not_encoded: list[NotEncoded] = []  # also listed in needs_review, in plain words
    rules_anchored: int = 0  # overlay rules with a quote of the text they were written from
    rules_without_anchor: int = 0  # overlay rules citing a line only: they cannot be re-anchored
    anchors_moved: list[str] = []  # "<service>: rule '<criterion>' moved from line X to Y"
    anchors_lost: list[str] = []  # rules whose quoted text is gone: out of the decision, also in needs_review
    summary_mismatches: list[SummaryMismatch] = []
    error: str | None = None
    dry_run: bool = False


class OptionOut(BaseModel):
    """An orderable option as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    nsi_category: str | None
    nsi_subtype: str | None
    level: str | None
    sessions: int | None
    session_minutes: int | None
    hours: float | None
    hours_up_to: bool
    duration_text: str | None


class ProviderOut(BaseModel):
    """A provider as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    code: str
    name: str
    areas: list[str]
    hub_email: str | None
    hub_location: str | None
    contact: str | None
    brochure_title: str
    brochure_kind: str
    brochure_file: str
    valid_from: dt.date | None
    valid_text: str | None
    nsi_provider_name: str | None
    transfer: TransferInstructions | None
    resettlement_prisons: list[str]
    non_resettlement_prisons: list[str]
    offices: list[str]
    service_count: int = 0


class ServiceBrief(BaseModel):
    """A service in a list: enough to choose it."""

    id: str
    provider: str
    provider_name: str
    name: str
    aliases: list[str]
    kind: Kind
    category: str
    summary: str | None
    delivery: Delivery | None
    setting: Setting
    rar_usable: bool | None
    areas: list[str]
    request_method: RequestMethod
    nsi_category: str | None
    total_hours: float | None
    sessions: int | None
    recipient: Recipient | None = None  # None: the person on probation; else who the service is for


class ServiceOut(ServiceBrief):
    """A service with everything the catalogue knows of it (the export's shape too)."""

    key: str
    highlights: list[str]
    licence_usable: bool | None
    areas_printed: list[str]
    locations: list[str]
    nsi_subtypes: list[str]
    request_notes: str | None
    prerequisites: list[Prerequisite]
    charges: list[Charge]
    criteria_text: list[str]
    criteria: list[Criterion]
    rules: list[Rule]
    session_minutes: int | None
    rar_days: int | None
    max_participants: int | None
    duration_text: str | None
    options: list[OptionOut]
    source: SourceRef
    review_notes: list[str]


class ServiceFilters(BaseModel):
    """Filters shared by the web list, the API and the CLI; every one optional."""

    model_config = ConfigDict(extra="ignore")

    q: str | None = Field(default=None, max_length=200, description="Words to search for; all must match.")
    provider: str | None = Field(default=None, max_length=16, description="Provider code, e.g. NSF.")
    category: str | None = Field(default=None, max_length=80)
    kind: Kind | None = None
    delivery: Delivery | None = Field(default=None, description="group or one_to_one also match 'both'.")
    area: str | None = Field(default=None, max_length=100, description="County or area, e.g. Lancashire.")
    setting: Setting | None = None
    rar_usable: bool | None = None


class ServicePage(BaseModel):
    """One page of services."""

    items: list[ServiceBrief]
    total: int
    page: int
    per_page: int
    pages: int
