"""A real server on loopback and headless Chromium (Debian's package) driven by Playwright.

The suite skips, saying why, where no browser can be had (no `chromium` on the PATH, or Playwright
not installed); CI installs both, so there it runs.
"""

from __future__ import annotations

import os
import re
import datetime as dt
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ratecard.accounts.demo import DEMO_PASSWORD
from ratecard.config import REPO_ROOT, shared_brochures
from tests.servers import serving

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"

try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # pragma: no cover - the test extra installs it
    sync_playwright = None  # type: ignore[assignment]

if CHROMIUM is None or sync_playwright is None:
    pytest.skip(
        "browser tests need Debian's chromium on the PATH and Playwright (pip install -e '.[test]')",
        allow_module_level=True,
    )


@pytest.fixture(scope="session")
def site_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the served site keeps its SQLite database (`ratecard.db`) and its outbox."""
    return tmp_path_factory.mktemp("site")


@pytest.fixture(scope="session")
def site(site_folder: Path) -> Iterator[str]:
    """The base URL of `ratecard serve` on a fresh SQLite database set up as the Quick start does."""
    folder = site_folder
    env = {
        **os.environ, "DATABASE_URL": f"sqlite:///{folder / 'ratecard.db'}", "RATECARD_BROCHURES_DIR": str(shared_brochures()),
        "RATECARD_OUTBOX_DIR": str(folder / "outbox"),
    }
    subprocess.run([sys.executable, "-m", "ratecard.cli", "setup", "--demo"], env=env, check=True, timeout=120,
                   stdout=subprocess.DEVNULL)
    with serving(env, folder / "server.log") as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium."""
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield instance
        instance.close()


def _page(browser: Browser, width: int) -> Page:
    # bypass_csp lets the test inject axe-core; the pages themselves run under the real policy.
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    context.set_default_timeout(15_000)
    return context.new_page()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh desktop-width page (its own cookies)."""
    new = _page(browser, 1280)
    yield new
    new.context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A fresh 375 px wide page."""
    new = _page(browser, 375)
    yield new
    new.context.close()


def sign_in(page: Page, site: str, email: str) -> None:
    """Sign in through the form as a demo user."""
    page.goto(f"{site}/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{site}/referrals**")


def axe_violations(page: Page) -> list[dict]:
    """What axe-core (npm) finds on the page, as {id, impact, nodes} per rule broken."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]} for v in result]


def fill_referral_form(page: Page, *, crn: str, name: str) -> None:
    """Fill the open referral form for a man in Lancashire and create the draft."""
    page.fill("#crn", crn)
    page.fill("#name", name)
    page.select_option("#sex", "male")
    page.fill("#area", "Lancashire")
    page.fill("#risk_notes", "Low risk of harm.")
    page.locator("form[action='/referrals/new'] button.govuk-button").click()
    page.wait_for_url(re.compile(r".*/referrals/\d+$"))


# Screenshots of the main pages go here when RATECARD_SCREENS is set (e.g. /tmp/screens): for the
# issue's notes, never committed.
SCREENS = os.environ.get("RATECARD_SCREENS")


def screenshot(page: Page, name: str) -> None:
    """Save a full-page screenshot as <RATECARD_SCREENS>/<name>-<width>.png, when screenshots are asked for."""
    if not SCREENS:
        return
    os.makedirs(SCREENS, exist_ok=True)
    width = page.viewport_size["width"] if page.viewport_size else 0
    page.screenshot(path=os.path.join(SCREENS, f"{name}-{width}.png"), full_page=True)


def scroll_width(page: Page) -> int:
    """How wide the page's content is: more than the viewport means it scrolls sideways."""
    return page.evaluate("() => document.documentElement.scrollWidth")


# How SQLAlchemy keeps a timestamp in SQLite.
_STORED = "%Y-%m-%d %H:%M:%S.%f"


def move_back(database: Path, referral_id: int, *, days: int) -> None:
    """Move a referral's own timestamps (its row and its history) `days` back in the served SQLite
    database: as if it had been accepted that long ago, so a journey can record, today, sessions held
    since (appointments may not precede acceptance) without waiting for real time to pass."""
    with sqlite3.connect(database) as db:
        for table, key in (("referrals", "id"), ("referral_history", "referral_id")):
            columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")
                       if row[1] == "at" or row[1].endswith("_at")]
            for column in columns:
                rows = db.execute(f"SELECT rowid, {column} FROM {table} WHERE {key} = ? AND {column} IS NOT NULL",
                                  (referral_id,)).fetchall()
                for rowid, value in rows:
                    moved = dt.datetime.fromisoformat(value).replace(tzinfo=None) - dt.timedelta(days=days)
                    db.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", (moved.strftime(_STORED), rowid))
