"""What the admin pages read that no domain service offers: the outbox, the import's review queue, a person's access trail.

Reads only; changes go through the domains' own services (accounts, referrals.notifications)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ratecard.accounts.models import AccessLog, User
from ratecard.catalogue.models import Provider, Service
from ratecard.errors import InvalidInput
from ratecard.referrals.models import OutboxMessage, Person, Referral, ReferralHistory
from ratecard.referrals.schemas import CRN_PATTERN

OUTBOX_STATES = ("queued", "failed", "sent")
_CRN = re.compile(CRN_PATTERN)


@dataclass
class OutboxPage:
    """Counts of every state, and the messages of the one chosen."""

    counts: dict[str, int]
    state: str
    messages: list[OutboxMessage]


def _state_filter(state: str):  # type: ignore[no-untyped-def]
    if state == "sent":
        return OutboxMessage.sent_at.is_not(None)
    if state == "failed":
        return OutboxMessage.sent_at.is_(None) & (OutboxMessage.attempts > 0)
    return OutboxMessage.sent_at.is_(None) & (OutboxMessage.attempts == 0)


def outbox(*, session: Session, state: str = "queued", limit: int = 100) -> OutboxPage:
    """How many messages are queued (never tried), failed (tried, unsent) and sent; the newest `limit` of `state`."""
    if state not in OUTBOX_STATES:
        raise InvalidInput("Choose queued, failed or sent.", field="state")
    counts = {s: session.scalar(select(func.count()).select_from(OutboxMessage).where(_state_filter(s))) or 0
              for s in OUTBOX_STATES}
    messages = session.scalars(
        select(OutboxMessage).where(_state_filter(state)).order_by(OutboxMessage.id.desc()).limit(limit)
    ).all()
    return OutboxPage(counts=counts, state=state, messages=list(messages))


@dataclass
class ReviewGroup:
    """One provider's services whose import left points to review."""

    provider_id: str
    provider_name: str
    services: list[Service] = field(default_factory=list)

    @property
    def notes(self) -> int:
        """How many notes the provider's services carry."""
        return sum(len(s.review_notes) for s in self.services)


def review_queue(*, session: Session) -> list[ReviewGroup]:
    """Listed services with review notes, grouped by provider (by name), services by name."""
    rows = session.execute(
        select(Service, Provider.name).join(Provider, Provider.id == Service.provider_id)
        .where(Service.listed.is_(True)).order_by(Provider.name, Service.name)
    ).all()
    groups: dict[str, ReviewGroup] = {}
    for item, provider_name in rows:
        # JSON lists compare differently on SQLite and PostgreSQL: the (small) catalogue is filtered here.
        if item.review_notes:
            groups.setdefault(item.provider_id, ReviewGroup(item.provider_id, provider_name)).services.append(item)
    return list(groups.values())


@dataclass(frozen=True)
class TrailEntry:
    """One look at or change to a person's records."""

    at: dt.datetime
    who: str
    role: str
    what: str
    reference: str | None
    referral_id: int | None
    channel: str | None


def regions(*, session: Session) -> list[str]:
    """The regions that keep copies of people, for the access log's form."""
    return list(session.scalars(select(Person.region).distinct().order_by(Person.region)))


def access_trail(*, session: Session, region: str, crn: str, limit: int = 500) -> list[TrailEntry]:
    """Who read or changed `region`'s records of the person `crn`, newest first.

    Reads come from the access log of their referrals; changes from the referrals' history."""
    crn = crn.strip().upper()
    if not _CRN.match(crn):
        raise InvalidInput("Enter a CRN in the format one letter and six numbers, like X123456.", field="crn")
    if not region.strip():
        raise InvalidInput("Choose the probation region that holds the person's record.", field="region")
    person_referrals = (
        select(Referral.id).join(Person, Person.id == Referral.person_id).where(Person.region == region, Person.crn == crn)
    )
    reads = session.execute(
        select(AccessLog.at, User.name, User.role, AccessLog.action, Referral.reference, Referral.id, AccessLog.channel)
        .join(User, User.id == AccessLog.user_id).join(Referral, Referral.id == AccessLog.referral_id)
        .where(AccessLog.referral_id.in_(person_referrals), AccessLog.person_crn == crn)
        .order_by(AccessLog.at.desc()).limit(limit)
    ).all()
    changes = session.execute(
        select(ReferralHistory.at, User.name, User.role, ReferralHistory.from_status, ReferralHistory.to_status,
               ReferralHistory.reason, Referral.reference, Referral.id)
        .join(User, User.id == ReferralHistory.by_user_id).join(Referral, Referral.id == ReferralHistory.referral_id)
        .where(ReferralHistory.referral_id.in_(person_referrals))
        .order_by(ReferralHistory.at.desc()).limit(limit)
    ).all()
    entries = [TrailEntry(at, who, role, what.capitalize(), ref, rid, channel) for at, who, role, what, ref, rid, channel in reads]
    for at, who, role, before, after, reason, ref, rid in changes:
        what = f"Changed status from {_words(before)} to {_words(after)}" if before else "Created the referral"
        if before == after:
            what = reason or "Updated the referral"
        elif reason and before:
            what += f" ({reason})"
        entries.append(TrailEntry(at, who, role, what, ref, rid, None))
    return sorted(entries, key=lambda e: e.at, reverse=True)[:limit]


def _words(status: str | None) -> str:
    return (status or "").replace("_", " ")


def person_known(*, session: Session, region: str, crn: str) -> bool:
    """Whether `region` keeps a record of `crn`."""
    return session.scalar(select(Person.id).where(Person.region == region, Person.crn == crn.strip().upper())) is not None
