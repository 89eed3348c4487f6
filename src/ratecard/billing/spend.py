"""The commissioner's spend report: what was invoiced (less credit notes) by provider, service, region
and month, as a table, a server-drawn chart and CSV. Drafts and void invoices are not spend."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ratecard.accounts.models import User
from ratecard.accounts.roles import Role
from ratecard.billing.invoices import may_bill
from ratecard.billing.models import Invoice, InvoiceLine
from ratecard.catalogue.models import Provider
from ratecard.errors import Forbidden, InvalidInput

SPENT = ("issued", "paid")  # credit notes are issued when made, so they count (negatively) too
CSV_COLUMNS = ("month", "provider", "service", "region", "net", "vat", "total")
MAX_MONTHS = 24
SEES_ALL = (Role.ADMIN.value, Role.COMMISSIONER.value)  # the roles that read every provider's spend


@dataclass(frozen=True)
class SpendFilters:
    """Months (first days) from and to, and optionally one provider, service or region."""

    month_from: dt.date
    month_to: dt.date
    provider_id: str | None = None
    service_id: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class SpendRow:
    """Spend of one month, provider, service and region."""

    month: dt.date
    provider: str
    service: str
    region: str
    net_pence: int
    vat_pence: int

    @property
    def total_pence(self) -> int:
        """Net plus VAT."""
        return self.net_pence + self.vat_pence


def scope(user: User, filters: SpendFilters) -> SpendFilters:
    """The filters narrowed to what `user` may see: commissioners and administrators every provider;
    a provider's hub or price-list managers their own; nobody else."""
    if filters.month_to < filters.month_from:
        raise InvalidInput("The last month is before the first.", field="month_to")
    if (filters.month_to.year - filters.month_from.year) * 12 + filters.month_to.month - filters.month_from.month >= MAX_MONTHS:
        raise InvalidInput(f"Choose at most {MAX_MONTHS} months.", field="month_from")
    if user.role in SEES_ALL and user.active:
        return filters
    if user.provider_id and may_bill(user, user.provider_id):
        return SpendFilters(filters.month_from, filters.month_to, user.provider_id, filters.service_id, filters.region)
    raise Forbidden("The spend report is for commissioners, administrators and the provider's billing staff.")


def readable_providers(*, session: Session, user: User) -> list[tuple[str, str]]:
    """(id, name) of the providers whose invoices and spend `user` may choose among: every one for
    commissioners and administrators, otherwise their own."""
    query = select(Provider.id, Provider.name).order_by(Provider.name)
    if user.role not in SEES_ALL:
        query = query.where(Provider.id == user.provider_id)
    return [(i, n) for i, n in session.execute(query)]


def rows(*, session: Session, user: User, filters: SpendFilters) -> list[SpendRow]:
    """Spend grouped by month, provider, service and region, in that order."""
    filters = scope(user, filters)
    query = (
        select(Invoice.month, Provider.name, InvoiceLine.service_name, InvoiceLine.region,
               func.sum(InvoiceLine.net_pence), func.sum(InvoiceLine.vat_pence))
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id).join(Provider, Provider.id == Invoice.provider_id)
        .where(Invoice.status.in_(SPENT), Invoice.month >= filters.month_from, Invoice.month <= filters.month_to)
        .group_by(Invoice.month, Provider.name, InvoiceLine.service_name, InvoiceLine.region)
        .order_by(Invoice.month, Provider.name, InvoiceLine.service_name, InvoiceLine.region)
    )
    if filters.provider_id:
        query = query.where(Invoice.provider_id == filters.provider_id)
    if filters.service_id:
        query = query.where(InvoiceLine.service_id == filters.service_id)
    if filters.region:
        query = query.where(InvoiceLine.region == filters.region)
    return [SpendRow(m, p, s, r, int(net), int(vat)) for m, p, s, r, net, vat in session.execute(query)]


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month's first day from `first` to `last`."""
    found, month = [], first.replace(day=1)
    while month <= last:
        found.append(month)
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return found


def by_provider_and_month(found: list[SpendRow], months: list[dt.date]) -> dict[str, list[int]]:
    """Total spend (pence, with VAT) of each provider in each month: the chart's figures and its table."""
    table: dict[str, list[int]] = {}
    index = {m: i for i, m in enumerate(months)}
    for row in found:
        table.setdefault(row.provider, [0] * len(months))[index[row.month]] += row.total_pence
    return table


def chart_svg(table: dict[str, list[int]], months: list[dt.date], *, title: str) -> str:
    """Spend each month by provider as a stacked bar chart in pounds (SVG by pygal, scripts stripped)."""
    import pygal
    from pygal.etree import etree
    from pygal.style import Style

    style = Style(background="white", plot_background="white", foreground="#0b0c0c", foreground_strong="#0b0c0c",
                  foreground_subtle="#505a5f", colors=("#1d70b8", "#00703c", "#f47738", "#4c2c92", "#d4351c", "#505a5f"),
                  font_family="Arial, sans-serif")
    chart = pygal.StackedBar(js=[], disable_xml_declaration=True, style=style, width=760, height=360,
                             legend_at_bottom=True, print_values=False, show_y_guides=True,
                             value_formatter=lambda v: f"£{v:,.2f}")
    chart.title = title
    chart.x_labels = [m.strftime("%b %Y") for m in months]
    for provider, pence in table.items():
        chart.add(provider, [p / 100 for p in pence])  # drawing only: the table and CSV keep exact pence
    tree = chart.render_tree()
    for parent in list(tree.iter()):
        for child in list(parent):
            if str(child.tag).rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return etree.tostring(tree, encoding="unicode")


def csv_text(found: list[SpendRow]) -> str:
    """The spend rows as CSV, money in pounds."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in found:
        writer.writerow([row.month.strftime("%Y-%m"), row.provider, row.service, row.region,
                         *(f"{Decimal(p) / 100:.2f}" for p in (row.net_pence, row.vat_pence, row.total_pence))])
    return out.getvalue()
