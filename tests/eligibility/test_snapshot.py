"""The CLI's rulebook snapshot: the same answers as the database, and never used once it may be stale."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import Engine, text

from ratecard import migrate
from ratecard.catalogue import service as catalogue
from ratecard.catalogue.rules import Rule
from ratecard.cli.match import rulebook
from ratecard.db import make_engine, make_sessionmaker, transaction
from ratecard.eligibility import service, snapshot
from ratecard.eligibility.engine import Outcome
from ratecard.eligibility.profile import Profile
from ratecard.eligibility.rulebook import decide_all, matches_json
from tests.conftest import PG_URL, _pg_url
from tests.eligibility.strategies import profiles
from tests.factories import parsed_brochure, provider_data, service_data

AS_OF = "2026-12-01"
# Someone most services take, placed in each provider's area in turn, so every provider has eligible answers.
SETTLED = {
    "age": 30, "index_offences": ["violence"], "previous_offences": [], "setting": "community",
    "needs": ["accommodation", "ete", "finance", "thinking", "attitudes"], "consents": True, "speaks_english": True,
    "sentence": "community_order", "requirements": ["rar"], "rar_days": 20, "ogrs": 30, "rosh": "low",
    "serious_mental_health": False, "learning_difficulties": False, "in_denial": False, "alcohol_dependent": False,
    "drug_dependent": False, "class_a_use": False,
}
# And people the brochures answer differently: a place in several counties, one nobody knows, a postcode,
# a county, custody before release, an age from a date of birth, lists known in part, nothing at all.
PROFILES = [
    {**SETTLED, "sex": "male", "area": "Norwich"},
    {**SETTLED, "sex": "male", "area": "Blackpool"},
    {**SETTLED, "sex": "female", "area": "Chelmsford"},
    {**SETTLED, "sex": "female", "area": "Derby"},
    {**SETTLED, "sex": "male", "area": "Ashford, Kent"},
    {},
    {"age": 23, "sex": "male", "area": "Blackpool", "ogrs": 55, "index_offences": ["violence"]},
    {"sex": "female", "area": "Chelmsford", "needs": ["womens", "accommodation"], "setting": "community",
     "sentence": "community_order", "requirements": ["rar"], "rar_days": 20},
    {"date_of_birth": "1990-05-04", "sex": "male", "area": "Newport", "setting": "custody",
     "release_date": "2027-02-01", "previous_offences": ["drugs"], "drugs_used": ["heroin"]},
    {"sex": "male", "area": "Nowhere-under-Lyme", "index_offences": ["intimate_partner_violence"],
     "victims": ["female_partner"], "sara": "medium", "ovp": 40, "rosh": "high", "oasys": {"11.6": 2}},
    {"age": 45, "sex": "female", "area": "CM1 1AA", "alcohol_dependent": True, "audit": 25, "consents": True,
     "speaks_english": True, "risk_level": "low", "missed_appointments": 1},
    {"age": 19, "sex": "male", "area": "Lancashire", "setting": "licence", "recent_offences": ["acquisitive"],
     "repeated_offences": ["acquisitive"], "seriousness": "medium", "gypsy_traveller": False},
]
PROVIDERS = ["NSF", "CLN", "ESX", "DLNR", "KSS"]
MEN_ONLY = Rule.model_validate({"criterion": "sex", "message": "Men only.", "line": 3, "test": {"field": "sex", "in": ["male"]}})


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    """Snapshots in a folder of the test's own."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("RATECARD_CACHE_DIR", str(folder))
    return folder


def _url(engine: Engine, backend: str, schema: str) -> str:
    # The URL the CLI would be given: for PostgreSQL the test schema travels in the URL's options, so
    # that the bare driver reading the stamp sees the same tables as SQLAlchemy.
    if backend == "sqlite":
        return engine.url.render_as_string(hide_password=False)
    url = _pg_url(PG_URL or "")
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def _people() -> list[Profile]:
    return [Profile.model_validate({**p, "as_of": AS_OF}) for p in PROFILES]


@pytest.fixture
def snapshot_book(loaded_engine, backend, catalogue_session):
    """The rulebook read back from a snapshot of the five brochures' catalogue."""
    url = _url(loaded_engine, backend, "ratecard_test_loaded")
    service.write_snapshot(session=catalogue_session, database_url=url)
    book = snapshot.load(url)
    assert book is not None, "the snapshot just written is not used"
    return book


@pytest.mark.parametrize("provider", PROVIDERS)
def test_it_answers_from_the_snapshot_as_the_database_does(snapshot_book, catalogue_session, provider):
    book = snapshot_book
    for person in _people():
        by_database = [m for m in matches_json(service.match(session=catalogue_session, profile=person)) if m["provider"] == provider]
        by_snapshot = [m for m in matches_json(decide_all(book, person)) if m["provider"] == provider]
        assert by_database, f"no services of {provider}"
        assert by_snapshot == by_database
    # Every result turns up across the people, so the comparison covers each way of answering.
    results = {m["result"] for person in _people() for m in matches_json(decide_all(book, person)) if m["provider"] == provider}
    assert {"eligible", "unknown", "ineligible"} <= results


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(person=profiles)
def test_it_answers_any_profile_from_the_snapshot_as_the_database_does(snapshot_book, catalogue_session, person):
    by_database = matches_json(service.match(session=catalogue_session, profile=person))
    assert matches_json(decide_all(snapshot_book, person)) == by_database


@pytest.fixture
def own_database(backend, tmp_path) -> Iterator[tuple[str, Engine]]:
    """A migrated database of the test's own, whose commits the bare driver sees: (its URL, an engine)."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'snapshot.db'}"
    else:
        admin = make_engine(_pg_url(PG_URL or ""))
        with admin.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS ratecard_test_snapshot CASCADE"))
            conn.execute(text("CREATE SCHEMA ratecard_test_snapshot"))
        admin.dispose()
        url = _url(admin, backend, "ratecard_test_snapshot")
    engine = make_engine(url)
    with engine.begin() as conn:
        migrate.upgrade(connection=conn)
    yield url, engine
    engine.dispose()


def _store(engine: Engine, parsed, *, now: dt.datetime, checksum: str) -> None:
    with transaction(make_sessionmaker(engine)) as session:
        catalogue.store_brochure(session=session, parsed=parsed, checksum=checksum, now=now)


def _snapshot_of(engine: Engine, url: str) -> None:
    with transaction(make_sessionmaker(engine)) as session:
        service.write_snapshot(session=session, database_url=url)


def _result(book, person: Profile, sid: str) -> Outcome:
    return next(m.result for m in decide_all(book, person) if m.service_id == sid)


def test_it_stops_using_the_snapshot_once_the_catalogue_is_reimported(own_database, cli_rulebook):
    url, engine = own_database
    provider, item = provider_data(areas=["Northshire"]), service_data()
    sid = catalogue.service_id(provider.code, item.key)
    woman = Profile(sex="female", area="Northshire")
    first = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    _store(engine, parsed_brochure(provider=provider, services=[item]), now=first, checksum="a" * 64)
    _snapshot_of(engine, url)
    assert _result(snapshot.load(url), woman, sid) is Outcome.ELIGIBLE

    stricter = item.model_copy(update={"rules": [MEN_ONLY]})
    _store(engine, parsed_brochure(provider=provider, services=[stricter]), now=first + dt.timedelta(seconds=1), checksum="b" * 64)
    assert snapshot.load(url) is None  # stale: the database has another stamp
    # The CLI then reads the database, and keeps what it read for the next command.
    assert _result(cli_rulebook(url, engine), woman, sid) is Outcome.INELIGIBLE
    assert _result(snapshot.load(url), woman, sid) is Outcome.INELIGIBLE


@pytest.fixture
def cli_rulebook(monkeypatch):
    """The CLI's rulebook (cli.match.rulebook), its default sessions on the engine given."""
    from ratecard import db

    def read(url: str, engine: Engine):
        monkeypatch.setattr(db, "_default", make_sessionmaker(engine))
        return rulebook(url)

    return read


def test_it_stops_using_the_snapshot_when_the_schema_moves(own_database):
    url, engine = own_database
    _store(engine, parsed_brochure(), now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), checksum="a" * 64)
    _snapshot_of(engine, url)
    assert snapshot.load(url) is not None
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'elsewhere'"))
    assert snapshot.load(url) is None


DAMAGE = {
    "missing": None,
    "empty": b"",
    "not json": b"\x00\x01 not json",
    "cut short": "cut",
    "a list": b"[]",
    "another format": lambda d: {**d, "format": snapshot.FORMAT + 1},
    "written by other code": lambda d: {**d, "code": "0" * 24},
    "of another database": lambda d: {**d, "database": "0" * 24},
    "a service without its rules": lambda d: {**d, "services": [{k: v for k, v in s.items() if k != "rules"} for s in d["services"]]},
    "a rule that is not one": lambda d: {**d, "services": [{**s, "rules": [{"criterion": "x"}]} for s in d["services"]]},
    "services not a list": lambda d: {**d, "services": 3},
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_it_reads_the_database_when_the_snapshot_is_missing_or_damaged(own_database, cli_rulebook, damage):
    url, engine = own_database
    provider, item = provider_data(areas=["Northshire"]), service_data(rules=[MEN_ONLY])
    _store(engine, parsed_brochure(provider=provider, services=[item]), now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), checksum="a" * 64)
    _snapshot_of(engine, url)
    path = snapshot.snapshot_path(url)
    good = path.read_bytes()
    if damage is None:
        path.unlink()
    elif damage == "cut":
        path.write_bytes(good[: len(good) // 2])
    elif isinstance(damage, bytes):
        path.write_bytes(damage)
    else:
        path.write_text(json.dumps(damage(json.loads(good))))
    assert snapshot.load(url) is None
    man = Profile(sex="male", area="Northshire")
    sid = catalogue.service_id(provider.code, item.key)
    assert _result(cli_rulebook(url, engine), man, sid) is Outcome.ELIGIBLE
    assert path.read_bytes() == good  # written afresh, as it was


def test_it_reads_the_same_stamp_with_the_bare_driver_as_through_the_session(own_database):
    url, engine = own_database
    _store(engine, parsed_brochure(), now=dt.datetime(2026, 3, 4, 5, 6, 7, 890, tzinfo=dt.UTC), checksum="a" * 64)
    with transaction(make_sessionmaker(engine)) as session:
        through_session = service._stamp(session)
        version = catalogue.catalogue_version(session=session)
    assert snapshot.database_stamp(url) == through_session
    revision, latest, listed = json.loads(through_session)
    with engine.connect() as conn:
        assert revision == [[conn.scalar(text("SELECT version_num FROM alembic_version"))]]
    assert listed == [[str(version[1])]] and version[1] == 2
    assert latest[0][0].startswith("2026-03-04")


def test_it_writes_nothing_when_an_import_lands_while_it_reads(own_database, monkeypatch):
    url, engine = own_database
    _store(engine, parsed_brochure(), now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), checksum="a" * 64)
    stamps = iter(["before", "after"])
    monkeypatch.setattr(service, "_stamp", lambda session: next(stamps))
    _snapshot_of(engine, url)
    assert not snapshot.snapshot_path(url).exists()


def test_it_keeps_no_snapshot_when_the_cache_is_off(own_database, monkeypatch):
    url, engine = own_database
    monkeypatch.setenv("RATECARD_CACHE_DIR", "off")
    _store(engine, parsed_brochure(), now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), checksum="a" * 64)
    _snapshot_of(engine, url)
    assert snapshot.snapshot_path(url) is None and snapshot.load(url) is None


@pytest.mark.parametrize(
    "url", ["sqlite://", "sqlite:///:memory:", "sqlite:///x.db?mode=ro", "mysql://h/db", "not a url"]
)
def test_it_leaves_databases_the_bare_drivers_cannot_open_to_sqlalchemy(url):
    assert snapshot.snapshot_path(url) is None
    assert snapshot.database_stamp(url) is None
    assert snapshot.load(url) is None


def test_it_never_writes_the_database_password(tmp_path, cache):
    url = "postgresql+psycopg://ratecard:s3cret-word@db.example/ratecard"
    path = snapshot.save(url, stamp="[]", records=[])
    assert path is not None and path.parent == cache
    assert "s3cret" not in path.name and "s3cret" not in path.read_text()
    # The driver spelt either way is the same database, so the same file.
    assert snapshot.snapshot_path("postgresql://ratecard:s3cret-word@db.example/ratecard") == path


def test_it_keeps_the_snapshots_of_the_latest_few_databases(cache):
    import os

    cache.mkdir()
    older = [cache / f"rulebook-{n:024d}.json" for n in range(snapshot.KEEP + 3)]
    for n, path in enumerate(older):  # written a second apart, the first the oldest
        path.write_text("{}")
        os.utime(path, (1_000_000 + n, 1_000_000 + n))
    latest = snapshot.save("sqlite:////tmp/db-last.db", stamp="[]", records=[])
    assert set(cache.glob("rulebook-*.json")) == {latest, *older[-(snapshot.KEEP - 1):]}
