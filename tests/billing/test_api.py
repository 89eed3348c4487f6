"""The prices API: drafting, entries, CSV, publishing and quotes, with who may do what."""

from __future__ import annotations

import datetime as dt

import pytest

from ratecard.accounts.service import Role, issue_token
from tests.billing import factories as f
from tests.referrals import factories as rf

TODAY = dt.date.today()


@pytest.fixture
def api(world):
    """world's clients, plus CLN's price-list manager and a practitioner's draft referral."""
    session = world["sessions"]()
    manager = f.manager(session)
    world["h"]["manager"] = {"Authorization": f"Bearer {issue_token(session=session, user=manager)}"}
    world["draft"] = rf.draft(session, world["users"]["pp"]).id
    session.commit()
    return world


def _new(client, headers, **overrides):
    body = {"provider_id": "cln", "title": "CLN prices", "valid_from": str(TODAY - dt.timedelta(days=3)),
            "entries": [{"service_id": "cln-conflict-resolution", "unit": "per_session", "unit_price_pence": 4500}]}
    return client.post("/api/v1/price-lists", json=body | overrides, headers=headers)


def test_it_drafts_publishes_and_quotes(api):
    client, h = api["client"], api["h"]
    made = _new(client, h["manager"])
    assert made.status_code == 201 and made.json()["status"] == "draft"
    list_id = made.json()["id"]
    # Before publishing, the practitioner's draft has no quote, and the draft list is not theirs to see.
    assert client.get(f"/api/v1/referrals/{api['draft']}/quote", headers=h["pp"]).json()["price_list_id"] is None
    assert client.get(f"/api/v1/price-lists/{list_id}", headers=h["pp"]).status_code == 404
    published = client.post(f"/api/v1/price-lists/{list_id}/publish", headers=h["manager"])
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert [s["to_status"] for s in published.json()["history"]] == ["draft", "published"]
    quote = client.get(f"/api/v1/referrals/{api['draft']}/quote", headers=h["pp"]).json()
    assert (quote["net_pence"], quote["vat_pence"], quote["total_pence"]) == (18000, 3600, 21600)
    assert quote["lines"][0]["units"] == "4" and quote["price_list_id"] == list_id
    again = client.post(f"/api/v1/price-lists/{list_id}/publish", headers=h["manager"])
    assert again.status_code == 409


def test_it_refuses_to_edit_a_published_list(api):
    client, h = api["client"], api["h"]
    list_id = _new(client, h["admin"]).json()["id"]
    assert client.post(f"/api/v1/price-lists/{list_id}/publish", headers=h["admin"]).status_code == 200
    entries = {"entries": [{"service_id": "cln-conflict-resolution", "unit": "per_session", "unit_price_pence": 1}]}
    response = client.put(f"/api/v1/price-lists/{list_id}/entries", json=entries, headers=h["admin"])
    assert response.status_code == 409 and "never edited" in response.json()["detail"]
    response = client.post(f"/api/v1/price-lists/{list_id}/import", json={"csv": "x"}, headers=h["admin"])
    assert response.status_code == 409 and "never edited" in response.json()["detail"]


@pytest.mark.parametrize(("entry", "field", "words"), [
    ({"unit_price_pence": -1}, "entries.0.unit_price_pence", "greater than or equal to 0"),
    ({"unit_price_pence": "twelve"}, "entries.0.unit_price_pence", ""),
    ({"unit": "per_week"}, "entries.0.unit", ""),
    ({"vat_rate": "luxury"}, "entries.0.vat_rate", ""),
])
def test_it_refuses_bad_prices_naming_the_field(api, entry, field, words):
    base = {"service_id": "cln-conflict-resolution", "unit": "per_session", "unit_price_pence": 4500}
    response = _new(api["client"], api["h"]["admin"], entries=[base | entry])
    assert response.status_code == 422
    assert any(e["field"].endswith(field.split(".")[-1]) and words in e["message"] for e in response.json()["errors"])


def test_it_names_an_unknown_option(api):
    response = _new(api["client"], api["h"]["admin"], entries=[
        {"service_id": "cln-conflict-resolution", "option_id": "cln-nope", "unit": "per_session", "unit_price_pence": 1}])
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "entries[0]: option_id: 'cln-nope' is not an orderable option of Conflict Resolution"


def test_it_imports_csv_reporting_the_bad_line(api):
    client, h = api["client"], api["h"]
    list_id = _new(client, h["admin"]).json()["id"]
    text = ("service_id,option_id,unit,unit_price,vat_rate\n"
            "cln-conflict-resolution,,per_session,50.00,standard\n"
            "cln-conflict-resolution,,per_session,-2,standard\n")
    response = client.post(f"/api/v1/price-lists/{list_id}/import", json={"csv": text}, headers=h["admin"])
    assert response.status_code == 422
    assert [e["message"] for e in response.json()["errors"]] == ["line 3: unit_price: '-2' is negative: a price must be £0.00 or more"]
    assert client.get(f"/api/v1/price-lists/{list_id}", headers=h["admin"]).json()["entries"][0]["unit_price_pence"] == 4500
    ok = client.post(f"/api/v1/price-lists/{list_id}/import", json={"csv": text.rsplit("cln", 1)[0]}, headers=h["admin"])
    assert ok.status_code == 200 and ok.json()["entries"][0]["unit_price_pence"] == 5000
    csv_out = client.get(f"/api/v1/price-lists/{list_id}/entries.csv", headers=h["admin"])
    assert csv_out.headers["content-type"].startswith("text/csv") and ",50.00,standard," in csv_out.text


@pytest.mark.parametrize(("who", "status"), [("pp", 403), ("hub", 403), ("cw", 403), ("hub_other", 403), ("anon", 401),
                                             ("manager", 201), ("admin", 201)])
def test_it_lets_only_admins_and_the_providers_managers_draft(api, who, status):
    assert _new(api["client"], api["h"][who]).status_code == status


def test_it_shows_providers_only_their_own_lists(api):
    client, h = api["client"], api["h"]
    cln = _new(client, h["admin"]).json()["id"]
    nsf = _new(client, h["admin"], provider_id="nsf", entries=[]).json()["id"]
    assert {p["id"] for p in client.get("/api/v1/price-lists", headers=h["hub"]).json()} >= {cln}
    assert nsf not in {p["id"] for p in client.get("/api/v1/price-lists", headers=h["hub"]).json()}
    assert client.get(f"/api/v1/price-lists/{nsf}", headers=h["hub"]).status_code == 404
    assert client.get(f"/api/v1/price-lists/{cln}", headers=h["hub_other"]).status_code == 404
    assert not {cln, nsf} & {p["id"] for p in client.get("/api/v1/price-lists", headers=h["pp"]).json()}


def test_it_hides_another_regions_referral_quote(api):
    response = api["client"].get(f"/api/v1/referrals/{api['draft']}/quote", headers=api["h"]["pp_other"])
    assert response.status_code == 404
