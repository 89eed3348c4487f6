"""Web pages of the sentencing guide: open to everyone, no sign-in, nothing about a person stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from ratecard.deps import DbSession
from ratecard.forms import date_from_parts
from ratecard.pages import render
from ratecard.security.csrf import FIELD, check_csrf
from ratecard.sentencing import forms, service
from ratecard.sentencing.limits import rulebook
from ratecard.sentencing.schemas import MONITORED, TREATMENTS, Order, RequirementType

router = APIRouter(include_in_schema=False)


def _guide_date(request: Request) -> tuple[dt.date, dict[str, str], str | None]:
    params = request.query_params
    raw = {k: params.get(k, "") for k in ("conviction_date-day", "conviction_date-month", "conviction_date-year")}
    text = date_from_parts(params, "conviction_date")  # type: ignore[arg-type]
    if text is None:
        return dt.date.today(), raw, None
    try:
        return dt.date.fromisoformat(text), raw, None
    except ValueError:
        return dt.date.today(), raw, "Conviction date must be a real date"


@router.get("/sentencing", response_class=HTMLResponse)
async def guide(request: Request) -> HTMLResponse:
    """The requirements and their limits for a chosen conviction date, and the guideline's levels."""
    day, raw, error = _guide_date(request)
    law = service.requirements_for(day=day)
    return render(request, "sentencing/guide.html", law=law, raw=raw, error=error, levels=service.levels(),
                  changes=rulebook().changes.values(), title="Sentencing guide: community and suspended sentence orders",
                  status_code=400 if error else 200)


class _Answers(dict):
    """The answers as typed; one never given reads as empty (never "None" in a box)."""

    def get(self, key: str, default: Any = "") -> Any:  # type: ignore[override]
        return super().get(key, default)


def _builder(request: Request, *, raw: dict[str, Any], errors: dict[str, str], result: Any = None,
             order: Order | None = None, status_code: int = 200) -> HTMLResponse:
    law = service.requirements_for(day=order.conviction_date) if order else None
    chosen = set(raw.get("requirements", []))
    return render(
        request, "sentencing/order.html", status_code=status_code, raw=_Answers(raw), errors=errors, result=result, order=order,
        law={r.type: r for r in law.requirements} if law else {}, chosen=chosen,
        kinds=[(k.value, rulebook().requirements[k.value].name, forms.fields_of(k), k in MONITORED, k in TREATMENTS)
               for k in RequirementType],
        field_labels=forms.FIELD_LABELS, anchor=forms.error_anchor,
        title=("Error: " if errors else "") + "Build and check an order",
    )


@router.get("/sentencing/order", response_class=HTMLResponse)
async def order_form(request: Request) -> HTMLResponse:
    """The order builder, empty."""
    return _builder(request, raw={"requirements": []}, errors={})


async def _read(request: Request) -> tuple[Order | None, dict[str, Any], dict[str, str]]:
    form = await request.form()
    check_csrf(request, str(form.get(FIELD, "")))
    data, raw = forms.order_from_form(form)
    try:
        return Order.model_validate(data), raw, {}
    except ValidationError as exc:
        return None, raw, forms.form_errors(exc, data)


@router.post("/sentencing/order", response_class=HTMLResponse)
async def order_check(request: Request) -> HTMLResponse:
    """The builder again with the checker's answer: every problem beside the form to fix it."""
    order, raw, errors = await _read(request)
    if order is None:
        return _builder(request, raw=raw, errors=errors, status_code=400)
    return _builder(request, raw=raw, errors={}, result=service.check(order=order), order=order)


@router.post("/sentencing/summary", response_class=HTMLResponse)
async def order_summary(request: Request) -> HTMLResponse:
    """A one-page summary of the proposed order and its problems, laid out for printing."""
    order, raw, errors = await _read(request)
    if order is None:
        return _builder(request, raw=raw, errors=errors, status_code=400)
    names = {k: r.name for k, r in rulebook().requirements.items()}
    return render(request, "sentencing/summary.html", order=order, result=service.check(order=order), names=names,
                  title="Summary of the proposed order")


@router.get("/sentencing/providers", response_class=HTMLResponse)
async def providers(request: Request, session: DbSession) -> HTMLResponse:
    """Who delivers each requirement in a court area, linked to the catalogue."""
    area = request.query_params.get("area", "").strip()[:100]
    found = service.local_providers(session=session, area=area) if area else None
    return render(request, "sentencing/providers.html", area=area, found=found,
                  title=f"Local providers{' in ' + area if area else ''}")
