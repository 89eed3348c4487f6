"""The edge: sizes, slow bodies, NUL characters and ids out of range get clear 4xx answers and change nothing."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from ratecard.config import Settings
from ratecard.referrals.models import Person, Referral
from ratecard.security.edge import EdgeGuard
from ratecard.security.headers import SecurityHeaders
from ratecard.web_app import create_app
from tests.referrals import factories as f


def _counts(world):
    with world["sessions"]() as s:
        return s.scalar(select(func.count()).select_from(Referral)), s.scalar(select(func.count()).select_from(Person))


@pytest.mark.parametrize(
    ("method", "path", "extra"),
    [
        ("post", "/api/v1/tokens", {"json": {"email": "a\u0000@example.test", "password": "x"}}),
        ("get", "/api/v1/services", {"params": {"q": "accom\u0000modation"}}),
        ("get", "/api/v1/services", {"params": {"provider": "\u0000"}}),
        ("get", "/api/v1/services/cln-%00", {}),
        ("get", "/api/v1/providers/%00cln", {}),
        ("get", "/api/v1/referrals", {"params": {"q": "\u0000"}}),
        ("post", "/api/v1/referrals", {"json": {"person": {"crn": "X123456", "name": "Jo\u0000"}, "service_id": "cln-conflict-resolution"}}),
        ("post", "/api/v1/match", {"json": {"area": "Lanc\u0000"}}),
    ],
)
def test_it_refuses_nul_characters_with_a_422_on_every_backend(world, method, path, extra):
    before = _counts(world)
    response = getattr(world["client"], method)(path, headers=world["h"]["pp"], **extra)
    assert response.status_code == 422, response.text
    assert response.json()["detail"] == "Invalid request" and "NUL" in response.json()["errors"][0]["message"]
    assert _counts(world) == before


def test_it_refuses_nul_in_a_web_form_with_a_page_that_says_so(world):
    client = world["client"]
    response = client.post("/login", data={"email": "a\u0000b", "password": "x", "csrf_token": "t"})
    assert response.status_code == 400 and "NUL" in response.text


@pytest.mark.parametrize("value", [2**31, 2**63, 10**30])
def test_it_answers_ids_beyond_the_integer_range_with_422(world, value):
    client, pp = world["client"], world["h"]["pp"]
    for response in (
        client.get(f"/api/v1/referrals/{value}", headers=pp),
        client.post(f"/api/v1/referrals/{value}/submit", json={}, headers=pp),
        client.post(f"/api/v1/referrals/{value}/registration", headers=world["h"]["hub"]),
    ):
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == "referral_id"


def test_it_refuses_a_caseworker_id_beyond_the_integer_range(world):
    referral = world["client"].post("/api/v1/referrals", json=f.referral_in().model_dump(mode="json"), headers=world["h"]["pp"])
    path = f"/api/v1/referrals/{referral.json()['id']}/allocate"
    response = world["client"].post(path, json={"caseworker_id": 2**63}, headers=world["h"]["hub"])
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "caseworker_id"


@pytest.mark.parametrize("page", ["0", "-1", "99999999999999999999", "abc"])
def test_it_bounds_web_page_numbers(world, page):
    response = world["client"].get("/services", params={"page": page})
    assert response.status_code == 400 and "page" in response.text


def test_it_answers_a_body_over_the_limit_with_413_and_never_reads_it(world):
    settings = Settings()
    body = b"{" + b" " * settings.max_body_bytes + b"}"
    response = world["client"].post("/api/v1/match", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413 and "too large" in response.json()["detail"]


def test_it_answers_headers_over_the_limit_with_431(world):
    response = world["client"].get("/api/v1/providers", headers={"x-padding": "a" * (Settings().max_header_bytes + 1)})
    assert response.status_code == 431


def test_it_answers_malformed_json_in_plain_words_after_checking_the_token(world):
    client = world["client"]
    bad = {"content": b"{not json", "headers": {"content-type": "application/json"}}
    assert client.post("/api/v1/referrals", **bad).status_code == 401  # who you are comes first
    response = client.post("/api/v1/referrals", content=b"{not json", headers={"content-type": "application/json", **world["h"]["pp"]})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "body", "message": "The body is not valid JSON."}]
    not_utf8 = client.post("/api/v1/match", content=b'{"area": "\xff\xfe"}', headers={"content-type": "application/json"})
    assert not_utf8.status_code == 422 and not_utf8.json()["errors"][0]["field"] == "body"


class _Recorder:
    """An app that notes when it was called and what body it saw."""

    def __init__(self) -> None:
        self.calls: list[bytes] = []

    async def __call__(self, scope, receive, send) -> None:
        message = await receive()
        self.calls.append(message["body"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def _in_own_loop(main) -> None:
    """Run coroutine function `main` on an event loop of its own thread (another test's loop, such as
    Playwright's, may be running in this one)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, main()).result(timeout=60)


def _run(guard, chunks, *, delay: float, headers=()):
    sent: list[dict] = []

    async def main():
        queue = list(chunks)

        async def receive():
            await asyncio.sleep(delay)
            body = queue.pop(0)
            return {"type": "http.request", "body": body, "more_body": bool(queue)}

        async def send(message):
            sent.append(message)

        scope = {"type": "http", "path": "/referrals/new", "query_string": b"", "headers": list(headers), "scheme": "http"}
        await asyncio.wait_for(guard(scope, receive, send), timeout=10)

    _in_own_loop(main)
    return sent


def _guard(app, **overrides):
    values = {"max_body_bytes": 1024, "max_header_bytes": 1024, "body_timeout": 0.3, "headers": SecurityHeaders(script_hashes=[])}
    return EdgeGuard(app, **(values | overrides))


def test_it_reads_the_whole_body_before_the_route_runs():
    app = _Recorder()
    sent = _run(_guard(app), [b"a=1", b"&b=2", b"&c=3"], delay=0.01)
    assert app.calls == [b"a=1&b=2&c=3"] and sent[0]["status"] == 200


def test_it_times_out_a_body_that_trickles_in_and_never_calls_the_route():
    app = _Recorder()
    sent = _run(_guard(app), [b"a"] * 100, delay=0.05)
    assert app.calls == [] and sent[0]["status"] == 408


def test_it_stops_reading_a_chunked_body_once_it_passes_the_limit():
    app = _Recorder()
    chunks = [b"x" * 600] * 50
    sent = _run(_guard(app), chunks, delay=0)
    assert app.calls == [] and sent[0]["status"] == 413
    # It stopped at the second chunk: the other 48 were never taken.


def test_it_answers_an_oversized_content_length_at_once():
    app = _Recorder()
    sent = _run(_guard(app), [b""], delay=0, headers=[(b"content-length", b"999999999")])
    assert app.calls == [] and sent[0]["status"] == 413


def test_it_refuses_a_content_length_that_is_not_a_number():
    app = _Recorder()
    sent = _run(_guard(app), [b""], delay=0, headers=[(b"content-length", "²".encode())])
    assert app.calls == [] and sent[0]["status"] == 400


def test_it_holds_no_transaction_while_a_signed_in_body_trickles_in(tmp_path):
    """On SQLite a transaction holds the write lock: a slow form post must not take it before its body is in."""
    from ratecard import migrate
    from ratecard.db import make_engine, make_sessionmaker, transaction
    from tests.clients import form_token

    url = f"sqlite:///{tmp_path / 'slow.db'}"
    engine = make_engine(url, wait_seconds=0.5)
    with engine.begin() as conn:
        migrate.upgrade(connection=conn)
    sessions = make_sessionmaker(engine)
    with transaction(sessions) as s:
        user = f.user(s)
    app = create_app(settings=Settings(database_url=url), sessions=sessions)
    from fastapi.testclient import TestClient

    client = TestClient(app)
    token = form_token(client)
    client.post("/login", data={"email": user.email, "password": f.PASSWORD, "csrf_token": token})
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    token = form_token(client, "/referrals")
    body = f"csrf_token={token}&service_id=cln-conflict-resolution".encode()
    writes: list[str] = []

    async def main():
        chunks = [body[i : i + 8] for i in range(0, len(body), 8)]

        async def receive():
            await asyncio.sleep(0.05)  # a slow client: the body takes about half a second
            if not chunks:
                return {"type": "http.disconnect"}
            part = chunks.pop(0)
            return {"type": "http.request", "body": part, "more_body": bool(chunks)}

        async def send(message):
            pass

        async def writer():
            await asyncio.sleep(0.1)  # while the body is still arriving
            with transaction(sessions) as s:  # fails with 'database is locked' if the post holds the lock
                f.user(s)
            writes.append("written")

        headers = [(b"cookie", cookie.encode()), (b"content-type", b"application/x-www-form-urlencoded"),
                   (b"content-length", str(len(body)).encode())]
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
                 "path": "/referrals/new", "raw_path": b"/referrals/new", "query_string": b"", "headers": headers,
                 "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 80), "root_path": ""}
        await asyncio.gather(app(scope, receive, send), asyncio.to_thread(lambda: asyncio.run(writer())))

    _in_own_loop(main)
    engine.dispose()
    assert writes == ["written"]
