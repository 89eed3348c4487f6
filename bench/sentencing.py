"""Benchmark: the sentencing order checker, in-process and over HTTP.

Prints (1) checks per second in-process, on already-validated orders (the checker alone: target
10,000/s) and on JSON text (validation and check together); (2) p50/p95 of POST
/api/v1/sentencing/check against `ratecard serve` on 127.0.0.1 over a real socket (target p95 < 20 ms).
Bounded loops; nothing is stored (the checker touches no database, the server gets an empty SQLite file).

    .venv/bin/python bench/sentencing.py [--checks 50000] [--requests 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx

from ratecard.sentencing.schemas import Order
from ratecard.sentencing.service import check

ORDERS = [
    {"order_type": "community_order", "conviction_date": "2024-03-01", "length_months": 12, "seriousness": "medium",
     "requirements": [{"type": "unpaid_work", "hours": 120}, {"type": "rehabilitation_activity", "days": 20},
                      {"type": "curfew", "hours_per_day": 18, "days_per_week": 7, "months": 4}]},
    {"order_type": "community_order", "conviction_date": "2021-05-01", "length_months": 18, "offender": {"age": 22},
     "requirements": [{"type": "attendance_centre", "hours": 24}, {"type": "curfew", "hours_per_day": 16, "months": 6,
                                                                   "electronic_monitoring": True}]},
    {"order_type": "suspended_sentence_order", "conviction_date": "2025-01-10", "custodial_term_months": 6,
     "operational_period_months": 18, "supervision_period_months": 12, "offender": {"drug_dependent": True},
     "requirements": [{"type": "drug_rehabilitation", "months": 6, "willing": True}, {"type": "exclusion", "months": 12}]},
]


def in_process(checks: int) -> None:
    """Checks per second on validated orders, and on JSON text."""
    orders = [Order.model_validate(o) for o in ORDERS]
    check(order=orders[0])  # the data file is read on the first check
    started = time.perf_counter()
    for n in range(checks):
        check(order=orders[n % len(orders)])
    rate = checks / (time.perf_counter() - started)
    texts = [json.dumps(o) for o in ORDERS]
    started = time.perf_counter()
    for n in range(checks // 5):
        check(order=Order.model_validate_json(texts[n % len(texts)]))
    with_validation = (checks // 5) / (time.perf_counter() - started)
    print(f"in-process: {rate:,.0f} checks/s (target 10,000); with JSON validation: {with_validation:,.0f} checks/s", flush=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def over_http(requests: int) -> None:
    """p50/p95 of the check endpoint against a served app."""
    folder = Path(tempfile.mkdtemp(prefix="ratecard-sentencing-"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}"}
    subprocess.run([sys.executable, "-m", "ratecard.cli", "db", "upgrade"], env=env, check=True, stderr=subprocess.DEVNULL)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "ratecard.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                               "--workers", "1"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/sentencing", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise SystemExit("the server did not start within 60 s") from None
                time.sleep(0.3)
        with httpx.Client(base_url=base, timeout=30) as client:
            for order in ORDERS * 10:  # warm up
                client.post("/api/v1/sentencing/check", json=order).raise_for_status()
            times = []
            for n in range(requests):
                started = time.perf_counter()
                response = client.post("/api/v1/sentencing/check", json=ORDERS[n % len(ORDERS)])
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.text
        p95 = statistics.quantiles(times, n=20)[-1]
        print(f"over HTTP: {requests} requests, p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms (target < 20 ms)")
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=1_000)
    args = parser.parse_args()
    in_process(max(1, args.checks))
    over_http(max(2, args.requests))


if __name__ == "__main__":
    main()
