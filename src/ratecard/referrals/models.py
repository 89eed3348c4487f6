"""Tables of the NSI purchase workflow: people on probation, referrals, their history, the outbox."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ratecard.db import Base, UTCDateTime

from ratecard.referrals.workflow import OPEN_STATUSES

_OPEN_SQL = "status IN (" + ", ".join(f"'{s}'" for s in OPEN_STATUSES) + ")"


class Person(Base):
    """A probation region's copy of a person on probation, known by their nDelius CRN.

    nDelius owns the person; each region keeps its own copy, made and changed only by that region's
    referrals, so nobody reads or overwrites what another region recorded (docs/personal-data.md)."""

    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("region", "crn", name="uq_people_region_crn"),
        # Name search (`lower(name) LIKE '%term%'`) on PostgreSQL: trigrams find the few matching people
        # without reading them all. SQLite has no such index and reads the table (fine at its sizes).
        Index("ix_people_name_trgm", func.lower(text("name")).label("lower_name"), postgresql_using="gin",
              postgresql_ops={"lower_name": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region: Mapped[str] = mapped_column(String(100))
    crn: Mapped[str] = mapped_column(String(7), index=True)
    name: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[dt.date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(10))
    area: Mapped[str | None] = mapped_column(String(100))
    profile: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the eligibility profile
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    events: Mapped[list[PersonEvent]] = relationship(order_by="PersonEvent.start_date", cascade="all, delete-orphan")


class PersonEvent(Base):
    """A sentence or licence the person is serving: the event a referral belongs to."""

    __tablename__ = "person_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # community_order, suspended_sentence_order, licence, pss, custody
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    length_months: Mapped[int | None] = mapped_column(Integer)
    requirements: Mapped[list[str]] = mapped_column(JSON, default=list)
    prison: Mapped[str | None] = mapped_column(String(100))
    release_date: Mapped[dt.date | None] = mapped_column(Date)


class Referral(Base):
    """An NSI referral from a practitioner to a provider's hub, and where it has got to."""

    __tablename__ = "referrals"
    __table_args__ = (
        # One open referral per person per service, enforced by the database so races cannot break it.
        Index(
            "uq_referrals_open_person_service", "person_id", "service_id", unique=True,
            sqlite_where=text(_OPEN_SQL), postgresql_where=text(_OPEN_SQL),
        ),
        UniqueConstraint("created_by_id", "idempotency_key", name="uq_referrals_idempotency"),
        # Dashboards: counts per status are index-only scans, and a page of the newest is read in
        # index order and stops after one page, however many referrals a region or provider has.
        Index("ix_referrals_region_status_created", "region", "status", "created_at", "id"),
        Index("ix_referrals_region_created", "region", "created_at", "id"),
        Index("ix_referrals_provider_status_created", "provider_id", "status", "created_at", "id"),
        Index("ix_referrals_provider_created", "provider_id", "created_at", "id"),
        # Reports: the referrals a provider received in a period, in order of receipt, are one range.
        Index("ix_referrals_provider_received", "provider_id", "received_at", "id"),
        Index("ix_referrals_received", "received_at", "id"),
        # A caseworker's cases (their scope names the provider too): counts per status index-only, a tab's
        # newest page in index order. Its first column serves lookups by caseworker alone.
        Index("ix_referrals_caseworker_cases", "caseworker_id", "provider_id", "status", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), index=True)
    option_id: Mapped[str | None] = mapped_column(ForeignKey("service_options.id"))
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"))
    nsi_category: Mapped[str | None] = mapped_column(String(200))
    nsi_subtype: Mapped[str | None] = mapped_column(String(300))
    region: Mapped[str] = mapped_column(String(100))
    team: Mapped[str | None] = mapped_column(String(100))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("person_events.id"))
    requirement_type: Mapped[str] = mapped_column(String(40))
    referral_date: Mapped[dt.date] = mapped_column(Date)
    expected_start: Mapped[dt.date | None] = mapped_column(Date)
    expected_end: Mapped[dt.date | None] = mapped_column(Date)
    actual_end: Mapped[dt.date | None] = mapped_column(Date)
    risk_notes: Mapped[str | None] = mapped_column(Text)
    support_notes: Mapped[str | None] = mapped_column(Text)
    location_notes: Mapped[str | None] = mapped_column(Text)
    priority: Mapped[str] = mapped_column(String(20))
    prison: Mapped[str | None] = mapped_column(String(100))
    release_date: Mapped[dt.date | None] = mapped_column(Date)
    msrp_modules: Mapped[list[str]] = mapped_column(JSON, default=list)
    msrp_sessions: Mapped[int | None] = mapped_column(Integer)
    eligibility_result: Mapped[str | None] = mapped_column(String(20))
    override_reason: Mapped[str | None] = mapped_column(Text)
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), index=True)
    status_changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    caseworker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    registered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # When it first reached the hub (transferred) and was accepted: set by the transition, for reports.
    received_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # What the performance figures need of its delivery, kept here by delivery (delivery/facts.py) so a
    # provider's period is one range scan of this table, joined to nothing.
    first_appointment_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    first_session_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    appointments_attended: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    appointments_missed: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    outcomes_chosen: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    outcomes_achieved: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    cancellation_charge_pence: Mapped[int | None] = mapped_column(Integer)
    # The request to end it once accepted (delivery/ending.py): who asked, when and why, written once.
    end_requested_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    end_requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    end_reason_code: Mapped[str | None] = mapped_column(String(40))  # a code of data/referrals/reasons.yaml
    end_reason_detail: Mapped[str | None] = mapped_column(Text)
    price_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # filled by pricing, later
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    idempotency_hash: Mapped[str | None] = mapped_column(String(64))  # of the request that used the key
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship()
    history: Mapped[list[ReferralHistory]] = relationship(order_by="ReferralHistory.id", cascade="all, delete-orphan")


class ReferralHistory(Base):
    """One status change: who, when, from, to, why."""

    __tablename__ = "referral_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    reason_code: Mapped[str | None] = mapped_column(String(40))  # a code of data/referrals/reasons.yaml


class OutboxMessage(Base):
    """An email waiting to be (or already) sent by the pluggable sender."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
