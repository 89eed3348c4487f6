"""Emails about referrals: written to the outbox in the same transaction, sent later by a sender.

The outbox makes sending reliable: a message exists only if the change that caused it committed,
and a failed send is retried. Senders are pluggable: files in development, SMTP in production.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from ratecard.db import utc_now
from ratecard.accounts.models import User
from ratecard.catalogue.models import Provider, Service
from ratecard.referrals import queries
from ratecard.referrals.models import OutboxMessage, Referral

FROM_ADDRESS = "ratecard@localhost"


def _queue(session: Session, *, kind: str, to: str, subject: str, body: str, referral_id: int, now: dt.datetime) -> None:
    session.execute(
        queries.INSERT_OUTBOX,
        {"kind": kind, "to_address": to, "subject": subject, "body": body, "referral_id": referral_id,
         "created_at": now, "attempts": 0},
    )


def referral_submitted(*, session: Session, referral: Referral, service: Service, provider: Provider, now: dt.datetime) -> None:
    """Tell the provider's referral inbox that a referral is on its way."""
    if not provider.hub_email:
        return
    body = (
        f"A referral {referral.reference} has been submitted to {provider.name}.\n\n"
        f"Service: {service.name}\nNSI: {referral.nsi_category or '-'} / {referral.nsi_subtype or '-'}\n"
        f"Priority: {referral.priority}\nRegion: {referral.region}\n\n"
        "Personal details are in ratecard; sign in to read them."
    )
    _queue(session, kind="submitted", to=provider.hub_email, subject=f"New referral {referral.reference}",
           body=body, referral_id=referral.id, now=now)


def referral_decided(*, session: Session, referral: Referral, accepted: bool, reason: str | None, now: dt.datetime) -> None:
    """Tell the referring practitioner the hub accepted or rejected their referral."""
    practitioner = session.get(User, referral.created_by_id)
    if practitioner is None:
        return
    verdict = "accepted" if accepted else "rejected"
    body = f"Referral {referral.reference} was {verdict} by the provider."
    if reason:
        body += f"\n\nReason: {reason}"
    _queue(session, kind=verdict, to=practitioner.email, subject=f"Referral {referral.reference} {verdict}",
           body=body, referral_id=referral.id, now=now)


class Sender(Protocol):
    """Something that delivers one email."""

    def send(self, message: EmailMessage) -> None:
        """Deliver `message` or raise."""


class FileSender:
    """Development sender: writes each email as an .eml file."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def send(self, message: EmailMessage) -> None:
        """Write `message` to a new file in the directory."""
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%f}-{message['To']}.eml".replace("@", "_at_")
        (self.directory / name).write_bytes(bytes(message))


class SmtpSender:
    """Production sender: an SMTP relay."""

    def __init__(self, host: str, port: int = 25) -> None:
        self.host, self.port = host, port

    def send(self, message: EmailMessage) -> None:
        """Relay `message` through the SMTP server."""
        with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:
            smtp.send_message(message)


def _attempt(row: OutboxMessage, sender: Sender, *, now: dt.datetime) -> bool:
    """Send one queued message; whether it went (a failure keeps it queued with its error)."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = FROM_ADDRESS, row.to_address, row.subject
    message.set_content(row.body)
    row.attempts += 1
    try:
        sender.send(message)
    except (OSError, smtplib.SMTPException) as exc:
        row.last_error = str(exc)[:500]
        return False
    row.sent_at, row.last_error = now, None
    return True


def send_pending(*, session: Session, sender: Sender, limit: int = 100, now: dt.datetime | None = None) -> tuple[int, int]:
    """Send unsent messages (oldest first); returns (sent, failed). Failures stay queued for retry."""
    now = utc_now(now)
    sent = failed = 0
    pending = session.scalars(
        select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)).order_by(OutboxMessage.id).limit(limit)
    ).all()
    for row in pending:
        if _attempt(row, sender, now=now):
            sent += 1
        else:
            failed += 1
    session.flush()
    return sent, failed


def failed_messages(*, session: Session, message_id: int | None = None) -> list[OutboxMessage]:
    """Unsent messages whose last attempt failed (one of them when `message_id` is given), oldest first."""
    query = select(OutboxMessage).where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts > 0)
    if message_id is not None:
        query = query.where(OutboxMessage.id == message_id)
    return list(session.scalars(query.order_by(OutboxMessage.id)))


def retry_failed(
    *, session: Session, sender: Sender, message_id: int | None = None, limit: int = 100, now: dt.datetime | None = None,
) -> tuple[int, int]:
    """Try again, now, to send failed messages (or the one `message_id`); returns (sent, failed).

    Messages never tried yet are left to `send_pending`; one that fails again stays queued with its new error."""
    now = utc_now(now)
    sent = failed = 0
    for row in failed_messages(session=session, message_id=message_id)[:limit]:
        if _attempt(row, sender, now=now):
            sent += 1
        else:
            failed += 1
    session.flush()
    return sent, failed


def sender_for(*, smtp_host: str | None, smtp_port: int, outbox_dir: Path) -> Sender:
    """The sender the settings ask for: SMTP when a relay is set, else .eml files in `outbox_dir`."""
    return SmtpSender(smtp_host, smtp_port) if smtp_host else FileSender(outbox_dir)
