"""Tables of the catalogue: providers, their services, the orderable options and where each runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ratecard.db import Base, UTCDateTime


class Provider(Base):
    """A probation provider and the brochure it published."""

    __tablename__ = "providers"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)  # lower-case NSI code: nsf, cln
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    hub_email: Mapped[str | None] = mapped_column(String(200))
    hub_location: Mapped[str | None] = mapped_column(String(200))
    contact: Mapped[str | None] = mapped_column(Text)
    brochure_title: Mapped[str] = mapped_column(String(300))
    brochure_kind: Mapped[str] = mapped_column(String(100))
    brochure_file: Mapped[str] = mapped_column(String(300))
    brochure_sha256: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_text: Mapped[str | None] = mapped_column(String(200))
    nsi_provider_name: Mapped[str | None] = mapped_column(String(200))
    transfer: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    resettlement_prisons: Mapped[list[str]] = mapped_column(JSON, default=list)
    non_resettlement_prisons: Mapped[list[str]] = mapped_column(JSON, default=list)
    offices: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    services: Mapped[list[Service]] = relationship(
        back_populates="provider", order_by="Service.position", cascade="all, delete-orphan"
    )


class Service(Base):
    """One service a provider offers, as its brochure (and the curated overlay) describe it."""

    __tablename__ = "services"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)  # "<provider id>-<key>"
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(150))
    position: Mapped[int] = mapped_column(Integer)  # order in the brochure
    listed: Mapped[bool] = mapped_column(Boolean, default=True)  # False once a re-import no longer finds it
    name: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    category: Mapped[str] = mapped_column(String(80), index=True)
    summary: Mapped[str | None] = mapped_column(Text)
    highlights: Mapped[list[str]] = mapped_column(JSON, default=list)
    delivery: Mapped[str | None] = mapped_column(String(20))
    setting: Mapped[str] = mapped_column(String(30))
    rar_usable: Mapped[bool | None] = mapped_column(Boolean)
    licence_usable: Mapped[bool | None] = mapped_column(Boolean)
    areas: Mapped[list[str]] = mapped_column(JSON, default=list)  # as printed; empty = whole provider area
    locations: Mapped[list[str]] = mapped_column(JSON, default=list)
    request_method: Mapped[str] = mapped_column(String(30))
    nsi_category: Mapped[str | None] = mapped_column(String(200))
    nsi_subtypes: Mapped[list[str]] = mapped_column(JSON, default=list)
    request_notes: Mapped[str | None] = mapped_column(Text)
    prerequisites: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    charges: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    rules: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, server_default="[]")
    sessions: Mapped[int | None] = mapped_column(Integer)
    session_minutes: Mapped[int | None] = mapped_column(Integer)
    total_hours: Mapped[float | None] = mapped_column(Float)
    rar_days: Mapped[int | None] = mapped_column(Integer)
    max_participants: Mapped[int | None] = mapped_column(Integer)
    # Whom the service is for when not the person on probation ("partner", "family"); None = the person.
    recipient: Mapped[str | None] = mapped_column(String(20))
    duration_text: Mapped[str | None] = mapped_column(Text)
    source_file: Mapped[str] = mapped_column(String(300))
    source_start: Mapped[int] = mapped_column(Integer)
    source_end: Mapped[int] = mapped_column(Integer)
    review_notes: Mapped[list[str]] = mapped_column(JSON, default=list)
    search_text: Mapped[str] = mapped_column(Text)  # lower-case words the text search matches

    provider: Mapped[Provider] = relationship(back_populates="services")
    # What the catalogue offers now: every reader (API, pages, exports, referrals, eligibility) goes
    # through this, so options a re-import withdrew drop out everywhere at once. Read-only because it
    # sees only some of the rows; changes go through all_options.
    options: Mapped[list[ServiceOption]] = relationship(
        primaryjoin="and_(Service.id == ServiceOption.service_id, ServiceOption.withdrawn_at.is_(None))",
        order_by="ServiceOption.position",
        viewonly=True,
    )
    # Every option row ever imported, withdrawn ones included: the importer's sync works on this.
    all_options: Mapped[list[ServiceOption]] = relationship(
        back_populates="service", order_by="ServiceOption.position", cascade="all, delete-orphan"
    )
    coverage: Mapped[list[ServiceArea]] = relationship(cascade="all, delete-orphan")


class ServiceOption(Base):
    """An orderable unit of a service: an assessment, an intensity, a module or a block."""

    __tablename__ = "service_options"

    id: Mapped[str] = mapped_column(String(400), primary_key=True)  # "<service id>--<key>"
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    # The NSI main category the option is bought under; None means the service's nsi_category.
    nsi_category: Mapped[str | None] = mapped_column(String(200))
    nsi_subtype: Mapped[str | None] = mapped_column(String(300))
    level: Mapped[str | None] = mapped_column(String(20))
    sessions: Mapped[int | None] = mapped_column(Integer)
    session_minutes: Mapped[int | None] = mapped_column(Integer)
    hours: Mapped[float | None] = mapped_column(Float)
    hours_up_to: Mapped[bool] = mapped_column(Boolean, default=False)
    duration_text: Mapped[str | None] = mapped_column(Text)
    # Set when a re-import no longer finds the option; the row stays because referrals point at it.
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    service: Mapped[Service] = relationship(back_populates="all_options")


class ServiceArea(Base):
    """One area a service is available in, resolved to the provider's whole area where none is printed."""

    __tablename__ = "service_areas"

    service_id: Mapped[str] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"), primary_key=True)
    area: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)
