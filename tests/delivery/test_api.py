"""The delivery API: the same rules as the service, answered in JSON with plain-words messages."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from ratecard.delivery.models import Appointment
from ratecard.referrals.models import Referral
from ratecard.referrals import service as referrals
from tests.delivery import factories as f
from tests.referrals import factories as rf


@pytest.fixture
def referral_id(world):
    with world["sessions"]() as s:
        users = {k: s.merge(v) for k, v in world["users"].items()}
        referral = rf.transferred(s, users["pp"])
        referrals.accept(session=s, user=users["hub"], referral_id=referral.id, now=f.ACCEPTED)
        referrals.allocate(session=s, user=users["hub"], referral_id=referral.id, caseworker_id=users["cw"].id, now=f.ACCEPTED)
        s.commit()
        return referral.id


def _soon(days: int = 1, hour: int = 10) -> str:
    return (dt.datetime.now(dt.UTC).replace(hour=hour, minute=0, second=0, microsecond=0) + dt.timedelta(days=days)).isoformat()


def _book(world, referral_id, who="cw", **fields):
    body = {"kind": "session", "starts_at": _soon(), "duration_minutes": 60, "method": "phone"} | fields
    return world["client"].post(f"/api/v1/referrals/{referral_id}/appointments", json=body, headers=world["h"][who])


def _appointments(world) -> int:
    with world["sessions"]() as s:
        return s.scalar(select(func.count()).select_from(Appointment))


def test_it_books_and_reports_the_budget(world, referral_id):
    made = _book(world, referral_id)
    assert made.status_code == 201 and made.json()["status"] == "booked"
    out = world["client"].get(f"/api/v1/referrals/{referral_id}/delivery", headers=world["h"]["pp"]).json()
    assert out["budget"]["sessions_booked"] == 1
    assert (out["budget"]["sessions_bought"], out["budget"]["sessions_left"]) == (4, 3)
    assert [a["id"] for a in out["appointments"]] == [made.json()["id"]]


def test_it_refuses_past_the_budget_with_what_is_left_and_writes_nothing(world, referral_id):
    for day in range(1, 5):
        assert _book(world, referral_id, starts_at=_soon(day)).status_code == 201
    refused = _book(world, referral_id, starts_at=_soon(6))
    assert refused.status_code == 409
    assert refused.json()["detail"] == "This would go past what was bought: 0 sessions and 0 hours left to book."
    assert _appointments(world) == 4


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"duration_minutes": 0}, "greater than or equal to 1"),
        ({"duration_minutes": 9 * 60}, "less than or equal to 480"),
        ({"method": "telepathy"}, "in_person"),
        ({"method": "in_person"}, "Say where an in-person appointment is"),
        ({"starts_at": "tomorrow"}, "datetime"),
    ],
)
def test_it_answers_bad_appointments_with_422_and_a_message(world, referral_id, fields, words):
    answer = _book(world, referral_id, **fields)
    assert answer.status_code == 422 and words in answer.text
    assert _appointments(world) == 0


def test_it_takes_feedback_once_and_only_after_the_appointment(world, referral_id):
    future = _book(world, referral_id, starts_at=_soon(3)).json()
    early = world["client"].post(f"/api/v1/appointments/{future['id']}/feedback", json={"attended": "yes"}, headers=world["h"]["cw"])
    assert early.status_code == 422 and "once the appointment has started" in early.json()["detail"]
    past = _book(world, referral_id, starts_at=(f.ACCEPTED + dt.timedelta(days=2)).isoformat()).json()
    body = {"attended": "late", "late_reason": "Bus was cancelled"}
    first = world["client"].post(f"/api/v1/appointments/{past['id']}/feedback", json=body, headers=world["h"]["cw"])
    assert first.status_code == 200 and first.json()["attended"] == "late"
    again = world["client"].post(f"/api/v1/appointments/{past['id']}/feedback", json=body, headers=world["h"]["hub"])
    assert again.status_code == 409 and again.json()["detail"] == "Feedback for this appointment was already given."


@pytest.mark.parametrize("who", ["pp", "pp_other", "hub_other", "cw_other", "anon"])
def test_it_lets_nobody_but_the_provider_book(world, referral_id, who):
    answer = _book(world, referral_id, who=who)
    assert answer.status_code == {"pp": 403, "anon": 401}.get(who, 404)
    assert _appointments(world) == 0


@pytest.mark.parametrize("who", ["pp_other", "hub_other", "cw_other"])
def test_it_hides_another_providers_or_regions_delivery(world, referral_id, who):
    made = _book(world, referral_id).json()
    assert world["client"].get(f"/api/v1/referrals/{referral_id}/delivery", headers=world["h"][who]).status_code == 404
    feedback = world["client"].post(f"/api/v1/appointments/{made['id']}/feedback", json={"attended": "yes"}, headers=world["h"][who])
    assert feedback.status_code == 404


def test_it_lets_the_practitioner_set_rar_days(world, referral_id):
    answer = world["client"].put(f"/api/v1/referrals/{referral_id}/rar-days", json={"days": 10}, headers=world["h"]["pp"])
    assert answer.status_code == 200 and answer.json()["rar_days_max"] == 10
    refused = world["client"].put(f"/api/v1/referrals/{referral_id}/rar-days", json={"days": 10}, headers=world["h"]["hub"])
    assert refused.status_code == 403


def test_it_lists_the_coded_answers(world):
    codes = world["client"].get("/api/v1/delivery/codes", headers=world["h"]["cw"]).json()
    assert [c["code"] for c in codes["absence"]] == ["pop_acceptable", "pop_unacceptable", "logistics"]


# --- ending -----------------------------------------------------------------------------------


def _attended(world, referral_id, day: int = 2) -> None:
    made = _book(world, referral_id, starts_at=(f.ACCEPTED + dt.timedelta(days=day)).isoformat()).json()
    answer = world["client"].post(f"/api/v1/appointments/{made['id']}/feedback", json={"attended": "yes"},
                                  headers=world["h"]["cw"])
    assert answer.status_code == 200, answer.text


def _end(world, referral_id, who="pp", **body):
    return world["client"].post(f"/api/v1/referrals/{referral_id}/end-request", json=body, headers=world["h"][who])


def _ending(world, referral_id, who="pp"):
    return world["client"].get(f"/api/v1/referrals/{referral_id}/delivery", headers=world["h"][who]).json()["ending"]


def test_it_ends_a_referral_through_the_api_by_the_rule(world, referral_id):
    client, h = world["client"], world["h"]
    _attended(world, referral_id)
    assert client.put(f"/api/v1/referrals/{referral_id}/desired-outcomes", json={"codes": ["gen-engage"]},
                      headers=h["pp"]).status_code == 200
    asked = _end(world, referral_id, who="cw", reason_code="disengaged", reason="Stopped answering calls")
    assert asked.status_code == 200, asked.text
    assert (asked.json()["status"], asked.json()["waiting_for_report"], asked.json()["would_end_as"]) == (
        "in_progress", True, "ended_early")
    assert asked.json()["end_reason"] == "The person is not engaging with the service: Stopped answering calls"
    early = client.post(f"/api/v1/referrals/{referral_id}/conclusion", headers=h["hub"])
    assert early.status_code == 409 and "waiting for the end-of-service report" in early.json()["detail"]
    report = client.post(f"/api/v1/referrals/{referral_id}/end-of-service-report", headers=h["cw"], json={
        "outcomes": [{"code": "gen-engage", "achievement": "partially_achieved"}]})
    assert report.status_code == 201 and report.json()["referral_status"] == "ended_early"
    referral = client.get(f"/api/v1/referrals/{referral_id}", headers=h["pp"]).json()
    assert referral["status"] == "ended_early" and referral["end_reason_code"] == "disengaged"
    assert referral["history"][-1]["reason_code"] == "disengaged" and "complete" not in referral["allowed_actions"]


def test_it_cancels_at_once_over_the_api_and_books_nothing_after(world, referral_id):
    asked = _end(world, referral_id, reason_code="recalled")
    assert asked.status_code == 200 and asked.json()["status"] == "cancelled"
    assert _book(world, referral_id).status_code == 409
    assert _end(world, referral_id, reason_code="recalled").status_code == 409


@pytest.mark.parametrize(("who", "body", "status", "words"), [
    ("pp", {"reason_code": "nonsense"}, 422, "not a reason you can give here. Choose one of: moved_out_of_area"),
    ("pp", {"reason_code": "other"}, 422, "needs a few words of detail"),
    ("cw", {"reason_code": "sentence_ended"}, 422, "Choose one of: moved_out_of_area"),
    ("pp", {"reason_code": "Recalled!"}, 422, "reason_code"),
    ("pp", {}, 422, "reason_code"),
    ("pp_other", {"reason_code": "recalled"}, 404, ""),
    ("hub_other", {"reason_code": "recalled"}, 404, ""),
    ("cw_other", {"reason_code": "recalled"}, 404, ""),
    ("anon", {"reason_code": "recalled"}, 401, ""),
])
def test_it_refuses_a_bad_end_request_in_plain_words_and_writes_nothing(world, referral_id, who, body, status, words):
    answer = _end(world, referral_id, who=who, **body)
    assert answer.status_code == status and words in answer.text
    assert _ending(world, referral_id)["end_requested_at"] is None
    with world["sessions"]() as s:
        assert s.get(Referral, referral_id).status == "allocated"


def test_it_lists_the_coded_reasons(world):
    lists = world["client"].get("/api/v1/referral-reasons", headers=world["h"]["cw"]).json()
    assert [r["code"] for r in lists["withdraw"]][0] == "made_in_error"
    assert {"code": "other", "text": "Another reason", "by": "both", "detail_required": True} in lists["end"]
