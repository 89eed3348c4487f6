"""CSRF tokens are bound to the signed-in session: a pair planted by an attacker is refused."""

from __future__ import annotations

from ratecard.security.csrf import COOKIE
from tests.clients import client_for, form_token
from tests.referrals import factories as f


def _signed_in(world):
    client = client_for(world["sessions"])
    token = form_token(client)
    response = client.post("/login", data={"email": world["users"]["pp"].email, "password": f.PASSWORD, "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303
    return client


def test_it_refuses_a_cookie_and_field_pair_chosen_by_an_attacker(world):
    client = _signed_in(world)
    chosen = "A" * 43
    client.cookies.set(COOKIE, chosen)
    response = client.post("/referrals/new", data={"csrf_token": chosen, "service_id": "cln-conflict-resolution",
                                                   "crn": "X123456", "name": "A"}, follow_redirects=False)
    assert response.status_code == 403


def test_it_accepts_the_token_its_own_pages_give(world):
    client = _signed_in(world)
    token = form_token(client, "/referrals")
    response = client.post("/referrals/new", data={"csrf_token": token, "service_id": "cln-conflict-resolution",
                                                   "crn": f.crn(), "name": "A Person"}, follow_redirects=False)
    assert response.status_code == 303, response.text


def test_it_gives_another_session_another_token(world):
    one, two = _signed_in(world), _signed_in(world)
    assert form_token(one, "/referrals") != form_token(two, "/referrals")
    stolen = form_token(one, "/referrals")
    response = two.post("/referrals/new", data={"csrf_token": stolen, "service_id": "cln-conflict-resolution",
                                                "crn": "X123456", "name": "A"}, follow_redirects=False)
    assert response.status_code == 403
