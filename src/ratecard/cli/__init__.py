"""The `ratecard` command. `ratecard match --profile F` answers from the rulebook snapshot without
loading the typer app, SQLAlchemy or rich (ratecard.cli.match); everything else runs the typer app
in ratecard.cli.commands, which is also `ratecard.cli.app`."""

from __future__ import annotations

import sys
from typing import Any


def __getattr__(name: str) -> Any:
    # `from ratecard.cli import app` loads the typer app only when asked for it.
    if name == "app":
        from ratecard.cli.commands import app

        return app
    raise AttributeError(f"module 'ratecard.cli' has no attribute {name!r}")


def main() -> None:  # pragma: no cover - console entry point (tests run it as `python -m ratecard.cli`)
    """Run the command: a match the snapshot can answer is answered at once, anything else by the typer app."""
    from ratecard.cli.match import quick_match

    code = quick_match(sys.argv[1:])
    if code is not None:
        raise SystemExit(code)
    from ratecard.cli.commands import run

    run()
