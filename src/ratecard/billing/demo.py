"""Demo prices: the example price list of each provider (data/billing/example_prices/<provider>.csv),
drafted and published as `example=True` lists before the demo referrals are accepted, so their
acceptances snapshot a price. Running it twice makes nothing new."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

EXAMPLE_DIR = Path(__file__).resolve().parents[3] / "data" / "billing" / "example_prices"


def example_start(now: dt.datetime) -> dt.date:
    """When the example lists start: the April before last, well before any demo referral."""
    return dt.date(now.year - 1 if now.month >= 4 else now.year - 2, 4, 1)


def load_prices(session: Session, now: dt.datetime) -> list[str]:
    """Publish each provider's example price list unless it has one; returns what was done, a line each."""
    from ratecard.accounts.models import User
    from ratecard.billing import pricecsv, pricelists
    from ratecard.billing.models import PriceList
    from ratecard.billing.schemas import PriceListIn
    from ratecard.catalogue.models import Provider

    admin = session.scalar(select(User).where(User.role == "admin", User.active.is_(True)).order_by(User.id)) \
        or User(role="admin", active=True, name="demo", email="")
    done: list[str] = []
    for path in sorted(EXAMPLE_DIR.glob("*.csv")):
        provider = session.get(Provider, path.stem)
        if provider is None:
            continue
        if session.scalar(select(PriceList.id).where(PriceList.provider_id == provider.id, PriceList.example.is_(True))):
            continue
        entries, lines, problems = pricecsv.read(path.read_text(encoding="utf-8"))
        if problems:
            done.append(f"{path.name}: not loaded: {problems[0]}")
            continue
        # Options the catalogue has since withdrawn are left out rather than failing the whole demo.
        known = pricelists.check_entries(session=session, provider_id=provider.id, entries=entries, where=lines)
        bad = {problem.split(":", 1)[0] for problem in known}
        kept = [entry for entry, line in zip(entries, lines, strict=True) if line not in bad]
        price_list = pricelists.create_list(
            session=session, user=admin, example=True, now=now,
            data=PriceListIn(provider_id=provider.id, title=f"Example prices for {provider.name}",
                             valid_from=example_start(now), entries=kept),
        )
        pricelists.publish(session=session, user=admin, price_list_id=price_list.id, now=now)
        done.append(f"{provider.code}: example price list {price_list.id}, {len(kept)} prices"
                    + (f" ({len(bad)} rows left out: {sorted(bad)[0]}...)" if bad else ""))
    return done


def load_invoices(session: Session, now: dt.datetime) -> list[str]:
    """Run and issue last month's invoice of each provider whose demo referrals have billable sessions
    by then, so the Quick start shows issued invoices; a provider that has invoices already is left alone."""
    from ratecard.accounts.models import User
    from ratecard.billing import invoices
    from ratecard.billing.models import Invoice
    from ratecard.catalogue.models import Provider
    from ratecard.delivery.schemas import LONDON

    last_month = now.astimezone(LONDON).date().replace(day=1) - dt.timedelta(days=1)
    done: list[str] = []
    for provider in session.scalars(select(Provider).order_by(Provider.id)):
        if session.scalar(select(Invoice.id).where(Invoice.provider_id == provider.id).limit(1)):
            continue
        hub = session.scalar(select(User).where(User.role == "hub", User.provider_id == provider.id,
                                                User.active.is_(True)).order_by(User.id))
        if hub is None:
            continue
        invoice = invoices.run(session=session, user=hub, provider=provider.id, month=last_month, now=now)
        if invoice is None:
            continue
        invoices.issue(session=session, user=hub, invoice_id=invoice.id, now=now)
        done.append(f"{provider.code}: invoice {invoice.number} for {last_month:%B %Y}, issued")
    return done
