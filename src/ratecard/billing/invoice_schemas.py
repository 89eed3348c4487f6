"""What the invoice API reads and answers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class InvoiceRunIn(BaseModel):
    """Run a provider's invoices for a month."""

    model_config = ConfigDict(extra="forbid")
    provider: str = Field(min_length=1, max_length=16, description="The provider's code, e.g. NSF.")
    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="Year and month, e.g. 2027-01; not a month still to come.")


class InvoiceLineOut(BaseModel):
    """One line: a referral's billed events of one kind at one price."""

    model_config = ConfigDict(from_attributes=True)
    position: int
    referral_reference: str
    crn: str
    service_id: str
    service_name: str
    option_name: str | None
    region: str
    kind: str
    units: Decimal
    unit_price_pence: int
    vat_rate: str
    net_pence: int
    vat_pence: int


class InvoiceOut(BaseModel):
    """An invoice or credit note with its lines and totals (sums of the lines)."""

    id: int
    number: str
    kind: str
    provider_id: str
    month: str
    status: str
    corrects_id: int | None
    reason: str | None
    net_pence: int
    vat_pence: int
    total_pence: int
    created_at: dt.datetime
    lines: list[InvoiceLineOut]


class InvoiceRunOut(BaseModel):
    """The invoice a run made, or none with the reason."""

    invoice: InvoiceOut | None
    message: str


class ReasonIn(BaseModel):
    """Why (to void a draft, or for a credit note)."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=2000)
    line_ids: list[int] | None = Field(default=None, description="Credit note: the lines to credit (default all).")
