"""Serving over HTTP: uvicorn's httptools protocol with a bound on the request head.

httptools keeps a request line and headers in memory until they are complete, however large
(100 MiB of header held a worker for over ten seconds and kept the memory), so the edge's 431
(`security.edge`) comes too late to protect the worker. This protocol counts what arrives before
the headers are complete and answers 431 and closes the connection once it passes the bound.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# The edge refuses heads over RATECARD_MAX_HEADER_BYTES exactly; the parser stops reading at a few
# times that (what arrives in a read may carry the start of the body too).
HEAD_BOUND_FACTOR = 4


def head_bound() -> int:
    """How many bytes a request head may take before the connection is refused."""
    from ratecard.config import get_settings

    return get_settings().max_header_bytes * HEAD_BOUND_FACTOR


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """HttpToolsProtocol that answers 431 once a request's head passes `head_bound()` bytes."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._head_limit = head_bound()
        self._head_bytes = 0
        self._in_head = True
        super().connection_made(transport)

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._in_head, self._head_bytes = True, 0  # the next request on this connection starts its head
        super().on_message_complete()

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            self._head_bytes += len(data)
            if self._head_bytes > self._head_limit:
                self._refuse_head()
                return
        super().data_received(data)

    def _refuse_head(self) -> None:
        message = b"Request headers too large."
        self.transport.write(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n"
            b"content-length: " + str(len(message)).encode() + b"\r\nconnection: close\r\n\r\n" + message
        )
        self.transport.close()
        self._in_head = False


# An import path, not the class: `--workers` start processes that import it themselves.
PROTOCOL = f"{__name__}:BoundedHttpToolsProtocol"
