"""Tables of delivery: each referral's budget, its appointments with their feedback, and the days used."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from ratecard.db import Base, UTCDateTime

# Appointments that hold a place in the budget: booked and not yet known, or known to have happened.
_HOLDING_SQL = "status IN ('booked', 'happened')"


class DeliveryBudget(Base):
    """What was bought for one referral and how much of it is booked and delivered.

    The counters are only ever changed by one conditional UPDATE each (see delivery/queries.py), so
    two caseworkers booking the last session at once cannot both succeed, on SQLite or PostgreSQL.
    """

    __tablename__ = "delivery_budgets"

    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), primary_key=True)
    # None means the brochure printed no number: booking is not capped, and the page says so.
    sessions_bought: Mapped[int | None] = mapped_column(Integer)
    minutes_bought: Mapped[int | None] = mapped_column(Integer)
    # Added by an approved variation of the action plan.
    sessions_extra: Mapped[int] = mapped_column(Integer, default=0)
    minutes_extra: Mapped[int] = mapped_column(Integer, default=0)
    sessions_booked: Mapped[int] = mapped_column(Integer, default=0)
    minutes_booked: Mapped[int] = mapped_column(Integer, default=0)
    sessions_attended: Mapped[int] = mapped_column(Integer, default=0)
    minutes_delivered: Mapped[int] = mapped_column(Integer, default=0)
    # RAR or licence activity: the most days the court set, and distinct days booked and attended.
    rar_days_max: Mapped[int | None] = mapped_column(Integer)
    rar_days_booked: Mapped[int] = mapped_column(Integer, default=0)
    rar_days_used: Mapped[int] = mapped_column(Integer, default=0)


class Appointment(Base):
    """One booked assessment or session of a referral, and, once its time has passed, what happened."""

    __tablename__ = "appointments"
    __table_args__ = (
        Index("ix_appointments_referral_start", "referral_id", "starts_at"),
        # A caseworker's calendar and the hub's "next appointment" read booked ones in time order.
        Index("ix_appointments_holding_start", "starts_at", sqlite_where=text(_HOLDING_SQL),
              postgresql_where=text(_HOLDING_SQL)),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # assessment | session
    session_number: Mapped[int | None] = mapped_column(Integer)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(20))  # in_person | phone | video
    office: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(Text)
    postcode: Mapped[str | None] = mapped_column(String(10))
    one_to_one: Mapped[bool] = mapped_column(Boolean, default=True)
    # The group session this appointment is a member's place in, for group programmes.
    group_session_id: Mapped[int | None] = mapped_column(ForeignKey("group_sessions.id"), index=True)
    # booked -> happened | did_not_happen, or superseded when rescheduled.
    status: Mapped[str] = mapped_column(String(20), default="booked")
    booked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    booked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"))
    superseded_reason: Mapped[str | None] = mapped_column(Text)
    superseded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Feedback, once the appointment's time has passed.
    attended: Mapped[str | None] = mapped_column(String(10))  # yes | late | no
    late_reason: Mapped[str | None] = mapped_column(Text)
    absence: Mapped[str | None] = mapped_column(String(30))  # a code of data/delivery/codes.yaml
    absence_detail: Mapped[str | None] = mapped_column(Text)
    session_summary: Mapped[str | None] = mapped_column(Text)
    session_response: Mapped[str | None] = mapped_column(Text)
    behaviour: Mapped[str | None] = mapped_column(Text)
    concerns: Mapped[str | None] = mapped_column(Text)
    notify_practitioner: Mapped[bool] = mapped_column(Boolean, default=False)
    feedback_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    feedback_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class DeliveryDay(Base):
    """A distinct calendar day on which a referral has a session booked or attended (RAR days)."""

    __tablename__ = "delivery_days"
    __table_args__ = (UniqueConstraint("referral_id", "day", name="uq_delivery_days_referral_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column(Date)
    holding: Mapped[int] = mapped_column(Integer, default=0)  # appointments booked or attended that day
    attended: Mapped[bool] = mapped_column(Boolean, default=False)


class ActionPlan(Base):
    """What the provider plans after the assessment: activities and a number of sessions, which the
    practitioner approves (or sends back). Each new plan of a referral is a new row, numbered."""

    __tablename__ = "action_plans"
    __table_args__ = (UniqueConstraint("referral_id", "number", name="uq_action_plans_referral_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1 for the first plan, then 2, 3...
    activities: Mapped[list[str]] = mapped_column(JSON, default=list)
    sessions: Mapped[int] = mapped_column(Integer)
    # Why more sessions than were bought are needed: set when the plan is a variation.
    variation_reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))  # draft | submitted | approved | changes_requested
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class DeliveryHistory(Base):
    """One status change of something delivery tracks (an action plan): who, when, from, to, why."""

    __tablename__ = "delivery_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(20))  # action_plan
    subject_id: Mapped[int] = mapped_column(Integer)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)


class EnforcementWarning(Base):
    """A warning the practitioner gave after an unacceptable absence or failure to comply."""

    __tablename__ = "enforcement_warnings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointments.id"), unique=True)
    given_on: Mapped[dt.date] = mapped_column(Date)
    given_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)


class CaseNote(Base):
    """A note between the provider and the practitioner about a referral."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    written_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    emailed: Mapped[bool] = mapped_column(Boolean, default=False)


class Group(Base):
    """A cohort of a group programme run by a provider: where, on which weekly slots, from when, how many."""

    __tablename__ = "groups"
    __table_args__ = (Index("ix_groups_provider_start", "provider_id", "start_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"))
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    venue: Mapped[str] = mapped_column(String(300))
    postcode: Mapped[str | None] = mapped_column(String(10))
    slots: Mapped[list[dict[str, str]]] = mapped_column(JSON)  # [{"weekday": "tuesday", "time": "10:00"}]
    start_date: Mapped[dt.date] = mapped_column(Date)
    sessions: Mapped[int] = mapped_column(Integer)
    session_minutes: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer)
    enrolled: Mapped[int] = mapped_column(Integer, default=0)  # changed only by a conditional UPDATE
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class GroupSession(Base):
    """One session of a group, at its place in the programme."""

    __tablename__ = "group_sessions"
    __table_args__ = (UniqueConstraint("group_id", "number", name="uq_group_sessions_group_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class GroupMember(Base):
    """A referral enrolled in a group."""

    __tablename__ = "group_members"
    __table_args__ = (UniqueConstraint("group_id", "referral_id", name="uq_group_members_group_referral"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    enrolled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    enrolled_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class CalendarFeed(Base):
    """A caseworker's secret calendar address: only its SHA-256 is kept, so the address cannot be read
    back, and issuing a new one (or revoking) ends the old at once."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class ReferralOutcome(Base):
    """A desired outcome the practitioner chose for a referral, and, once reported, how far it was met."""

    __tablename__ = "referral_outcomes"
    __table_args__ = (UniqueConstraint("referral_id", "code", name="uq_referral_outcomes_referral_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(String(300))  # the words chosen, kept should the list change later
    achievement: Mapped[str | None] = mapped_column(String(20))  # achieved | partially_achieved | not_achieved
    comments: Mapped[str | None] = mapped_column(Text)


class EndOfServiceReport(Base):
    """The provider's end-of-service report on a referral: one per referral, with its further information."""

    __tablename__ = "end_of_service_reports"

    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), primary_key=True)
    further_information: Mapped[str | None] = mapped_column(Text)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class DeliveryFacts(Base):
    """A referral's delivery milestones, recomputed by every write that moves one (delivery/facts.py),
    so the performance page and the CSV read one row a referral instead of grouping its delivery."""

    __tablename__ = "delivery_facts"

    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), primary_key=True)
    assessment_booked: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    assessment_attended: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    first_appointment: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    first_session: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sessions_attended: Mapped[int] = mapped_column(Integer, default=0)
    attended: Mapped[int] = mapped_column(Integer, default=0)  # appointments that happened
    missed: Mapped[int] = mapped_column(Integer, default=0)  # appointments that did not
    plan_submitted: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    plan_approved: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    outcomes: Mapped[int] = mapped_column(Integer, default=0)
    achieved: Mapped[int] = mapped_column(Integer, default=0)
    report_submitted: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
