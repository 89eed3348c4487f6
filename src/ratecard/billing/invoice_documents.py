"""An invoice (or credit note) as a document: the context its template reads, CSV and PDF.

The PDF is the same Jinja template as the web page's invoice (billing/_invoice_document.html) in a
print page of its own, rendered by WeasyPrint."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jinja2 import Environment
from sqlalchemy.orm import Session

from ratecard.billing import invoices
from ratecard.billing.models import Invoice, InvoiceLine
from ratecard.billing.money import money
from ratecard.billing.vat import rates
from ratecard.catalogue.models import Provider

KIND_WORDS = {"referral": "Referral", "session": "Sessions attended", "hours": "Hours delivered",
              "module": "Modules started", "day": "Days attended", "cancellation": "Cancellation charge"}
CSV_COLUMNS = ("invoice_number", "line", "referral_reference", "crn", "service", "option", "region", "charge",
               "units", "unit_price", "net", "vat_rate", "vat", "total")


def units_text(units: Decimal) -> str:
    """2.00 -> '2', 1.50 -> '1.5'."""
    return f"{Decimal(units).normalize():f}"


@dataclass(frozen=True)
class Document:
    """What the invoice template prints."""

    invoice: Invoice
    provider: Provider
    lines: list[InvoiceLine]
    corrects: Invoice | None
    credit_notes: list[Invoice]
    title: str


def document(*, session: Session, invoice: Invoice) -> Document:
    """The invoice with its provider, lines, the invoice it corrects and the credit notes correcting it."""
    provider = session.get(Provider, invoice.provider_id)
    assert provider is not None
    corrects = session.get(Invoice, invoice.corrects_id) if invoice.corrects_id else None
    title = ("Credit note " if invoice.kind == invoices.CREDIT_NOTE else "Invoice ") + invoice.number
    return Document(invoice, provider, invoices.lines_of(session=session, invoice=invoice), corrects,
                    invoices.credit_notes_of(session=session, invoice=invoice), title)


def print_html(env: Environment, doc: Document) -> str:
    """The invoice's print page (the web page's template) that WeasyPrint draws as the PDF."""
    return env.get_template("billing/invoice_print.html").render(doc=doc, **template_globals())


def template_globals() -> dict[str, Any]:
    """The helpers the invoice template uses."""
    return {"money": money, "units_text": units_text, "kind_words": KIND_WORDS,
            "vat_words": {code: rate.label for code, rate in rates().items()}}


def csv_text(doc: Document) -> str:
    """One row per line, money in pounds with two decimals, for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    pounds = lambda p: f"{Decimal(p) / 100:.2f}"  # noqa: E731
    for li in doc.lines:
        writer.writerow([doc.invoice.number, li.position, li.referral_reference, li.crn, li.service_name,
                         li.option_name or "", li.region, KIND_WORDS.get(li.kind, li.kind), units_text(li.units),
                         pounds(li.unit_price_pence), pounds(li.net_pence), li.vat_rate, pounds(li.vat_pence),
                         pounds(li.net_pence + li.vat_pence)])
    writer.writerow([doc.invoice.number, "total", "", "", "", "", "", "", "", "", pounds(doc.invoice.net_pence), "",
                     pounds(doc.invoice.vat_pence), pounds(doc.invoice.total_pence)])
    return out.getvalue()


def pdf_bytes(html: str) -> bytes:
    """The print page as PDF (WeasyPrint; imported here, it is slow to load)."""
    from weasyprint import HTML

    return HTML(string=html).write_pdf()
