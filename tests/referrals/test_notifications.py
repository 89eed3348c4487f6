"""Emails through the outbox: queued with the change, sent by a pluggable sender, retried on failure."""

from __future__ import annotations

from sqlalchemy import select

from ratecard.accounts.service import Role
from ratecard.referrals import service
from ratecard.referrals.models import OutboxMessage
from ratecard.referrals.notifications import FileSender, send_pending
from tests.referrals import factories as f


class Broken:
    def send(self, message):
        raise OSError("relay down")


def test_it_queues_emails_to_the_hub_on_submission_and_to_the_practitioner_on_decision(catalogue_session):
    s = catalogue_session
    pp, hub = f.user(s), f.user(s, Role.HUB)
    accepted, rejected = f.transferred(s, pp), f.transferred(s, pp)
    service.accept(session=s, user=hub, referral_id=accepted.id)
    service.reject(session=s, user=hub, referral_id=rejected.id, reason="Full until March")
    messages = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    kinds = [(m.kind, m.to_address) for m in messages]
    assert kinds.count(("submitted", kinds[0][1])) == 2 and "@" in kinds[0][1]
    assert ("accepted", pp.email) in kinds and ("rejected", pp.email) in kinds
    assert any("Full until March" in m.body for m in messages if m.kind == "rejected")
    assert all(accepted.person.crn not in m.body for m in messages)  # no personal data in email


def test_it_sends_pending_emails_as_files_and_keeps_failures_for_retry(catalogue_session, tmp_path):
    s = catalogue_session
    f.transferred(s, f.user(s))
    assert send_pending(session=s, sender=Broken()) == (0, 1)
    assert s.scalar(select(OutboxMessage.last_error)) == "relay down"
    assert send_pending(session=s, sender=FileSender(tmp_path)) == (1, 0)
    [written] = tmp_path.glob("*.eml")
    assert "New referral RC-" in written.read_text()
    assert send_pending(session=s, sender=FileSender(tmp_path)) == (0, 0)
