"""The CLI's snapshot of the rulebook: what `ratecard match` needs of the catalogue, kept as a file.

Starting SQLAlchemy's ORM costs a command line more than deciding every service does, so the
`ratecard match` command reads the rulebook's records (eligibility.rulebook) from a JSON file in the
cache directory (RATECARD_CACHE_DIR, default var/cache) and builds the rulebook from them exactly as
the database path does. The file is written after a catalogue import and whenever a match had to read
the database, and is used only while it is current:

- it is for this database: the file is named by, and records, a digest of the database URL (never
  the URL itself, which may hold a password);
- it was written by this code: a digest of the modules that write it and of the catalogue's models;
- the database still has its stamp: the Alembic revision and the catalogue version (the latest
  import that changed anything, and the number of listed services: what the web's compiled rulebooks
  key on), read with the driver alone (sqlite3, or psycopg) rather than the ORM.

Anything else (no file, a damaged one, another stamp, a database that cannot be read this way) makes
`load` answer None, and the caller reads the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ratecard import places
from ratecard.eligibility.engine import ServiceRules
from ratecard.eligibility.rulebook import Record, service_rules_from_records

# Bumped when the file's layout changes.
FORMAT = 1
# Snapshots kept in the cache directory, the most recently written: one per database used lately.
KEEP = 8

# What the stamp is read from; the same statements through the ORM's session (when writing) and
# through the bare driver (when reading), so the two give the same text.
STAMP_QUERIES = (
    "SELECT version_num FROM alembic_version ORDER BY version_num",
    "SELECT max(imported_at) FROM providers",
    "SELECT count(*) FROM services WHERE listed",
)

_SRC = Path(__file__).resolve().parents[1]
# The code a snapshot's content depends on: how records are taken from the rows, and the rows' shape.
_CODE = (_SRC / "eligibility" / "snapshot.py", _SRC / "eligibility" / "rulebook.py", _SRC / "catalogue" / "models.py")


def _plain(value: object) -> str:
    # PostgreSQL gives timestamps in the connection's time zone: the same instant must read the same.
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).isoformat()
    return str(value)


def stamp_of(run: Callable[[str], Sequence[Sequence[Any]]]) -> str:
    """The database's stamp, from `run` (a statement in, its rows out)."""
    return json.dumps([[[_plain(v) for v in row] for row in run(sql)] for sql in STAMP_QUERIES])


def _target(database_url: str) -> tuple[str, str] | None:
    """(dialect, the rest of the URL) for the URLs the bare drivers can open, else None."""
    scheme, sep, rest = database_url.partition("://")
    dialect = scheme.split("+", 1)[0]
    if not sep or scheme not in ("sqlite", "sqlite+pysqlite", "postgresql", "postgresql+psycopg"):
        return None
    if dialect == "sqlite" and (not rest.startswith("/") or rest in ("/", "/:memory:") or "?" in rest):
        return None  # in memory, or with driver options: leave it to SQLAlchemy
    return dialect, rest


def _rows(connection: Any, sql: str) -> list[tuple]:
    cursor = connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def database_stamp(database_url: str) -> str | None:
    """The stamp of the database at `database_url`, read with its bare driver; None if it cannot be read so."""
    target = _target(database_url)
    if target is None:
        return None
    dialect, rest = target
    try:
        if dialect == "sqlite":
            import sqlite3

            # SQLAlchemy's sqlite:///path: the path follows the third slash. Read-only: never creates a file.
            connection = sqlite3.connect(f"file:{quote(rest[1:])}?mode=ro", uri=True)
        else:
            import psycopg

            connection = psycopg.connect(f"postgresql://{rest}", autocommit=True, connect_timeout=5)
        try:
            return stamp_of(lambda sql: _rows(connection, sql))
        finally:
            connection.close()
    except Exception:  # noqa: BLE001 - any failure (no table, no server, no driver) means: read the database instead
        return None


def _database_key(database_url: str) -> str | None:
    target = _target(database_url)
    return None if target is None else hashlib.sha256("://".join(target).encode()).hexdigest()[:24]


def _code_digest() -> str:
    digest = hashlib.sha256(str(FORMAT).encode())
    for path in _CODE:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def snapshot_path(database_url: str) -> Path | None:
    """Where the snapshot of this database is kept, or None when there is none to keep."""
    folder, key = places.cache_dir(), _database_key(database_url)
    return None if folder is None or key is None else folder / f"rulebook-{key}.json"


def save(database_url: str, *, stamp: str, records: list[Record]) -> Path | None:
    """Write the snapshot of `records`, read from the database under `stamp`; where it went (None: not kept)."""
    path = snapshot_path(database_url)
    if path is None:
        return None
    data = {"format": FORMAT, "code": _code_digest(), "database": _database_key(database_url), "stamp": stamp,
            "services": records}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, path)  # atomic: a concurrent reader sees the old file or the whole new one
    except OSError:
        return None  # a read-only checkout still works, reading the database each time
    _prune(path.parent)
    return path


def _prune(folder: Path) -> None:
    # Databases come and go (every test run makes some): keep the snapshots of the latest few.
    def written(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except OSError:
            return 0.0

    for old in sorted(folder.glob("rulebook-*.json"), key=written, reverse=True)[KEEP:]:
        try:
            old.unlink()
        except OSError:
            pass  # gone already, or not ours to remove


def load(database_url: str) -> list[ServiceRules] | None:
    """The rulebook from the snapshot of this database when it is current, else None (read the database)."""
    path = snapshot_path(database_url)
    if path is None:
        return None
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("database") != _database_key(database_url):
        return None
    if data.get("code") != _code_digest():
        return None
    stamp = database_stamp(database_url)
    if stamp is None or stamp != data.get("stamp"):
        return None
    try:
        return service_rules_from_records(data["services"])
    except (KeyError, TypeError, ValueError, AttributeError):
        return None  # our own file, but damaged: rebuilt from the database
