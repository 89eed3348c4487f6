"""The catalogue export carries the NSI main category each option is bought under, not only its service's."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from ratecard import db
from ratecard.catalogue.export import CSV_COLUMNS, csv_rows, export_record
from ratecard.catalogue.service import export_services
from ratecard.catalogue.schemas import ServiceFilters
from ratecard.cli import app
from ratecard.config import get_settings
from tests.paths import KSS

MODULES = "kss-delivery-of-modules-from-msrp"
ETE = f"{MODULES}--e-t-e"


def _kss(catalogue_session):
    return {s.id: s for s in export_services(session=catalogue_session, filters=ServiceFilters(provider="KSS"))}


def test_it_gives_each_option_its_own_category_in_the_json_export(catalogue_session):
    record = export_record(_kss(catalogue_session)[MODULES])
    categories = {o["id"]: o["nsi_category"] for o in record["options"]}
    assert record["nsi_category"] == "ES - Accommodation KSS"
    assert categories[ETE] == "ES - E/T/E KSS"
    assert len(set(categories.values())) == len(categories) == 8


def test_it_gives_an_option_without_a_printed_category_its_services_one(catalogue_session):
    [service] = export_services(session=catalogue_session, filters=ServiceFilters(provider="NSF", q="accommodation support"))[:1]
    record = export_record(service)
    assert record["options"] and all(o["nsi_category"] == service.nsi_category for o in record["options"])


def test_it_writes_each_options_category_on_its_csv_row(catalogue_session):
    services = _kss(catalogue_session)
    rows = [dict(zip(CSV_COLUMNS, row, strict=True)) for row in csv_rows([services[MODULES], services["kss-bespoke-services"]])]
    by_option = {r["option_id"]: r["nsi_category"] for r in rows}
    assert by_option[ETE] == "ES - E/T/E KSS"
    assert by_option["kss-bespoke-services--case-management-support"] == "ES - Other KSS"
    assert by_option["kss-bespoke-services--supporting-drug-rehabilitation-requirement"] == "ES - Drugs / Alcohol KSS"


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Run the CLI against a new SQLite database in tmp_path."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    monkeypatch.setattr(db, "_default", None)
    yield lambda *args: CliRunner().invoke(app, list(args), catch_exceptions=False)
    get_settings.cache_clear()


def test_the_export_command_carries_option_categories_in_both_formats(run):
    assert run("db", "upgrade").exit_code == 0
    assert run("catalogue", "import", str(KSS)).exit_code == 0
    records = {r["id"]: r for r in json.loads(run("catalogue", "export", "--format", "json").stdout)}
    assert {o["id"]: o["nsi_category"] for o in records[MODULES]["options"]}[ETE] == "ES - E/T/E KSS"
    rows = list(csv.DictReader(io.StringIO(run("catalogue", "export", "--format", "csv").stdout)))
    assert {r["option_id"]: r["nsi_category"] for r in rows}[ETE] == "ES - E/T/E KSS"
