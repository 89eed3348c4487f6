"""Benchmark: monitoring at scale on PostgreSQL — dashboards, searches, delivery and performance pages.

Loads REFERRALS referrals (default 1,000,000) and APPOINTMENTS_PER_REFERRAL appointments each
(default 10, so 10,000,000) into a fresh database with INSERT ... SELECT over generate_series (no
row-by-row inserts), with their people, history, budgets and users; then starts `ratecard serve` on
127.0.0.1 and times, over real sockets, each of: the hub's and the practitioner's dashboards (web and
API, every tab), search by CRN, by reference and by name, a referral's delivery page (web and API),
the performance page for a provider over 12 months (web and API) and its CSV for one month. Prints
p50/p95 per request kind (target: p95 under 300 ms for every one), the bytes of each page, and the
server's peak memory before and after the CSV (the CSV is streamed: memory should stay flat).

    .venv/bin/python bench/monitoring.py [--referrals 1000000] [--per-referral 10] [--repeat 20]
        [--admin-url postgresql://postgres@127.0.0.1:5432/test] [--keep]
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
from sqlalchemy import create_engine, text

from ratecard import migrate
from ratecard.accounts.service import Role, create_user, hash_password, issue_token
from ratecard.catalogue.loading import brochure_files, import_files
from ratecard.config import get_settings
from ratecard.db import make_engine, make_sessionmaker

DATABASE = "ratecard_monitor"
PASSWORD = "bench-password-2026"
REGIONS = ("North West", "East of England", "Kent, Surrey and Sussex", "London", "Wales")
STATUSES = ("transferred", "accepted", "allocated", "in_progress", "completed", "ended_early", "cancelled")
TARGET_MS = 300


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _step(message: str, started: float) -> None:
    print(f"  {message}: {time.perf_counter() - started:.1f} s", flush=True)


def load(admin_url: str, referrals: int, per_referral: int) -> tuple[str, dict[str, object]]:
    """A fresh database holding the catalogue, users, people, referrals, history and appointments."""
    admin = create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {DATABASE}"))
    admin.dispose()
    url = admin_url.rsplit("/", 1)[0] + f"/{DATABASE}"
    engine = make_engine(url)
    with engine.begin() as conn:
        migrate.upgrade(connection=conn)
    sessions = make_sessionmaker(engine)
    import_files(brochure_files(get_settings().brochures_dir), sessions=sessions, overlay_dir=get_settings().overlay_dir)
    digest = hash_password(PASSWORD)
    with sessions() as s:
        hub = create_user(session=s, email="hub@bench.test", name="Bench Hub", role=Role.HUB, provider_id="cln", password_hash=digest)
        pp = create_user(session=s, email="pp@bench.test", name="Bench Practitioner", role=Role.PRACTITIONER,
                         region="North West", team="Preston", password_hash=digest)
        workers = [create_user(session=s, email=f"cw{n}@bench.test", name=f"Caseworker {n}", role=Role.CASEWORKER,
                               provider_id="cln", password_hash=digest) for n in range(50)]
        tokens = {"hub": issue_token(session=s, user=hub), "pp": issue_token(session=s, user=pp)}
        s.commit()
        worker_ids = [w.id for w in workers]
        ids = {"hub": hub.id, "pp": pp.id}
    people = max(1, referrals // 5)
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text("SET synchronous_commit = off"))
        services = [r[0] for r in conn.execute(text("SELECT id FROM services WHERE provider_id = 'cln' AND listed ORDER BY id"))]
        conn.execute(text("""
            INSERT INTO people (region, crn, name, date_of_birth, sex, area, profile, created_at)
            SELECT (CAST(:regions AS text[]))[1 + n % cardinality(CAST(:regions AS text[]))], 'B' || lpad(n::text, 6, '0'),
                   (ARRAY['Alex','Sam','Jo','Chris','Pat','Robin','Lee','Kim'])[1 + n % 8] || ' ' ||
                   (ARRAY['Smith','Jones','Taylor','Brown','Wilson','Evans','Khan','Patel','Walker'])[1 + (n / 8) % 9] || ' ' || n,
                   DATE '1960-01-01' + (n % 15000), CASE WHEN n % 3 = 0 THEN 'female' ELSE 'male' END, 'Lancashire', '{}',
                   now() - interval '3 years'
            FROM generate_series(1, :people) AS n
        """), {"regions": list(REGIONS), "people": people})
        _step(f"{people:,} people", started)
        # Each (person, service) pair once, so the one-open-referral-per-service index holds.
        conn.execute(text("""
            INSERT INTO referrals (reference, person_id, service_id, provider_id, region, team, created_by_id,
                requirement_type, referral_date, priority, status, status_changed_at, caseworker_id, created_at,
                msrp_modules, warnings)
            SELECT 'RC-' || lpad(n::text, 8, '0'), 1 + n % :people, (CAST(:services AS text[]))[1 + (n / :people) % cardinality(CAST(:services AS text[]))],
                   'cln', p.region, 'Team', :pp, 'rar_activity', (ts)::date, 'routine',
                   (CAST(:statuses AS text[]))[1 + n % cardinality(CAST(:statuses AS text[]))], ts + interval '20 days',
                   CASE WHEN n % 7 >= 2 THEN (CAST(:workers AS int[]))[1 + n % cardinality(CAST(:workers AS int[]))] END, ts, '[]', '[]'
            FROM generate_series(1, :referrals) AS n
            JOIN people p ON p.id = 1 + n % :people
            CROSS JOIN LATERAL (SELECT now() - (n % 730) * interval '1 day' - (n % 1440) * interval '1 minute' AS ts) t
        """), {"people": people, "services": services, "pp": ids["pp"], "statuses": list(STATUSES), "workers": worker_ids,
               "referrals": referrals})
        _step(f"{referrals:,} referrals", started)
        conn.execute(text("""
            INSERT INTO referral_history (referral_id, from_status, to_status, at, by_user_id, reason)
            SELECT r.id, s.from_status, s.to_status, r.created_at + s.after, :pp, NULL
            FROM referrals r CROSS JOIN (VALUES (NULL, 'draft', interval '0'), ('draft', 'referred', interval '1 hour'),
                 ('referred', 'transferred', interval '2 hours'), ('transferred', 'accepted', interval '2 days'))
                 AS s(from_status, to_status, after)
        """), {"pp": ids["pp"]})
        _step("history", started)
        conn.execute(text("""
            INSERT INTO delivery_budgets (referral_id, sessions_bought, minutes_bought, sessions_extra, minutes_extra,
                sessions_booked, minutes_booked, sessions_attended, minutes_delivered, rar_days_max, rar_days_booked, rar_days_used)
            SELECT id, :per, :per * 60, 0, 0, :per, :per * 60, :per / 2, :per * 30, 20, :per, :per / 2 FROM referrals
        """), {"per": per_referral})
        conn.execute(text("""
            INSERT INTO appointments (referral_id, kind, session_number, starts_at, duration_minutes, method, one_to_one,
                status, booked_by_id, booked_at, notify_practitioner, attended)
            SELECT r.id, CASE WHEN k = 1 THEN 'assessment' ELSE 'session' END, CASE WHEN k > 1 THEN k - 1 END,
                   r.created_at + k * interval '7 days', 60, 'video', true,
                   CASE WHEN k % 4 = 0 THEN 'did_not_happen' WHEN r.created_at + k * interval '7 days' < now() THEN 'happened' ELSE 'booked' END,
                   :hub, r.created_at, false,
                   CASE WHEN k % 4 = 0 THEN 'no' WHEN r.created_at + k * interval '7 days' < now() THEN 'yes' END
            FROM referrals r CROSS JOIN generate_series(1, :per) AS k
        """), {"per": per_referral, "hub": ids["hub"]})
        _step(f"{referrals * per_referral:,} appointments", started)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    _step("vacuum analyze", started)
    engine.dispose()
    sample = {"crn": f"B{(people // 2):06d}", "reference": f"RC-{referrals // 2:08d}", "name": "Taylor", "referral": referrals // 2}
    return url, {"tokens": tokens, "sample": sample}


def _server(url: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": url}
    binary = Path(sys.executable).with_name("ratecard")
    server = subprocess.Popen([str(binary), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code < 500:
                return server
        except httpx.HTTPError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("the server did not start within 60 s")


def _peak_kb(pid: int) -> int:
    """The resident set the server process (and its worker children) peaked at, in kB."""
    total = 0
    for candidate in [pid, *(int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]:
        status = Path(f"/proc/{candidate}/status").read_text()
        total += int(re.search(r"VmHWM:\s+(\d+)", status).group(1))
    return total


def _web_client(base: str, email: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token, "next": "/referrals"})
    if answer.status_code >= 400:
        raise SystemExit(f"could not sign in {email}: {answer.status_code}")
    return client


def measure(base: str, info: dict[str, object], repeat: int, server_pid: int) -> bool:
    """Time each request kind; print a table; True if every p95 is under the target."""
    tokens = info["tokens"]
    sample = info["sample"]
    api = {role: httpx.Client(base_url=base, timeout=60, headers={"Authorization": f"Bearer {t}"}) for role, t in tokens.items()}
    web = {"hub": _web_client(base, "hub@bench.test"), "pp": _web_client(base, "pp@bench.test")}
    year_ago = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 365 * 86400))
    month_ago = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 31 * 86400))
    kinds: list[tuple[str, httpx.Client, str]] = []
    for who in ("hub", "pp"):
        kinds.append((f"{who} dashboard web (all)", web[who], "/referrals"))
        kinds.append((f"{who} dashboard api (all)", api[who], "/api/v1/referrals"))
        for status in STATUSES:
            kinds.append((f"{who} dashboard web {status}", web[who], f"/referrals?status={status}"))
            kinds.append((f"{who} dashboard api {status}", api[who], f"/api/v1/referrals?status={status}"))
    for label, term in (("CRN", sample["crn"]), ("reference", sample["reference"]), ("name", sample["name"])):
        kinds.append((f"search by {label} web", web["hub"], f"/referrals?q={term}"))
        kinds.append((f"search by {label} api", api["hub"], f"/api/v1/referrals?q={term}"))
    rid = sample["referral"]
    kinds.append(("delivery page web", web["hub"], f"/referrals/{rid}/delivery"))
    kinds.append(("delivery api", api["hub"], f"/api/v1/referrals/{rid}/delivery"))
    kinds.append(("performance 12 months web", web["hub"], f"/reports/performance?date_from={year_ago}"))
    kinds.append(("performance 12 months api", api["hub"], f"/api/v1/reports/performance?date_from={year_ago}"))
    before = _peak_kb(server_pid)
    kinds.append(("performance csv one month", api["hub"], f"/api/v1/reports/performance.csv?date_from={month_ago}"))
    ok = True
    print(f"\n{'request':40} {'p50 ms':>8} {'p95 ms':>8} {'bytes':>10} status")
    for label, client, path in kinds:
        times, size, status = [], 0, 0
        for _ in range(repeat if "csv" not in label else max(3, repeat // 5)):
            started = time.perf_counter()
            answer = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            size, status = len(answer.content), answer.status_code
        p50 = statistics.median(times)
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]
        ok &= p95 < TARGET_MS and status < 400
        print(f"{label:40} {p50:8.0f} {p95:8.0f} {size:10,} {status}{'' if p95 < TARGET_MS else '  over target'}", flush=True)
    after = _peak_kb(server_pid)
    print(f"\nserver peak memory: {before / 1024:.0f} MB before the CSV, {after / 1024:.0f} MB after")
    return ok


def main() -> None:
    """Load, serve, measure."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--referrals", type=int, default=1_000_000)
    parser.add_argument("--per-referral", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--admin-url", default=os.environ.get("RATECARD_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    print(f"loading {args.referrals:,} referrals and {args.referrals * args.per_referral:,} appointments")
    url, info = load(args.admin_url, args.referrals, args.per_referral)
    port = _free_port()
    server = _server(url, port)
    try:
        ok = measure(f"http://127.0.0.1:{port}", info, args.repeat, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if not args.keep:
        admin = create_engine(args.admin_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
    print("every p95 under 300 ms" if ok else "some requests are over the 300 ms target")


if __name__ == "__main__":
    main()
