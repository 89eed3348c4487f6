"""Racing clients for the concurrency tests: many threads start one attempt each at the same moment."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from ratecard.errors import Conflict


def race(attempt: Callable[[int], object], attempts: int) -> list[int]:
    """Run `attempt(n)` for n in range(`attempts`) in as many threads released together; each result is
    200 when it returned and 409 when it lost with a Conflict (anything else fails the test). Bounded:
    the start waits at most 30 s and the whole race at most 120 s."""
    barrier = threading.Barrier(attempts, timeout=30)

    def one(n: int) -> int:
        barrier.wait()  # everyone starts together
        try:
            attempt(n)
            return 200
        except Conflict:
            return 409

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        return list(pool.map(one, range(attempts), timeout=120))
