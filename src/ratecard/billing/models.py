"""Tables of billing: providers' price lists and their entries, the price snapshotted onto a referral at
acceptance and the re-quoted differences of approved variations (and, at the end, invoices)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ratecard.db import Base, UTCDateTime

# --- prices (above the invoices line: prices.py, quotes.py) ---


class PriceList(Base):
    """A provider's prices for a period: drafted, then published; a published list is never edited,
    only superseded by a newer one. Two published lists of one provider never overlap in time."""

    __tablename__ = "price_lists"
    __table_args__ = (
        Index("ix_price_lists_provider_status_from", "provider_id", "status", "valid_from"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_period"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"))
    title: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)  # the last day in force; None = open-ended
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft | published | superseded
    # Example prices for trying ratecard, not the provider's: labelled wherever they are shown.
    example: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    entries: Mapped[list[PriceEntry]] = relationship(
        back_populates="price_list", order_by="PriceEntry.id", cascade="all, delete-orphan"
    )


class PriceEntry(Base):
    """The price of one orderable option (or of a service without options) in one price list."""

    __tablename__ = "price_entries"
    __table_args__ = (
        UniqueConstraint("price_list_id", "service_id", "option_id", name="uq_price_entries_list_service_option"),
        CheckConstraint("unit_price_pence >= 0", name="unit_price_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    price_list_id: Mapped[int] = mapped_column(ForeignKey("price_lists.id", ondelete="CASCADE"), index=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), index=True)
    option_id: Mapped[str | None] = mapped_column(ForeignKey("service_options.id"))  # None: no options
    unit: Mapped[str] = mapped_column(String(20))  # per_referral | per_session | per_hour | per_module | per_day
    unit_price_pence: Mapped[int] = mapped_column(Integer)  # ex VAT
    vat_rate: Mapped[str] = mapped_column(String(20))  # standard | reduced | zero | exempt (data/billing/vat.yaml)
    minimum_units: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    # e.g. {"kind": "cancellation_after_registration", "amount_pence": 10000}
    charge_rule: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)  # where the price comes from (a brochure line)

    price_list: Mapped[PriceList] = relationship(back_populates="entries")


class PriceListHistory(Base):
    """One status change of a price list: who, when, from, to, why."""

    __tablename__ = "price_list_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    price_list_id: Mapped[int] = mapped_column(ForeignKey("price_lists.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)


class ReferralPrice(Base):
    """The price snapshotted onto a referral when its hub accepts it: later price lists never change it."""

    __tablename__ = "referral_prices"

    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), primary_key=True)
    price_list_id: Mapped[int] = mapped_column(ForeignKey("price_lists.id"), index=True)
    price_entry_id: Mapped[int] = mapped_column(ForeignKey("price_entries.id"))
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"))
    option_id: Mapped[str | None] = mapped_column(ForeignKey("service_options.id"))
    unit: Mapped[str] = mapped_column(String(20))
    unit_price_pence: Mapped[int] = mapped_column(Integer)
    vat_rate: Mapped[str] = mapped_column(String(20))
    minimum_units: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    charge_rule: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    units_bought: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    snapshotted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class PriceVariation(Base):
    """The difference re-quoted when the practitioner approves a variation (more sessions) of a referral."""

    __tablename__ = "price_variations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    # The approved plan that varied the referral: unique, so one approval is re-quoted once.
    action_plan_id: Mapped[int | None] = mapped_column(ForeignKey("action_plans.id", ondelete="SET NULL"), unique=True)
    extra_units: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    net_pence: Mapped[int] = mapped_column(Integer)
    vat_pence: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


# --- invoices (below this line: invoices.py) ---


class BillableEvent(Base):
    """One billable thing delivery made happen (a session attended, hours, a module started, a day, the
    first session of a per-referral price, a charged cancellation), priced from the referral's snapshot.

    (referral, kind, source) is unique, so however many invoice runs find it, it is written once; its
    invoice_id is set by one conditional UPDATE ... WHERE invoice_id IS NULL, so it is billed once."""

    __tablename__ = "billable_events"
    __table_args__ = (
        UniqueConstraint("referral_id", "kind", "source", name="uq_billable_events_referral_kind_source"),
        Index("ix_billable_events_provider_unbilled", "provider_id", "invoice_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"))
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"))
    kind: Mapped[str] = mapped_column(String(20))  # referral | session | hours | module | day | cancellation
    source: Mapped[str] = mapped_column(String(40))  # appointment:12 | module:2 | day:2027-01-05 | cancellation
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    units: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    unit_price_pence: Mapped[int] = mapped_column(Integer)
    vat_rate: Mapped[str] = mapped_column(String(10))
    net_pence: Mapped[int] = mapped_column(Integer)
    vat_pence: Mapped[int] = mapped_column(Integer)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), index=True)
    found_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Invoice(Base):
    """An invoice (or a credit note correcting one) of a provider for a month, numbered per provider and kind.

    Status: draft -> issued -> paid, or draft -> void; credit notes are issued when made. Only a draft is
    ever changed; an issued invoice is corrected by a credit note naming it (corrects_id)."""

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("provider_id", "kind", "sequence", name="uq_invoices_provider_kind_sequence"),
        Index("ix_invoices_provider_month", "provider_id", "month"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"))
    kind: Mapped[str] = mapped_column(String(20), default="invoice")  # invoice | credit_note
    month: Mapped[dt.date] = mapped_column(Date)  # the first day of the month billed
    sequence: Mapped[int] = mapped_column(Integer)  # 1, 2, 3... per provider and kind, from invoice_counters
    number: Mapped[str] = mapped_column(String(30), unique=True)  # NSF-INV-000001, NSF-CN-000001
    status: Mapped[str] = mapped_column(String(20))  # draft | issued | paid | void
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), index=True)
    reason: Mapped[str | None] = mapped_column(Text)  # why a credit note was made
    net_pence: Mapped[int] = mapped_column(Integer, default=0)
    vat_pence: Mapped[int] = mapped_column(Integer, default=0)
    total_pence: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status_changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class InvoiceLine(Base):
    """One line of an invoice: a referral's events of one kind at one price, with what the reader needs."""

    __tablename__ = "invoice_lines"
    __table_args__ = (UniqueConstraint("invoice_id", "position", name="uq_invoice_lines_invoice_position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    referral_reference: Mapped[str] = mapped_column(String(12))
    crn: Mapped[str] = mapped_column(String(7))
    service_id: Mapped[str] = mapped_column(String(200))
    service_name: Mapped[str] = mapped_column(String(300))
    option_name: Mapped[str | None] = mapped_column(String(300))
    region: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    units: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    unit_price_pence: Mapped[int] = mapped_column(Integer)
    vat_rate: Mapped[str] = mapped_column(String(10))
    net_pence: Mapped[int] = mapped_column(Integer)
    vat_pence: Mapped[int] = mapped_column(Integer)
    # On a credit note, the invoice line it credits: unique, so a line is credited at most once.
    credits_line_id: Mapped[int | None] = mapped_column(ForeignKey("invoice_lines.id"), unique=True)


class InvoiceCounter(Base):
    """The last number given to a provider's invoices (or credit notes): changed only by one
    UPDATE ... RETURNING in the transaction that makes the invoice, so numbers have no gaps or twins."""

    __tablename__ = "invoice_counters"

    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class InvoiceHistory(Base):
    """One status change of an invoice or credit note: who, when, from, to, why."""

    __tablename__ = "invoice_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
