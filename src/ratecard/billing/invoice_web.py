"""Web pages of invoices: the list with its filters and the run form, an invoice with its buttons, its PDF
and CSV, and the commissioner's spend report. Thin: every change goes through billing.invoices."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ratecard.accounts.deps import WebUser
from ratecard.billing import invoice_documents as documents
from ratecard.billing import invoices, spend
from ratecard.billing.money import money
from ratecard.deps import DbSession, RecordId
from ratecard.delivery.schemas import LONDON
from ratecard.errors import InvalidInput, RatecardError
from ratecard.pages import render
from ratecard.security.csrf import FIELD, check_csrf

router = APIRouter(include_in_schema=False)


def _errors_list(errors: dict[str, str]) -> list[dict[str, str]]:
    return [{"text": text, "href": f"#{field.replace('_', '-')}"} for field, text in errors.items()]


def _month_or_none(value: str | None) -> dt.date | None:
    return invoices.parse_month(value) if value else None


def _list_page(request: Request, session: Any, user: Any, *, provider: str | None = None, status: str | None = None,
               month: str | None = None, errors: dict[str, str] | None = None, raw: dict[str, str] | None = None,
               message: str | None = None, status_code: int = 200) -> HTMLResponse:
    filters = invoices.InvoiceFilters(provider_id=provider or None, status=status or None, month=_month_or_none(month))
    found = invoices.list_invoices(session=session, user=user, filters=filters)
    providers = spend.readable_providers(session=session, user=user)
    last_month = (dt.datetime.now(LONDON).date().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    return render(request, "billing/invoices.html", status_code=status_code, invoices=found, filters=filters,
                  providers=providers, provider_names=dict(providers), statuses=invoices.STATUSES, money=money,
                  errors=errors or {}, errors_list=_errors_list(errors or {}), raw=raw or {}, message=message,
                  default_month=last_month, title="Invoices")


@router.get("/invoices", response_class=HTMLResponse)
async def invoices_page(request: Request, session: DbSession, user: WebUser, provider: str | None = None,
                        status: str | None = None, month: str | None = None) -> HTMLResponse:
    """The invoices and credit notes the user may see, filtered, and the form to run a month's invoices."""
    return _list_page(request, session, user, provider=provider, status=status, month=month)


@router.post("/invoices/run")
async def run_invoices(request: Request, session: DbSession, user: WebUser) -> Response:
    """Run a provider's invoices for a month: to the new draft, or back to the list saying nothing was new."""
    form = await request.form()
    check_csrf(request, str(form.get(FIELD, "")))
    raw = {k: str(v) for k, v in form.items() if k != FIELD}
    provider = raw.get("provider") or (user.provider_id or "")
    try:
        with session.begin_nested():
            invoice = invoices.run(session=session, user=user, provider=provider, month=raw.get("month", ""))
    except RatecardError as exc:
        field = "provider" if exc.status_code == 404 else str(exc.details.get("field", "month"))
        return _list_page(request, session, user, errors={field: str(exc)}, raw=raw, status_code=exc.status_code)
    if invoice is None:
        return _list_page(request, session, user, raw=raw,
                          message="Nothing new to invoice: every billable session and charge up to the end of that month is already on an invoice.")
    return RedirectResponse(f"/invoices/{invoice.id}", status_code=303)


@router.get("/invoices/{invoice_id:int}.pdf")
async def invoice_pdf(request: Request, session: DbSession, user: WebUser, invoice_id: RecordId) -> Response:
    """The invoice as a PDF: the page's template in a print page, by WeasyPrint."""
    doc = documents.document(session=session, invoice=invoices.get_invoice(session=session, user=user, invoice_id=invoice_id))
    html = documents.print_html(request.app.state.templates.env, doc)
    return Response(await run_in_threadpool(documents.pdf_bytes, html), media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{doc.invoice.number}.pdf"'})


@router.get("/invoices/{invoice_id:int}.csv")
async def invoice_csv(session: DbSession, user: WebUser, invoice_id: RecordId) -> Response:
    """The invoice's lines and totals as CSV."""
    doc = documents.document(session=session, invoice=invoices.get_invoice(session=session, user=user, invoice_id=invoice_id))
    return Response(documents.csv_text(doc), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{doc.invoice.number}.csv"'})


def _invoice_page(request: Request, session: Any, user: Any, invoice_id: int, *, errors: dict[str, str] | None = None,
                  status_code: int = 200) -> HTMLResponse:
    invoice = invoices.get_invoice(session=session, user=user, invoice_id=invoice_id)
    doc = documents.document(session=session, invoice=invoice)
    return render(request, "billing/invoice.html", status_code=status_code, doc=doc,
                  history=invoices.history_of(session=session, invoice=invoice), errors=errors or {},
                  errors_list=_errors_list(errors or {}), title=doc.title, **documents.template_globals())


@router.get("/invoices/{invoice_id:int}", response_class=HTMLResponse)
async def invoice_page(request: Request, session: DbSession, user: WebUser, invoice_id: RecordId) -> HTMLResponse:
    """One invoice or credit note, with the buttons its status allows."""
    return _invoice_page(request, session, user, invoice_id)


async def _act(request: Request, session: Any, user: Any, invoice_id: int, action: Any, field: str) -> Response:
    form = await request.form()
    check_csrf(request, str(form.get(FIELD, "")))
    reason = str(form.get("reason", "")).strip() or None
    try:
        with session.begin_nested():
            target = action(reason)
    except RatecardError as exc:
        if exc.status_code == 404:
            raise
        return _invoice_page(request, session, user, invoice_id, errors={field: str(exc)}, status_code=exc.status_code)
    return RedirectResponse(f"/invoices/{target.id}", status_code=303)


@router.post("/invoices/{invoice_id:int}/issue")
async def issue(request: Request, session: DbSession, user: WebUser, invoice_id: RecordId) -> Response:
    """Draft -> issued."""
    return await _act(request, session, user, invoice_id,
                      lambda _: invoices.issue(session=session, user=user, invoice_id=invoice_id), "form")


@router.post("/invoices/{invoice_id:int}/paid")
async def paid(request: Request, session: DbSession, user: WebUser, invoice_id: RecordId) -> Response:
    """Issued -> paid."""
    return await _act(request, session, user, invoice_id,
                      lambda _: invoices.mark_paid(session=session, user=user, invoice_id=invoice_id), "form")


@router.post("/invoices/{invoice_id:int}/void")
async def void(request: Request, session: DbSession, user: WebUser, invoice_id: RecordId) -> Response:
    """Void a draft, with a reason."""
    return await _act(request, session, user, invoice_id,
                      lambda reason: invoices.void(session=session, user=user, invoice_id=invoice_id, reason=reason),
                      "void_reason")


@router.post("/invoices/{invoice_id:int}/credit-note")
async def credit_note(request: Request, session: DbSession, user: WebUser, invoice_id: RecordId) -> Response:
    """A credit note correcting an issued invoice, with a reason."""
    return await _act(request, session, user, invoice_id,
                      lambda reason: invoices.credit(session=session, user=user, invoice_id=invoice_id, reason=reason),
                      "credit_reason")


# --- the spend report -------------------------------------------------------------------------------


def _spend_filters(month_from: str | None, month_to: str | None, provider: str | None, service_id: str | None,
                   region: str | None) -> spend.SpendFilters:
    this_month = dt.datetime.now(LONDON).date().replace(day=1)
    last = invoices.parse_month(month_to) if month_to else this_month
    first = invoices.parse_month(month_from) if month_from else last.replace(year=last.year - 1)
    if len(service_id or "") > 200 or len(region or "") > 100 or len(provider or "") > 16:
        raise InvalidInput("Choose a provider, service and region from the lists.", field="region")
    return spend.SpendFilters(first, last, provider or None, service_id or None, region or None)


def _spend_query(filters: spend.SpendFilters) -> str:
    return urlencode({k: v for k, v in {
        "month_from": filters.month_from.strftime("%Y-%m"), "month_to": filters.month_to.strftime("%Y-%m"),
        "provider": filters.provider_id, "service_id": filters.service_id, "region": filters.region}.items() if v})


@router.get("/reports/spend", response_class=HTMLResponse)
async def spend_page(request: Request, session: DbSession, user: WebUser, month_from: str | None = None,
                     month_to: str | None = None, provider: str | None = None, service_id: str | None = None,
                     region: str | None = None) -> HTMLResponse:
    """Spend by provider, service, region and month: a chart, its table beside it, the rows and the CSV."""
    filters = spend.scope(user, _spend_filters(month_from, month_to, provider, service_id, region))
    rows = spend.rows(session=session, user=user, filters=filters)
    months = spend.months_between(filters.month_from, filters.month_to)
    return render(request, "billing/spend.html", filters=filters, rows=rows, months=months,
                  table=spend.by_provider_and_month(rows, months), providers=spend.readable_providers(session=session, user=user),
                  grand_total=sum(r.total_pence for r in rows), query=_spend_query(filters), money=money, title="Spend")


@router.get("/reports/spend.svg")
async def spend_chart(session: DbSession, user: WebUser, month_from: str | None = None, month_to: str | None = None,
                      provider: str | None = None, service_id: str | None = None, region: str | None = None) -> Response:
    """The spend chart as SVG drawn on the server."""
    filters = spend.scope(user, _spend_filters(month_from, month_to, provider, service_id, region))
    rows = spend.rows(session=session, user=user, filters=filters)
    months = spend.months_between(filters.month_from, filters.month_to)
    svg = spend.chart_svg(spend.by_provider_and_month(rows, months), months, title="Spend each month (with VAT)")
    return Response(svg, media_type="image/svg+xml", headers={
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})


@router.get("/reports/spend.csv")
async def spend_csv(session: DbSession, user: WebUser, month_from: str | None = None, month_to: str | None = None,
                    provider: str | None = None, service_id: str | None = None, region: str | None = None) -> Response:
    """The spend rows as CSV."""
    filters = _spend_filters(month_from, month_to, provider, service_id, region)
    rows = spend.rows(session=session, user=user, filters=filters)
    return Response(spend.csv_text(rows), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="spend.csv"'})
