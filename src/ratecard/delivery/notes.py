"""Case notes between the provider and the practitioner, each optionally emailed to the other side."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ratecard.accounts.models import User
from ratecard.accounts.service import Role
from ratecard.catalogue.models import Provider
from ratecard.db import utc_now
from ratecard.delivery import service
from ratecard.delivery.models import CaseNote
from ratecard.delivery.schemas import CaseNoteIn
from ratecard.referrals import queries as referral_queries
from ratecard.referrals.models import Referral

_PROVIDER_SIDE = frozenset({Role.HUB, Role.CASEWORKER})


def _other_side(session: Session, referral: Referral, author: User) -> str | None:
    """Whom a note of `author` is emailed to: the practitioner, or the provider (caseworker, else hub)."""
    if Role(author.role) in _PROVIDER_SIDE:
        practitioner = session.get(User, referral.created_by_id)
        return practitioner.email if practitioner else None
    if referral.caseworker_id:
        worker = session.get(User, referral.caseworker_id)
        if worker is not None and worker.active:
            return worker.email
    provider = session.get(Provider, referral.provider_id)
    return provider.hub_email if provider else None


def add_note(*, session: Session, user: User, referral_id: int, data: CaseNoteIn, now: dt.datetime | None = None) -> CaseNote:
    """A note on a referral by anyone who may see it; with `email`, the other side is told a note is waiting."""
    now = utc_now(now)
    referral = service.load_referral(session, user, referral_id)
    note = CaseNote(referral_id=referral.id, subject=data.subject, body=data.body, author_id=user.id, written_at=now,
                    emailed=False)
    if data.email:
        to = _other_side(session, referral, user)
        if to:
            session.execute(referral_queries.INSERT_OUTBOX, {
                "kind": "case_note", "to_address": to, "subject": f"Referral {referral.reference}: a new case note",
                "body": f"{user.name} wrote a case note on referral {referral.reference}: \"{data.subject}\".\n\n"
                        "Sign in to ratecard to read it.",
                "referral_id": referral.id, "created_at": now, "attempts": 0,
            })
            note.emailed = True
    session.add(note)
    session.flush()
    return note


def list_notes(*, session: Session, user: User, referral_id: int) -> list[CaseNote]:
    """The referral's case notes, newest first."""
    referral = service.load_referral(session, user, referral_id)
    return list(session.scalars(
        select(CaseNote).where(CaseNote.referral_id == referral.id).order_by(CaseNote.written_at.desc(), CaseNote.id.desc())
    ))
