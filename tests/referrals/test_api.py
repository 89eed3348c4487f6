"""The referrals API: every role against every endpoint, idempotent creation, bad input."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ratecard.accounts.service import Role, issue_token
from ratecard.accounts.models import AccessLog
from ratecard.referrals.models import Person, Referral
from tests.clients import client_for
from tests.referrals import factories as f


def _create(world, **overrides):
    body = f.referral_in(**overrides).model_dump(mode="json")
    response = world["client"].post("/api/v1/referrals", json=body, headers=world["h"]["pp"])
    assert response.status_code == 201, response.text
    return response.json()["id"]


STEPS = [("submit", "pp", {}), ("transfer", "pp", {}), ("accept", "hub", {}), ("allocate", "hub", None),
         ("start", "cw", {})]
SOURCE = {"submit": 0, "transfer": 1, "accept": 2, "reject": 2, "withdraw": 2, "allocate": 3, "cancel": 3,
          "start": 4, "end_early": 5, "complete": 5}


def _prepare(world, action: str) -> int:
    """A referral in the status `action` leaves from."""
    referral_id = _create(world)
    for name, who, body in STEPS[: SOURCE[action]]:
        body = {"caseworker_id": world["users"]["cw"].id} if body is None else body
        response = world["client"].post(f"/api/v1/referrals/{referral_id}/{name.replace('_', '-')}", json=body, headers=world["h"][who])
        assert response.status_code == 200, response.text
    return referral_id


_ = 404  # not visible to that user: the same answer as no such referral
E = 409  # the ending rule's own actions: refused to everyone who may see the referral, saying how it ends now
EXPECTED = {
    #            pp   pp_other hub  hub_other cw   cw_other admin anon
    "submit":   (200, _,       _,   _,        _,   _,       200,  401),
    "transfer": (200, _,       403, _,        _,   _,       200,  401),
    "accept":   (403, _,       200, _,        _,   _,       200,  401),
    "reject":   (403, _,       200, _,        _,   _,       200,  401),
    "withdraw": (200, _,       403, _,        _,   _,       200,  401),
    "allocate": (403, _,       200, _,        _,   _,       200,  401),
    "cancel":   (E,   _,       E,   _,        _,   _,       E,    401),
    "start":    (403, _,       200, _,        200, _,       200,  401),
    "end_early": (E,  _,       E,   _,        E,   _,       E,    401),
    "complete": (E,   _,       E,   _,        E,   _,       E,    401),
}
ROLES = ("pp", "pp_other", "hub", "hub_other", "cw", "cw_other", "admin", "anon")


@pytest.mark.parametrize("action", list(EXPECTED))
def test_it_lets_exactly_the_right_roles_take_each_action(world, action):
    for role, expected in zip(ROLES, EXPECTED[action]):
        referral_id = _prepare(world, action)
        body = {"reason": "Because", "reason_code": "moved_out_of_area", "caseworker_id": world["users"]["cw"].id}
        response = world["client"].post(f"/api/v1/referrals/{referral_id}/{action.replace('_', '-')}", json=body, headers=world["h"][role])
        assert response.status_code == expected, f"{role} {action}: {response.status_code} {response.text}"
        if expected == E:
            assert "end-request" in response.json()["detail"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [("pp", 200), ("pp_other", 404), ("hub", 200), ("hub_other", 404), ("cw", 200), ("cw_other", 404), ("admin", 200), ("anon", 401)],
)
def test_it_shows_a_referral_only_to_those_whose_work_needs_it(world, role, expected):
    referral_id = _prepare(world, "start")  # allocated to cw
    response = world["client"].get(f"/api/v1/referrals/{referral_id}", headers=world["h"][role])
    assert response.status_code == expected
    listing = world["client"].get("/api/v1/referrals", headers=world["h"][role])
    if role == "anon":
        assert listing.status_code == 401
    else:
        ids = {item["id"] for item in listing.json()["items"]}
        assert (referral_id in ids) is (expected == 200)


def test_it_logs_every_read_of_a_referral(world):
    referral_id = _prepare(world, "accept")
    world["client"].get(f"/api/v1/referrals/{referral_id}", headers=world["h"]["hub"])
    world["client"].get(f"/api/v1/referrals/{referral_id}", headers=world["h"]["hub_other"])  # 404: not a read
    world["client"].get("/api/v1/referrals", headers=world["h"]["hub"])
    with world["sessions"]() as s:
        rows = s.scalars(select(AccessLog).where(AccessLog.referral_id == referral_id)).all()
        listed = s.scalars(select(AccessLog).where(AccessLog.action.like("list referrals%"))).all()
    assert [(r.user_id, r.channel) for r in rows] == [(world["users"]["hub"].id, "api")]
    assert [r.user_id for r in listed] == [world["users"]["hub"].id]


def test_it_only_lets_practitioners_and_admins_create(world):
    body = f.referral_in().model_dump(mode="json")
    for role, expected in (("hub", 403), ("cw", 403), ("anon", 401)):
        assert world["client"].post("/api/v1/referrals", json=body, headers=world["h"][role]).status_code == expected


def test_it_honours_the_idempotency_key(world):
    body = f.referral_in().model_dump(mode="json")
    headers = {**world["h"]["pp"], "Idempotency-Key": "retry-123"}
    first = world["client"].post("/api/v1/referrals", json=body, headers=headers)
    again = world["client"].post("/api/v1/referrals", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    changed = world["client"].post("/api/v1/referrals", json={**body, "risk_notes": "Other"}, headers=headers)
    assert changed.status_code == 422 and "Idempotency-Key" in changed.json()["detail"]


def _counts(world):
    with world["sessions"]() as s:
        return s.scalar(select(func.count()).select_from(Referral)), s.scalar(select(func.count()).select_from(Person))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b.pop("service_id"), "service_id"),
        (lambda b: b["person"].update(crn="12345"), "person.crn"),
        (lambda b: b["person"].update(crn="XX23456"), "person.crn"),
        (lambda b: b.update(expected_start="2027-03-01", expected_end="2027-02-01"), "body"),
        (lambda b: b.update(risk_notes="x" * 4001), "risk_notes"),
        (lambda b: b.update(priority="whenever"), "priority"),
    ],
)
def test_it_rejects_bad_input_with_messages_and_writes_nothing(world, change, field):
    before = _counts(world)
    body = f.referral_in().model_dump(mode="json")
    change(body)
    response = world["client"].post("/api/v1/referrals", json=body, headers=world["h"]["pp"])
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert field in fields or (field == "body" and fields), fields
    assert _counts(world) == before


def test_it_rejects_an_unknown_service_option_and_writes_nothing(world):
    before = _counts(world)
    body = f.referral_in(service_id="nsf-accommodation-support", option_id="nsf-accommodation-support--gold").model_dump(mode="json")
    response = world["client"].post("/api/v1/referrals", json=body, headers=world["h"]["pp"])
    assert response.status_code == 422 and "Select one of the options" in response.json()["detail"]
    assert _counts(world) == before


def test_it_answers_a_blocked_submission_with_the_problems(world):
    referral_id = _create(world, person={"area": "Norfolk"})
    response = world["client"].post(f"/api/v1/referrals/{referral_id}/submit", json={}, headers=world["h"]["pp"])
    assert response.status_code == 422
    assert any("not available in Norfolk" in p for p in response.json()["problems"])


def test_it_searches_the_hub_inbox_by_reference_crn_and_name(world):
    crn = f.crn()
    referral_id = _prepare(world, "accept")
    other_id = _create(world, person={"crn": crn, "name": "Zebedee Quill"})
    client, hub, pp = world["client"], world["h"]["hub"], world["h"]["pp"]
    reference = client.get(f"/api/v1/referrals/{referral_id}", headers=pp).json()["reference"]
    assert [i["id"] for i in client.get("/api/v1/referrals", params={"q": reference}, headers=hub).json()["items"]] == [referral_id]
    assert [i["id"] for i in client.get("/api/v1/referrals", params={"q": crn}, headers=pp).json()["items"]] == [other_id]
    assert [i["id"] for i in client.get("/api/v1/referrals", params={"q": "zebedee"}, headers=pp).json()["items"]] == [other_id]
    # The hub does not see drafts, so the draft is not found by the hub.
    assert client.get("/api/v1/referrals", params={"q": crn}, headers=hub).json()["total"] == 0
    counts = client.get("/api/v1/referrals", params={"status": "transferred"}, headers=hub).json()
    assert counts["counts"]["transferred"] >= 1 and all(i["status"] == "transferred" for i in counts["items"])


@pytest.mark.parametrize("term", ["%", "_", "%%", "\\"])
def test_it_matches_wildcards_in_a_search_as_themselves(world, term):
    _create(world, person={"name": "Plain Name"})
    found = world["client"].get("/api/v1/referrals", params={"q": term}, headers=world["h"]["pp"]).json()
    assert found["total"] == 0 and found["items"] == []


def test_it_finds_a_name_holding_a_wildcard_character(world):
    referral_id = _create(world, person={"name": "Ann_100% Smith"})
    _create(world, person={"name": "Annx100 Smith"})
    found = world["client"].get("/api/v1/referrals", params={"q": "ann_100%"}, headers=world["h"]["pp"]).json()
    assert [i["id"] for i in found["items"]] == [referral_id]


def test_it_records_registration_in_the_history_once(world):
    referral_id = _prepare(world, "start")  # allocated
    client, hub = world["client"], world["h"]["hub"]
    first = client.post(f"/api/v1/referrals/{referral_id}/registration", headers=hub)
    assert first.status_code == 200 and first.json()["registered_at"]
    again = client.post(f"/api/v1/referrals/{referral_id}/registration", headers=hub)
    assert again.json()["registered_at"] == first.json()["registered_at"]
    rows = [h for h in again.json()["history"] if h["reason"] == "Registration recorded"]
    assert len(rows) == 1 and rows[0]["from_status"] == rows[0]["to_status"] == "allocated"
    assert rows[0]["by"] == world["users"]["hub"].name


def test_it_refuses_a_new_referral_to_a_withdrawn_option(world):
    import datetime as dt

    from ratecard.catalogue.models import ServiceOption

    with world["sessions"]() as s:
        s.get(ServiceOption, "nsf-accommodation-support--low").withdrawn_at = dt.datetime.now(dt.UTC)
        s.commit()
    body = f.referral_in(service_id="nsf-accommodation-support", option_id="nsf-accommodation-support--low").model_dump(mode="json")
    response = world["client"].post("/api/v1/referrals", json=body, headers=world["h"]["pp"])
    assert response.status_code == 422 and "no longer offered" in response.json()["detail"]
    assert response.json()["errors"][0]["field"] == "option_id"


def test_it_patches_only_the_fields_given_of_a_draft_and_refuses_after_submission(world):
    referral_id = _create(world)
    client, h = world["client"], world["h"]
    patched = client.patch(f"/api/v1/referrals/{referral_id}", json={"risk_notes": "Changed", "person": {"profile": {"ogrs": 65}}},
                           headers=h["pp"])
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["risk_notes"] == "Changed" and body["person"]["profile"] == {"ogrs": 65}
    assert body["person"]["name"] == "Sam Example" and body["expected_start"] is not None  # the rest kept
    assert body["history"][-1]["reason"] == "Draft changed"
    assert client.patch(f"/api/v1/referrals/{referral_id}", json={"risk_notes": "x"}, headers=h["hub"]).status_code == 404
    assert client.post(f"/api/v1/referrals/{referral_id}/submit", json={}, headers=h["pp"]).status_code == 200
    refused = client.patch(f"/api/v1/referrals/{referral_id}", json={"risk_notes": "Too late"}, headers=h["pp"])
    assert refused.status_code == 409
    assert "can no longer be changed" in refused.text
    assert client.get(f"/api/v1/referrals/{referral_id}", headers=h["pp"]).json()["risk_notes"] == "Changed"


def test_it_answers_capped_counts_and_pages_on_past_them(world, monkeypatch):
    from ratecard.referrals import queries

    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    made = [_create(world) for _ in range(5)]
    get = lambda **params: world["client"].get("/api/v1/referrals", params=params, headers=world["h"]["pp"]).json()  # noqa: E731
    first = get(per_page=2)
    assert (first["counts"], first["counts_capped"], first["total"], first["total_capped"]) == ({"draft": 3}, ["draft"], 3, True)
    assert [p["pages"] for p in (first, get(per_page=2, page=2), get(per_page=2, page=3))] == [2, 3, 3]
    assert [i["id"] for n in (1, 2, 3) for i in get(per_page=2, page=n)["items"]] == made[::-1]
    monkeypatch.setattr(queries, "COUNT_CAP", 5)
    exact = get(per_page=2)
    assert (exact["counts"], exact["counts_capped"], exact["total"], exact["total_capped"], exact["pages"]) == (
        {"draft": 5}, [], 5, False, 3)
