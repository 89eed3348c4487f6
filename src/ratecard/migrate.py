"""Running Alembic migrations from code (CLI, tests, start-up)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from ratecard.config import REPO_ROOT


def alembic_config(*, url: str | None = None, connection: Connection | None = None) -> Config:
    """An Alembic config for the repo's migrations, bound to a URL or an open connection."""
    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    if url is not None:
        config.attributes["url"] = url
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(*, url: str | None = None, connection: Connection | None = None, revision: str = "head") -> None:
    """Bring the database to `revision` (the newest by default)."""
    command.upgrade(alembic_config(url=url, connection=connection), revision)


def downgrade(*, url: str | None = None, connection: Connection | None = None, revision: str = "base") -> None:
    """Take the database back to `revision` (empty by default)."""
    command.downgrade(alembic_config(url=url, connection=connection), revision)
