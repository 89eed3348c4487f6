"""Benchmark: a real ratecard server under abuse — a lock-out race, slow request bodies, huge requests.

Makes a fresh database (SQLite in a temporary folder, or with --database a PostgreSQL database it
creates and drops), migrates it, imports the brochures and creates the demo users, then for each
scenario starts `ratecard serve --host 127.0.0.1 --workers N` on a free port, attacks it over loopback
only, prints figures and stops it; the server is killed and the database removed even on error.
Every loop is bounded by a count and by wall time, every socket operation has a timeout. Client
sockets are bound to other loopback addresses (127.0.0.2-5; Linux routes 127/8 to lo) where the
server must see another client.

1. Lock-out race: RACE wrong passwords for one account to POST /api/v1/tokens at once, then the right
   one (target: at most 5 checked, the account locked, the right password refused), then the right
   one from another loopback address (target: signed in); MIXED wrong + 1 right at once; and
   FORWARDED wrong passwords one by one, each claiming another address in X-Forwarded-For (which
   uvicorn trusts from 127.0.0.1 by default), then the right one from yet another address.
2. Slow bodies: SLOW signed-in form POSTs to /referrals/new whose bodies trickle in a few bytes a
   second for SECONDS, while one client reads the catalogue (/services, /api/v1/services) serially.
   Target: that reader's p99 < 500 ms and no errors.
3. Huge requests: an anonymous 200 MiB body (Content-Length, then chunked) and a 1 MiB header; the
   status (targets 413 and 431) and the worker processes' RSS growth (target < 20 MiB).

    .venv/bin/python bench/abuse.py [--database postgresql://postgres@127.0.0.1:5432/test] [--workers 1]
        [--scenarios 1,2,3] [--race 60] [--mixed 40] [--slow 40] [--slow-seconds 30] [--huge-mib 200] ...
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import uvloop
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
from referrals_load import _free_port, _pct  # noqa: E402  (bench/ is not a package)

from ratecard import migrate  # noqa: E402
from ratecard.accounts.demo import DEMO_PASSWORD, create_demo_users  # noqa: E402
from ratecard.catalogue.loading import brochure_files, import_files  # noqa: E402
from ratecard.config import get_settings  # noqa: E402
from ratecard.db import make_engine, make_sessionmaker, transaction  # noqa: E402

HOST = "127.0.0.1"
MIB = 1024 * 1024
WRONG = "not-the-password-2026"
# One demo account per probe, so that one probe's lock does not decide another's result.
RACE_ACCOUNT = "practitioner.east@example.com"
MIXED_ACCOUNT = "hub.kss@example.com"
FORWARDED_ACCOUNT = "hub.nsf@example.com"
WEB_ACCOUNT = "practitioner@example.com"
# Loopback addresses of their own (Linux routes 127.0.0.0/8 to lo) for probes that must not be
# refused because of an earlier probe's failures from 127.0.0.1, should the server count per address.
MIXED_ADDRESS = "127.0.0.3"
WEB_ADDRESS = "127.0.0.4"
OWNER_ADDRESS = "127.0.0.5"


# -- database ------------------------------------------------------------------------------------

def _load(url: str) -> None:
    """Migrate, import every brochure, create the demo users: what `ratecard setup --demo` does."""
    migrate.upgrade(url=url)
    engine = make_engine(url)
    try:
        sessions = make_sessionmaker(engine)
        settings = get_settings()  # brochures_dir: RATECARD_BROCHURES_DIR, else config.shared_brochures()
        reports = import_files(brochure_files(settings.brochures_dir), sessions=sessions, overlay_dir=settings.overlay_dir)
        failed = [f"{r.file}: {r.error}" for r in reports if r.error]
        if not reports or failed:
            raise SystemExit(f"brochure import failed: {failed or f'no brochures in {settings.brochures_dir}'}")
        with transaction(sessions) as session:
            create_demo_users(session=session)
    finally:
        engine.dispose()


@contextmanager
def database(admin_url: str | None, folder: Path) -> Iterator[tuple[str, str]]:
    """A fresh loaded database; yields its URL and a label. SQLite (a file in `folder`) without an
    admin URL, else a PostgreSQL database created beside the admin URL's and dropped at the end."""
    if not admin_url:
        url = f"sqlite:///{folder / 'ratecard.db'}"
        _load(url)
        yield url, f"SQLite ({folder / 'ratecard.db'})"
        return
    name = f"ratecard_abuse_{os.getpid()}"
    admin = make_url(admin_url).set(drivername="postgresql+psycopg")
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = admin.set(database=name).render_as_string(hide_password=False)
            _load(url)
            yield url, f"PostgreSQL (database {name} on {admin.host}:{admin.port or 5432})"
        finally:
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


# -- the server ----------------------------------------------------------------------------------

def _proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS) of a process in bytes, from /proc/<pid>/status."""
    values = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                name, amount, _unit = line.split()
                values[name[:-1]] = int(amount) * 1024
    return values


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                kids += [int(p) for p in f.read().split()]
    except FileNotFoundError:
        pass
    return kids


class Server:
    """`ratecard serve` on 127.0.0.1 in a process group of its own, its output in a log file."""

    def __init__(self, url: str, workers: int, log_path: Path):
        self.port = _free_port()
        self.workers = workers
        self.log_path = log_path
        self.log_offset = 0
        command = Path(sys.executable).with_name("ratecard")
        argv = [str(command)] if command.exists() else [sys.executable, "-m", "ratecard.cli"]
        argv += ["serve", "--host", HOST, "--port", str(self.port), "--workers", str(workers)]
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                argv, env={**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )

    def worker_pids(self) -> list[int]:
        """The uvicorn worker processes: the spawned children, or the server itself with one worker
        (uvicorn then serves in the main process)."""
        workers = []
        for pid in _children(self.process.pid):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    if b"spawn_main" in f.read():
                        workers.append(pid)
            except FileNotFoundError:
                pass
        return workers or [self.process.pid]

    def new_log(self) -> str:
        """What the server logged since the last call."""
        with open(self.log_path, "rb") as f:
            f.seek(self.log_offset)
            data = f.read()
        self.log_offset += len(data)
        return data.decode("utf-8", "replace")

    def logged_status(self, client_port: int) -> str | None:
        """The status uvicorn's access log gives the latest request from this client port, if any."""
        with open(self.log_path, "rb") as f:
            found = re.findall(rb'127\.0\.0\.\d+:%d - "[^"]*" (\d{3})' % client_port, f.read())
        return found[-1].decode() if found else None

    def stop(self) -> bool:
        """SIGTERM, then SIGKILL to the whole process group this object started; whether it took SIGKILL."""
        stubborn = False
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                stubborn = True
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # workers left behind, if any
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        return stubborn


_EXCEPTION = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Timeout|Exit|Disconnect)): ?(.*)$")


def log_summary(log: str, top: int = 6) -> str:
    """The server's warnings, errors and exceptions, counted (access-log lines left out)."""
    found: Counter[str] = Counter()
    for line in log.splitlines():
        line = line.strip()
        if line.startswith(("WARNING:", "ERROR:", "CRITICAL:")):
            found[re.sub(r"\d+", "N", line)[:140]] += 1
        elif m := _EXCEPTION.match(line):
            found[f"{m.group(1)}: {m.group(2)}"[:140]] += 1
    tracebacks = log.count("Traceback (most recent call last)")
    if not found and not tracebacks:
        return "nothing (no warnings, errors or tracebacks)"
    lines = [f"{tracebacks} tracebacks"] + [f"{n:5} x {what}" for what, n in found.most_common(top)]
    if len(found) > top:
        lines.append(f"      ... and {len(found) - top} other kinds")
    return "\n      ".join(lines)


# -- a lean HTTP/1.1 client ----------------------------------------------------------------------

class Response:
    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes):
        self.status, self.headers, self.body = status, headers, body

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k == name), None)

    def cookies(self) -> dict[str, str]:
        pairs = (v.split(";", 1)[0].partition("=") for k, v in self.headers if k == "set-cookie")
        return {name.strip(): value.strip() for name, _, value in pairs}

    @property
    def closes(self) -> bool:
        return (self.header("connection") or "").lower() == "close"


class Conn:
    """One keep-alive connection to the server, from a chosen loopback address; like
    referrals_load's _Connection, but it reads any response (HTML, JSON, errors, chunked) and can send
    a request piece by piece."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: int):
        self.reader, self.writer, self.port = reader, writer, port

    @classmethod
    async def open(cls, port: int, *, timeout: float, source: str | None = None) -> "Conn":
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(HOST, port, local_addr=(source, 0) if source else None), timeout
        )
        return cls(reader, writer, port)

    def head(self, method: str, path: str, headers: dict[str, str] | None = None, length: int | None = 0) -> bytes:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}"]
        if length is not None:
            lines.append(f"Content-Length: {length}")
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def request_bytes(self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b"") -> bytes:
        return self.head(method, path, headers, len(body)) + body

    async def send(self, data: bytes, timeout: float) -> None:
        self.writer.write(data)
        await asyncio.wait_for(self.writer.drain(), timeout)

    async def response(self, timeout: float, max_body: int = 64 * MIB) -> Response:
        """Read one whole response; asyncio.IncompleteReadError when the server closes first."""
        async with asyncio.timeout(timeout):
            status_line, *lines = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            headers = [(k.strip().lower(), v.strip()) for k, _, v in (line.partition(":") for line in lines if line)]
            status = int(status_line.split()[1])
            response = Response(status, headers, b"")
            if "chunked" in (response.header("transfer-encoding") or "").lower():
                chunks, total = [], 0
                while total <= max_body:
                    size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                    if size == 0:
                        for _ in range(100):  # trailers, up to the empty line
                            if await self.reader.readuntil(b"\r\n") == b"\r\n":
                                break
                        break
                    chunks.append(await self.reader.readexactly(size))
                    total += size
                    await self.reader.readexactly(2)
                response.body = b"".join(chunks)
            elif (length := response.header("content-length")) is not None:
                response.body = await self.reader.readexactly(min(int(length), max_body))
            elif status >= 200 and status not in (204, 304):
                response.body = await self.reader.read(max_body)  # until the server closes
            return response

    async def request(self, method: str, path: str, timeout: float, headers: dict[str, str] | None = None,
                      body: bytes = b"") -> Response:
        await self.send(self.request_bytes(method, path, headers, body), timeout)
        return await self.response(timeout)

    @property
    def local_port(self) -> int:
        return self.writer.get_extra_info("sockname")[1]

    def close(self) -> None:
        self.writer.close()


def failure(exc: BaseException) -> str:
    """A short name for what went wrong on a connection."""
    if isinstance(exc, (TimeoutError, asyncio.TimeoutError)):
        return "timeout"
    if isinstance(exc, asyncio.IncompleteReadError):
        return "closed by the server without an answer"
    if isinstance(exc, ConnectionResetError):
        return "connection reset"
    if isinstance(exc, BrokenPipeError):
        return "broken pipe"
    return type(exc).__name__


async def wait_ready(server: Server, seconds: float = 30) -> float | None:
    """Poll GET /api/v1/providers until it answers 200; the seconds it took, or None (not within
    `seconds`, or the server exited)."""
    started = time.monotonic()
    for _ in range(int(seconds * 10) + 1):
        if server.process.poll() is not None:
            return None
        try:
            conn = await Conn.open(server.port, timeout=1)
            try:
                if (await conn.request("GET", "/api/v1/providers", timeout=2)).status == 200:
                    return time.monotonic() - started
            finally:
                conn.close()
        except (OSError, asyncio.IncompleteReadError, TimeoutError):
            pass
        if time.monotonic() - started > seconds:
            break
        await asyncio.sleep(0.1)
    return None


async def still_serving(server: Server, args: argparse.Namespace) -> bool:
    """Whether the server answers again within --recover-seconds; says so when it does not."""
    if await wait_ready(server, args.recover_seconds) is not None:
        return True
    state = f"exited ({server.process.returncode})" if server.process.poll() is not None else "still running"
    print(f"   THE SERVER DID NOT ANSWER GET /api/v1/providers WITHIN {args.recover_seconds:g} s ({state}); "
          f"this scenario stops here", flush=True)
    return False


def _ms(values: list[float]) -> str:
    if not values:
        return "no requests"
    return (f"p50 {_pct(values, .5):.1f} ms, p95 {_pct(values, .95):.1f} ms, p99 {_pct(values, .99):.1f} ms, "
            f"max {max(values) * 1000:.1f} ms")


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{what} x{n}" for what, n in counter.most_common()) or "none"


# -- 1. lock-out race ----------------------------------------------------------------------------

async def token_burst(port: int, attempts: list[tuple[str, str, str | None, dict[str, str]]], timeout: float) -> list[str]:
    """POST /api/v1/tokens for each (email, password, source address, extra headers), one connection
    each, all opened first and then written in one go (no await between), so they arrive together.
    Returns each outcome: the status code as text, or what went wrong."""
    opened = await asyncio.gather(
        *(Conn.open(port, timeout=timeout, source=source) for _, _, source, _ in attempts), return_exceptions=True
    )
    try:
        for conn, (email, password, _, headers) in zip(opened, attempts):
            if isinstance(conn, Conn):
                body = json.dumps({"email": email, "password": password}).encode()
                conn.writer.write(conn.request_bytes("POST", "/api/v1/tokens", {"Content-Type": "application/json", **headers}, body))

        async def outcome(conn: Conn | BaseException) -> str:
            if not isinstance(conn, Conn):
                return f"connect: {failure(conn)}"
            try:
                await asyncio.wait_for(conn.writer.drain(), timeout)
                return str((await conn.response(timeout)).status)
            except (OSError, asyncio.IncompleteReadError, TimeoutError) as exc:
                return failure(exc)

        return list(await asyncio.gather(*(outcome(c) for c in opened)))
    finally:
        for conn in opened:
            if isinstance(conn, Conn):
                conn.close()


def _tally(outcomes: list[str]) -> str:
    counts = Counter(outcomes)
    checked, refused = counts.pop("401", 0), counts.pop("429", 0)
    return f"401 (checked) {checked}, 429 (refused) {refused}, other {sum(counts.values())}" + (
        f" ({_counts(counts)})" if counts else "")


def _signed_in(outcome: str) -> str:
    return {"201": "201, signed in", "429": "429, refused (locked)", "401": "401, refused as a wrong password"}.get(
        outcome, f"{outcome}")


async def lockout(server: Server, args: argparse.Namespace) -> None:
    port, timeout = server.port, args.race_timeout
    print(f"\n1. Lock-out race: POST /api/v1/tokens, {args.race} wrong passwords at once for {RACE_ACCOUNT}", flush=True)
    started = time.monotonic()
    outcomes = await token_burst(port, [(RACE_ACCOUNT, WRONG, None, {})] * args.race, timeout)
    print(f"   {args.race} wrong at once from {HOST}: {_tally(outcomes)} in {time.monotonic() - started:.1f} s"
          f"  (target: at most 5 checked)")
    checked = outcomes.count("401")
    right = (await token_burst(port, [(RACE_ACCOUNT, DEMO_PASSWORD, None, {})], timeout))[0]
    locked = right == "429"
    print(f"   then the right password from {HOST}: {_signed_in(right)} -> account "
          f"{'locked' if locked else 'NOT locked'}  (target: refused, locked)")
    other = (await token_burst(port, [(RACE_ACCOUNT, DEMO_PASSWORD, args.other_address, {})], timeout))[0]
    print(f"   then the right password from {args.other_address}: {_signed_in(other)}  (target: 201, signed in)")
    verdict = "PASS" if checked <= 5 and locked and other == "201" else "FAIL"
    print(f"   lock-out: {verdict} ({checked} checked, {'locked' if locked else 'not locked'}, other address "
          f"{'signed in' if other == '201' else 'refused'})")

    mixed = [(MIXED_ACCOUNT, WRONG, MIXED_ADDRESS, {})] * args.mixed + [(MIXED_ACCOUNT, DEMO_PASSWORD, MIXED_ADDRESS, {})]
    outcomes = await token_burst(port, mixed, timeout)
    print(f"   {args.mixed} wrong + 1 right at once for {MIXED_ACCOUNT} from {MIXED_ADDRESS} (the right one sent last): "
          f"right one {_signed_in(outcomes[-1])}; wrong ones: {_tally(outcomes[:-1])}")

    # uvicorn trusts X-Forwarded-For from 127.0.0.1 by default (--forwarded-allow-ips): a client there
    # can claim any address. Sent one after another, so this is about addresses, not the race.
    outcomes = []
    stop_at = time.monotonic() + args.forwarded + timeout  # about 0.1 s each; a second each at most
    for n in range(args.forwarded):
        if time.monotonic() > stop_at:
            break
        headers = {"X-Forwarded-For": f"198.51.{100 + n // 250}.{n % 250 + 1}"}
        outcomes += await token_burst(port, [(FORWARDED_ACCOUNT, WRONG, None, headers)], timeout)
    owner = (await token_burst(port, [(FORWARDED_ACCOUNT, DEMO_PASSWORD, OWNER_ADDRESS, {})], timeout))[0]
    print(f"   {len(outcomes)} wrong one after another for {FORWARDED_ACCOUNT} from {HOST}, each claiming its own "
          f"address in X-Forwarded-For: {_tally(outcomes)}  (at most 5 checked unless the claimed addresses count "
          f"as different clients); then the right one from {OWNER_ADDRESS}: {_signed_in(owner)}")
    print(f"   server log: {log_summary(server.new_log())}", flush=True)


# -- 2. slow bodies ------------------------------------------------------------------------------

async def web_sign_in(port: int, email: str, password: str, timeout: float) -> tuple[dict[str, str], str]:
    """Sign in through the web form; returns the cookies (CSRF and session) and the CSRF token."""
    conn = await Conn.open(port, timeout=timeout, source=WEB_ADDRESS)
    try:
        page = await conn.request("GET", "/login", timeout)
        cookies = page.cookies()
        html = page.body.decode("utf-8", "replace")
        field = re.search(r'<input[^>]*name="csrf_token"[^>]*>', html)
        token = re.search(r'value="([^"]*)"', field.group(0)) if field else None
        if page.status != 200 or not token or "ratecard_csrf" not in cookies:
            raise SystemExit(f"GET /login gave {page.status} without a CSRF cookie and field")
        form = urlencode({"csrf_token": token.group(1), "email": email, "password": password, "next": "/referrals"})
        answer = await conn.request("POST", "/login", timeout, {
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": _cookie_header(cookies)}, form.encode())
        cookies.update(answer.cookies())
        if answer.status != 303 or "ratecard_session" not in cookies:
            raise SystemExit(f"web sign-in as {email} failed: {answer.status} {answer.body[:300]!r}")
        return cookies, token.group(1)
    finally:
        conn.close()


def _cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


async def read_catalogue(port: int, seconds: float, limit: int, timeout: float) -> tuple[list[float], Counter[str]]:
    """One client reading the catalogue serially on a keep-alive connection, as fast as it can, until
    `limit` requests or `seconds`; returns every request's latency (failed ones too) and the errors."""
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    paths = itertools.cycle(("/services", "/api/v1/services"))
    conn: Conn | None = None
    stop_at = time.monotonic() + seconds
    try:
        while len(latencies) < limit and time.monotonic() < stop_at:
            path = next(paths)
            started = time.perf_counter()
            try:
                if conn is None:
                    conn = await Conn.open(port, timeout=timeout)
                answer = await conn.request("GET", path, timeout)
                if not 200 <= answer.status < 300:
                    errors[f"{path} {answer.status}"] += 1
                if answer.closes:
                    conn.close()
                    conn = None
            except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
                errors[f"{path} {failure(exc)}"] += 1
                if conn is not None:
                    conn.close()
                conn = None
            latencies.append(time.perf_counter() - started)
    finally:
        if conn is not None:
            conn.close()
    return latencies, errors


def _referral_form(csrf: str, number: int, size: int) -> bytes:
    """A plausible referral form, padded to `size` bytes in its support notes."""
    fields = urlencode({
        "csrf_token": csrf, "service_id": "cln-conflict-resolution", "crn": f"S{number:06d}", "name": f"Slow Body {number}",
        "sex": "male", "area": "Lancashire", "requirement_type": "rar_activity", "priority": "routine",
    }) + "&support_notes="
    return (fields + "a" * max(0, size - len(fields))).encode()


async def slow_post(port: int, cookies: dict[str, str], csrf: str, number: int, args: argparse.Namespace,
                    stop_at: float) -> tuple[str, float, int, int]:
    """One signed-in form POST whose body trickles in `slow_rate` bytes a second until `stop_at`;
    returns what it finally got, when (seconds after its headers), how many body bytes it sent and the
    connection's local port."""
    body = _referral_form(csrf, number, args.slow_body)
    started = time.monotonic()
    try:
        conn = await Conn.open(port, timeout=args.timeout, source=WEB_ADDRESS)
    except (OSError, TimeoutError) as exc:
        return f"connect: {failure(exc)}", 0.0, 0, 0
    local = conn.local_port
    finished: list[float] = []
    answer = asyncio.create_task(conn.response(timeout=stop_at - started + args.slow_grace + args.timeout))
    answer.add_done_callback(lambda _: finished.append(time.monotonic()))
    sent = 0
    try:
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": _cookie_header(cookies)}
        data = conn.head("POST", "/referrals/new", headers, len(body))
        # Headers and the first bytes now, then `slow_rate` bytes a second: bounded by the body's length
        # and by stop_at.
        while sent < len(body) and time.monotonic() < stop_at and not answer.done():
            piece = body[sent:sent + args.slow_rate]
            try:
                await conn.send(data + piece, args.timeout)
            except (OSError, TimeoutError):
                break
            sent += len(piece)
            data = b""
            await asyncio.wait({answer}, timeout=min(1.0, max(0.0, stop_at - time.monotonic())))
        await asyncio.wait({answer}, timeout=args.slow_grace)
        if not answer.done():
            answer.cancel()
            return "no answer by the end (closed by the bench)", time.monotonic() - started, sent, local
        try:
            return f"HTTP {answer.result().status}", finished[0] - started, sent, local
        except (OSError, asyncio.IncompleteReadError, TimeoutError) as exc:
            return failure(exc), finished[0] - started, sent, local
    finally:
        if not answer.done():
            answer.cancel()
        conn.close()


async def slow_bodies(server: Server, args: argparse.Namespace) -> None:
    port, timeout = server.port, args.timeout
    print(f"\n2. Slow bodies: {args.slow} signed-in POST /referrals/new (Content-Length {args.slow_body}, "
          f"{args.slow_rate} bytes/s) for {args.slow_seconds:g} s; meanwhile one client reads /services and "
          f"/api/v1/services serially", flush=True)
    cookies, csrf = await web_sign_in(port, WEB_ACCOUNT, DEMO_PASSWORD, timeout)
    print(f"   signed in through the web form as {WEB_ACCOUNT} from {WEB_ADDRESS}")
    latencies, errors = await read_catalogue(port, args.baseline_seconds, args.reader_max, timeout)
    print(f"   reader alone ({args.baseline_seconds:g} s): {len(latencies)} requests, {sum(errors.values())} errors; "
          f"{_ms(latencies)}", flush=True)

    stop_at = time.monotonic() + args.slow_seconds
    posts = [asyncio.create_task(slow_post(port, cookies, csrf, n, args, stop_at)) for n in range(args.slow)]
    await asyncio.sleep(min(1.0, args.slow_seconds / 10))  # let every slow post get its headers in
    latencies, errors = await read_catalogue(port, stop_at - time.monotonic(), args.reader_max, timeout)
    results = await asyncio.gather(*posts)
    ok = errors.total() == 0 and latencies and _pct(latencies, .99) < 500
    print(f"   reader during the slow posts: {len(latencies)} requests, {errors.total()} errors "
          f"(non-2xx or connection errors); {_ms(latencies)}  (target: p99 < 500 ms, 0 errors) -> "
          f"{'PASS' if ok else 'FAIL'}")
    if errors:
        print(f"     errors: {_counts(errors)}")
    by_outcome: dict[str, list[tuple[float, int]]] = {}
    for outcome, when, sent, _ in results:
        by_outcome.setdefault(outcome, []).append((when, sent))
    print("   what the slow posts finally got:")
    for outcome, items in sorted(by_outcome.items(), key=lambda kv: -len(kv[1])):
        whens, sents = [w for w, _ in items], [s for _, s in items]
        print(f"     {len(items):3} x {outcome}, after {min(whens):.1f}-{max(whens):.1f} s, "
              f"{min(sents)}-{max(sents)} of {args.slow_body} body bytes sent")
    await asyncio.sleep(0.5)  # let the access log catch up
    logged = Counter(server.logged_status(local) or "nothing" for *_, local in results)
    print(f"     uvicorn's access log for those connections: {_counts(logged)}")
    recovered = await wait_ready(server, args.recover_seconds)
    print(f"   server answering again {recovered:.1f} s after the slow posts ended" if recovered is not None else
          f"   server NOT answering GET /api/v1/providers {args.recover_seconds:g} s after the slow posts ended")
    print(f"   server log: {log_summary(server.new_log())}", flush=True)


# -- 3. huge requests ----------------------------------------------------------------------------

def _memory(pids: list[int]) -> dict[int, dict[str, int]]:
    return {pid: _proc_status(pid) for pid in pids}


def _reset_peak(pids: list[int]) -> bool:
    """Reset VmHWM to the current RSS (writing 5 to /proc/<pid>/clear_refs, Linux >= 4.0)."""
    try:
        for pid in pids:
            with open(f"/proc/{pid}/clear_refs", "w") as f:
                f.write("5")
        return True
    except OSError:
        return False


async def huge_upload(port: int, path: str, size: int, chunked: bool, args: argparse.Namespace) -> tuple[str, float, int]:
    """Stream `size` bytes of JSON to `path` in 1 MiB pieces while watching for an answer; returns the
    outcome, the seconds until it, and the bytes sent by then."""
    piece = b"a" * MIB
    opening, closing = b'{"padding": "', b'"}'
    conn = await Conn.open(port, timeout=args.timeout)
    local = conn.local_port
    started = time.monotonic()
    stop_at = started + args.huge_seconds
    finished: list[tuple[float, int]] = []
    sent = 0
    answer = asyncio.create_task(conn.response(timeout=args.huge_seconds + args.timeout))
    answer.add_done_callback(lambda _: finished.append((time.monotonic(), sent)))
    try:
        headers = {"Content-Type": "application/json"}
        if chunked:
            headers["Transfer-Encoding"] = "chunked"
        head = conn.head("POST", path, headers, None if chunked else size)
        frame = (lambda data: b"%x\r\n%s\r\n" % (len(data), data)) if chunked else (lambda data: data)
        await conn.send(head, args.timeout)
        for _ in range(size // MIB + 2):  # bounded by the size, and by stop_at below
            if sent >= size or answer.done() or time.monotonic() > stop_at:
                break
            data = piece[: min(MIB, size - sent)]
            if sent == 0:
                data = opening + data[len(opening):]
            if sent + len(data) >= size:
                data = data[: len(data) - len(closing)] + closing
            try:
                await conn.send(frame(data), args.timeout)
            except (OSError, TimeoutError):
                break
            sent += len(data)
        if chunked and sent >= size and not answer.done():
            try:
                await conn.send(b"0\r\n\r\n", args.timeout)
            except (OSError, TimeoutError):
                pass
        await asyncio.wait({answer}, timeout=max(0.0, stop_at - time.monotonic()) + args.timeout)
        if not answer.done():
            return "no answer (closed by the bench)", time.monotonic() - started, sent, local
        when, by_then = finished[0]
        try:
            return f"HTTP {answer.result().status}", when - started, by_then, local
        except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
            return failure(exc), when - started, by_then, local
    finally:
        if not answer.done():
            answer.cancel()
        conn.close()


async def huge_header(port: int, size: int, args: argparse.Namespace) -> tuple[str, float, None, int]:
    conn = await Conn.open(port, timeout=args.timeout)
    started = time.monotonic()
    try:
        await conn.send(conn.head("GET", "/api/v1/providers", {"X-Padding": "a" * size}), args.timeout)
        return f"HTTP {(await conn.response(args.timeout)).status}", time.monotonic() - started, None, conn.local_port
    except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
        return failure(exc), time.monotonic() - started, None, conn.local_port
    finally:
        conn.close()


async def huge(server: Server, args: argparse.Namespace) -> None:
    size = args.huge_mib * MIB
    pids = server.worker_pids()
    print(f"\n3. Huge requests, anonymous; RSS of the worker process{'es' if len(pids) > 1 else ''} "
          f"{', '.join(map(str, pids))} from /proc/<pid>/status", flush=True)

    async def probe(label: str, target: str, run) -> None:  # type: ignore[no-untyped-def]
        before = _memory(pids)
        exact_peak = _reset_peak(pids)
        sampled = {pid: m["VmRSS"] for pid, m in before.items()}

        async def sample() -> None:  # the peak when clear_refs is not allowed; cancelled when the probe ends
            for _ in range(int((args.huge_seconds + 3 * args.timeout) / 0.02)):
                for pid in pids:
                    try:
                        sampled[pid] = max(sampled[pid], _proc_status(pid)["VmRSS"])
                    except (FileNotFoundError, ProcessLookupError):
                        pass
                await asyncio.sleep(0.02)

        sampler = asyncio.create_task(sample())
        try:
            outcome, seconds, sent, local = await run()
        finally:
            sampler.cancel()
        await asyncio.sleep(0.5)
        logged = server.logged_status(local)
        alive = [pid for pid in pids if os.path.exists(f"/proc/{pid}")]
        after = _memory(alive)
        rss_before = sum(m["VmRSS"] for m in before.values()) / MIB
        rss_after = sum(m["VmRSS"] for m in after.values()) / MIB
        peak = sum((m["VmHWM"] if exact_peak else sampled[pid]) for pid, m in after.items()) / MIB
        growth = rss_after - rss_before
        sent_text = f", {sent / MIB:.1f} MiB sent by then" if sent is not None else ""
        print(f"   {label}: {outcome} after {seconds:.2f} s{sent_text}; uvicorn's access log: "
              f"{logged or 'no line'}  (target {target})")
        print(f"     worker RSS {rss_before:.1f} -> {rss_after:.1f} MiB: growth {growth:+.1f} MiB (target < 20); "
              f"peak during the request {peak:.1f} MiB ({peak - rss_before:+.1f}"
              f"{'' if exact_peak else ', sampled every 20 ms'})"
              + ("" if len(alive) == len(pids) else f"; WORKER GONE: {sorted(set(pids) - set(alive))}"), flush=True)

    path = args.huge_path
    probes = [
        (f"{args.huge_mib} MiB body, Content-Length, POST {path}", "413",
         lambda: huge_upload(server.port, path, size, False, args)),
        (f"{args.huge_mib} MiB body, chunked (no Content-Length), POST {path}", "413",
         lambda: huge_upload(server.port, path, size, True, args)),
        (f"{args.header_kib} KiB header, GET /api/v1/providers", "431",
         lambda: huge_header(server.port, args.header_kib * 1024, args)),
    ]
    for label, target, attack in probes:
        await probe(label, target, attack)
        if not await still_serving(server, args):
            break
    now = server.worker_pids()
    print(f"   worker processes afterwards: {', '.join(map(str, now))}"
          + ("" if now == pids else " (CHANGED: a worker died or was restarted)"))
    print(f"   server log: {log_summary(server.new_log())}", flush=True)


# -- main ----------------------------------------------------------------------------------------

async def run(args: argparse.Namespace, url: str, label: str, folder: Path, servers: list[Server]) -> None:
    """Each scenario against a server of its own (same database), so that one that leaves the server
    stuck, or its memory grown, does not spoil the next."""
    print(f"ratecard abuse bench: {label}; each scenario on a fresh `ratecard serve --workers {args.workers}` "
          f"on {HOST}; {os.cpu_count()} cores", flush=True)
    scenarios = {"1": lockout, "2": slow_bodies, "3": huge}
    for number in args.scenarios.replace(" ", "").split(","):
        server = Server(url, args.workers, folder / f"server-{number}.log")
        servers.append(server)
        try:
            took = await wait_ready(server, 30)
            if took is None:
                raise SystemExit(f"the server did not start within 30 s:\n{server.new_log()[-3000:]}")
            server.new_log()  # start-up lines
            await scenarios[number](server, args)
            print(f"   (server pid {server.process.pid}, port {server.port}, up in {took:.1f} s)", end="")
        finally:
            killed = server.stop()
        print("; it did not stop on SIGTERM within 10 s: killed" if killed else "", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=os.environ.get("RATECARD_ABUSE_DATABASE_URL"),
                        help="PostgreSQL admin URL (a database is created beside it and dropped); default SQLite "
                             "in a temporary folder (env RATECARD_ABUSE_DATABASE_URL)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--scenarios", default="1,2,3", help="which to run, e.g. 1,3")
    parser.add_argument("--timeout", type=float, default=10, help="seconds for each socket operation")
    parser.add_argument("--race", type=int, default=60, help="wrong passwords at once")
    parser.add_argument("--mixed", type=int, default=40, help="wrong passwords sent with one right one")
    parser.add_argument("--race-timeout", type=float, default=40,
                        help="seconds for each sign-in answer (longer than a 30 s database-pool wait)")
    parser.add_argument("--forwarded", type=int, default=60, help="wrong passwords with rotating X-Forwarded-For")
    parser.add_argument("--other-address", default="127.0.0.2", help="loopback address of the other client")
    parser.add_argument("--slow", type=int, default=40, help="slow-body connections")
    parser.add_argument("--slow-seconds", type=float, default=30)
    parser.add_argument("--slow-body", type=int, default=4096, help="Content-Length of each slow post")
    parser.add_argument("--slow-rate", type=int, default=4, help="body bytes a second per slow post")
    parser.add_argument("--slow-grace", type=float, default=2, help="seconds to wait for answers after the trickle")
    parser.add_argument("--baseline-seconds", type=float, default=3, help="reader alone, before the slow posts")
    parser.add_argument("--reader-max", type=int, default=200_000, help="most requests the reader makes per phase")
    parser.add_argument("--huge-mib", type=int, default=200, help="size of the huge bodies")
    parser.add_argument("--huge-seconds", type=float, default=60, help="longest time for each huge upload")
    parser.add_argument("--huge-path", default="/api/v1/match")
    parser.add_argument("--header-kib", type=int, default=1024, help="size of the huge header")
    parser.add_argument("--recover-seconds", type=float, default=60,
                        help="how long to wait for the server to answer again after an attack")
    args = parser.parse_args()
    if not set(args.scenarios.replace(" ", "").split(",")) <= {"1", "2", "3"}:
        parser.error("--scenarios takes numbers from 1,2,3")
    servers: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="ratecard-abuse-") as folder:
        with database(args.database, Path(folder)) as (url, label):
            try:
                uvloop.run(run(args, url, label, Path(folder), servers))
            finally:
                for server in servers:
                    server.stop()


if __name__ == "__main__":
    main()
