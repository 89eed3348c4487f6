"""Numbers the overlay summaries restate, checked at import against what the brochures' parse found."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ratecard import db
from ratecard.catalogue.importer import checked_brochure
from ratecard.catalogue.restated import mismatches, restated
from ratecard.cli import app
from ratecard.config import get_settings
from tests.factories import service_data
from tests.paths import ALL_BROCHURES, NSF, OVERLAYS


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Eight one-to-one sessions over 12 weeks", [("sessions", 8), ("weeks", 12)]),
        ("a seven-session course", [("sessions", 7)]),
        ("Four rolling group sessions", [("sessions", 4)]),
        ("from 12 to 36 hours", [("hours", 12), ("hours", 36)]),
        ("blocks of twelve or eighteen months", [("months", 12), ("months", 18)]),
        ("lasting 2-3 weeks", [("weeks", 2), ("weeks", 3)]),
        ("twenty-four sessions of 90 minutes", [("sessions", 24), ("minutes", 90)]),
        ("Nineteen sessions", [("sessions", 19)]),
        ("two hours per session", [("hours", 2)]),
        ("one-to-one sessions", []),  # 'one' of one-to-one counts nothing
        ("attendees attend every session", []),  # 'ten' inside a word is no number
    ],
)
def test_it_reads_the_numbers_a_summary_restates_with_their_units(text, found):
    assert [(unit, value) for _, unit, value in restated(text)] == found


def test_it_reports_a_summary_whose_count_the_parsed_facts_contradict():
    item = service_data(summary="Eight one-to-one sessions.", sessions=9, duration_text="9 sessions of 1 hour.")
    [mismatch] = mismatches(item, service_id="t-x", printed=["Nine sessions of an hour."])
    assert (mismatch.said, mismatch.unit, mismatch.value, mismatch.found) == ("Eight one-to-one sessions", "sessions", 8, [9.0])
    assert (mismatch.basis, mismatch.printed) == ("parsed facts", False)


def test_it_accepts_a_count_any_option_or_piece_of_the_printed_duration_gives():
    item = service_data(
        summary="Twelve group sessions of three hours, then two hours of review.",
        sessions=14, session_minutes=180,
        duration_text="Pre group session 1 x 3 hours; 12 sessions of 3 hours; post group 1 x 2 hours",
    )
    assert mismatches(item, service_id="t-x", printed=[]) == []


def test_it_checks_a_unit_the_facts_do_not_hold_against_the_printed_lines():
    item = service_data(summary="Support over six months.")
    assert mismatches(item, service_id="t-x", printed=["Support for up to", "6 months."]) == []
    [mismatch] = mismatches(item, service_id="t-x", printed=["Support for 12 months."])
    assert (mismatch.basis, mismatch.found) == ("brochure text", [12.0])


def test_the_real_overlays_summaries_agree_with_the_brochures():
    # The one it found when it was written (NSF's drink drive summary said "three extra group sessions"
    # while the brochure's duration gives five in all) was reworded to say the five.
    found = set()
    for brochure in ALL_BROCHURES:
        _, checks = checked_brochure(brochure.read_text(encoding="utf-8"), file=brochure.name, overlay_dir=OVERLAYS)
        found |= {(m.service_id, m.unit, m.value, tuple(m.found)) for m in checks.summaries}
    assert found == set()


def test_the_import_command_prints_each_disagreement(tmp_path, monkeypatch):
    # An overlay copy whose drink drive summary restates a count the brochure does not print.
    overlays = tmp_path / "overlays"
    overlays.mkdir()
    for path in OVERLAYS.glob("*.yaml"):
        (overlays / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    nsf = overlays / "nsf.yaml"
    nsf.write_text(nsf.read_text(encoding="utf-8").replace(
        "The alcohol management course with group work on drinking and driving added at the end (the\n"
        "      brochure gives five two-hour sessions in all)",
        "The alcohol management course followed by three extra group sessions on drinking and driving"), encoding="utf-8")
    monkeypatch.setenv("RATECARD_OVERLAY_DIR", str(overlays))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    monkeypatch.setattr(db, "_default", None)
    runner = CliRunner()
    try:
        assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
        result = runner.invoke(app, ["catalogue", "import", str(NSF), "--dry-run"], catch_exceptions=False)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0
    assert "summary disagrees: Drink Drive Programme (nsf-drink-drive-programme) says 'three extra group sessions'" in result.stderr
    assert "rules without an anchor:" in result.stderr
