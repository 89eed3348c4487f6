"""Benchmark: monitoring at scale on PostgreSQL — dashboards, searches, delivery and performance pages.

Loads --referrals referrals (default 1,000,000) over four years and five providers, and about
--per-referral appointments per referral (default 10, so about 10,000,000, on those being or been
delivered), into its own database with INSERT ... SELECT over generate_series (no row-by-row inserts),
with their people, history, budgets, plans, outcomes, reports and a few hundred users; then starts
`ratecard serve` on 127.0.0.1 and times, over real sockets, each of: the hub's and the practitioner's
dashboards (web and API, every status tab), the hub's and a caseworker's caseload (/cases, web and API,
every tab), search by CRN, by reference and by name (hub and practitioner), a referral's delivery page
(web and API), the performance page for a provider over 12 months (web and API) and its CSV for one
month. Prints p50/p95 per request kind and the p95 to the first byte (target: p95 under 300 ms for
every one), the bytes of each answer, and the server's peak memory before and after the CSV (the CSV
is streamed: memory should stay flat).

    .venv/bin/python bench/monitoring.py [--referrals 1000000] [--per-referral 10] [--repeat 20]
        [--url postgresql://postgres@127.0.0.1:5432/test_bench] [--load-only | --reuse]

The database is the benchmark's own and is left loaded; `--reuse` times it again without reloading,
after applying any newer migrations (and their backfills) to it.
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


# Where a referral in each final status has been, and how long after it was made each step came.
PATHS = {
    "draft": [], "referred": ["referred"], "transferred": ["referred", "transferred"],
    "rejected": ["referred", "transferred", "rejected"], "withdrawn": ["referred", "withdrawn"],
    "accepted": ["referred", "transferred", "accepted"],
    "allocated": ["referred", "transferred", "accepted", "allocated"],
    "in_progress": ["referred", "transferred", "accepted", "allocated", "in_progress"],
    "completed": ["referred", "transferred", "accepted", "allocated", "in_progress", "completed"],
    "ended_early": ["referred", "transferred", "accepted", "allocated", "in_progress", "ended_early"],
    "cancelled": ["referred", "transferred", "accepted", "allocated", "cancelled"],
}
AFTER = {"referred": "1 hour", "transferred": "2 hours", "accepted": "2 days", "rejected": "2 days", "withdrawn": "1 day",
         "allocated": "4 days", "in_progress": "12 days", "completed": "150 days", "ended_early": "90 days",
         "cancelled": "8 days"}
DELIVERED = ("in_progress", "completed", "ended_early")
FIRST = ("Alex", "Sam", "Jo", "Chris", "Pat", "Robin", "Lee", "Kim", "Ali", "Dana", "Jamie", "Morgan", "Ruth", "Tom",
         "Amir", "Grace", "Owen", "Priya", "Zoe", "Kai")
SURNAME_START = ("Ash", "Brad", "Cal", "Dun", "Elm", "Fair", "Gold", "Hart", "Ink", "Kings", "Lang", "Mar", "North",
                 "Oak", "Pem", "Red", "Stan", "Thorn", "Under", "Wood")
SURNAME_END = ("ford", "ley", "ton", "well", "by", "wick", "stone", "field", "ham", "worth", "more", "dale", "son",
               "ridge", "brook")
PER_PROVIDER = 40  # caseworkers per provider, and practitioners per region


def _admin(admin_url: str):  # type: ignore[no-untyped-def]
    return create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")


def _users(sessions, providers: list[str]) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Hubs, caseworkers and practitioners, or, when they exist already, the same people again."""
    digest = hash_password(PASSWORD)
    from ratecard.accounts.models import User
    from sqlalchemy import select

    with sessions() as s:
        if s.scalar(select(User).where(User.email == "hub@bench.test")) is None:
            for p, provider in enumerate(providers):
                create_user(session=s, email="hub@bench.test" if p == 0 else f"hub{p}@bench.test", name=f"Hub {provider}",
                            role=Role.HUB, provider_id=provider, password_hash=digest)
                for n in range(PER_PROVIDER):
                    create_user(session=s, email="cw@bench.test" if p == n == 0 else f"cw{p}-{n}@bench.test",
                                name=f"Caseworker {provider} {n}", role=Role.CASEWORKER, provider_id=provider,
                                password_hash=digest)
            for r, region in enumerate(REGIONS):
                for n in range(PER_PROVIDER):
                    create_user(session=s, email="pp@bench.test" if r == n == 0 else f"pp{r}-{n}@bench.test",
                                name=f"Practitioner {region} {n}", role=Role.PRACTITIONER, region=region, team=f"Team {n % 8}",
                                password_hash=digest)
            s.commit()
        users = {u.email: u for u in s.scalars(select(User).where(User.email.like("%@bench.test")))}
        tokens = {who: issue_token(session=s, user=users[f"{who}@bench.test"]) for who in ("hub", "pp", "cw")}
        s.commit()
        workers = [users["cw@bench.test" if p == n == 0 else f"cw{p}-{n}@bench.test"].id
                   for p in range(len(providers)) for n in range(PER_PROVIDER)]
        practitioners = [users["pp@bench.test" if r == n == 0 else f"pp{r}-{n}@bench.test"].id
                         for r in range(len(REGIONS)) for n in range(PER_PROVIDER)]
        return {"tokens": tokens, "workers": workers, "practitioners": practitioners, "hub": users["hub@bench.test"].id}


_BIG_TABLES = ("people", "referrals", "referral_history", "appointments", "delivery_budgets", "delivery_history",
               "action_plans", "referral_outcomes", "end_of_service_reports")


def _drop_indexes(conn) -> list[str]:  # type: ignore[no-untyped-def]
    """Drop the big tables' plain indexes (not those backing a constraint), returning how to make them again."""
    rows = conn.execute(text("""
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename = ANY(:tables)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
    """), {"tables": list(_BIG_TABLES)}).all()
    for name, _ in rows:
        conn.execute(text(f'DROP INDEX "{name}"'))
    return [definition for _, definition in rows]


def load(url: str, referrals: int, per_referral: int) -> str:
    """A fresh database at the migrations' head holding the catalogue, users, people, referrals at every
    stage over four years with their history, budgets, action plans, outcomes, reports and appointments.

    Rows go in with INSERT ... SELECT over generate_series, with the plain indexes dropped first and made
    again afterwards from the very definitions the migrations gave them (faster than keeping them up row
    by row), and foreign-key triggers off while loading (every key is made to point at a real row)."""
    admin = _admin(url)
    with admin.connect() as conn:  # the database is the benchmark's own: emptied, then filled
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    admin.dispose()
    engine = make_engine(url)
    with engine.begin() as conn:
        migrate.upgrade(connection=conn)
    sessions = make_sessionmaker(engine)
    import_files(brochure_files(get_settings().brochures_dir), sessions=sessions, overlay_dir=get_settings().overlay_dir)
    with engine.connect() as conn:
        ranked = conn.execute(text("""
            SELECT provider_id, array_agg(id ORDER BY id) FROM services WHERE listed GROUP BY provider_id
            ORDER BY (provider_id = 'cln') DESC, count(*) DESC, provider_id LIMIT 5""")).all()
    providers = [p for p, _ in ranked]
    services = [list(ids) for _, ids in ranked]
    width = max(len(ids) for ids in services)
    grid = [ids + [ids[0]] * (width - len(ids)) for ids in services]  # padded; picks stay below each count
    users = _users(sessions, providers)
    people = max(5, referrals // 5)
    started = time.perf_counter()
    path_rows = [(status, step + 1, ([None, "draft"] + path)[step + 1], to, AFTER.get(to, "0"))
                 for status, path in PATHS.items() for step, to in enumerate(["draft"] + path)]
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL synchronous_commit = off"))
        conn.execute(text("SET LOCAL session_replication_role = replica"))  # no FK triggers while loading
        conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        recreate = _drop_indexes(conn)
        conn.execute(text("CREATE TEMP TABLE bench_paths (status text, step int, from_status text, to_status text, "
                          "after interval) ON COMMIT DROP"))
        conn.execute(text("INSERT INTO bench_paths VALUES (:status, :step, :from_status, :to_status, CAST(:after AS interval))"),
                     [dict(zip(("status", "step", "from_status", "to_status", "after"), row)) for row in path_rows])
        conn.execute(text("""
            INSERT INTO people (region, crn, name, date_of_birth, sex, area, profile, created_at)
            SELECT (CAST(:regions AS text[]))[1 + n % 5], 'B' || lpad(n::text, 6, '0'),
                   (CAST(:first AS text[]))[1 + (n * 7) % cardinality(CAST(:first AS text[]))] || ' ' ||
                   (CAST(:start AS text[]))[1 + (n * 13) % cardinality(CAST(:start AS text[]))] ||
                   (CAST(:end AS text[]))[1 + (n * 31 / 3) % cardinality(CAST(:end AS text[]))],
                   DATE '1960-01-01' + (n * 37 % 15000), CASE WHEN n % 3 = 0 THEN 'female' ELSE 'male' END, 'Area ' || n % 40,
                   '{}', now() - interval '5 years'
            FROM generate_series(1, :people) AS n
        """), {"regions": list(REGIONS), "people": people, "first": list(FIRST), "start": list(SURNAME_START),
               "end": list(SURNAME_END)})
        _step(f"{people:,} people", started)
        # Referral n is person 1 + (n - 1) % people's (j + 1)th, j = (n - 1) / people, with provider (person + j) % 5:
        # a person's five referrals go to five providers, so one open referral per person and service holds.
        # Made evenly over four years in id order; the final status follows the age (older ones have ended).
        conn.execute(text("""
            INSERT INTO referrals (reference, person_id, service_id, provider_id, region, team, created_by_id,
                requirement_type, referral_date, priority, status, status_changed_at, caseworker_id, created_at,
                msrp_modules, warnings)
            SELECT 'RC-' || lpad(n::text, 8, '0'), q.person, svc[1 + q.prov][1 + (n / 7) % cnt[1 + q.prov]],
                   (CAST(:providers AS text[]))[1 + q.prov], p.region, 'Team ' || n % 8,
                   (CAST(:practitioners AS int[]))[1 + (q.person % 5) * :per_provider + n % :per_provider],
                   CASE WHEN n % 3 = 0 THEN 'licence_activity' ELSE 'rar_activity' END, (t.ts)::date,
                   CASE WHEN n % 10 = 0 THEN 'urgent' ELSE 'routine' END, st.status,
                   LEAST(t.ts + f.after, now()),
                   CASE WHEN st.status IN ('allocated', 'in_progress', 'completed', 'ended_early', 'cancelled') THEN
                        (CAST(:workers AS int[]))[1 + q.prov * :per_provider + (n / 3) % :per_provider] END,
                   t.ts, '[]', '[]'
            FROM generate_series(1, :referrals) AS n
            CROSS JOIN LATERAL (SELECT 1 + (n - 1) % :people AS person, ((1 + (n - 1) % :people) + (n - 1) / :people) % 5 AS prov,
                                       (n * 2654435761::bigint) % 100 AS h) q
            CROSS JOIN (SELECT CAST(:grid AS text[][]) AS svc, CAST(:counts AS int[]) AS cnt) g
            JOIN people p ON p.id = q.person
            CROSS JOIN LATERAL (SELECT now() - (:referrals - n) * (interval '4 years' / :referrals) AS ts) t
            CROSS JOIN LATERAL (SELECT CASE
                WHEN now() - t.ts > interval '240 days' THEN CASE
                    WHEN q.h < 55 THEN 'completed' WHEN q.h < 72 THEN 'ended_early' WHEN q.h < 82 THEN 'cancelled'
                    WHEN q.h < 88 THEN 'withdrawn' WHEN q.h < 94 THEN 'rejected' ELSE 'in_progress' END
                WHEN now() - t.ts > interval '30 days' THEN CASE
                    WHEN q.h < 45 THEN 'in_progress' WHEN q.h < 60 THEN 'allocated' WHEN q.h < 66 THEN 'accepted'
                    WHEN q.h < 76 THEN 'completed' WHEN q.h < 82 THEN 'ended_early' WHEN q.h < 88 THEN 'cancelled'
                    WHEN q.h < 92 THEN 'withdrawn' WHEN q.h < 96 THEN 'rejected' ELSE 'transferred' END
                ELSE CASE
                    WHEN q.h < 5 THEN 'draft' WHEN q.h < 10 THEN 'referred' WHEN q.h < 35 THEN 'transferred'
                    WHEN q.h < 55 THEN 'accepted' WHEN q.h < 80 THEN 'allocated' ELSE 'in_progress' END
                END AS status) st
            JOIN (SELECT DISTINCT ON (status) status, after FROM bench_paths ORDER BY status, step DESC) f ON f.status = st.status
            ORDER BY n  -- ids in the order made, as in life (the joins above would shuffle them)
        """), {"people": people, "providers": providers, "grid": grid, "counts": [len(ids) for ids in services],
               "practitioners": users["practitioners"], "workers": users["workers"], "per_provider": PER_PROVIDER,
               "referrals": referrals})
        _step(f"{referrals:,} referrals", started)
        conn.execute(text("""
            INSERT INTO referral_history (referral_id, from_status, to_status, at, by_user_id, reason)
            SELECT r.id, b.from_status, b.to_status, LEAST(r.created_at + b.after, now()),
                   CASE WHEN b.to_status IN ('accepted', 'rejected', 'allocated') THEN :hub
                        WHEN b.to_status IN ('in_progress', 'completed', 'ended_early') THEN coalesce(r.caseworker_id, :hub)
                        ELSE r.created_by_id END,
                   CASE WHEN b.to_status IN ('rejected', 'withdrawn', 'cancelled', 'ended_early') THEN 'A reason given' END
            FROM referrals r JOIN bench_paths b ON b.status = r.status
            ORDER BY r.id, b.step
        """), {"hub": users["hub"]})
        _step("history", started)
        conn.execute(text("""
            INSERT INTO delivery_budgets (referral_id, sessions_bought, minutes_bought, sessions_extra, minutes_extra,
                sessions_booked, minutes_booked, sessions_attended, minutes_delivered, rar_days_max, rar_days_booked, rar_days_used)
            SELECT id, :per + 2, (:per + 2) * 60, 0, 0, 0, 0, 0, 0, 20, 0, 0 FROM referrals
            WHERE status IN ('accepted', 'allocated', 'in_progress', 'completed', 'ended_early', 'cancelled')
        """), {"per": per_referral})
        delivered = conn.scalar(text("SELECT count(*) FROM referrals WHERE status = ANY(:d)"), {"d": list(DELIVERED)})
        each = max(1, -(-referrals * per_referral // max(1, delivered)))  # so the total is about referrals * per_referral
        conn.execute(text("""
            INSERT INTO appointments (referral_id, kind, session_number, starts_at, duration_minutes, method, one_to_one,
                status, booked_by_id, booked_at, notify_practitioner, attended, feedback_by_id, feedback_at)
            SELECT r.id, CASE WHEN k = 1 THEN 'assessment' ELSE 'session' END, CASE WHEN k > 1 THEN k - 1 END, s.at,
                   60, CASE WHEN k % 3 = 0 THEN 'in_person' ELSE 'video' END, true, s.status,
                   r.caseworker_id, r.created_at + interval '5 days', false,
                   CASE s.status WHEN 'happened' THEN 'yes' WHEN 'did_not_happen' THEN 'no' END,
                   CASE WHEN s.status <> 'booked' THEN r.caseworker_id END, CASE WHEN s.status <> 'booked' THEN s.at + interval '2 hours' END
            FROM referrals r CROSS JOIN generate_series(1, :each) AS k
            CROSS JOIN LATERAL (SELECT r.created_at + interval '6 days' + k * (CASE WHEN r.status = 'in_progress' THEN interval '7 days'
                                       ELSE r.status_changed_at - r.created_at - interval '6 days' END / (:each + 1)) AS at) t
            CROSS JOIN LATERAL (SELECT t.at, CASE WHEN t.at > now() THEN 'booked' WHEN (r.id + k) % 6 = 0 THEN 'did_not_happen'
                                                  ELSE 'happened' END AS status) s
            WHERE r.status = ANY(:delivered)
        """), {"each": each, "delivered": list(DELIVERED)})
        _step(f"{delivered * each:,} appointments ({each} each for {delivered:,} referrals being or been delivered)", started)
        conn.execute(text("""
            UPDATE delivery_budgets b SET sessions_booked = a.holding, minutes_booked = a.holding * 60,
                   sessions_attended = a.happened, minutes_delivered = a.happened * 60
            FROM (SELECT referral_id, count(*) FILTER (WHERE status IN ('booked', 'happened')) AS holding,
                         count(*) FILTER (WHERE status = 'happened') AS happened FROM appointments GROUP BY referral_id) a
            WHERE a.referral_id = b.referral_id
        """))
        conn.execute(text("""
            INSERT INTO action_plans (referral_id, number, activities, sessions, status, created_by_id, created_at)
            SELECT id, 1, '["Activity"]', :each, 'approved', caseworker_id, created_at + interval '8 days'
            FROM referrals WHERE status = ANY(:delivered)
        """), {"each": each, "delivered": list(DELIVERED)})
        conn.execute(text("""
            INSERT INTO delivery_history (referral_id, subject, subject_id, from_status, to_status, at, by_user_id)
            SELECT p.referral_id, 'action_plan', p.id, s.from_status, s.to_status, p.created_at + s.after, p.created_by_id
            FROM action_plans p CROSS JOIN (VALUES (NULL, 'draft', interval '0'), ('draft', 'submitted', interval '1 hour'),
                 ('submitted', 'approved', interval '1 day')) AS s(from_status, to_status, after)
        """))
        conn.execute(text("""
            INSERT INTO referral_outcomes (referral_id, code, text, achievement)
            SELECT r.id, o.code, o.words, CASE WHEN r.status IN ('completed', 'ended_early') THEN
                   (ARRAY['achieved', 'partially_achieved', 'not_achieved'])[1 + (r.id + o.n) % 3] END
            FROM referrals r CROSS JOIN (VALUES (1, 'settled', 'Settled accommodation'), (2, 'ete', 'Into work or training')) AS o(n, code, words)
            WHERE r.status = ANY(:delivered)
        """), {"delivered": list(DELIVERED)})
        conn.execute(text("""
            INSERT INTO end_of_service_reports (referral_id, further_information, submitted_by_id, submitted_at)
            SELECT id, NULL, caseworker_id, status_changed_at - interval '2 days' FROM referrals
            WHERE status IN ('completed', 'ended_early')
        """))
        _step("budgets, plans, outcomes, reports", started)
        for definition in recreate:
            conn.execute(text(definition))
        _step(f"{len(recreate)} indexes made again", started)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    _step("vacuum analyze", started)
    engine.dispose()
    return url


def reuse(url: str) -> str:
    """The database loaded before, brought to the migrations' head (with their backfills) and analysed."""
    engine = make_engine(url)
    started = time.perf_counter()
    with engine.begin() as conn:
        migrate.upgrade(connection=conn)
    _step("migrations applied", started)
    # A backfill rewrites rows: vacuum, as autovacuum would soon, so index-only scans are index-only again.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    _step("vacuum analyze", started)
    engine.dispose()
    return url


def prepare(url: str) -> dict[str, object]:
    """Tokens for the hub, the practitioner and a caseworker, and sample terms to search for."""
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with engine.connect() as conn:
        providers = [p for p, in conn.execute(text("SELECT DISTINCT provider_id FROM users WHERE email LIKE 'hub%@bench.test' "
                                                     "ORDER BY 1"))]
        hub_provider = conn.scalar(text("SELECT provider_id FROM users WHERE email = 'hub@bench.test'"))
        pp_region = conn.scalar(text("SELECT region FROM users WHERE email = 'pp@bench.test'"))
        middle = conn.scalar(text("SELECT max(id) / 2 FROM referrals"))
        # A referral being delivered about the middle of the table, and its person: the hub's, and one
        # of the practitioner's region.
        pick = text("""
            SELECT r.id, r.reference, p.crn, split_part(p.name, ' ', 2) FROM referrals r JOIN people p ON p.id = r.person_id
            WHERE (r.provider_id = :provider OR r.region = :region) AND r.status = 'in_progress' AND r.id >= :middle
            ORDER BY r.id LIMIT 1
        """)
        hub = conn.execute(pick, {"provider": hub_provider, "region": "", "middle": middle}).one()
        pp = conn.execute(pick, {"provider": "", "region": pp_region, "middle": middle}).one()
    users = _users(sessions, providers)
    engine.dispose()
    return {"tokens": users["tokens"],
            "sample": {who: {"referral": row[0], "reference": row[1], "crn": row[2], "name": row[3]}
                       for who, row in (("hub", hub), ("pp", pp))}}


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


def _time(client: httpx.Client, path: str, repeat: int) -> tuple[list[float], list[float], int, int]:
    """Times to the whole answer and to its first byte, the answer's size and status."""
    times, firsts, size, status = [], [], 0, 0
    for _ in range(repeat):
        started = time.perf_counter()
        with client.stream("GET", path) as answer:
            first = None
            size = 0
            for chunk in answer.iter_bytes():
                if first is None:
                    first = time.perf_counter()
                size += len(chunk)
            status = answer.status_code
        done = time.perf_counter()
        times.append((done - started) * 1000)
        firsts.append(((first or done) - started) * 1000)
    return times, firsts, size, status


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]


def measure(base: str, info: dict[str, object], repeat: int, server_pid: int) -> bool:
    """Time each request kind; print a table; True if every p95 is under the target."""
    from ratecard.delivery.monitoring import Tab

    tokens = info["tokens"]
    sample = info["sample"]
    api = {role: httpx.Client(base_url=base, timeout=120, headers={"Authorization": f"Bearer {t}"}) for role, t in tokens.items()}
    web = {who: _web_client(base, f"{who}@bench.test") for who in ("hub", "pp", "cw")}
    year_ago = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 365 * 86400))
    month_ago = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 31 * 86400))
    kinds: list[tuple[str, httpx.Client, str]] = []
    for who in ("hub", "pp"):
        kinds.append((f"{who} dashboard web (all)", web[who], "/referrals"))
        kinds.append((f"{who} dashboard api (all)", api[who], "/api/v1/referrals"))
        for status in STATUSES:
            kinds.append((f"{who} dashboard web {status}", web[who], f"/referrals?status={status}"))
            kinds.append((f"{who} dashboard api {status}", api[who], f"/api/v1/referrals?status={status}"))
    for who in ("hub", "cw"):
        for tab in Tab:
            kinds.append((f"{who} cases web {tab.value}", web[who], f"/cases?tab={tab.value}"))
            kinds.append((f"{who} cases api {tab.value}", api[who], f"/api/v1/cases?tab={tab.value}"))
    for who in ("hub", "pp"):
        terms = sample[who]
        for label, term in (("CRN", terms["crn"]), ("reference", terms["reference"]), ("name", terms["name"])):
            kinds.append((f"{who} search by {label} web", web[who], f"/referrals?q={term}"))
            kinds.append((f"{who} search by {label} api", api[who], f"/api/v1/referrals?q={term}"))
    rid = sample["hub"]["referral"]
    kinds.append(("delivery page web", web["hub"], f"/referrals/{rid}/delivery"))
    kinds.append(("delivery api", api["hub"], f"/api/v1/referrals/{rid}/delivery"))
    kinds.append(("performance 12 months web", web["hub"], f"/reports/performance?date_from={year_ago}"))
    kinds.append(("performance 12 months api", api["hub"], f"/api/v1/reports/performance?date_from={year_ago}"))
    kinds.append(("performance csv one month", api["hub"], f"/api/v1/reports/performance.csv?date_from={month_ago}"))
    ok = True
    print(f"samples: {sample}")
    print(f"\n{'request':40} {'p50 ms':>8} {'p95 ms':>8} {'1st B p95':>9} {'bytes':>10} status")
    before = after = 0
    for label, client, path in kinds:
        if "csv" in label:
            before = _peak_kb(server_pid)
        client.get(path)  # once to warm the statement caches, not timed
        times, firsts, size, status = _time(client, path, repeat if "csv" not in label else max(3, repeat // 4))
        if "csv" in label:
            after = _peak_kb(server_pid)
        p50, p95 = statistics.median(times), _p95(times)
        ok &= p95 < TARGET_MS and status < 400
        print(f"{label:40} {p50:8.0f} {p95:8.0f} {_p95(firsts):9.0f} {size:10,} {status}"
              f"{'' if p95 < TARGET_MS else '  over target'}", flush=True)
    print(f"\nserver peak memory: {before / 1024:.0f} MB before the CSV, {after / 1024:.0f} MB after")
    return ok


def main() -> None:
    """Load (or reuse), serve, measure."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--referrals", type=int, default=1_000_000)
    parser.add_argument("--per-referral", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--url", default=os.environ.get("RATECARD_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test_bench"),
                        help="the benchmark's own PostgreSQL database: emptied and filled unless --reuse")
    parser.add_argument("--reuse", action="store_true",
                        help="time the database loaded before, after applying any newer migrations to it")
    parser.add_argument("--load-only", action="store_true", help="load, keep the database, and stop")
    args = parser.parse_args()
    started = time.perf_counter()
    if args.reuse:
        print(f"reusing {args.url}")
        url = reuse(args.url)
    else:
        print(f"loading {args.referrals:,} referrals and about {args.referrals * args.per_referral:,} appointments")
        url = load(args.url, args.referrals, args.per_referral)
        print(f"loaded in {time.perf_counter() - started:.0f} s")
    if args.load_only:
        return
    info = prepare(url)
    port = _free_port()
    server = _server(url, port)
    try:
        ok = measure(f"http://127.0.0.1:{port}", info, args.repeat, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print("every p95 under 300 ms" if ok else "some requests are over the 300 ms target")


if __name__ == "__main__":
    main()
