"""Caseworkers' calendar feeds: their appointments, no names, behind a secret address that can be ended."""

from __future__ import annotations

import pytest

from ratecard.delivery import calendar
from ratecard.errors import Forbidden, NotFound
from tests.delivery import factories as f


def test_it_lists_the_caseworkers_appointments_by_crn_and_reference_only(catalogue_session, people):
    referral = f.allocated(catalogue_session, people, person={"name": "Nadia Unique-Name"})
    f.booked(catalogue_session, people["cw"], referral, day=20, method="in_person", address="12 Home Road", postcode="LA4 4AA")
    f.booked(catalogue_session, people["cw"], referral, day=21, kind="assessment", method="phone")
    token = calendar.issue_feed(session=catalogue_session, user=people["cw"], now=f.NOW)
    text = calendar.feed(session=catalogue_session, token=token, now=f.NOW).decode()
    assert text.count("BEGIN:VEVENT") == 2
    assert f"Session – {referral.person.crn} ({referral.reference})" in text and "Assessment" in text
    assert "Unique-Name" not in text and "Home Road" not in text and "LA4" not in text
    assert "LOCATION:By phone" in text


def test_it_ends_the_old_address_when_a_new_one_is_issued_or_it_is_revoked(catalogue_session, people):
    first = calendar.issue_feed(session=catalogue_session, user=people["cw"], now=f.NOW)
    second = calendar.issue_feed(session=catalogue_session, user=people["cw"], now=f.NOW)
    with pytest.raises(NotFound):
        calendar.feed(session=catalogue_session, token=first, now=f.NOW)
    assert b"BEGIN:VCALENDAR" in calendar.feed(session=catalogue_session, token=second, now=f.NOW)
    assert calendar.revoke_feed(session=catalogue_session, user=people["cw"])
    with pytest.raises(NotFound):
        calendar.feed(session=catalogue_session, token=second, now=f.NOW)


def test_it_shows_only_appointments_allocated_to_the_feeds_owner(catalogue_session, people):
    mine = f.allocated(catalogue_session, people)
    f.booked(catalogue_session, people["cw"], mine, day=20)
    token = calendar.issue_feed(session=catalogue_session, user=people["cw_other"], now=f.NOW)
    assert b"BEGIN:VEVENT" not in calendar.feed(session=catalogue_session, token=token, now=f.NOW)


def test_it_gives_feeds_to_caseworkers_only(catalogue_session, people):
    with pytest.raises(Forbidden):
        calendar.issue_feed(session=catalogue_session, user=people["pp"], now=f.NOW)


def test_it_serves_the_feed_at_its_secret_address_without_sign_in(world):
    answer = world["client"].post("/api/v1/calendar-feed", headers=world["h"]["cw"])
    assert answer.status_code == 201
    path = "/" + answer.json()["url"].split("/", 3)[3]
    served = world["client"].get(path)
    assert served.status_code == 200 and served.headers["content-type"].startswith("text/calendar")
    assert world["client"].get("/calendar/" + "x" * 43 + ".ics").status_code == 404
    assert world["client"].delete("/api/v1/calendar-feed", headers=world["h"]["cw"]).status_code == 204
    assert world["client"].get(path).status_code == 404
