"""Hold-outs: modified copies of each brochure, imported with the real overlays, are picked up or reported.

Each test changes a copy in tmp_path the way a new edition might (a service added, a number changed, a
heading renamed, a section deleted, every line shifted, a quoted line deleted) and checks the import
says so rather than storing something silently wrong. The parser-level hold-outs (tests/catalogue/parsers)
cover layout details; these go through the overlay, the anchors and the import report.
"""

from __future__ import annotations

import re
import shutil
from functools import cache
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from ratecard import db
from ratecard.catalogue.anchors import normalised, plan_quotes, write_quotes
from ratecard.catalogue.importer import read_brochure
from ratecard.catalogue.loading import import_files
from ratecard.catalogue.models import Service
from ratecard.catalogue.schemas import ImportReport, ServiceData
from ratecard.cli import app
from ratecard.config import get_settings
from ratecard.eligibility import service as eligibility
from ratecard.eligibility.engine import NOT_ENCODED, Outcome
from ratecard.eligibility.profile import Profile
from tests.paths import ALL_BROCHURES, CLN, DLNR, ESSEX, KSS, NSF, OVERLAYS

CODES = {NSF: "nsf", CLN: "cln", ESSEX: "esx", DLNR: "dlnr", KSS: "kss"}
IDS = [CODES[b] for b in ALL_BROCHURES]

# One service per brochure whose summary restates its number of sessions, and the printed count changed in
# its section (NSF and CLN print their counts only in digits; the others in words).
RECOUNTED = {
    NSF: ("womens-group-programme", "7 x 2.5 hour sessions", "8 x 2.5 hour sessions", 7, 8),
    CLN: ("emotional-resilience", "8 sessions at 1 hour", "9 sessions at 1 hour", 8, 9),
    ESSEX: ("family-course", "four session course", "five session course", 4, 5),
    DLNR: ("female-focus-on-violence", "six individual one-to-one sessions", "seven individual one-to-one sessions", 6, 7),
    KSS: ("positive-futures", "Eight sessions", "Nine sessions", 8, 9),
}
# A service of each brochure that the overlay names, to add a copy of, rename and delete.
DONOR = {
    NSF: "social-skills-group-programme",
    CLN: "stress-resilience",
    ESSEX: "victim-awareness",
    DLNR: "pathway-to-independence",
    KSS: "victim-awareness",
}
NEW_NAME = "Holdout Course"
SECTION_NUMBER = re.compile(r"^\d+(?:\.\d+)+$")
LISTED_IN_CONTENTS = {DLNR}  # its parser takes the services from the contents list
SHIFT = ["", "An extra paragraph a new edition might print near the top.", "", "", ""]


@cache
def _services(brochure: Path) -> dict[str, ServiceData]:
    return {s.key: s for s in read_brochure(brochure, overlay_dir=OVERLAYS).services}


def _lines(brochure: Path) -> list[str]:
    return brochure.read_text(encoding="utf-8").splitlines()


def _write(tmp_path: Path, brochure: Path, lines: list[str]) -> Path:
    copy = tmp_path / "brochures" / brochure.name
    copy.parent.mkdir(exist_ok=True)
    copy.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return copy


def _renamed(lines: list[str], start: int, end: int, old: str, new: str) -> list[str]:
    """The lines start..end (1-based) with the first printing of the name `old` replaced by `new`, in its case."""
    result = list(lines[start - 1 : end])
    for index, line in enumerate(result):
        at = line.lower().find(old.lower())
        if at >= 0:
            printed = line[at : at + len(old)]
            result[index] = line[:at] + (new.upper() if printed.isupper() else new) + line[at + len(old) :]
            return result
    raise AssertionError(f"{old!r} is not printed in lines {start}-{end}")


def _import(sessions, copy: Path, overlays: Path = OVERLAYS) -> ImportReport:
    [report] = import_files([copy], sessions=sessions, overlay_dir=overlays)
    return report


def _listed(sessions) -> dict[str, Service]:
    with sessions() as session:
        return {s.id: s for s in session.query(Service).filter(Service.listed.is_(True))}


@pytest.fixture(scope="module")
def quoted_overlays(tmp_path_factory) -> Path:
    """Copies of the real overlays with a quote written into every rule by the anchor command's code."""
    directory = tmp_path_factory.mktemp("quoted")
    for path in OVERLAYS.glob("*.yaml"):
        shutil.copy(path, directory / path.name)
    for brochure in ALL_BROCHURES:
        write_quotes(plan_quotes(brochure.read_text(encoding="utf-8"), file=brochure.name, overlay_dir=directory))
    return directory


@pytest.fixture(scope="module")
def unquoted_overlays(tmp_path_factory) -> Path:
    """Copies of the real overlays with every rule's quote taken out: rules cite lines by number only."""
    directory = tmp_path_factory.mktemp("unquoted")
    for path in OVERLAYS.glob("*.yaml"):
        kept = [line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                if not line.lstrip().startswith("quote: ")]
        (directory / path.name).write_text("".join(kept), encoding="utf-8")
    return directory


def _quoted_rules(overlays: Path, brochure: Path) -> list[tuple[str, dict]]:
    data = yaml.safe_load((overlays / f"{CODES[brochure]}.yaml").read_text(encoding="utf-8"))
    return [(key, rule) for key, fields in data["services"].items() for rule in fields.get("rules", [])]


# --- (a) a service added ------------------------------------------------------------------------


@pytest.mark.parametrize("brochure", ALL_BROCHURES, ids=IDS)
def test_it_imports_a_service_section_a_new_edition_adds(sessions, tmp_path, brochure):
    donor = _services(brochure)[DONOR[brochure]]
    start, end = donor.source.lines
    lines = _lines(brochure)
    # A new section gets a section number of its own where the brochure numbers them (DLNR).
    copy = [SECTION_NUMBER.sub("3.3.99", line) for line in _renamed(lines, start, end, donor.name, NEW_NAME)]
    report = _import(sessions, _write(tmp_path, brochure, lines[:end] + ["", *copy] + lines[end:]))
    assert report.error is None
    new = [s for s in _listed(sessions).values() if NEW_NAME.lower() in s.name.lower()]
    if brochure in LISTED_IN_CONTENTS:
        # Only sections its contents list are services: the new one is reported where it is printed.
        assert not new
        assert any(w.startswith(f"line {end + 2}: number 3.3.99 is not in the contents list") for w in report.needs_review)
        return
    assert report.services_found == len(_services(brochure)) + 1
    assert len(new) == 1 and new[0].id.startswith(f"{CODES[brochure]}-holdout-course")
    assert new[0].summary is None  # no reviewed words yet: nothing of the donor's overlay is borrowed


# --- (b) a number changed -----------------------------------------------------------------------


@pytest.mark.parametrize("brochure", ALL_BROCHURES, ids=IDS)
def test_it_reads_a_changed_session_count_and_reports_the_summary_that_restates_the_old_one(sessions, tmp_path, brochure):
    key, old, new, before, after = RECOUNTED[brochure]
    service = _services(brochure)[key]
    assert service.sessions == before
    lines = _lines(brochure)
    start, end = service.source.lines
    [at] = [n for n in range(start, end + 1) if old in lines[n - 1]][:1]
    lines[at - 1] = lines[at - 1].replace(old, new, 1)
    report = _import(sessions, _write(tmp_path, brochure, lines))
    assert report.error is None
    sid = f"{CODES[brochure]}-{key}"
    assert _listed(sessions)[sid].sessions == after
    [mismatch] = [m for m in report.summary_mismatches if m.service_id == sid]
    assert (mismatch.unit, mismatch.value, mismatch.basis) == ("sessions", before, "parsed facts")
    assert after in mismatch.found and before not in mismatch.found


@pytest.mark.parametrize("brochure", ALL_BROCHURES, ids=IDS)
def test_the_unchanged_brochure_has_no_summary_disagreement_about_those_services(sessions, brochure):
    report = _import(sessions, brochure)
    assert not [m for m in report.summary_mismatches if m.service_id.endswith(RECOUNTED[brochure][0])]


# --- (c) a heading renamed, (d) a section deleted --------------------------------------------------


@pytest.mark.parametrize("brochure", ALL_BROCHURES, ids=IDS)
def test_it_reports_a_renamed_heading_rather_than_losing_the_service(sessions, tmp_path, brochure):
    donor = _services(brochure)[DONOR[brochure]]
    start, end = donor.source.lines
    lines = _lines(brochure)
    changed = lines[: start - 1] + _renamed(lines, start, end, donor.name, "Renamed Course") + lines[end:]
    report = _import(sessions, _write(tmp_path, brochure, changed))
    assert report.error is not None and f"no service '{donor.key}'" in report.error
    assert not _listed(sessions)  # one transaction per brochure: nothing half-written


@pytest.mark.parametrize("brochure", ALL_BROCHURES, ids=IDS)
def test_it_reports_a_deleted_section_the_overlay_names(sessions, tmp_path, brochure):
    donor = _services(brochure)[DONOR[brochure]]
    start, end = donor.source.lines
    lines = _lines(brochure)
    report = _import(sessions, _write(tmp_path, brochure, lines[: start - 1] + lines[end:]))
    assert report.error is not None
    if brochure in LISTED_IN_CONTENTS:
        assert f"sections listed in the contents are missing from the body: 3.3.8 {donor.name}" in report.error
    else:
        assert f"no service '{donor.key}'" in report.error
    assert not _listed(sessions)


# --- (e) every line shifted ---------------------------------------------------------------------


def _coverage(sessions) -> dict[str, tuple[str, int, int]]:
    with sessions() as session:
        return {r.service_id: (r.status, r.encoded, r.criteria) for r in eligibility.rules_report(session=session)}


def _rule_texts(sessions, lines: list[str]) -> dict[str, list[str]]:
    return {
        sid: [normalised(lines[r["line"] - 1]) if r.get("line") else "" for r in s.rules]
        for sid, s in _listed(sessions).items()
    }


@pytest.mark.parametrize("brochure", ALL_BROCHURES, ids=IDS)
def test_it_re_anchors_every_rule_when_lines_shift(sessions, tmp_path, brochure, quoted_overlays):
    original = _lines(brochure)
    first = _import(sessions, brochure, quoted_overlays)
    assert first.error is None and not first.anchors_moved and not first.anchors_lost
    assert first.rules_without_anchor == 0 and first.rules_anchored == len(_quoted_rules(quoted_overlays, brochure))
    coverage, texts = _coverage(sessions), _rule_texts(sessions, original)

    shifted = original[:1] + SHIFT + original[1:]
    report = _import(sessions, _write(tmp_path, brochure, shifted), quoted_overlays)
    assert report.error is None and not report.anchors_lost
    assert len(report.anchors_moved) == report.rules_anchored
    assert all(f"to {int(m.split('moved from line ')[1].split()[0]) + len(SHIFT)}" in m for m in report.anchors_moved)
    assert _rule_texts(sessions, shifted) == texts  # each rule cites the same words as before
    assert _coverage(sessions) == coverage


@pytest.mark.parametrize("brochure", ALL_BROCHURES, ids=IDS)
def test_without_quotes_a_shift_leaves_rules_on_the_wrong_text(sessions, tmp_path, brochure, unquoted_overlays):
    # Why the anchors exist: the same shift with unquoted overlays moves what the rules cite.
    original = _lines(brochure)
    _import(sessions, brochure, unquoted_overlays)
    texts = _rule_texts(sessions, original)
    shifted = original[:1] + SHIFT + original[1:]
    report = _import(sessions, _write(tmp_path, brochure, shifted), unquoted_overlays)
    assert report.rules_anchored == 0 and report.rules_without_anchor > 0
    assert _rule_texts(sessions, shifted) != texts


# --- (f) a quoted line deleted ------------------------------------------------------------------


def _lost_rule(overlays: Path, brochure: Path) -> tuple[str, dict]:
    """The first requirement rule whose quoted line is printed once in the brochure and cited by no other service."""
    rules = _quoted_rules(overlays, brochure)
    lines = [normalised(line) for line in _lines(brochure)]
    for key, rule in rules:
        others = {k for k, r in rules if r.get("line") == rule["line"] and k != key}
        if rule.get("kind", "requirement") == "requirement" and not others and sum(rule["quote"] in t for t in lines) == 1:
            return key, rule
    raise AssertionError("no rule to delete the line of")


@pytest.mark.parametrize("brochure", ALL_BROCHURES, ids=IDS)
@pytest.mark.parametrize("sex", ["male", "female"])
def test_a_rule_whose_quoted_line_is_deleted_needs_review_and_its_service_is_never_eligible(
    sessions, tmp_path, brochure, quoted_overlays, sex
):
    key, rule = _lost_rule(quoted_overlays, brochure)
    lines = _lines(brochure)
    del lines[rule["line"] - 1]
    report = _import(sessions, _write(tmp_path, brochure, lines), quoted_overlays)
    assert report.error is None
    sid = f"{CODES[brochure]}-{key}"
    note = f"needs review: rule '{rule['criterion']}' cites text no longer in the brochure: '{rule['quote']}'"
    stored = _listed(sessions)[sid]
    assert note in stored.review_notes
    assert any(note in line for line in report.needs_review)
    assert any(f"rule '{rule['criterion']}'" in lost for lost in report.anchors_lost)
    assert sid in {n.service_id for n in report.criteria_not_encoded}
    assert all(r.get("criterion") != rule["criterion"] or r.get("line") != rule["line"] for r in stored.rules)
    with sessions() as session:
        rows = {r.service_id: r.status for r in eligibility.rules_report(session=session)}
        [match] = [
            m for m in eligibility.match(session=session, profile=Profile(sex=sex, age=30))
            if m.service_id == sid
        ]
    assert rows[sid] in ("partial", "none")
    assert match.result is not Outcome.ELIGIBLE
    assert any(r.criterion == NOT_ENCODED for r in match.reasons)


def test_the_rules_report_and_the_import_command_list_a_rule_whose_text_is_gone(tmp_path, monkeypatch, quoted_overlays):
    key, rule = _lost_rule(quoted_overlays, NSF)
    lines = _lines(NSF)
    del lines[rule["line"] - 1]
    copy = _write(tmp_path, NSF, lines)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("RATECARD_OVERLAY_DIR", str(quoted_overlays))
    get_settings.cache_clear()
    monkeypatch.setattr(db, "_default", None)
    runner = CliRunner()
    try:
        assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
        imported = runner.invoke(app, ["catalogue", "import", str(copy)], catch_exceptions=False)
        report = runner.invoke(app, ["catalogue", "rules-report"], catch_exceptions=False)
    finally:
        get_settings.cache_clear()
    note = f"needs review: rule '{rule['criterion']}' cites text no longer in the brochure"
    assert imported.exit_code == 0 and "anchor lost:" in imported.stderr and note in imported.stderr
    assert report.exit_code == 0
    assert f"nsf-{key}: {note}" in " ".join(report.stdout.split())
