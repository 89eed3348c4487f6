"""Web pages of prices: the price lists a user may see, one list (entries, publish, CSV upload and
download, entries changed while a draft), and a new draft. Thin: every change goes through pricelists.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from ratecard.accounts.deps import WebUser
from ratecard.accounts.models import User
from ratecard.accounts.roles import Role
from ratecard.billing import pricelists, quotes
from ratecard.billing.listeners import EXAMPLE_LABEL
from ratecard.billing.models import PriceList
from ratecard.billing.money import money, parse_pence, parse_units, pounds
from ratecard.billing.schemas import PriceEntryIn, PriceListIn
from ratecard.billing.vat import rates
from ratecard.catalogue.models import Provider, Service, ServiceOption
from ratecard.deps import DbSession, RecordId
from ratecard.errors import NotFound, RatecardError
from ratecard.forms import date_from_parts
from ratecard.pages import render
from ratecard.security.csrf import FIELD, check_csrf

router = APIRouter(include_in_schema=False)

UNITS = {"per_referral": "Per referral", "per_session": "Per session", "per_hour": "Per hour",
         "per_module": "Per module", "per_day": "Per day"}
STATUS_TAGS = {"draft": ("Draft", "govuk-tag--grey"), "published": ("Published", "govuk-tag--green"),
               "superseded": ("Superseded", "govuk-tag--yellow")}
MOST_UPLOAD = 900_000  # bytes: under the app's body limit, far above any provider's price list


def _common(user: User) -> dict[str, Any]:
    return {"user": user, "units": UNITS, "status_tags": STATUS_TAGS, "vat_rates": rates(), "money": money,
            "example_label": EXAMPLE_LABEL, "period": quotes.period_words}


async def _form(request: Request) -> Any:
    form = await request.form()
    check_csrf(request, str(form.get(FIELD, "")))
    return form


def _providers(session: Any, user: User) -> dict[str, str]:
    """The providers whose lists the user may draft."""
    query = select(Provider).order_by(Provider.name)
    return {p.id: p.name for p in session.scalars(query) if pricelists.may_manage(user, p.id)}


@router.get("/prices", response_class=HTMLResponse)
async def list_page(request: Request, session: DbSession, user: WebUser) -> HTMLResponse:
    """The price lists the user may see, by provider."""
    lists = pricelists.list_lists(session=session, user=user)
    names = {p.id: p.name for p in session.scalars(select(Provider))}
    return render(request, "billing/lists.html", lists=lists, names=names, can_draft=pricelists.manages_any(user),
                  admin=user.role == Role.ADMIN.value, title="Price lists", **_common(user))


def _new_page(request: Request, session: Any, user: User, *, raw: dict[str, Any] | None = None,
              errors: dict[str, str] | None = None, problems: list[str] | None = None, status_code: int = 200) -> HTMLResponse:
    providers = _providers(session, user)
    if not providers:
        raise NotFound("No price lists here.")  # nothing the user may draft
    return render(request, "billing/new.html", status_code=status_code, providers=providers, raw=raw or {},
                  errors=errors or {}, problems=problems or [], title="New price list", **_common(user))


@router.get("/prices/new", response_class=HTMLResponse)
async def new_page(request: Request, session: DbSession, user: WebUser) -> HTMLResponse:
    """A form for a new draft price list (optionally from a CSV file)."""
    return _new_page(request, session, user)


async def _csv_text(form: Any, name: str = "csv") -> tuple[str | None, str | None]:
    """(text, problem) of an uploaded CSV file; (None, None) when no file was chosen."""
    upload = form.get(name)
    if upload is None or isinstance(upload, str) or not getattr(upload, "filename", ""):
        return None, None
    data = await upload.read(MOST_UPLOAD + 1)
    if len(data) > MOST_UPLOAD:
        return None, "The file is too big for a price list: at most 900 KB."
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return None, "The file must be CSV saved as UTF-8 text (in a spreadsheet: Save as, CSV UTF-8)."


@router.post("/prices/new", response_class=HTMLResponse)
async def create(request: Request, session: DbSession, user: WebUser) -> Response:
    """Make the draft; on any problem show them all, with nothing written."""
    form = await _form(request)
    raw = {k: str(v).strip() for k, v in form.items() if k not in (FIELD, "csv")}
    errors: dict[str, str] = {}
    if not raw.get("title"):
        errors["title"] = "Enter a title for the price list"
    if raw.get("provider_id") not in _providers(session, user):
        errors["provider_id"] = "Select the provider"
    dates: dict[str, dt.date | None] = {}
    for name, words in (("valid_from", "the date the prices start"), ("valid_to", "the last day of the prices")):
        text = date_from_parts(form, name)
        try:
            dates[name] = dt.date.fromisoformat(text) if text else None
        except ValueError:
            errors[name] = f"Enter {words} as a real date"
    if "valid_from" not in errors and dates.get("valid_from") is None:
        errors["valid_from"] = "Enter the date the prices start"
    text, problem = await _csv_text(form)
    if problem:
        errors["csv"] = problem
    if errors:
        return _new_page(request, session, user, raw=raw, errors=errors, status_code=400)
    try:
        with session.begin_nested():
            if text is not None:
                made = pricelists.create_from_csv(session=session, user=user, provider_code=raw["provider_id"],
                                                  title=raw["title"], valid_from=dates["valid_from"],
                                                  valid_to=dates["valid_to"], text=text)
            else:
                made = pricelists.create_list(session=session, user=user, data=PriceListIn(
                    provider_id=raw["provider_id"], title=raw["title"][:200], valid_from=dates["valid_from"],
                    valid_to=dates["valid_to"]))
    except RatecardError as exc:
        field = str(exc.details.get("field", "title"))
        field = {"entries": "csv", "provider_id": "provider_id"}.get(field, field)
        return _new_page(request, session, user, raw=raw, errors={field: str(exc)},
                         problems=[str(p) for p in exc.details.get("problems", [])], status_code=exc.status_code)
    return RedirectResponse(f"/prices/{made.id}?notice=created", status_code=303)


def _rows(session: Any, price_list: PriceList) -> list[dict[str, Any]]:
    services = {s.id: s for s in session.scalars(select(Service).where(Service.provider_id == price_list.provider_id))}
    ids = [e.option_id for e in price_list.entries if e.option_id]
    options = {o.id: o for o in session.scalars(select(ServiceOption).where(ServiceOption.id.in_(ids)))} if ids else {}
    rows = []
    for entry in price_list.entries:
        service = services.get(entry.service_id)
        option = options.get(entry.option_id) if entry.option_id else None
        conditions = [c[0].upper() + c[1:] for c in quotes.conditions(entry)]  # each begins its own line here
        rows.append({"entry": entry, "service": service.name if service else entry.service_id,
                     "option": option.name if option else None, "conditions": conditions,
                     "order": (service.position if service else 0, option.position if option else -1)})
    return sorted(rows, key=lambda r: r["order"])


def _unpriced(session: Any, price_list: PriceList) -> list[tuple[str, str]]:
    """(value, words) of every orderable option the draft has no price for yet: the add form's choices."""
    priced = {(e.service_id, e.option_id) for e in price_list.entries}
    choices = []
    for service in session.scalars(select(Service).where(Service.provider_id == price_list.provider_id,
                                                         Service.listed.is_(True)).order_by(Service.position)):
        options = service.options
        for option in options or [None]:
            key = (service.id, option.id if option else None)
            if key not in priced:
                choices.append((f"{service.id}|{option.id if option else ''}",
                                service.name + (f": {option.name}" if option else "")))
    return choices


def _list_page(request: Request, session: Any, user: User, price_list_id: int, *, errors: dict[str, str] | None = None,
               problems: list[str] | None = None, notice: str | None = None, status_code: int = 200) -> HTMLResponse:
    price_list = pricelists.get_list(session=session, user=user, price_list_id=price_list_id)
    provider = session.get(Provider, price_list.provider_id)
    manage = pricelists.may_manage(user, price_list.provider_id)
    draft = price_list.status == "draft"
    return render(
        request, "billing/list.html", status_code=status_code, price_list=price_list, provider=provider,
        rows=_rows(session, price_list), history=pricelists.history_of(session=session, price_list_id=price_list.id),
        can_edit=manage and draft, unpriced=_unpriced(session, price_list) if manage and draft else [],
        errors=errors or {}, problems=problems or [], notice=notice, title=price_list.title, **_common(user),
    )


NOTICES = {"created": "Draft price list made.", "published": "Price list published.", "uploaded": "Prices uploaded.",
           "saved": "Price saved.", "removed": "Price removed."}


@router.get("/prices/{price_list_id}", response_class=HTMLResponse)
async def list_detail(request: Request, session: DbSession, user: WebUser, price_list_id: RecordId,
                      notice: str | None = None) -> HTMLResponse:
    """One price list: its entries, history, and (for its managers, while a draft) the changes."""
    return _list_page(request, session, user, price_list_id, notice=NOTICES.get(notice or ""))


@router.get("/prices/{price_list_id}/entries.csv")
async def download(session: DbSession, user: WebUser, price_list_id: RecordId) -> Response:
    """The list's entries as CSV (the columns the upload reads)."""
    price_list = pricelists.get_list(session=session, user=user, price_list_id=price_list_id)
    return Response(pricelists.export_csv(session=session, price_list=price_list), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="price-list-{price_list.id}.csv"'})


def _refused(request: Request, session: Any, user: User, price_list_id: int, exc: RatecardError, field: str) -> HTMLResponse:
    problems = [str(p) for p in exc.details.get("problems", [])]
    return _list_page(request, session, user, price_list_id, errors={str(exc.details.get("field", field)): str(exc)},
                      problems=problems, status_code=exc.status_code)


@router.post("/prices/{price_list_id}/publish", response_class=HTMLResponse)
async def publish(request: Request, session: DbSession, user: WebUser, price_list_id: RecordId) -> Response:
    """Publish the draft (superseding an older list from its start date), or say why not."""
    await _form(request)
    try:
        with session.begin_nested():
            pricelists.publish(session=session, user=user, price_list_id=price_list_id)
    except RatecardError as exc:
        if exc.status_code == 404:
            raise
        return _refused(request, session, user, price_list_id, exc, "publish")
    return RedirectResponse(f"/prices/{price_list_id}?notice=published", status_code=303)


@router.post("/prices/{price_list_id}/upload", response_class=HTMLResponse)
async def upload(request: Request, session: DbSession, user: WebUser, price_list_id: RecordId) -> Response:
    """Replace a draft's entries with a CSV's rows: every row checked, problems by line, nothing written on any."""
    form = await _form(request)
    text, problem = await _csv_text(form)
    if text is None:
        pricelists.get_list(session=session, user=user, price_list_id=price_list_id)  # 404 before anything else
        return _list_page(request, session, user, price_list_id, status_code=400,
                          errors={"csv": problem or "Choose a CSV file to upload"})
    try:
        with session.begin_nested():
            pricelists.import_csv(session=session, user=user, price_list_id=price_list_id, text=text)
    except RatecardError as exc:
        if exc.status_code == 404:
            raise
        return _refused(request, session, user, price_list_id, exc, "csv")
    return RedirectResponse(f"/prices/{price_list_id}?notice=uploaded", status_code=303)


def _entry_from_form(form: Any) -> tuple[PriceEntryIn | None, dict[str, str]]:
    """An entry from the form's boxes (prices in pounds, such as 12.50), or the problems by field."""
    errors: dict[str, str] = {}
    service_id, _, option_id = str(form.get("option", "")).partition("|")
    values: dict[str, Any] = {"service_id": service_id, "option_id": option_id or None,
                              "unit": str(form.get("unit", "")), "vat_rate": str(form.get("vat_rate", "")),
                              "note": str(form.get("note", "")).strip()[:500] or None}
    if not service_id:
        errors["option"] = "Select what the price is for"
    if values["unit"] not in UNITS:
        errors["unit"] = "Select the unit the price is charged per"
    if values["vat_rate"] not in rates():
        errors["vat_rate"] = "Select the VAT rate"
    for name, words in (("unit_price", "the unit price"), ("cancellation_charge", "the cancellation charge")):
        text = str(form.get(name, "")).strip()
        if not text:
            if name == "unit_price":
                errors[name] = "Enter the unit price in pounds and pence, such as 12.50"
            continue
        try:
            pence = parse_pence(text)
        except ValueError as exc:
            errors[name] = f"Enter {words} in pounds and pence, such as 12.50: {exc}"
            continue
        if name == "unit_price":
            values["unit_price_pence"] = pence
        else:
            values["charge_rule"] = {"kind": "cancellation_after_registration", "amount_pence": pence}
    minimum = str(form.get("minimum_units", "")).strip()
    if minimum:
        try:
            values["minimum_units"] = parse_units(minimum)
        except ValueError as exc:
            errors["minimum_units"] = f"Enter the minimum as a number of units: {exc}"
    if errors:
        return None, errors
    try:
        return PriceEntryIn.model_validate(values), {}
    except ValidationError:
        return None, {"option": "Check the price's details"}


def _entry_page(request: Request, session: Any, user: User, price_list: PriceList, *, raw: dict[str, str],
                errors: dict[str, str] | None = None, entry_id: int | None = None, status_code: int = 200) -> HTMLResponse:
    choices = _unpriced(session, price_list)
    if entry_id is not None:
        entry = next(e for e in price_list.entries if e.id == entry_id)
        service = session.get(Service, entry.service_id)
        option = session.get(ServiceOption, entry.option_id) if entry.option_id else None
        choices = [(f"{entry.service_id}|{entry.option_id or ''}", service.name + (f": {option.name}" if option else ""))]
    return render(request, "billing/entry.html", status_code=status_code, price_list=price_list, choices=choices,
                  raw=raw, errors=errors or {}, entry_id=entry_id,
                  title=("Change a price" if entry_id else "Add a price") + f" – {price_list.title}", **_common(user))


def _editable(session: Any, user: User, price_list_id: int) -> PriceList:
    price_list = pricelists.get_list(session=session, user=user, price_list_id=price_list_id)
    if not (pricelists.may_manage(user, price_list.provider_id) and price_list.status == "draft"):
        raise NotFound("No such draft price list.")  # nothing the user may edit here
    return price_list


def _raw_of(entry: Any) -> dict[str, str]:
    rule = entry.charge_rule or {}
    return {"option": f"{entry.service_id}|{entry.option_id or ''}", "unit": entry.unit,
            "unit_price": pounds(entry.unit_price_pence), "vat_rate": entry.vat_rate,
            "minimum_units": quotes.units_text(entry.minimum_units) if entry.minimum_units is not None else "",
            "cancellation_charge": pounds(int(rule["amount_pence"])) if rule.get("amount_pence") is not None else "",
            "note": entry.note or ""}


@router.get("/prices/{price_list_id}/entries/new", response_class=HTMLResponse)
async def new_entry(request: Request, session: DbSession, user: WebUser, price_list_id: RecordId,
                    option: str | None = None) -> HTMLResponse:
    """A form to price one more orderable option of a draft."""
    price_list = _editable(session, user, price_list_id)
    return _entry_page(request, session, user, price_list, raw={"option": option or "", "vat_rate": "standard"})


@router.get("/prices/{price_list_id}/entries/{entry_id}", response_class=HTMLResponse)
async def change_entry(request: Request, session: DbSession, user: WebUser, price_list_id: RecordId,
                       entry_id: RecordId) -> HTMLResponse:
    """A form to change one price of a draft."""
    price_list = _editable(session, user, price_list_id)
    entry = next((e for e in price_list.entries if e.id == entry_id), None)
    if entry is None:
        raise NotFound("No such price.")
    return _entry_page(request, session, user, price_list, raw=_raw_of(entry), entry_id=entry_id)


async def _save_entry(request: Request, session: Any, user: User, price_list_id: int, entry_id: int | None) -> Response:
    form = await _form(request)
    price_list = _editable(session, user, price_list_id)
    raw = {k: str(v).strip() for k, v in form.items() if k != FIELD}
    if entry_id is not None:
        entry = next((e for e in price_list.entries if e.id == entry_id), None)
        if entry is None:
            raise NotFound("No such price.")
        raw["option"] = f"{entry.service_id}|{entry.option_id or ''}"  # a change never moves the price to another option
        form = {**dict(form), "option": raw["option"]}
    data, errors = _entry_from_form(form)
    if data is not None:
        try:
            with session.begin_nested():
                pricelists.set_entry(session=session, user=user, price_list_id=price_list_id, data=data)
        except RatecardError as exc:
            errors = {str(exc.details.get("field", "option")).replace("entry", "option"): str(exc)}
    if errors:
        return _entry_page(request, session, user, price_list, raw=raw, errors=errors, entry_id=entry_id, status_code=400)
    return RedirectResponse(f"/prices/{price_list_id}?notice=saved", status_code=303)


@router.post("/prices/{price_list_id}/entries/new", response_class=HTMLResponse)
async def add_entry(request: Request, session: DbSession, user: WebUser, price_list_id: RecordId) -> Response:
    """Price one more option of a draft."""
    return await _save_entry(request, session, user, price_list_id, None)


@router.post("/prices/{price_list_id}/entries/{entry_id}", response_class=HTMLResponse)
async def save_entry(request: Request, session: DbSession, user: WebUser, price_list_id: RecordId,
                     entry_id: RecordId) -> Response:
    """Change one price of a draft."""
    return await _save_entry(request, session, user, price_list_id, entry_id)


@router.post("/prices/{price_list_id}/entries/{entry_id}/delete", response_class=HTMLResponse)
async def remove_entry(request: Request, session: DbSession, user: WebUser, price_list_id: RecordId,
                       entry_id: RecordId) -> Response:
    """Remove one price of a draft."""
    await _form(request)
    _editable(session, user, price_list_id)
    pricelists.delete_entry(session=session, user=user, price_list_id=price_list_id, entry_id=entry_id)
    return RedirectResponse(f"/prices/{price_list_id}?notice=removed", status_code=303)

