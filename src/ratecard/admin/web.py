"""Admin pages: users, the outbox, the import's review queue and a person's access log. Administrators only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ratecard.accounts import service as accounts
from ratecard.accounts.deps import WebUser
from ratecard.accounts.models import User
from ratecard.accounts.service import Role
from ratecard.admin import service
from ratecard.catalogue import service as catalogue
from ratecard.deps import DbSession, RecordId
from ratecard.errors import InvalidInput
from ratecard.pages import render
from ratecard.referrals import notifications
from ratecard.security.csrf import FIELD, check_csrf

router = APIRouter(prefix="/admin", include_in_schema=False)

ROLE_NAMES = {Role.PRACTITIONER: "Probation practitioner", Role.HUB: "Provider hub staff",
              Role.CASEWORKER: "Provider caseworker", Role.COMMISSIONER: "Commissioner (reads spend only)",
              Role.ADMIN: "Administrator"}
OUTBOX_NAMES = {"queued": "Queued", "failed": "Failed", "sent": "Sent"}


async def admin_user(user: WebUser) -> User:
    """The signed-in administrator; anyone else gets the same 'Page not found' as for an address that does not exist."""
    if user.role != Role.ADMIN.value:
        raise StarletteHTTPException(status_code=404, detail="Not Found")
    return user


Admin = Annotated[User, Depends(admin_user)]


def _page(request: Request, template: str, admin: User, status_code: int = 200, **context: Any) -> HTMLResponse:
    return render(request, template, status_code=status_code, user=admin, role_names=ROLE_NAMES, **context)


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    check_csrf(request, str(form.get(FIELD, "")))
    return {key: str(value).strip() for key, value in form.items() if key != FIELD}


def _providers(session: Any) -> dict[str, str]:
    return {p.id: p.name for p in catalogue.list_providers(session=session)}


@router.get("", response_class=HTMLResponse)
async def overview(request: Request, session: DbSession, admin: Admin) -> HTMLResponse:
    """The admin start page: what needs attention."""
    return _page(request, "admin/index.html", admin, title="Administration",
                 users=len(accounts.list_users(session=session)), outbox=service.outbox(session=session, limit=0),
                 review=service.review_queue(session=session))


# --- users ------------------------------------------------------------------------------------


@router.get("/users", response_class=HTMLResponse)
async def users(request: Request, session: DbSession, admin: Admin, role: str | None = None,
                provider: str | None = None) -> HTMLResponse:
    """Every user, filtered by role and provider."""
    providers = _providers(session)
    chosen_role = Role(role) if role in {r.value for r in Role} else None
    chosen_provider = provider if provider in providers else None
    people = accounts.list_users(session=session, role=chosen_role, provider_id=chosen_provider)
    return _page(request, "admin/users.html", admin, title="Users", people=people, providers=providers,
                 role=chosen_role, provider=chosen_provider)


def _user_form(request: Request, session: Any, admin: User, raw: dict[str, str], errors: dict[str, str],
               status_code: int = 200) -> HTMLResponse:
    return _page(request, "admin/user_new.html", admin, status_code=status_code, title="Add a user", raw=raw,
                 errors=errors, providers=_providers(session), roles=list(Role))


@router.get("/users/new", response_class=HTMLResponse)
async def new_user(request: Request, session: DbSession, admin: Admin) -> HTMLResponse:
    """The form to add a user."""
    return _user_form(request, session, admin, {}, {})


@router.post("/users/new", response_class=HTMLResponse)
async def create_user(request: Request, session: DbSession, admin: Admin) -> HTMLResponse:
    """Add a user and show their one-time password, once."""
    raw = await _form(request)
    try:
        made, password = accounts.admin_create_user(
            session=session, admin=admin, email=raw.get("email", ""), name=raw.get("name", ""),
            role=raw.get("role", ""), region=raw.get("region"), team=raw.get("team"),
            provider_id=raw.get("provider_id"),
        )
    except InvalidInput as exc:
        field = str(exc.details.get("field", "email"))
        return _user_form(request, session, admin, raw, {field: str(exc)}, status_code=422)
    return _page(request, "admin/password.html", admin, title="User added", person=made, password=password, new=True)


def _user_page(request: Request, session: Any, admin: User, person: User, errors: dict[str, str] | None = None,
               status_code: int = 200, raw: dict[str, str] | None = None, notice: str | None = None) -> HTMLResponse:
    return _page(request, "admin/user.html", admin, status_code=status_code, title=person.name, person=person,
                 providers=_providers(session), roles=list(Role), errors=errors or {}, raw=raw or {}, notice=notice)


@router.get("/users/{user_id}", response_class=HTMLResponse)
async def user_page(request: Request, session: DbSession, admin: Admin, user_id: RecordId,
                    notice: str | None = None) -> HTMLResponse:
    """One user: change their role, deactivate or reactivate them, reset their password."""
    person = accounts.get_user(session=session, user_id=user_id)
    notices = {"role": "Role saved.", "active": "Account deactivated.", "inactive": "Account reactivated.",
               "prices": "Price-list permission saved."}
    return _user_page(request, session, admin, person, notice=notices.get(notice or ""))


@router.post("/users/{user_id}/role", response_class=HTMLResponse)
async def change_role(request: Request, session: DbSession, admin: Admin, user_id: RecordId) -> Response:
    """Change a user's role and where they work."""
    raw = await _form(request)
    person = accounts.get_user(session=session, user_id=user_id)
    try:
        with session.begin_nested():  # a refused change leaves the user exactly as they were
            accounts.change_role(session=session, admin=admin, user_id=user_id, role=raw.get("role", ""),
                                 region=raw.get("region"), team=raw.get("team"), provider_id=raw.get("provider_id"))
    except InvalidInput as exc:
        session.refresh(person)
        return _user_page(request, session, admin, person, errors={str(exc.details.get("field", "role")): str(exc)},
                          status_code=422, raw=raw)
    return RedirectResponse(f"/admin/users/{user_id}?notice=role", status_code=303)


@router.post("/users/{user_id}/active", response_class=HTMLResponse)
async def set_active(request: Request, session: DbSession, admin: Admin, user_id: RecordId) -> Response:
    """Deactivate or reactivate a user."""
    raw = await _form(request)
    person = accounts.get_user(session=session, user_id=user_id)
    if raw.get("active") not in ("yes", "no"):
        return _user_page(request, session, admin, person, errors={"active": "Choose to deactivate or reactivate."},
                          status_code=422)
    try:
        accounts.set_active(session=session, admin=admin, user_id=user_id, active=raw["active"] == "yes")
    except InvalidInput as exc:
        return _user_page(request, session, admin, person, errors={"active": str(exc)}, status_code=422)
    return RedirectResponse(f"/admin/users/{user_id}?notice={'inactive' if raw['active'] == 'yes' else 'active'}",
                            status_code=303)


@router.post("/users/{user_id}/prices", response_class=HTMLResponse)
async def set_price_manager(request: Request, session: DbSession, admin: Admin, user_id: RecordId) -> Response:
    """Let a provider's staff member manage its price lists, or stop them."""
    raw = await _form(request)
    person = accounts.get_user(session=session, user_id=user_id)
    if raw.get("can_manage_prices") not in ("yes", "no"):
        return _user_page(request, session, admin, person, status_code=422,
                          errors={"can_manage_prices": "Choose whether they may manage price lists."})
    try:
        accounts.set_price_manager(session=session, admin=admin, user_id=user_id, allowed=raw["can_manage_prices"] == "yes")
    except InvalidInput as exc:
        return _user_page(request, session, admin, person, errors={"can_manage_prices": str(exc)}, status_code=422)
    return RedirectResponse(f"/admin/users/{user_id}?notice=prices", status_code=303)


@router.post("/users/{user_id}/password", response_class=HTMLResponse)
async def reset_password(request: Request, session: DbSession, admin: Admin, user_id: RecordId) -> HTMLResponse:
    """Give a user a new one-time password, shown once."""
    await _form(request)
    person = accounts.get_user(session=session, user_id=user_id)
    password = accounts.reset_password(session=session, admin=admin, user_id=user_id)
    return _page(request, "admin/password.html", admin, title="Password reset", person=person, password=password,
                 new=False)


# --- outbox, review queue, access log -----------------------------------------------------------


@router.get("/outbox", response_class=HTMLResponse)
async def outbox(request: Request, session: DbSession, admin: Admin, state: str = "failed",
                 sent: int | None = None, failed: int | None = None) -> HTMLResponse:
    """Emails queued, failed and sent, with a retry for failed ones."""
    chosen = state if state in service.OUTBOX_STATES else "failed"
    result = service.outbox(session=session, state=chosen)
    retried = {"sent": sent, "failed": failed} if sent is not None and failed is not None else None
    return _page(request, "admin/outbox.html", admin, title="Outbox", result=result, names=OUTBOX_NAMES,
                 states=service.OUTBOX_STATES, retried=retried)


@router.post("/outbox/retry")
async def retry(request: Request, session: DbSession, admin: Admin) -> Response:
    """Send failed emails again now (one, or all of them)."""
    raw = await _form(request)
    message_id = raw.get("message_id") or None
    if message_id is not None and not (message_id.isdecimal() and 0 < int(message_id) < 2**31):
        raise InvalidInput("Choose a failed message to send again.")
    settings = request.app.state.settings
    sender = notifications.sender_for(smtp_host=settings.smtp_host, smtp_port=settings.smtp_port,
                                      outbox_dir=settings.outbox_dir)
    sent, failed = notifications.retry_failed(session=session, sender=sender,
                                              message_id=int(message_id) if message_id else None)
    if sent + failed == 0:
        raise InvalidInput("There is no failed message to send again: it may have been sent already.")
    return RedirectResponse(f"/admin/outbox?state=failed&sent={sent}&failed={failed}", status_code=303)


@router.get("/review", response_class=HTMLResponse)
async def review(request: Request, session: DbSession, admin: Admin) -> HTMLResponse:
    """Services whose import left points to review, by provider."""
    return _page(request, "admin/review.html", admin, title="Import review queue", groups=service.review_queue(session=session))


@router.get("/access", response_class=HTMLResponse)
async def access(request: Request, session: DbSession, admin: Admin, crn: str | None = None,
                 region: str | None = None) -> HTMLResponse:
    """Who saw or changed a person's records: by CRN, within the region that keeps them."""
    regions = service.regions(session=session)
    raw = {"crn": (crn or "").strip(), "region": (region or "").strip()}
    entries, errors = None, {}
    if crn is not None or region is not None:
        try:
            entries = service.access_trail(session=session, region=raw["region"], crn=raw["crn"])
        except InvalidInput as exc:
            errors[str(exc.details.get("field", "crn"))] = str(exc)
        else:
            accounts.log_access(session=session, user=admin, action="read access log", channel="web",
                                crn=raw["crn"].upper())
    known = not errors and entries is not None and service.person_known(session=session, **raw)
    return _page(request, "admin/access.html", admin, status_code=422 if errors else 200, title="Access log",
                 regions=regions, raw=raw, errors=errors, entries=entries, known=known)
