"""The `ratecard` command run in-process on its own SQLite file, for the CLI tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from ratecard import db
from ratecard.cli import app
from ratecard.config import get_settings


@contextmanager
def cli_on(folder: Path, *, setup: bool = False) -> Iterator[Callable[..., Result]]:
    """`invoke(*args)` runs the CLI against a new SQLite database in `folder` (its rulebook snapshots
    there too), after `ratecard setup` when `setup`; the settings are put back afterwards."""
    patch = pytest.MonkeyPatch()
    patch.setenv("DATABASE_URL", f"sqlite:///{folder / 'cli.db'}")
    patch.setenv("RATECARD_CACHE_DIR", str(folder / "cache"))
    get_settings.cache_clear()
    patch.setattr(db, "_default", None)
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(app, list(args), catch_exceptions=False)

    try:
        if setup:
            assert invoke("setup").exit_code == 0
        yield invoke
    finally:
        patch.undo()
        get_settings.cache_clear()
