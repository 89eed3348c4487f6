"""Administering users: create with a one-time password, deactivate, reset, change role; never lose the last admin."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ratecard.accounts import service
from ratecard.accounts.models import AccessLog, ApiToken, WebSession
from ratecard.accounts.service import Role
from ratecard.errors import Forbidden, InvalidInput
from tests.referrals import factories as f


def _audit(session, admin) -> list[str]:
    return list(session.scalars(select(AccessLog.action).where(AccessLog.user_id == admin.id).order_by(AccessLog.id)))


def test_it_creates_a_user_with_a_one_time_password_that_signs_in(catalogue_session):
    s = catalogue_session
    admin = f.user(s, Role.ADMIN)
    made, password = service.admin_create_user(session=s, admin=admin, email=" New.Hub@Example.test ", name="Nia Hub",
                                               role=Role.HUB, provider_id="NSF", region="ignored")
    assert (made.email, made.role, made.provider_id, made.region) == ("new.hub@example.test", "hub", "nsf", None)
    assert len(password) >= service.MIN_PASSWORD and password not in made.password_hash
    assert service.authenticate(session=s, email="new.hub@example.test", password=password) is made
    assert _audit(s, admin) == [f"create user {made.id}"]


@pytest.mark.parametrize(
    ("role", "extra", "field"),
    [(Role.PRACTITIONER, {}, "region"), (Role.CASEWORKER, {}, "provider_id"), (Role.HUB, {"provider_id": "xyz"}, "provider_id")],
)
def test_it_refuses_a_user_without_what_their_role_needs_and_makes_nothing(catalogue_session, role, extra, field):
    s = catalogue_session
    admin = f.user(s, Role.ADMIN)
    with pytest.raises(InvalidInput) as caught:
        service.admin_create_user(session=s, admin=admin, email="nobody@example.test", name="No Body", role=role, **extra)
    assert caught.value.details["field"] == field
    assert service.list_users(session=s, role=role, provider_id="xyz") == []
    assert "nobody@example.test" not in {u.email for u in service.list_users(session=s)}


def test_it_lets_only_administrators_manage_users(catalogue_session):
    s = catalogue_session
    hub, pp = f.user(s, Role.HUB), f.user(s)
    with pytest.raises(Forbidden):
        service.set_active(session=s, admin=hub, user_id=pp.id, active=False)
    assert pp.active


def test_it_deactivates_a_user_signing_them_out_and_reactivates_them(catalogue_session):
    s = catalogue_session
    admin, pp = f.user(s, Role.ADMIN), f.user(s)
    cookie = service.start_session(session=s, user=pp, hours=8)
    token = service.issue_token(session=s, user=pp)
    service.set_active(session=s, admin=admin, user_id=pp.id, active=False)
    assert service.session_user(session=s, token=cookie, idle_minutes=30) is None
    assert service.token_user(session=s, token=token) is None
    assert s.scalar(select(WebSession).where(WebSession.user_id == pp.id)) is None
    with pytest.raises(service.AuthError):
        service.authenticate(session=s, email=pp.email, password=f.PASSWORD)
    service.set_active(session=s, admin=admin, user_id=pp.id, active=True)
    assert service.authenticate(session=s, email=pp.email, password=f.PASSWORD) is pp
    assert _audit(s, admin) == [f"deactivate user {pp.id}", f"reactivate user {pp.id}"]


def test_it_resets_a_password_so_only_the_new_one_works(catalogue_session):
    s = catalogue_session
    admin, cw = f.user(s, Role.ADMIN), f.user(s, Role.CASEWORKER)
    service.issue_token(session=s, user=cw)
    password = service.reset_password(session=s, admin=admin, user_id=cw.id)
    assert service.authenticate(session=s, email=cw.email, password=password) is cw
    with pytest.raises(service.AuthError):
        service.authenticate(session=s, email=cw.email, password=f.PASSWORD)
    assert s.scalar(select(ApiToken).where(ApiToken.user_id == cw.id)) is None


def test_it_changes_role_and_keeps_only_what_the_new_role_uses(catalogue_session):
    s = catalogue_session
    admin, pp = f.user(s, Role.ADMIN), f.user(s)
    service.change_role(session=s, admin=admin, user_id=pp.id, role=Role.CASEWORKER, provider_id="kss", region="North West")
    assert (pp.role, pp.provider_id, pp.region) == ("caseworker", "kss", None)
    assert pp in service.caseworkers(session=s, provider_id="kss")
    assert service.list_users(session=s, role=Role.CASEWORKER, provider_id="kss") == [pp]


def test_it_never_removes_the_last_active_administrator(catalogue_session):
    s = catalogue_session
    for other in service.list_users(session=s, role=Role.ADMIN):
        other.active = False  # this test's admin is the only one
    admin = f.user(s, Role.ADMIN)
    with pytest.raises(InvalidInput, match="last active administrator"):
        service.change_role(session=s, admin=admin, user_id=admin.id, role=Role.PRACTITIONER, region="North West")
    with pytest.raises(InvalidInput, match="yourself"):
        service.set_active(session=s, admin=admin, user_id=admin.id, active=False)
    assert (admin.role, admin.active) == ("admin", True)
    second = f.user(s, Role.ADMIN)
    # With a second admin, the first may step down; the second, now the last, may not.
    service.change_role(session=s, admin=admin, user_id=admin.id, role=Role.PRACTITIONER, region="North West")
    with pytest.raises(InvalidInput, match="last active administrator"):
        service.change_role(session=s, admin=second, user_id=second.id, role=Role.HUB, provider_id="cln")
