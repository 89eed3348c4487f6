"""Benchmark: the invoice run over a month of 100,000 attended sessions on PostgreSQL, and building
every provider's rate card PDF.

Makes a fresh PostgreSQL database (dropped afterwards unless --keep), migrates it, imports the
brochures, and loads REFERRALS referrals of CLN (default 10,000) each with a price snapshotted at
acceptance and SESSIONS attended sessions in January 2027 (default 10, so 100,000), with INSERT ...
SELECT over generate_series. Then times `billing.invoices.run` for CLN and 2027-01 (target < 10 s),
a second run that finds nothing new, and `ratecard.brochure.service.build` as PDF for each of the five
providers (target < 3 s each). Prints the times and the peak memory (RSS high-water mark, and the
Python heap's peak during each step by tracemalloc with --trace-memory, which slows the steps).

    .venv/bin/python bench/invoicing.py [--admin-url postgresql://postgres@127.0.0.1:5432/test_p3]
        [--referrals 10000] [--sessions 10] [--keep] [--trace-memory]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from sqlalchemy import create_engine, func, select, text

from ratecard import migrate
from ratecard.accounts.service import Role, create_user, hash_password
from ratecard.catalogue.loading import brochure_files, import_files
from ratecard.config import get_settings
from ratecard.db import make_engine, make_sessionmaker, transaction

DATABASE = "ratecard_invoicing"
PRICE_PENCE = 12_345
NOW = dt.datetime(2027, 2, 1, 12, 0, tzinfo=dt.UTC)


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


TRACE = False  # --trace-memory: the Python heap's peak per step (tracemalloc slows the step several times)


def _timed(label: str, work: Callable[[], Any]) -> tuple[Any, float]:
    if TRACE:
        tracemalloc.start()
    started = time.perf_counter()
    result = work()
    took = time.perf_counter() - started
    heap = ""
    if TRACE:
        heap = f"   heap peak {tracemalloc.get_traced_memory()[1] / 2**20:7.1f} MiB"
        tracemalloc.stop()
    print(f"{label:<44} {took:7.2f} s{heap}   RSS high-water {_rss_mib():7.1f} MiB", flush=True)
    return result, took


def load(admin_url: str, referrals: int, sessions_each: int) -> str:
    """A fresh database with the catalogue, a published price list of CLN and the month's sessions."""
    admin = create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {DATABASE}"))
    admin.dispose()
    url = admin_url.rsplit("/", 1)[0] + f"/{DATABASE}"
    engine = make_engine(url)
    with engine.begin() as conn:
        migrate.upgrade(connection=conn)
    factory = make_sessionmaker(engine)
    import_files(brochure_files(get_settings().brochures_dir), sessions=factory, overlay_dir=get_settings().overlay_dir)
    digest = hash_password("bench-password-2026")
    with transaction(factory) as s:
        ids = {
            "hub": create_user(session=s, email="hub@bench.test", name="Bench Hub", role=Role.HUB, provider_id="cln",
                               password_hash=digest).id,
            "pp": create_user(session=s, email="pp@bench.test", name="Bench Practitioner", role=Role.PRACTITIONER,
                              region="North West", team="Preston", password_hash=digest).id,
        }
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text("SET synchronous_commit = off"))
        services = [r[0] for r in conn.execute(text("SELECT id FROM services WHERE provider_id = 'cln' AND listed ORDER BY id"))]
        list_id = conn.execute(text("""
            INSERT INTO price_lists (provider_id, title, valid_from, status, example, created_at, published_at)
            VALUES ('cln', 'Bench prices', DATE '2026-01-01', 'published', true, now(), now()) RETURNING id
        """)).scalar_one()
        conn.execute(text("""
            INSERT INTO price_entries (price_list_id, service_id, unit, unit_price_pence, vat_rate)
            SELECT :list, s, 'per_session', :price, 'standard' FROM unnest(CAST(:services AS text[])) AS s
        """), {"list": list_id, "services": services, "price": PRICE_PENCE})
        conn.execute(text("""
            INSERT INTO people (region, crn, name, sex, area, profile, created_at)
            SELECT 'North West', 'B' || lpad(n::text, 6, '0'), 'Person ' || n, 'male', 'Lancashire', '{}', now()
            FROM generate_series(1, :n) AS n
        """), {"n": referrals})
        conn.execute(text("""
            INSERT INTO referrals (reference, person_id, service_id, provider_id, region, team, created_by_id,
                requirement_type, referral_date, priority, status, status_changed_at, created_at, msrp_modules, warnings)
            SELECT 'RB-' || lpad(p.id::text, 8, '0'), p.id, (CAST(:services AS text[]))[1 + p.id % cardinality(CAST(:services AS text[]))],
                   'cln', 'North West', 'Team', :pp, 'rar_activity', DATE '2026-12-01', 'routine', 'in_progress',
                   TIMESTAMPTZ '2026-12-10 09:00Z', TIMESTAMPTZ '2026-12-01 09:00Z', '[]', '[]'
            FROM people p
        """), {"services": services, "pp": ids["pp"]})
        conn.execute(text("""
            INSERT INTO referral_prices (referral_id, price_list_id, price_entry_id, service_id, unit, unit_price_pence,
                vat_rate, units_bought, snapshotted_at)
            SELECT r.id, :list, e.id, r.service_id, e.unit, e.unit_price_pence, e.vat_rate, :per, TIMESTAMPTZ '2026-12-05 09:00Z'
            FROM referrals r JOIN price_entries e ON e.price_list_id = :list AND e.service_id = r.service_id
        """), {"list": list_id, "per": sessions_each})
        conn.execute(text("""
            INSERT INTO delivery_budgets (referral_id, sessions_bought, minutes_bought, sessions_extra, minutes_extra,
                sessions_booked, minutes_booked, sessions_attended, minutes_delivered, rar_days_booked, rar_days_used)
            SELECT id, :per, :per * 60, 0, 0, :per, :per * 60, :per, :per * 60, 0, 0 FROM referrals
        """), {"per": sessions_each})
        conn.execute(text("""
            INSERT INTO appointments (referral_id, kind, session_number, starts_at, duration_minutes, method, one_to_one,
                status, booked_by_id, booked_at, notify_practitioner, attended, feedback_by_id, feedback_at)
            SELECT r.id, 'session', k, TIMESTAMPTZ '2027-01-04 09:00Z' + (k * 2) * interval '1 day' + (r.id % 8) * interval '1 hour',
                   60, 'video', true, 'happened', :hub, TIMESTAMPTZ '2026-12-20 09:00Z', false,
                   CASE WHEN k % 7 = 0 THEN 'late' ELSE 'yes' END, :hub, TIMESTAMPTZ '2027-01-31 18:00Z'
            FROM referrals r CROSS JOIN generate_series(1, :per) AS k
        """), {"per": sessions_each, "hub": ids["hub"]})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    print(f"loaded {referrals:,} referrals and {referrals * sessions_each:,} attended sessions "
          f"in {time.perf_counter() - started:.1f} s", flush=True)
    engine.dispose()
    return url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/test_p3")
    parser.add_argument("--referrals", type=int, default=10_000)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--trace-memory", action="store_true", help="Also the Python heap's peak (slower).")
    args = parser.parse_args(argv)
    global TRACE
    TRACE = args.trace_memory

    from ratecard.accounts.models import User
    from ratecard.billing import invoices
    from ratecard.billing.models import BillableEvent

    url = load(args.admin_url, args.referrals, args.sessions)
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    failed = False
    try:
        def run() -> tuple[int, int, int]:
            with transaction(factory) as s:
                hub = s.scalars(select(User).where(User.email == "hub@bench.test")).one()
                invoice = invoices.run(session=s, user=hub, provider="CLN", month="2027-01", now=NOW)
                return (invoice.total_pence, len(invoices.lines_of(session=s, invoice=invoice)),
                        s.scalar(select(func.count()).select_from(BillableEvent).where(BillableEvent.invoice_id == invoice.id)))

        (total, lines, events), took = _timed("invoice run, CLN 2027-01", run)
        expected_events = args.referrals * args.sessions
        net = expected_events * PRICE_PENCE
        print(f"  {events:,} events on {lines:,} lines, total £{total / 100:,.2f} (expected {expected_events:,} events, "
              f"net £{net / 100:,.2f})")
        failed |= events != expected_events or took >= 10

        def again() -> object:
            with transaction(factory) as s:
                hub = s.scalars(select(User).where(User.email == "hub@bench.test")).one()
                return invoices.run(session=s, user=hub, provider="CLN", month="2027-01", now=NOW)

        nothing, _ = _timed("second run (nothing new)", again)
        failed |= nothing is not None

        try:
            from ratecard.brochure import service as brochure
        except ImportError:
            print("rate card PDFs: skipped (ratecard.brochure is not in this branch yet)")
        else:
            with factory() as s:
                from ratecard.catalogue.models import Provider

                codes = list(s.scalars(select(Provider.code).order_by(Provider.code)))
            for code in codes:
                def build(code: str = code) -> bytes:
                    with factory() as s:
                        return brochure.build(session=s, provider_code=code, fmt="pdf")

                pdf, took = _timed(f"rate card PDF {code}", build)
                print(f"  {len(pdf):,} bytes")
                failed |= took >= 3
    finally:
        engine.dispose()
        if not args.keep:
            admin = create_engine(args.admin_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
            admin.dispose()
    print("targets met" if not failed else "TARGETS MISSED")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
