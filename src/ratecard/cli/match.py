"""`ratecard match --profile F`, answered from the rulebook snapshot before the rest of the CLI loads.

The typer app, rich, the settings and SQLAlchemy take most of a command's start, and a match needs
none of them while the snapshot of the catalogue is current (eligibility.snapshot). `quick_match`
answers when the command line is the plain form and the snapshot will do; otherwise it answers None
and the typer app runs the command in full, reading the database. Both read the profile with
`read_profile` and decide with the same engine, so they print the same answer.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ratecard.eligibility.engine import ServiceRules
    from ratecard.eligibility.profile import Profile

# ratecard.config's default DATABASE_URL (a test holds them equal): importing the settings costs the
# command a sixth of its start.
REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_DATABASE_URL = f"sqlite:///{REPO_ROOT / 'var' / 'ratecard.db'}"

# How the CLI says an error, on standard error (rich markup).
ERROR = "[bold red]error:[/] {message}"


class ProfileFileError(Exception):
    """A profile file that cannot be read or is not a valid profile: the message says which and why."""


def read_profile(path: Path) -> Profile:
    """The profile in a JSON (or YAML) file, or ProfileFileError saying what is wrong with it."""
    import yaml
    from pydantic import ValidationError

    from ratecard.eligibility.profile import Profile

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return Profile.model_validate(data)
    except OSError as exc:
        raise ProfileFileError(f"cannot read {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ProfileFileError(f"{path} is not JSON or YAML: it is not UTF-8 text") from exc
    except yaml.YAMLError as exc:
        raise ProfileFileError(f"{path} is not JSON or YAML: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'profile'}: {e['msg']}" for e in exc.errors())
        raise ProfileFileError(f"{path}: {problems}") from exc


def rulebook(database_url: str) -> list[ServiceRules]:
    """The rulebook from the snapshot when it is current, else from the database (and written as the snapshot)."""
    from ratecard.eligibility import snapshot

    book = snapshot.load(database_url)
    if book is None:
        from ratecard.db import default_sessions, transaction
        from ratecard.eligibility import service

        with transaction(default_sessions()) as session:
            book = service.write_snapshot(session=session, database_url=database_url)
    return book


def _options(args: list[str]) -> tuple[Path, str] | None:
    # The plain form only: --profile F and perhaps --format X, each once. Anything else (help, a
    # mistake) is the typer app's to answer.
    found: dict[str, str] = {}
    rest = iter(args)
    for arg in rest:
        name, eq, value = arg.partition("=")
        if name not in ("--profile", "--format") or name in found:
            return None
        if not eq:
            value = next(rest, "")
        if not value or value.startswith("-"):
            return None
        found[name] = value
    if "--profile" not in found:
        return None
    return Path(found["--profile"]), found.get("--format", "json")


def database_url() -> str | None:
    """DATABASE_URL as ratecard.config reads it, without loading the settings; None when only they can say."""
    # The settings read environment names in any case; and SQL echo prints on standard output.
    names = {name for name in os.environ if name.lower() in ("database_url", "ratecard_sql_echo")}
    if names - {"DATABASE_URL"}:
        return None
    return os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)


def quick_match(args: list[str]) -> int | None:
    """Answer `match --profile F [--format json]` from the snapshot and give the exit code; None: run the typer app."""
    if args[:1] != ["match"] or (options := _options(args[1:])) is None:
        return None
    path, format = options
    url = database_url()
    if format != "json" or url is None:
        return None
    from ratecard.eligibility import snapshot

    book = snapshot.load(url)
    if book is None:
        return None
    try:
        person = read_profile(path)
    except ProfileFileError as exc:
        from rich.console import Console

        Console(stderr=True).print(ERROR.format(message=exc), highlight=False)
        return 2
    from ratecard.eligibility.rulebook import decide_all, matches_text

    sys.stdout.write(matches_text(decide_all(book, person)) + "\n")
    sys.stdout.flush()
    return 0
