"""Benchmark: the referral service on PostgreSQL under a bounded mixed load from concurrent clients.

Creates a fresh database, migrates it, imports the brochures, makes bench users, starts uvicorn on
127.0.0.1, then runs CLIENTS concurrent clients, each repeating: create a referral, submit, transfer,
accept, allocate, and read both dashboards — until REQUESTS requests or SECONDS have passed.
Prints throughput and p50/p95/p99 latency, overall and per endpoint, and the CPU each request cost the
servers, the load client and the rest of the machine (PostgreSQL). Target: >= 250 requests/s with
p99 under 200 ms on a 2-core machine.

    .venv/bin/python bench/referrals_load.py [--clients 16] [--requests 12000] [--seconds 60] [--servers 2]
        [--admin-url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict

import httpx2 as httpx
import uvloop
from sqlalchemy import create_engine, text

from ratecard import migrate
from ratecard.accounts.service import Role, create_user, hash_password, issue_token
from ratecard.catalogue.loading import brochure_files, import_files
from ratecard.config import get_settings
from ratecard.db import make_engine, make_sessionmaker

DATABASE = "ratecard_bench"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(admin_url: str) -> tuple[str, dict[str, str], int]:
    """A fresh, migrated, loaded database; returns its URL, API tokens by role and the caseworker id."""
    admin = create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {DATABASE}"))
    admin.dispose()
    url = admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{DATABASE}"
    migrate.upgrade(url=url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    settings = get_settings()
    import_files(brochure_files(settings.brochures_dir), sessions=sessions, overlay_dir=settings.overlay_dir)
    with sessions() as s:
        digest = hash_password("bench password 2026")
        pp = create_user(session=s, email="pp@bench", name="Bench PP", role=Role.PRACTITIONER, password_hash=digest, region="North West")
        hub = create_user(session=s, email="hub@bench", name="Bench Hub", role=Role.HUB, password_hash=digest, provider_id="cln")
        cw = create_user(session=s, email="cw@bench", name="Bench CW", role=Role.CASEWORKER, password_hash=digest, provider_id="cln")
        tokens = {"pp": issue_token(session=s, user=pp), "hub": issue_token(session=s, user=hub)}
        s.commit()
        worker_id = cw.id
    engine.dispose()
    return url, tokens, worker_id


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far, from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_busy_seconds() -> float:
    """CPU time the whole machine has spent not idle, summed over cores, from /proc/stat."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


def start_server(url: str, port: int) -> subprocess.Popen:
    """One uvicorn process serving ratecard on 127.0.0.1:port against `url`."""
    env = {**os.environ, "DATABASE_URL": url}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "ratecard.web_app:create_app", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--no-access-log", "--log-level", "warning"],
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/providers", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("the server did not start")


class _Connection:
    """One keep-alive HTTP/1.1 connection: a deliberately small client, so that the load generator,
    which shares the machine's two cores with the servers, spends as little of them as it can."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: int):
        self.reader, self.writer, self.host = reader, writer, f"127.0.0.1:{port}"

    @classmethod
    async def open(cls, port: int) -> "_Connection":
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer, port)

    async def request(self, method: str, path: str, headers: dict[str, str], body=None) -> tuple[int, object]:
        """Send one request and read its whole response; returns (status, parsed JSON body)."""
        payload = json.dumps(body).encode() if body is not None else b""
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Length: {len(payload)}\r\n"
        if body is not None:
            head += "Content-Type: application/json\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.writer.write(head.encode() + b"\r\n" + payload)
        status_line, *header_lines = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        length = 0
        for line in header_lines:
            name, _, value = line.partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "transfer-encoding":
                raise RuntimeError("the bench client reads only Content-Length responses")
        data = await self.reader.readexactly(length)
        return int(status_line.split()[1]), json.loads(data) if data else None

    def close(self) -> None:
        self.writer.close()


async def run_load(ports: list[int], tokens: dict[str, str], worker_id: int, clients: int, limit: int, seconds: float):
    """Drive the mixed load; returns {endpoint: [latencies]} and the elapsed time."""
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    crns = itertools.count(100000)
    sent = 0
    stop_at = time.monotonic() + seconds
    pp = {"Authorization": f"Bearer {tokens['pp']}"}
    hub = {"Authorization": f"Bearer {tokens['hub']}"}

    async def call(client: "_Connection", name: str, method: str, path: str, headers: dict[str, str], json=None):
        nonlocal sent
        sent += 1
        started = time.perf_counter()
        status, body = await client.request(method, path, headers, json)
        latencies[name].append(time.perf_counter() - started)
        if status >= 400:
            errors[f"{name} {status}"] += 1
        return status, body

    async def client_loop(number: int) -> None:
        # Clients spread over the server processes, as a load balancer in front of them would.
        client = await _Connection.open(ports[number % len(ports)])
        try:
            while sent < limit and time.monotonic() < stop_at:
                body = {
                    "person": {"crn": f"B{next(crns):06d}", "name": f"Bench Person {number}", "sex": "male", "area": "Lancashire"},
                    "service_id": "cln-conflict-resolution",
                }
                status, created = await call(client, "create", "POST", "/api/v1/referrals", pp, json=body)
                if status != 201:
                    continue
                rid = created["id"]
                await call(client, "submit", "POST", f"/api/v1/referrals/{rid}/submit", pp, json={"override_reason": "bench"})
                await call(client, "transfer", "POST", f"/api/v1/referrals/{rid}/transfer", pp, json={})
                await call(client, "accept", "POST", f"/api/v1/referrals/{rid}/accept", hub, json={})
                await call(client, "allocate", "POST", f"/api/v1/referrals/{rid}/allocate", hub, json={"caseworker_id": worker_id})
                await call(client, "dashboard (practitioner)", "GET", "/api/v1/referrals", pp)
                await call(client, "dashboard (hub)", "GET", "/api/v1/referrals?status=allocated", hub)
        finally:
            client.close()

    started = time.perf_counter()
    await asyncio.gather(*(client_loop(n) for n in range(clients)))
    return latencies, errors, time.perf_counter() - started


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> None:
    """Prepare, serve, load, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=12000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--servers", type=int, default=2, help="uvicorn processes, one per core")
    parser.add_argument("--admin-url", default=os.environ.get("RATECARD_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    url, tokens, worker_id = prepare(args.admin_url)
    ports = [_free_port() for _ in range(args.servers)]
    servers = [start_server(url, port) for port in ports]
    try:
        before = ([_cpu_seconds(s.pid) for s in servers], time.process_time(), _machine_busy_seconds())
        latencies, errors, elapsed = uvloop.run(run_load(ports, tokens, worker_id, args.clients, args.requests, args.seconds))
        server_cpu = sum(_cpu_seconds(s.pid) for s in servers) - sum(before[0])
        client_cpu = time.process_time() - before[1]
        machine_cpu = _machine_busy_seconds() - before[2]
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
    everything = [v for values in latencies.values() for v in values]
    print(f"PostgreSQL, {args.servers} uvicorn processes, {args.clients} concurrent clients on 127.0.0.1, {os.cpu_count()} cores")
    print(f"requests: {len(everything)} in {elapsed:.1f} s = {len(everything) / elapsed:.0f} requests/s  (target >= 250)")
    print(f"latency: p50 {_pct(everything, .5):.1f} ms, p95 {_pct(everything, .95):.1f} ms, "
          f"p99 {_pct(everything, .99):.1f} ms  (target p99 < 200 ms)")
    for name, values in latencies.items():
        print(f"  {name:26} n={len(values):5}  p50 {_pct(values, .5):6.1f}  p95 {_pct(values, .95):6.1f}  "
              f"p99 {_pct(values, .99):6.1f} ms  mean {statistics.mean(values) * 1000:6.1f}")
    n = len(everything)
    print(f"CPU per request: servers {server_cpu / n * 1000:.1f} ms, load client {client_cpu / n * 1000:.1f} ms, "
          f"everything else (PostgreSQL...) {(machine_cpu - server_cpu - client_cpu) / n * 1000:.1f} ms; "
          f"machine busy {machine_cpu / elapsed / (os.cpu_count() or 1):.0%}")
    print(f"errors: {dict(errors) or 'none'}")


if __name__ == "__main__":
    main()
