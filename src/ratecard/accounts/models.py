"""Tables of people who use ratecard, their sessions and API tokens, and who read what."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ratecard.db import Base, UTCDateTime


class User(Base):
    """Someone who signs in: a practitioner, hub staff, a caseworker or an administrator."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(100))  # practitioners' probation region
    team: Mapped[str | None] = mapped_column(String(100))
    provider_id: Mapped[str | None] = mapped_column(ForeignKey("providers.id"), index=True)  # hub and caseworkers
    active: Mapped[bool] = mapped_column(default=True)
    # A provider's own price-list manager: may draft and publish that provider's price lists.
    can_manage_prices: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class WebSession(Base):
    """A signed-in browser. Only a hash of the cookie's token is stored."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class ApiToken(Base):
    """A bearer token for the API. Only a hash is stored; the token is shown once."""

    __tablename__ = "api_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class AccessLog(Base):
    """One read of a person's referral: who, when, what."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    referral_id: Mapped[int | None] = mapped_column(Integer, index=True)
    person_crn: Mapped[str | None] = mapped_column(String(7), index=True)
    action: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10))  # web | api
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class LoginThrottle(Base):
    """Sign-in attempts counted for one key (an account at an address, an account, an address) in a window."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)  # a prefix and a SHA-256: no emails kept
    attempts: Mapped[int] = mapped_column(Integer)
    reset_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)  # the window ends; counting starts again
