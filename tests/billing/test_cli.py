"""`ratecard prices import|export|publish|list` on a fresh SQLite file, as an operator would run them."""

from __future__ import annotations

import pytest

from ratecard.billing.demo import EXAMPLE_DIR
from tests.cli_runner import cli_on


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The CLI on one SQLite database with the catalogue imported (module-wide: setup takes seconds)."""
    with cli_on(tmp_path_factory.mktemp("prices-cli"), setup=True) as invoke:
        yield invoke


def test_it_imports_publishes_and_exports_a_price_list(run, tmp_path):
    source = EXAMPLE_DIR / "kss.csv"
    made = run("prices", "import", str(source), "--provider", "KSS", "--valid-from", "2027-01-01", "--title", "KSS 2027")
    assert made.exit_code == 0 and "(draft): 53 prices, from 1 January 2027, open-ended" in made.stdout
    number = made.stdout.split()[2]
    assert run("prices", "export", "--provider", "KSS", "--on", "2027-02-01").exit_code == 1  # a draft is not in force
    assert run("prices", "publish", number).exit_code == 0
    out = tmp_path / "kss.csv"
    exported = run("prices", "export", "--provider", "kss", "--on", "2027-02-01", "--out", str(out))
    assert exported.exit_code == 0 and out.read_text(encoding="utf-8") == source.read_text(encoding="utf-8")
    assert "published" in run("prices", "list", "--provider", "KSS").stdout
    again = run("prices", "import", str(source), "--provider", "KSS", "--valid-from", "2026-06-01", "--publish")
    assert again.exit_code == 1 and "overlaps the published list 'KSS 2027'" in again.stderr


def test_it_reports_each_bad_line_and_writes_nothing(run, tmp_path):
    bad = tmp_path / "bad.csv"
    lines = (EXAMPLE_DIR / "cln.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",standard,", ",fancy,")
    lines[5] = lines[5].replace("cln-", "cln-missing-", 1)
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = run("prices", "list", "--provider", "CLN").stdout
    result = run("prices", "import", str(bad), "--provider", "CLN")
    assert result.exit_code == 1
    assert "line 4: vat_rate: 'fancy' is not one of" in result.stderr
    assert run("prices", "list", "--provider", "CLN").stdout == before


@pytest.mark.parametrize(("args", "words"), [
    (("--provider", "XYZ"), "No provider 'XYZ'"),
    (("--provider", "KSS", "--valid-from", "soon"), "--valid-from: 'soon' is not a date"),
])
def test_it_refuses_bad_options(run, args, words):
    result = run("prices", "import", str(EXAMPLE_DIR / "kss.csv"), *args)
    assert result.exit_code in (1, 2) and words in result.stderr
