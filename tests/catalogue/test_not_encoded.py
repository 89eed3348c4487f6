"""Printed criteria no rule encodes: listed by the import report, matched as unknown, never eligible."""

from __future__ import annotations

import shutil

import pytest
import yaml

from ratecard.catalogue.loading import import_files
from ratecard.eligibility import service as eligibility
from ratecard.eligibility.engine import NOT_ENCODED, Outcome
from ratecard.eligibility.profile import Profile
from tests.paths import ALL_BROCHURES, NSF, OVERLAYS

UNRULED = "womens-group-programme"  # one printed line (318), its only rule dropped: not encoded
HALF = "non-resettlement-prisons-through-the-gate-service"  # lines 98 and 121, the note on 121 dropped: partly


@pytest.fixture
def overlays(tmp_path):
    """The real overlays, with NSF's rules for two services cut back."""
    for path in OVERLAYS.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    nsf = tmp_path / "nsf.yaml"
    data = yaml.safe_load(nsf.read_text(encoding="utf-8"))
    data["services"][UNRULED]["rules"] = []
    data["services"][HALF]["rules"] = [r for r in data["services"][HALF]["rules"] if r.get("line") != 121]
    nsf.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return tmp_path


def test_the_import_report_lists_every_service_with_printed_criteria_no_rule_cites(sessions, overlays):
    [report] = import_files([NSF], sessions=sessions, overlay_dir=overlays)
    assert report.error is None
    assert [(n.service_id, n.lines) for n in report.criteria_not_encoded] == [
        (f"nsf-{HALF}", [121]),
        (f"nsf-{UNRULED}", [318]),
    ]
    assert any(note.startswith("Women's Group Programme: criteria not yet encoded (brochure line 318)") for note in report.needs_review)


def test_the_rules_report_and_the_import_report_agree(sessions, overlays):
    [report] = import_files([NSF], sessions=sessions, overlay_dir=overlays)
    with sessions() as session:
        rows = {r.service_id: r for r in eligibility.rules_report(session=session)}
    assert (rows[f"nsf-{UNRULED}"].status, rows[f"nsf-{HALF}"].status) == ("none", "partial")
    assert {n.service_id for n in report.criteria_not_encoded} == {
        sid for sid, row in rows.items() if row.status in ("none", "partial")
    }


@pytest.mark.parametrize("sex", ["male", "female"])
def test_a_service_whose_criteria_are_not_encoded_is_unknown_for_everyone(sessions, overlays, sex):
    import_files([NSF], sessions=sessions, overlay_dir=overlays)
    with sessions() as session:
        matches = {m.service_id: m for m in eligibility.match(session=session, profile=Profile(sex=sex, area="Norfolk", age=30))}
    match = matches[f"nsf-{UNRULED}"]
    assert match.result is Outcome.UNKNOWN
    [reason] = [r for r in match.reasons if r.status != "note"]
    assert (reason.criterion, reason.status, reason.source.line) == (NOT_ENCODED, "unknown", 318)
    assert "read the criteria on the service page" in reason.message


def test_the_shipped_overlays_cite_every_printed_criteria_line(sessions):
    reports = import_files(ALL_BROCHURES, sessions=sessions, overlay_dir=OVERLAYS)
    assert {r.file: [n.service_id for n in r.criteria_not_encoded] for r in reports} == {p.name: [] for p in ALL_BROCHURES}
    with sessions() as session:
        assert [r.service_id for r in eligibility.rules_report(session=session) if r.status in ("none", "partial")] == []
