"""The Quick start's demo shows issued invoices of last month, made once."""

from __future__ import annotations

from sqlalchemy import func, select

from ratecard.accounts.demo import create_demo_users
from ratecard.billing.models import Invoice, InvoiceLine
from ratecard.demo import create_demo_data


def test_it_issues_last_months_invoices_of_the_demo_deliveries_once(catalogue_session):
    s = catalogue_session
    create_demo_users(session=s)
    create_demo_data(session=s)
    issued = s.scalars(select(Invoice).where(Invoice.status == "issued")).all()
    assert issued, "the demo should show at least one issued invoice"
    for invoice in issued:
        lines = s.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)).all()
        assert lines and invoice.total_pence == sum(li.net_pence + li.vat_pence for li in lines) > 0
    count = s.scalar(select(func.count()).select_from(Invoice))
    create_demo_data(session=s)
    assert s.scalar(select(func.count()).select_from(Invoice)) == count
