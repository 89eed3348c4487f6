"""The price pages as managers, admins and everyone else use them: forms, uploads, errors, who sees what."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ratecard.accounts.models import User
from ratecard.accounts.service import Role
from ratecard.billing.models import PriceEntry, PriceList
from ratecard.config import Settings
from ratecard.web_app import create_app
from tests.billing import factories as f
from tests.clients import form_token
from tests.referrals import factories as rf

TODAY = dt.date.today()
GOOD = ("service_id,option_id,service,option,unit,unit_price,vat_rate,minimum_units,cancellation_charge,note\n"
        "cln-conflict-resolution,,Conflict Resolution,,per_session,45.00,standard,,,\n")


@pytest.fixture
def site(catalogue_sessions):
    with catalogue_sessions() as s:
        users = {"admin": rf.user(s, Role.ADMIN), "manager": f.manager(s), "hub": rf.user(s, Role.HUB),
                 "nsf_manager": f.manager(s, "nsf"), "pp": rf.user(s)}
        s.commit()
    return catalogue_sessions, users, create_app(settings=Settings(), sessions=catalogue_sessions)


def _browser(app, user) -> TestClient:
    client = TestClient(app)
    response = client.post("/login", data={"email": user.email, "password": rf.PASSWORD, "csrf_token": form_token(client),
                                           "next": "/prices"}, follow_redirects=False)
    assert response.status_code == 303
    return client


def _post(client, path, files=None, **data):
    return client.post(path, data={**data, "csrf_token": form_token(client, "/referrals")}, files=files,
                       follow_redirects=False)


def _new_list(client, **fields):
    start = TODAY - dt.timedelta(days=2)
    data = {"provider_id": "cln", "title": "CLN prices", "valid_from-day": str(start.day),
            "valid_from-month": str(start.month), "valid_from-year": str(start.year)} | fields
    return _post(client, "/prices/new", **data)


def test_it_drafts_uploads_and_publishes_a_list_through_the_pages(site):
    sessions, users, app = site
    client = _browser(app, users["manager"])
    made = _new_list(client)
    assert made.status_code == 303
    page = client.get(made.headers["location"])
    assert "Draft price list made." in page.text and "No prices yet." in page.text
    list_id = int(re.search(r"/prices/(\d+)", made.headers["location"]).group(1))
    uploaded = _post(client, f"/prices/{list_id}/upload", files={"csv": ("prices.csv", GOOD.encode(), "text/csv")})
    assert uploaded.status_code == 303
    page = client.get(f"/prices/{list_id}")
    assert "£45.00" in page.text and "Publish price list" in page.text
    assert _post(client, f"/prices/{list_id}/publish").status_code == 303
    page = client.get(f"/prices/{list_id}")
    assert "Published" in page.text and "Publish price list" not in page.text and "Upload prices" not in page.text
    # The service page now shows the price in force, to anyone.
    service_page = TestClient(app).get("/services/cln-conflict-resolution")
    assert "£45.00 per session" in service_page.text and "Prices exclude VAT" in service_page.text


def test_it_lists_every_bad_line_of_an_upload_and_saves_nothing(site):
    sessions, users, app = site
    client = _browser(app, users["manager"])
    list_id = int(re.search(r"/prices/(\d+)", _new_list(client).headers["location"]).group(1))
    bad = GOOD + "cln-conflict-resolution,,,,per_session,abc,standard,,,\ncln-nope,,,,per_session,1,standard,,,\n"
    response = _post(client, f"/prices/{list_id}/upload", files={"csv": ("prices.csv", bad.encode(), "text/csv")})
    assert response.status_code == 422
    assert "There is a problem" in response.text and "The CSV has 2 bad lines; nothing was saved." in response.text
    assert "line 3: unit_price: &#39;abc&#39; is not an amount" in response.text
    assert "line 4: service_id: &#39;cln-nope&#39; is not a service of this provider" in response.text
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(PriceEntry).where(PriceEntry.price_list_id == list_id)) == 0


def test_it_adds_and_changes_a_price_with_errors_in_a_summary(site):
    sessions, users, app = site
    client = _browser(app, users["manager"])
    list_id = int(re.search(r"/prices/(\d+)", _new_list(client).headers["location"]).group(1))
    form = {"option": "cln-conflict-resolution|", "unit": "per_session", "unit_price": "-3", "vat_rate": "standard"}
    refused = _post(client, f"/prices/{list_id}/entries/new", **form)
    assert refused.status_code == 400 and "There is a problem" in refused.text and "is negative" in refused.text
    assert _post(client, f"/prices/{list_id}/entries/new", **(form | {"unit_price": "12.50", "minimum_units": "2"})).status_code == 303
    with sessions() as s:
        entry = s.scalar(select(PriceEntry).where(PriceEntry.price_list_id == list_id))
        assert (entry.unit_price_pence, entry.minimum_units) == (1250, 2)
    changed = _post(client, f"/prices/{list_id}/entries/{entry.id}", **(form | {"unit_price": "13"}))
    assert changed.status_code == 303
    with sessions() as s:
        assert s.get(PriceEntry, entry.id).unit_price_pence == 1300


def test_it_says_why_a_list_cannot_be_published(site):
    sessions, users, app = site
    client = _browser(app, users["admin"])
    list_id = int(re.search(r"/prices/(\d+)", _new_list(client).headers["location"]).group(1))
    response = _post(client, f"/prices/{list_id}/publish")
    assert response.status_code == 422 and "no prices cannot be published" in response.text


def test_it_refuses_a_new_list_with_bad_dates(site):
    _, users, app = site
    client = _browser(app, users["manager"])
    response = _new_list(client, **{"valid_from-month": "13", "title": ""})
    assert response.status_code == 400
    assert "Enter a title" in response.text and "Enter the date the prices start as a real date" in response.text


def test_it_scopes_the_pages_to_the_users_provider(site):
    sessions, users, app = site
    with sessions() as s:
        nsf = f.draft(s, s.get(User, users["admin"].id), provider_id="nsf", entries=[])
        cln = f.draft(s, s.get(User, users["admin"].id))
        s.commit()
    assert _browser(app, users["manager"]).get(f"/prices/{nsf.id}").status_code == 404
    assert _browser(app, users["pp"]).get(f"/prices/{cln.id}").status_code == 404  # no drafts for practitioners
    hub = _browser(app, users["hub"])
    assert hub.get(f"/prices/{cln.id}").status_code == 200
    assert "Publish price list" not in hub.get(f"/prices/{cln.id}").text  # sees it, may not publish it
    assert _post(hub, f"/prices/{cln.id}/publish").status_code == 403
    assert hub.get("/prices/new").status_code == 404
    nsf_page = _browser(app, users["nsf_manager"]).get("/prices")
    assert f"/prices/{nsf.id}" in nsf_page.text and f"/prices/{cln.id}" not in nsf_page.text


def test_it_lets_an_admin_make_someone_a_price_list_manager(site):
    sessions, users, app = site
    client = _browser(app, users["admin"])
    page = client.get(f"/admin/users/{users['hub'].id}")
    assert "Let them manage price lists" in page.text
    response = client.post(f"/admin/users/{users['hub'].id}/prices",
                           data={"can_manage_prices": "yes", "csrf_token": form_token(client, "/referrals")},
                           follow_redirects=False)
    assert response.status_code == 303
    with sessions() as s:
        assert s.get(User, users["hub"].id).can_manage_prices
    refused = client.post(f"/admin/users/{users['pp'].id}/prices",
                          data={"can_manage_prices": "yes", "csrf_token": form_token(client, "/referrals")})
    assert refused.status_code == 422 and "Only a provider&#39;s staff" in refused.text
    assert _browser(app, users["hub"]).get("/prices/new").status_code == 200
    assert "/prices" in client.get("/admin").text  # the admin navigation links the price lists


def test_it_shows_the_quote_on_a_draft_referral_page(site):
    sessions, users, app = site
    with sessions() as s:
        f.published(s, s.get(User, users["admin"].id), valid_from=TODAY - dt.timedelta(days=1), example=True)
        draft = rf.draft(s, s.get(User, users["pp"].id))
        s.commit()
    page = _browser(app, users["pp"]).get(f"/referrals/{draft.id}")
    assert "Quote</h2>" in page.text and "4 sessions x £45.00" in page.text and "£216.00" in page.text
    assert "Example prices for trying ratecard, not the provider&#39;s" in page.text


def test_it_says_price_on_request_when_no_list_is_in_force(site):
    _, _, app = site
    page = TestClient(app).get("/services/cln-conflict-resolution")
    assert "Price on request" in page.text


def test_it_labels_example_prices_on_the_service_and_list_pages(site):
    sessions, users, app = site
    with sessions() as s:
        made = f.published(s, s.get(User, users["admin"].id), valid_from=TODAY - dt.timedelta(days=1), example=True)
        s.commit()
    assert "Example prices for trying ratecard" in TestClient(app).get("/services/cln-conflict-resolution").text
    client = _browser(app, users["pp"])
    assert "Example prices for trying ratecard" in client.get(f"/prices/{made.id}").text
    assert "Example prices for trying ratecard" in client.get("/prices").text
