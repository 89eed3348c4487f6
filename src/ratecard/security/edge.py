"""The edge of the application: what a request may send, read in full before any route runs.

One ASGI middleware, in front of every route:
- headers larger than `max_header_bytes` get 431, a body larger than `max_body_bytes` 413 (at once
  when Content-Length says so, else as soon as the count passes it: the rest is never kept);
- the whole body is read *before* the route runs, within `body_timeout` seconds (408 beyond), so
  no database transaction (on SQLite, the write lock) is ever held while a slow client trickles
  its body in;
- text may not carry the NUL character anywhere (path, query, any body: ratecard takes no binary
  uploads): PostgreSQL cannot store it, and no name or search needs it, so it is a 422 like any
  invalid field;
- every answer carries the security headers (`security.headers`).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from ratecard.security.headers import SecurityHeaders

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# An unescaped \u0000 in JSON text: preceded by an even number of backslashes (none counts).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)


class RequestRefused(Exception):
    """A request the edge answers itself: status, a message in plain words, and the field at fault."""

    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


class EdgeGuard:
    """Limits sizes and time, reads the body first, refuses NUL characters, adds security headers."""

    def __init__(
        self, app: ASGIApp, *, max_body_bytes: int, max_header_bytes: int, body_timeout: float,
        headers: SecurityHeaders,
    ) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.max_header = max_header_bytes
        self.body_timeout = body_timeout
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = self.headers.wrap(scope, send)
        try:
            self._check_head(scope)
            body = await self._read_body(scope, receive)
            _check_body(scope, body)
        except RequestRefused as refused:
            await _answer(scope, send, refused)
            return
        await self.app(scope, _replay(body, receive), send)

    def _check_head(self, scope: Scope) -> None:
        size = sum(len(name) + len(value) + 4 for name, value in scope["headers"])
        if size > self.max_header:
            raise RequestRefused(431, f"The request's headers are too large: at most {self.max_header // 1024} KB.")
        if "\x00" in scope["path"]:
            raise RequestRefused(422, "The address must not contain the NUL character.", "path")
        query = scope.get("query_string", b"")
        if b"\x00" in query or b"%00" in query:
            raise RequestRefused(422, "The query must not contain the NUL character.", "query")

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes:
        declared = _header(scope, b"content-length")
        if declared is not None:
            if not (declared.isascii() and declared.isdigit()):
                raise RequestRefused(400, "The Content-Length header must be a whole number.")
            if int(declared) > self.max_body:
                raise RequestRefused(413, _too_large(self.max_body))
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.body_timeout):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        raise RequestRefused(400, "The request ended before its body arrived.")
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > self.max_body:
                        raise RequestRefused(413, _too_large(self.max_body))
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            raise RequestRefused(
                408, f"The request's body took longer than {self.body_timeout:g} seconds to arrive. Try again."
            ) from None
        return b"".join(chunks)


def _too_large(limit: int) -> str:
    return f"The request is too large: at most {limit // 1024} KB can be sent."


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1").strip()
    return None


def _check_body(scope: Scope, body: bytes) -> None:
    if not body:
        return
    kind = (_header(scope, b"content-type") or "").lower().encode()
    if kind.startswith(b"application/json"):
        found = b"\x00" in body or _JSON_NUL.search(body) is not None
    elif kind.startswith(b"application/x-www-form-urlencoded"):
        found = b"\x00" in body or b"%00" in body
    else:
        found = b"\x00" in body
    if found:
        raise RequestRefused(422, "Text must not contain the NUL character.", "body")


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands over the body already read, then waits on the real one (for disconnects)."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _answer(scope: Scope, send: Send, refused: RequestRefused) -> None:
    if scope["path"].startswith("/api/"):
        if refused.status == 422:
            payload: dict[str, Any] = {
                "detail": "Invalid request", "errors": [{"field": refused.field or "body", "message": refused.message}],
            }
        else:
            payload = {"detail": refused.message}
        body, kind = json.dumps(payload).encode(), b"application/json"
    else:
        # No templates out here: a plain page that still says what happened in plain words.
        text = refused.message.replace("&", "&amp;").replace("<", "&lt;")
        body = (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>There is a problem – ratecard</title>'
            f'</head><body><main><h1>There is a problem</h1><p>{text}</p><p><a href="/">Go to the start page</a></p>'
            "</main></body></html>"
        ).encode()
        kind = b"text/html; charset=utf-8"
    status = 400 if refused.status == 422 and not scope["path"].startswith("/api/") else refused.status
    headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
    if refused.status in (408, 413, 431, 400):
        headers.append((b"connection", b"close"))  # the rest of what it sends is not read
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
