"""The real server (uvicorn with ratecard's protocol) on loopback: a huge request head is refused early."""

from __future__ import annotations

import os
import socket

import pytest

from tests.servers import serving


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'x.db'}"}
    with serving(env, folder / "server.log", seconds=20) as port:
        yield port


def _exchange(port: int, head: bytes, *, chunk: int = 64 * 1024, seconds: float = 10, sent: list[int] | None = None) -> bytes:
    """Send `head` in chunks (stopping if the server closes), then read the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=seconds) as conn:
        done = 0
        try:
            for start in range(0, len(head), chunk):
                conn.sendall(head[start : start + chunk])
                done = start + chunk
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused mid-way: what it answered is still to be read
        if sent is not None:
            sent.append(done)
        answer = b""
        try:
            while part := conn.recv(65536):
                answer += part
        except ConnectionResetError:
            pass
        return answer


def test_it_serves_an_ordinary_request(server):
    answer = _exchange(server, b"GET /docs HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200")


def test_it_refuses_a_huge_header_before_reading_it_all(server):
    huge = b"GET /docs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"a" * (32 * 1024 * 1024)
    sent: list[int] = []
    answer = _exchange(server, huge, sent=sent)
    assert answer.startswith(b"HTTP/1.1 431"), answer[:100]
    assert sent[0] < 16 * 1024 * 1024  # it hung up long before the 32 MiB were all sent
    # ...and the server still answers others.
    assert _exchange(server, b"GET /docs HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").startswith(b"HTTP/1.1 200")


def test_it_refuses_a_header_just_over_the_limit_at_the_edge(server):
    over = b"GET /docs HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Padding: " + b"a" * (20 * 1024) + b"\r\n\r\n"
    assert _exchange(server, over).startswith(b"HTTP/1.1 431")
