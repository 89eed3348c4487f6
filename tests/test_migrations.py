"""Alembic is the schema's only source: it builds what the models describe, and undoes it."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from ratecard import migrate
from ratecard.models import metadata


def test_it_migrates_to_exactly_what_the_models_describe(db_connection):
    context = MigrationContext.configure(db_connection, opts={"render_as_batch": True})
    assert compare_metadata(context, metadata) == []


def test_it_downgrades_to_empty_and_back(db_connection):
    migrate.downgrade(connection=db_connection)
    assert set(inspect(db_connection).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(connection=db_connection)
    assert {"providers", "services", "service_options", "service_areas"} <= set(inspect(db_connection).get_table_names())
