"""Case notes between the provider and the practitioner."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ratecard.delivery import notes
from ratecard.delivery.schemas import CaseNoteIn
from ratecard.errors import NotFound
from ratecard.referrals.models import OutboxMessage
from tests.delivery import factories as f


@pytest.mark.parametrize(("author", "told"), [("cw", "pp"), ("pp", "cw")])
def test_it_emails_the_other_side_that_a_note_is_waiting(catalogue_session, people, referral, author, told):
    note = notes.add_note(session=catalogue_session, user=people[author], referral_id=referral.id, now=f.NOW,
                          data=CaseNoteIn(subject="Housing", body="Has a tenancy from Monday.", email=True))
    assert note.emailed
    message = catalogue_session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "case_note")).one()
    assert message.to_address == people[told].email and "tenancy" not in message.body


def test_it_lists_notes_newest_first_for_both_sides_and_nobody_else(catalogue_session, people, referral):
    for n in range(3):
        notes.add_note(session=catalogue_session, user=people["cw"], referral_id=referral.id,
                       data=CaseNoteIn(subject=f"Note {n}", body="Text"), now=f.NOW.replace(hour=9 + n))
    assert [n.subject for n in notes.list_notes(session=catalogue_session, user=people["pp"], referral_id=referral.id)] == [
        "Note 2", "Note 1", "Note 0"]
    for outsider in ("hub_other", "cw_other"):
        with pytest.raises(NotFound):
            notes.list_notes(session=catalogue_session, user=people[outsider], referral_id=referral.id)


@pytest.mark.parametrize(("fields", "message"), [({"subject": "  "}, "Enter a subject"), ({"body": " \n "}, "Enter the note")])
def test_it_refuses_an_empty_note(fields, message):
    with pytest.raises(ValueError, match=message):
        CaseNoteIn.model_validate({"subject": "S", "body": "B"} | fields)
