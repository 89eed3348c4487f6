"""REST API of invoices: runs, an invoice as JSON, PDF or CSV, status changes and credit notes."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from ratecard.accounts.deps import ApiUser
from ratecard.billing import invoice_documents as documents
from ratecard.billing import invoices
from ratecard.billing.invoice_schemas import InvoiceLineOut, InvoiceOut, InvoiceRunIn, InvoiceRunOut, ReasonIn
from ratecard.billing.models import Invoice
from ratecard.deps import DbSession, RecordId

router = APIRouter(prefix="/api/v1", tags=["invoices"])

_ERRORS = {
    401: {"description": "No valid token"},
    403: {"description": "Your role may not do this"},
    404: {"description": "No such invoice or provider, or not yours to see"},
    409: {"description": "Its status does not allow this (an issued invoice is corrected by a credit note)"},
    422: {"description": "Invalid input, e.g. a month still to come"},
}
_FILES = {200: {"content": {"application/pdf": {}, "text/csv": {}}}}


def invoice_out(session, invoice: Invoice) -> InvoiceOut:  # type: ignore[no-untyped-def]
    """The invoice with its lines, as the API answers it."""
    return InvoiceOut(
        id=invoice.id, number=invoice.number, kind=invoice.kind, provider_id=invoice.provider_id,
        month=invoice.month.strftime("%Y-%m"), status=invoice.status, corrects_id=invoice.corrects_id,
        reason=invoice.reason, net_pence=invoice.net_pence, vat_pence=invoice.vat_pence,
        total_pence=invoice.total_pence, created_at=invoice.created_at,
        lines=[InvoiceLineOut.model_validate(li) for li in invoices.lines_of(session=session, invoice=invoice)],
    )


@router.post("/invoices/run", response_model=InvoiceRunOut, responses=_ERRORS, summary="Run a month's invoices")
async def run(session: DbSession, user: ApiUser, data: InvoiceRunIn) -> InvoiceRunOut:
    """Bill every event of the provider up to the end of the month not yet invoiced, as a draft invoice
    (the provider's hub or price-list managers, or an admin). Each event is billed once however many runs race."""
    invoice = invoices.run(session=session, user=user, provider=data.provider, month=data.month)
    if invoice is None:
        return InvoiceRunOut(invoice=None, message="Nothing new to invoice.")
    return InvoiceRunOut(invoice=invoice_out(session, invoice), message=f"Invoice {invoice.number} drafted.")


@router.get("/invoices/{invoice_id:int}.pdf", responses=_ERRORS | _FILES, response_class=Response, summary="An invoice as PDF")
async def invoice_pdf(request: Request, session: DbSession, user: ApiUser, invoice_id: RecordId) -> Response:
    """The invoice as the web page prints it, rendered by WeasyPrint."""
    doc = documents.document(session=session, invoice=invoices.get_invoice(session=session, user=user, invoice_id=invoice_id))
    html = documents.print_html(request.app.state.templates.env, doc)
    return Response(await run_in_threadpool(documents.pdf_bytes, html), media_type="application/pdf")


@router.get("/invoices/{invoice_id:int}.csv", responses=_ERRORS | _FILES, response_class=Response, summary="An invoice as CSV")
async def invoice_csv(session: DbSession, user: ApiUser, invoice_id: RecordId) -> Response:
    """One row per line, and a total row; money in pounds."""
    doc = documents.document(session=session, invoice=invoices.get_invoice(session=session, user=user, invoice_id=invoice_id))
    return Response(documents.csv_text(doc), media_type="text/csv; charset=utf-8")


@router.get("/invoices/{invoice_id:int}", response_model=InvoiceOut, responses=_ERRORS, summary="An invoice")
async def get_invoice(session: DbSession, user: ApiUser, invoice_id: RecordId) -> InvoiceOut:
    """An invoice or credit note with its lines and totals."""
    return invoice_out(session, invoices.get_invoice(session=session, user=user, invoice_id=invoice_id))


@router.post("/invoices/{invoice_id:int}/issue", response_model=InvoiceOut, responses=_ERRORS, summary="Issue a draft invoice")
async def issue(session: DbSession, user: ApiUser, invoice_id: RecordId) -> InvoiceOut:
    """Draft -> issued; from then on it is corrected only by a credit note."""
    return invoice_out(session, invoices.issue(session=session, user=user, invoice_id=invoice_id))


@router.post("/invoices/{invoice_id:int}/paid", response_model=InvoiceOut, responses=_ERRORS, summary="Mark an invoice paid")
async def paid(session: DbSession, user: ApiUser, invoice_id: RecordId) -> InvoiceOut:
    """Issued -> paid."""
    return invoice_out(session, invoices.mark_paid(session=session, user=user, invoice_id=invoice_id))


@router.post("/invoices/{invoice_id:int}/void", response_model=InvoiceOut, responses=_ERRORS, summary="Void a draft invoice")
async def void(session: DbSession, user: ApiUser, invoice_id: RecordId, data: ReasonIn) -> InvoiceOut:
    """Draft -> void; its events go back to be billed by the next run."""
    return invoice_out(session, invoices.void(session=session, user=user, invoice_id=invoice_id, reason=data.reason))


@router.post("/invoices/{invoice_id:int}/credit-notes", response_model=InvoiceOut, status_code=201, responses=_ERRORS,
             summary="Correct an issued invoice by a credit note")
async def credit_note(session: DbSession, user: ApiUser, invoice_id: RecordId, data: ReasonIn) -> InvoiceOut:
    """A credit note naming the invoice, crediting the chosen lines (all not yet credited by default)."""
    return invoice_out(session, invoices.credit(session=session, user=user, invoice_id=invoice_id, reason=data.reason,
                                                line_ids=data.line_ids))


@router.delete("/invoices/{invoice_id:int}/lines/{line_id}", response_model=InvoiceOut, responses=_ERRORS,
               summary="Take a line off a draft invoice")
async def remove_line(session: DbSession, user: ApiUser, invoice_id: RecordId, line_id: RecordId) -> InvoiceOut:
    """Only a draft is changed: the line's events go back to be billed by the next run. An issued invoice is 409."""
    return invoice_out(session, invoices.remove_line(session=session, user=user, invoice_id=invoice_id, line_id=line_id))
