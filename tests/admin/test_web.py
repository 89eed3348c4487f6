"""The admin pages as an administrator uses them, and as everyone else cannot see them."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from ratecard.accounts.models import User
from ratecard.accounts.service import Role
from ratecard.admin.web import ROLE_NAMES
from ratecard.config import Settings
from ratecard.referrals import notifications
from ratecard.referrals.models import OutboxMessage
from ratecard.web_app import create_app
from tests.clients import form_token
from tests.referrals import factories as f

GET_ROUTES = ["/admin", "/admin/users", "/admin/users/new", "/admin/users/{id}", "/admin/outbox",
              "/admin/outbox?state=sent", "/admin/review", "/admin/access", "/admin/access?region=North+West&crn=X123456"]
POST_ROUTES = ["/admin/users/new", "/admin/users/{id}/role", "/admin/users/{id}/active", "/admin/users/{id}/password",
               "/admin/outbox/retry"]


class Broken:
    """A relay that is down."""

    def send(self, message):
        raise OSError("relay down")


@pytest.fixture
def site(catalogue_sessions, tmp_path):
    with catalogue_sessions() as s:
        users = {"admin": f.user(s, Role.ADMIN), "pp": f.user(s), "hub": f.user(s, Role.HUB),
                 "cw": f.user(s, Role.CASEWORKER)}
        s.commit()
    app = create_app(settings=Settings(outbox_dir=tmp_path / "outbox"), sessions=catalogue_sessions)
    return catalogue_sessions, users, app, tmp_path / "outbox"


def _browser(app, user) -> TestClient:
    client = TestClient(app)
    response = client.post("/login", data={"email": user.email, "password": f.PASSWORD, "csrf_token": form_token(client),
                                           "next": "/referrals"}, follow_redirects=False)
    assert response.status_code == 303
    return client


def _post(client, path, **data):
    return client.post(path, data={**data, "csrf_token": form_token(client, "/referrals")}, follow_redirects=False)


@pytest.mark.parametrize("who", ["pp", "hub", "cw"])
def test_it_shows_no_admin_page_to_anyone_but_administrators(site, who):
    sessions, users, app, _ = site
    client = _browser(app, users[who])
    nowhere = client.get("/nowhere")
    for path in GET_ROUTES:
        response = client.get(path.format(id=users["pp"].id))
        assert response.status_code == 404, path
        assert "Page not found" in response.text and response.text.count("Not Found") == nowhere.text.count("Not Found")
    for path in POST_ROUTES:
        response = _post(client, path.format(id=users["pp"].id), active="no", role="admin", email="x@example.test",
                         name="X")
        assert response.status_code == 404, path
    with sessions() as s:
        pp = s.get(User, users["pp"].id)
        assert pp.active and pp.role == "practitioner"
        assert s.scalar(select(User).where(User.email == "x@example.test")) is None


def test_it_sends_visitors_to_sign_in(site):
    _, _, app, _ = site
    response = TestClient(app).get("/admin/users", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_it_shows_every_admin_page_to_an_administrator_with_a_link_in_the_navigation(site):
    _, users, app, _ = site
    client = _browser(app, users["admin"])
    for path in GET_ROUTES:
        response = client.get(path.format(id=users["pp"].id))
        assert response.status_code == 200, path
        assert 'href="/admin"' in response.text
    assert 'href="/admin"' not in _browser(app, users["pp"]).get("/referrals").text


def test_it_filters_users_by_role_and_provider(site):
    _, users, app, _ = site
    client = _browser(app, users["admin"])
    page = client.get("/admin/users?role=caseworker&provider=cln").text
    assert users["cw"].name in page and users["pp"].name not in page and users["hub"].name not in page


def test_it_adds_a_user_and_shows_their_one_time_password_once(site):
    sessions, users, app, _ = site
    client = _browser(app, users["admin"])
    response = _post(client, "/admin/users/new", email="new.pp@example.test", name="Nell New", role="practitioner",
                     region="North West", team="Lancaster OMU", provider_id="")
    assert response.status_code == 200
    password = re.search(r'id="one-time-password">([^<]+)<', response.text).group(1)
    fresh = TestClient(app)
    login = fresh.post("/login", data={"email": "new.pp@example.test", "password": password,
                                       "csrf_token": form_token(fresh), "next": "/referrals"}, follow_redirects=False)
    assert login.status_code == 303
    with sessions() as s:
        made = s.scalar(select(User).where(User.email == "new.pp@example.test"))
        assert (made.role, made.region, made.team) == ("practitioner", "North West", "Lancaster OMU")
    assert password not in client.get(f"/admin/users/{made.id}").text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-email", "name": "A", "role": "hub", "provider_id": "cln"}, "Enter an email address in the correct format"),
        ({"email": "a@example.test", "name": "A", "role": "practitioner"}, "Choose the practitioner&#39;s probation region"),
        ({"email": "a@example.test", "name": "A", "role": "boss"}, "Choose what the person does"),
        ({"email": "a@example.test", "name": "A", "role": "hub", "provider_id": "zzz"}, "There is no provider"),
    ],
)
def test_it_refuses_a_bad_new_user_with_a_message_by_the_field_and_makes_nothing(site, data, message):
    sessions, users, app, _ = site
    client = _browser(app, users["admin"])
    response = _post(client, "/admin/users/new", **data)
    assert response.status_code == 422
    assert message in response.text and "There is a problem" in response.text
    assert response.text.count(message) == 2  # in the summary and next to the field
    with sessions() as s:
        assert s.scalar(select(User).where(User.email == data["email"])) is None


def test_it_refuses_a_duplicate_email(site):
    _, users, app, _ = site
    client = _browser(app, users["admin"])
    response = _post(client, "/admin/users/new", email=users["pp"].email, name="Twin", role="admin")
    assert response.status_code == 422 and "There is already a user" in response.text


def test_it_changes_a_role_deactivates_and_resets_a_password(site):
    sessions, users, app, _ = site
    admin = _browser(app, users["admin"])
    pp_browser = _browser(app, users["pp"])
    pid = users["pp"].id
    response = _post(admin, f"/admin/users/{pid}/role", role="hub", provider_id="nsf", region="")
    assert response.status_code == 303 and "Role saved" in admin.get(response.headers["location"]).text
    response = _post(admin, f"/admin/users/{pid}/active", active="no")
    assert response.status_code == 303
    assert pp_browser.get("/referrals", follow_redirects=False).status_code == 303  # signed out
    reset = _post(admin, f"/admin/users/{pid}/password")
    assert reset.status_code == 200 and 'id="one-time-password"' in reset.text
    with sessions() as s:
        pp = s.get(User, pid)
        assert (pp.role, pp.provider_id, pp.active) == ("hub", "nsf", False)


def test_it_refuses_bad_role_changes_and_changes_nothing(site):
    sessions, users, app, _ = site
    admin = _browser(app, users["admin"])
    pid = users["cw"].id
    response = _post(admin, f"/admin/users/{pid}/role", role="practitioner", region="")
    assert response.status_code == 422 and "Choose the practitioner&#39;s probation region" in response.text
    assert _post(admin, f"/admin/users/{pid}/active", active="maybe").status_code == 422
    assert _post(admin, "/admin/users/999999/active", active="no").status_code == 404
    assert admin.get("/admin/users/abc").status_code in (400, 404, 422)
    with sessions() as s:
        cw = s.get(User, pid)
        assert (cw.role, cw.provider_id, cw.active) == ("caseworker", "cln", True)


def test_it_refuses_to_let_the_admin_deactivate_themselves(site):
    sessions, users, app, _ = site
    admin = _browser(app, users["admin"])
    response = _post(admin, f"/admin/users/{users['admin'].id}/active", active="no")
    assert response.status_code == 422 and "You cannot deactivate yourself" in response.text
    with sessions() as s:
        assert s.get(User, users["admin"].id).active


def test_it_refuses_forms_without_the_csrf_token(site):
    sessions, users, app, _ = site
    admin = _browser(app, users["admin"])
    response = admin.post(f"/admin/users/{users['pp'].id}/active", data={"active": "no", "csrf_token": "forged"})
    assert response.status_code == 403
    with sessions() as s:
        assert s.get(User, users["pp"].id).active


def test_it_lists_the_outbox_and_sends_failed_emails_again(site):
    sessions, users, app, outbox_dir = site
    with sessions() as s:
        pp = s.get(User, users["pp"].id)
        f.transferred(s, pp)
        notifications.send_pending(session=s, sender=Broken())
        s.commit()
    admin = _browser(app, users["admin"])
    page = admin.get("/admin/outbox?state=failed").text
    assert "Failed (1)" in page and "relay down" in page and "Send again" in page
    response = _post(admin, "/admin/outbox/retry")
    assert response.status_code == 303
    assert "1 sent, 0 failed again" in admin.get(response.headers["location"]).text
    assert len(list(outbox_dir.glob("*.eml"))) == 1
    with sessions() as s:
        assert s.scalar(select(OutboxMessage.sent_at)) is not None
    again = _post(admin, "/admin/outbox/retry", message_id="1")
    assert again.status_code == 422 and "no failed message" in again.text
    assert _post(admin, "/admin/outbox/retry", message_id="abc").status_code == 422


def test_it_lists_the_review_queue_with_links_to_the_services(site):
    _, users, app, _ = site
    page = _browser(app, users["admin"]).get("/admin/review").text
    links = re.findall(r'href="/services/([^"]+)"', page)
    assert len(links) > 3
    assert TestClient(app).get(f"/services/{links[0]}").status_code == 200


def test_it_shows_a_persons_access_log_and_says_when_the_crn_is_wrong(site):
    sessions, users, app, _ = site
    crn = f.crn()
    with sessions() as s:
        referral = f.draft(s, s.get(User, users["pp"].id), person={"crn": crn})
        reference = referral.reference
        s.commit()
    pp = _browser(app, users["pp"])
    pp.get(f"/referrals/{referral.id}")
    admin = _browser(app, users["admin"])
    page = admin.get(f"/admin/access?region=North+West&crn={crn}").text
    assert reference in page and "Read referral" in page and "Created the referral" in page and users["pp"].name in page
    bad = admin.get("/admin/access?region=North+West&crn=123")
    assert bad.status_code == 422 and "Enter a CRN in the format one letter and six numbers" in bad.text
    unknown = admin.get("/admin/access?region=North+West&crn=X999998")
    assert unknown.status_code == 200 and "keeps no record of X999998" in unknown.text


def test_it_names_every_role_on_the_admin_pages():
    assert set(ROLE_NAMES) == set(Role), "a role without a name has no label on the user forms"
