"""`ratecard serve` as a real process on a free loopback port, for tests that need a real server."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(env: dict[str, str], log: Path, *, seconds: float = 30) -> Iterator[int]:
    """Run `ratecard serve --workers 1` with `env` until the block ends; yields its port."""
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "ratecard.cli", "serve", "--port", str(port), "--workers", "1"],
                                   env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                pytest.fail(f"ratecard serve did not start within {seconds:g} s: {log.read_text()}")
            yield port
        finally:
            process.terminate()
            process.wait(timeout=10)
