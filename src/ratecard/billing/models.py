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
