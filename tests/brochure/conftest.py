"""Each test starts with no built PDF kept: the cache is per process, the databases are per test."""

from __future__ import annotations

import pytest

from ratecard.brochure import cache


@pytest.fixture(autouse=True)
def _no_built_pdfs():
    cache.clear()
    yield
    cache.clear()
