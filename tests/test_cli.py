"""The `ratecard` command end to end on a fresh SQLite file, as a person would run it."""

from __future__ import annotations

import csv
import io
import json

import pytest

from ratecard import db
from ratecard.cli import app
from ratecard.config import get_settings
from tests.cli_runner import cli_on
from tests.paths import ESSEX, NSF


@pytest.fixture
def run(tmp_path):
    """Run the CLI against a new SQLite database in tmp_path (its snapshots in tmp_path too)."""
    with cli_on(tmp_path) as invoke:
        yield invoke


@pytest.fixture
def loaded(run):
    assert run("setup").exit_code == 0
    return run


EXPORT_KEYS = {
    "id", "provider", "name", "aliases", "kind", "category", "nsi_category", "nsi_subtypes", "delivery",
    "setting", "areas", "sessions", "session_minutes", "total_hours", "options", "prerequisites", "charges",
    "criteria_text", "source",
}


def test_it_exports_every_service_as_json_with_the_agreed_keys(loaded):
    result = loaded("catalogue", "export", "--format", "json")
    records = json.loads(result.stdout)
    assert len(records) > 100
    assert all(EXPORT_KEYS <= set(r) for r in records)
    assert len({r["id"] for r in records}) == len(records)
    option_keys = {"name", "nsi_subtype", "level", "sessions", "session_minutes", "hours"}
    assert all(option_keys <= set(o) for r in records for o in r["options"])
    assert all(set(r["source"]) == {"file", "lines"} and len(r["source"]["lines"]) == 2 for r in records)


def test_it_exports_csv_with_one_row_per_option(loaded):
    rows = list(csv.DictReader(io.StringIO(loaded("catalogue", "export", "--format", "csv").stdout)))
    records = json.loads(loaded("catalogue", "export", "--format", "json").stdout)
    assert len(rows) == sum(max(1, len(r["options"])) for r in records)
    assert {"service_id", "option", "nsi_subtype", "hours"} <= set(rows[0])


def test_it_lists_and_shows_services(loaded):
    listed = json.loads(loaded("catalogue", "list", "--q", "TSP", "--format", "json").stdout)
    assert listed and any("TSP" in r["aliases"] for r in listed)
    shown = loaded("catalogue", "show", listed[0]["id"], "--format", "json")
    assert json.loads(shown.stdout)["id"] == listed[0]["id"]


def test_it_fails_clearly_for_an_unknown_service(loaded):
    result = loaded("catalogue", "show", "nsf-nothing-here")
    assert result.exit_code == 1
    assert "No service" in result.stderr


def test_it_reports_what_an_import_found_and_needs_review(run):
    assert run("db", "upgrade").exit_code == 0
    result = run("catalogue", "import", str(NSF), str(ESSEX), "--dry-run")
    assert result.exit_code == 0
    assert "would import NSF" in result.stderr and "fields filled" in result.stderr
    assert json.loads(run("catalogue", "export").stdout) == []


def test_it_exits_non_zero_and_names_a_broken_file(run, tmp_path):
    assert run("db", "upgrade").exit_code == 0
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"\x00\x01garbage")
    result = run("catalogue", "import", str(NSF), str(broken))
    assert result.exit_code == 1
    assert "broken.txt" in result.stderr and "nothing written" in result.stderr
    assert {r["provider"] for r in json.loads(run("catalogue", "export").stdout)} == {"NSF"}


def test_it_refuses_a_malformed_database_url(monkeypatch):
    from pydantic import ValidationError

    monkeypatch.setenv("DATABASE_URL", "mysql://nope")
    get_settings.cache_clear()
    with pytest.raises(ValidationError, match="DATABASE_URL must start with"):
        get_settings()
    get_settings.cache_clear()


def test_it_matches_a_profile_file_with_the_same_answers_as_the_api(loaded, tmp_path):
    from fastapi.testclient import TestClient

    from ratecard.config import Settings
    from ratecard.web_app import create_app

    person = {"age": 23, "sex": "male", "area": "Blackpool", "ogrs": 55, "index_offences": ["violence"]}
    profile = tmp_path / "person.json"
    profile.write_text(json.dumps(person))
    result = loaded("match", "--profile", str(profile), "--format", "json")
    assert result.exit_code == 0, result.stderr
    cli = json.loads(result.stdout)
    assert set(cli[0]) == {"service_id", "provider", "name", "category", "result", "reasons"}
    assert {"criterion", "message", "source", "status", "missing", "override"} <= set(
        next(r for m in cli for r in m["reasons"])
    )
    api = TestClient(create_app(settings=Settings())).post("/api/v1/match", json=person).json()
    assert cli == api


def test_it_refuses_a_bad_profile_file_with_the_field(loaded, tmp_path):
    profile = tmp_path / "bad.yaml"
    profile.write_text("age: -3\nogrs: 140\n")
    result = loaded("match", "--profile", str(profile))
    assert result.exit_code == 2
    assert "age" in result.stderr and "ogrs" in result.stderr


def test_it_reports_rule_coverage_per_brochure(loaded):
    rows = json.loads(loaded("catalogue", "rules-report", "--format", "json").stdout)
    assert {r["file"] for r in rows} == {p.name for p in (NSF, ESSEX)} | {
        "001_16e8e4cecbd9b0dd.txt", "003_d85e9727d563239b.txt", "004_d2617445de58906a.txt"
    }
    assert {r["status"] for r in rows} <= {"full", "partial", "none", "no criteria"}
    assert sum(r["status"] == "full" for r in rows) > 80
    table = loaded("catalogue", "rules-report").stdout
    assert "000_660fad277a9deb43.txt (NSF)" in table


def test_it_says_to_set_up_a_database_that_was_never_migrated(tmp_path):
    import os
    import subprocess
    import sys

    profile = tmp_path / "p.json"
    profile.write_text('{"age": 30}')
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'never.db'}"}
    done = subprocess.run([sys.executable, "-m", "ratecard.cli", "match", "--profile", str(profile)], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "ratecard setup" in done.stderr and "Traceback" not in done.stderr


def test_it_does_not_import_alembic_for_commands_that_do_not_migrate():
    import subprocess
    import sys

    code = "import sys, ratecard.cli; print('alembic' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False"


def test_it_says_to_upgrade_a_database_migrated_by_an_older_version(tmp_path):
    import os
    import subprocess
    import sys

    from ratecard import migrate

    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate.upgrade(url=url, revision="0007_option_nsi_category")  # before services.recipient
    profile = tmp_path / "p.json"
    profile.write_text('{"age": 30}')
    done = subprocess.run([sys.executable, "-m", "ratecard.cli", "match", "--profile", str(profile)],
                          env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "older version of ratecard" in done.stderr and "db upgrade" in done.stderr and "Traceback" not in done.stderr


def test_it_loads_neither_the_referral_workflow_nor_argon2_for_a_match():
    import subprocess
    import sys

    code = ("import sys, ratecard.cli; print(sorted(m for m in ('argon2', 'ratecard.referrals.service', "
            "'ratecard.catalogue.parsers', 'sqlalchemy.dialects.postgresql') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]"


# The match command as a person runs it, reporting on standard error which heavy modules it loaded.
MATCH = ("import sys\nfrom ratecard.cli import main\ntry:\n    main()\nfinally:\n"
         "    print(sorted(m for m in ('sqlalchemy', 'typer', 'rich', 'pydantic_settings') if m in sys.modules), file=sys.stderr)")


def _match(profile, **env: str):
    import os
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-c", MATCH, "match", "--profile", str(profile)], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=60)


PEOPLE = [
    {"age": 23, "sex": "male", "area": "Blackpool", "ogrs": 55, "index_offences": ["violence"]},
    {"sex": "female", "area": "Ashford", "needs": ["womens"], "date_of_birth": "1990-01-02"},
    {},
]


@pytest.mark.parametrize("person", PEOPLE)
def test_it_answers_a_match_from_the_snapshot_as_the_database_does_without_loading_sqlalchemy(loaded, tmp_path, person):
    profile = tmp_path / "person.json"
    profile.write_text(json.dumps(person))
    quick = _match(profile)
    assert quick.returncode == 0, quick.stderr
    assert quick.stderr.strip() == "[]"  # neither SQLAlchemy nor the typer app, rich or the settings
    by_database = _match(profile, RATECARD_CACHE_DIR="off")
    assert by_database.returncode == 0 and "sqlalchemy" in by_database.stderr
    assert quick.stdout == by_database.stdout
    assert json.loads(quick.stdout)


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"format": 1}'], ids=["empty", "not json", "incomplete"])
def test_it_reads_the_database_when_the_snapshot_is_damaged_and_writes_it_again(loaded, tmp_path, damage):
    profile = tmp_path / "person.json"
    profile.write_text(json.dumps(PEOPLE[0]))
    [snapshot] = (tmp_path / "cache").glob("rulebook-*.json")
    good = snapshot.read_bytes()
    expected = _match(profile).stdout
    snapshot.write_bytes(damage)
    done = _match(profile)
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected and "sqlalchemy" in done.stderr
    assert snapshot.read_bytes() == good
    assert _match(profile).stderr.strip() == "[]"  # and the next match uses it


def test_it_refuses_a_bad_profile_file_in_the_same_words_with_or_without_the_snapshot(loaded, tmp_path):
    profile = tmp_path / "bad.yaml"
    profile.write_text("age: -3\nogrs: 140\n")
    quick, by_database = _match(profile), _match(profile, RATECARD_CACHE_DIR="off")
    assert quick.returncode == by_database.returncode == 2
    assert "typer" not in quick.stderr.splitlines()[-1]
    assert quick.stderr.splitlines()[:-1] == by_database.stderr.splitlines()[:-1]
    assert "age" in quick.stderr and "ogrs" in quick.stderr


def test_it_writes_the_snapshot_when_the_catalogue_is_imported(run, tmp_path):
    from ratecard.eligibility import snapshot

    assert run("db", "upgrade").exit_code == 0
    url = get_settings().database_url
    assert snapshot.load(url) is None
    assert run("catalogue", "import", str(NSF)).exit_code == 0
    book = snapshot.load(url)
    assert book is not None and {s.provider for s in book} == {"NSF"}
    assert run("catalogue", "import", str(ESSEX)).exit_code == 0
    assert {s.provider for s in snapshot.load(url)} == {"NSF", "ESX"}


@pytest.mark.parametrize(
    ("args", "parsed"),
    [
        (["--profile", "p.json"], ("p.json", "json")),
        (["--profile=p.json", "--format", "table"], ("p.json", "table")),
        (["--format=json", "--profile", "dir/p.yaml"], ("dir/p.yaml", "json")),
        (["--profile"], None),
        (["--profile", "--format", "json"], None),
        (["--profile", "a", "--profile", "b"], None),
        (["--profile", "p.json", "--help"], None),
        (["--profile", "p.json", "extra"], None),
        (["--format", "json"], None),
        (["--profile="], None),
        ([], None),
    ],
)
def test_it_answers_at_once_only_the_plain_form_of_match(args, parsed):
    from pathlib import Path

    from ratecard.cli.match import _options

    assert _options(args) == (None if parsed is None else (Path(parsed[0]), parsed[1]))


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"DATABASE_URL": "sqlite:////tmp/x.db"},
        {"DATABASE_URL": "postgresql://u:p@h/db"},
        {"DATABASE_URL": "postgresql+psycopg://u:p@h/db"},
        {"RATECARD_DATABASE_URL": "sqlite:////tmp/other.db"},
    ],
)
def test_it_reads_the_database_url_as_the_settings_do(monkeypatch, env):
    from ratecard.cli.match import database_url
    from ratecard.config import Settings
    from ratecard.eligibility.snapshot import snapshot_path

    monkeypatch.delenv("DATABASE_URL", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert snapshot_path(database_url()) == snapshot_path(Settings().database_url)


@pytest.mark.parametrize("env", [{"database_url": "sqlite:////tmp/y.db"}, {"RATECARD_SQL_ECHO": "true"}])
def test_it_leaves_the_settings_to_the_typer_app_when_only_they_can_read_them(monkeypatch, env):
    from ratecard.cli.match import database_url

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert database_url() is None


def test_it_defaults_to_the_database_the_settings_default_to(monkeypatch):
    from ratecard.cli.match import DEFAULT_DATABASE_URL
    from ratecard.config import Settings

    assert DEFAULT_DATABASE_URL == Settings.model_fields["database_url"].default
