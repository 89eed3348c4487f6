"""`ratecard ratecard build` on the rolled-back catalogue: one file, several, and mistakes (exit 2)."""

from __future__ import annotations

import pypdf
import pytest
from typer.testing import CliRunner

from ratecard import db
from ratecard.cli import app


@pytest.fixture
def run(catalogue_sessions, monkeypatch):
    """Run the CLI with the test's rolled-back catalogue as the database."""
    monkeypatch.setattr(db, "_default", catalogue_sessions)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args), catch_exceptions=False)


def test_it_builds_one_pdf_to_the_file_named(run, tmp_path):
    out = tmp_path / "kss.pdf"
    result = run("ratecard", "build", "--provider", "KSS", "--format", "pdf", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert pypdf.PdfReader(out).metadata.title == "Kent, Surrey and Sussex CRC: rate card"


def test_it_builds_several_html_files_into_a_folder(run, tmp_path):
    result = run("ratecard", "build", "--provider", "esx", "--provider", "DLNR", "--format", "html", "--out", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dlnr-rate-card.html", "esx-rate-card.html"]
    assert "Essex" in (tmp_path / "esx-rate-card.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--provider", "XYZ"], "no provider XYZ; known: CLN, DLNR, ESX, KSS, NSF"),
        (["--provider", "KSS", "--format", "docx"], "--format: choose pdf or html"),
        (["--provider", "KSS", "--on", "tomorrow"], "--on: 'tomorrow' is not a date"),
        ([], "say which rate card"),
    ],
)
def test_it_exits_2_with_a_message_and_writes_nothing(run, tmp_path, args, message):
    out = tmp_path / "card.pdf"
    result = run("ratecard", "build", *args, "--out", str(out))
    assert result.exit_code == 2
    assert message in result.stderr
    assert not out.exists()
