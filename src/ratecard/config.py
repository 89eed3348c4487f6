"""Settings read from the environment; a malformed value stops start-up with a clear message."""

from __future__ import annotations

import subprocess
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]

def shared_brochures() -> Path:
    """`shared/brochures` beside this checkout or, for a clone made elsewhere (CI clones into a
    temporary folder), beside the local repository it was cloned from."""
    beside = REPO_ROOT.parent / "shared" / "brochures"
    if beside.is_dir():
        return beside
    try:
        origin = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "remote", "get-url", "origin"], capture_output=True, text=True, timeout=5
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return beside
    if origin and Path(origin).is_dir():
        cloned_from = Path(origin).resolve().parent / "shared" / "brochures"
        if cloned_from.is_dir():
            return cloned_from
    return beside  # missing: the import says so, naming this folder


_SCHEMES = ("sqlite", "sqlite+pysqlite", "postgresql", "postgresql+psycopg")


class Settings(BaseSettings):
    """ratecard's settings. DATABASE_URL has no prefix; everything else starts RATECARD_."""

    model_config = SettingsConfigDict(env_prefix="RATECARD_", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{REPO_ROOT / 'var' / 'ratecard.db'}",
        validation_alias="DATABASE_URL",
    )
    brochures_dir: Path = Field(default_factory=shared_brochures)
    overlay_dir: Path = REPO_ROOT / "data" / "catalogue"
    assets_dir: Path = REPO_ROOT / "node_modules"
    page_size: int = Field(default=20, ge=1, le=200)
    sql_echo: bool = False
    session_hours: float = Field(default=8, gt=0, le=24, description="A browser session's longest life.")
    session_idle_minutes: float = Field(default=30, gt=0, le=24 * 60, description="Signed out after this long idle.")
    token_days: int = Field(default=30, ge=1, le=365)
    outbox_dir: Path = REPO_ROOT / "var" / "outbox"
    smtp_host: str | None = None  # set in production: emails go through this relay instead of files
    smtp_port: int = Field(default=25, ge=1, le=65535)
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024, le=64 * 1024 * 1024, description="Largest request body; 413 beyond.")
    max_header_bytes: int = Field(default=16 * 1024, ge=1024, le=1024 * 1024, description="Largest request headers; 431 beyond.")
    body_timeout_seconds: float = Field(default=10, gt=0, le=300, description="A body must arrive within this; 408 beyond.")
    forwarded_allow_ips: str | None = Field(
        default=None, description="Proxies whose X-Forwarded-For is believed (comma-separated); none by default."
    )
    db_wait_seconds: float = Field(default=5, gt=0, le=60, description="Longest wait for a database connection or lock; 503 beyond.")

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        scheme = value.split("://", 1)[0]
        if "://" not in value or scheme not in _SCHEMES:
            raise ValueError(
                f"DATABASE_URL must start with one of {', '.join(s + '://' for s in _SCHEMES)}; got {value!r}"
            )
        if scheme == "postgresql":
            # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
            value = "postgresql+psycopg://" + value.split("://", 1)[1]
        return value


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
