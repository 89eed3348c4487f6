"""What the admin pages read: outbox states and retry, the import's review queue, a person's access trail."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ratecard.accounts.service import Role
from ratecard.admin import service
from ratecard.errors import InvalidInput
from ratecard.referrals import notifications
from ratecard.referrals import service as referrals
from ratecard.referrals.models import OutboxMessage
from tests.referrals import factories as f


class Broken:
    """A relay that is down."""

    def send(self, message):
        raise OSError("relay down")


def test_it_counts_queued_failed_and_sent_emails(catalogue_session, tmp_path):
    s = catalogue_session
    pp = f.user(s)
    f.transferred(s, pp)
    assert notifications.send_pending(session=s, sender=Broken()) == (0, 1)
    f.transferred(s, pp)
    page = service.outbox(session=s, state="failed")
    assert page.counts == {"queued": 1, "failed": 1, "sent": 0}
    assert [m.last_error for m in page.messages] == ["relay down"]
    notifications.send_pending(session=s, sender=notifications.FileSender(tmp_path))
    assert service.outbox(session=s).counts == {"queued": 0, "failed": 0, "sent": 2}
    with pytest.raises(InvalidInput):
        service.outbox(session=s, state="lost")


def test_it_retries_only_failed_emails_and_keeps_a_second_failure(catalogue_session, tmp_path):
    s = catalogue_session
    pp = f.user(s)
    f.transferred(s, pp)
    notifications.send_pending(session=s, sender=Broken())
    f.transferred(s, pp)  # queued, never tried: left to `outbox send`
    [failed] = notifications.failed_messages(session=s)
    assert notifications.retry_failed(session=s, sender=Broken()) == (0, 1)
    assert failed.attempts == 2 and failed.sent_at is None
    assert notifications.retry_failed(session=s, sender=notifications.FileSender(tmp_path), message_id=failed.id) == (1, 0)
    assert failed.sent_at is not None and failed.last_error is None
    assert len(list(tmp_path.glob("*.eml"))) == 1
    never_tried = s.scalar(select(OutboxMessage).where(OutboxMessage.attempts == 0))
    assert never_tried is not None and never_tried.sent_at is None
    assert notifications.retry_failed(session=s, sender=notifications.FileSender(tmp_path)) == (0, 0)


def test_it_queues_for_review_the_services_whose_import_left_notes(catalogue_session):
    groups = service.review_queue(session=catalogue_session)
    assert groups, "the brochures' import leaves points to review"
    assert [g.provider_name for g in groups] == sorted(g.provider_name for g in groups)
    for group in groups:
        assert group.services and all(item.review_notes and item.provider_id == group.provider_id for item in group.services)
        assert group.notes == sum(len(item.review_notes) for item in group.services)


def test_it_shows_who_read_and_changed_a_persons_records_in_their_region_only(catalogue_session):
    s = catalogue_session
    pp, hub, other_region = f.user(s), f.user(s, Role.HUB), f.user(s, region="East of England")
    crn = f.crn()
    referral = f.transferred(s, pp, person={"crn": crn})
    referrals.accept(session=s, user=hub, referral_id=referral.id)
    referrals.get_referral(session=s, user=hub, referral_id=referral.id, channel="web")
    elsewhere = f.draft(s, other_region, person={"crn": crn})  # the East's own copy of the same CRN
    referrals.get_referral(session=s, user=other_region, referral_id=elsewhere.id, channel="api")
    trail = service.access_trail(session=s, region="North West", crn=crn.lower())
    assert [e.what for e in trail][:2] == ["Read referral", "Changed status from transferred to accepted"]
    assert trail[-1].what == "Created the referral" and trail[-1].who == pp.name
    assert {e.reference for e in trail} == {referral.reference}
    assert other_region.name not in {e.who for e in trail}
    assert [e.at for e in trail] == sorted((e.at for e in trail), reverse=True)


@pytest.mark.parametrize(
    ("region", "crn", "field", "words"),
    [("North West", "12345", "crn", "like X123456"), ("", "X123456", "region", "Choose the probation region")],
)
def test_it_asks_for_a_crn_and_region_in_words(catalogue_session, region, crn, field, words):
    with pytest.raises(InvalidInput) as caught:
        service.access_trail(session=catalogue_session, region=region, crn=crn)
    assert caught.value.details["field"] == field
    assert words in str(caught.value)
