"""Importing brochure files: one transaction each, and bad files change nothing."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select

from ratecard.catalogue import loading
from ratecard.catalogue.loading import import_files
from ratecard.catalogue.models import Provider, Service, ServiceOption
from tests.paths import ALL_BROCHURES, CLN, KSS, NSF, OVERLAYS


def _counts(sessions) -> tuple[int, int, int]:
    with sessions() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) for t in (Provider, Service, ServiceOption))


def _bad_files(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    noise = tmp_path / "noise.txt"
    noise.write_bytes(os.urandom(4096))
    text = CLN.read_text(encoding="utf-8")
    half = tmp_path / "half.txt"
    half.write_text(text[: len(text) // 2], encoding="utf-8")
    unknown = tmp_path / "unknown.txt"
    unknown.write_text("# Minutes of the allotment society\n\nWe met and discussed marrows.\n" * 20)
    return {"empty": empty, "random bytes": noise, "cut in half": half, "unknown layout": unknown}


def test_it_imports_all_five_brochures(sessions):
    reports = import_files(ALL_BROCHURES, sessions=sessions, overlay_dir=OVERLAYS)
    assert [r.error for r in reports] == [None] * 5
    assert {r.provider for r in reports} == {"NSF", "CLN", "ESX", "DLNR", "KSS"}
    providers, services, _ = _counts(sessions)
    assert providers == 5
    assert services == sum(r.services_found for r in reports)


def test_it_reimports_idempotently(sessions):
    import_files(ALL_BROCHURES, sessions=sessions, overlay_dir=OVERLAYS)
    before = _counts(sessions)
    again = import_files(ALL_BROCHURES, sessions=sessions, overlay_dir=OVERLAYS)
    assert _counts(sessions) == before
    assert sum(r.created + r.updated for r in again) == 0
    assert sum(r.unchanged for r in again) == before[1]


@pytest.mark.parametrize("kind", ["empty", "random bytes", "cut in half", "unknown layout"])
def test_it_rejects_a_bad_file_with_its_name_and_writes_nothing(sessions, tmp_path, kind):
    import_files([NSF], sessions=sessions, overlay_dir=OVERLAYS)
    before = _counts(sessions)
    bad = _bad_files(tmp_path)[kind]
    [report] = import_files([bad], sessions=sessions, overlay_dir=OVERLAYS)
    assert report.error and report.error.startswith(bad.name)
    assert _counts(sessions) == before


def test_it_names_the_line_where_a_truncated_brochure_stops(tmp_path):
    from ratecard.catalogue.parsers import parse_file
    from ratecard.catalogue.parsers.base import BrochureError

    text = KSS.read_text(encoding="utf-8")
    cut = tmp_path / "cut.txt"
    cut.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(BrochureError) as caught:
        parse_file(cut)
    assert caught.value.file == "cut.txt"
    assert caught.value.line is not None and caught.value.line > 1


def test_it_imports_good_files_beside_a_bad_one(sessions, tmp_path):
    bad = _bad_files(tmp_path)["empty"]
    reports = import_files([NSF, bad, KSS], sessions=sessions, overlay_dir=OVERLAYS)
    assert [r.error is None for r in reports] == [True, False, True]
    assert _counts(sessions)[0] == 2


def test_it_rolls_a_brochure_back_whole_when_storing_fails_part_way(sessions, monkeypatch):
    real_store = loading.store_brochure

    def store_then_fail(**kwargs):
        real_store(**kwargs)  # everything is flushed...
        raise RuntimeError("disk full")  # ...then the transaction dies

    monkeypatch.setattr(loading, "store_brochure", store_then_fail)
    with pytest.raises(RuntimeError):
        import_files([NSF], sessions=sessions, overlay_dir=OVERLAYS)
    assert _counts(sessions) == (0, 0, 0)


def test_it_writes_nothing_on_a_dry_run_but_reports_what_would_change(sessions):
    [report] = import_files([NSF], sessions=sessions, overlay_dir=OVERLAYS, dry_run=True)
    assert report.dry_run and report.created == report.services_found > 0
    assert _counts(sessions) == (0, 0, 0)


# Layouts that print an NSI sub type for every option they sell: (brochure, the sub type line deleted, the start of
# the line the error must name — the nearest above the deletion — and a word the message must hold).
MISSING_SUB_TYPES = [
    # a duration-table option (Assessment) left without its sub type
    (NSF, "Non Statutory Intervention Sub Type: FBD Assessment and Action Planning.", "Non Statutory Intervention:",
     "Assessment"),
    # a service's only sub type
    (NSF, "Non Statutory Intervention Sub Type: Women's Group Programme.", "Non Statutory Intervention:",
     "Women's Group Programme"),
    # the second option's category printed again, its sub type gone
    (CLN, "Non Statutory Intervention Sub type: MAPPA - Full Programme.", "Non Statutory Intervention:",
     "Offender Outreach"),
    # '...one to one; or' with the other sub type gone
    (CLN, "Non Statutory Intervention Sub Type: Safer Relationships group work.",
     "Non Statutory Intervention Sub Type: Safer Relationships one to one; or", "'or'"),
    (KSS, "NSI Sub Category: Resolve", "NSI Main Category:", "Resolve"),
]


@pytest.mark.parametrize(
    ("brochure", "deleted", "named", "word"),
    MISSING_SUB_TYPES,
    ids=[f"{case[0].name[:3]}-{case[3]}" for case in MISSING_SUB_TYPES],
)
def test_it_rejects_an_option_without_its_nsi_sub_type_naming_the_line(
    sessions, tmp_path, brochure, deleted, named, word
):
    lines = brochure.read_text(encoding="utf-8").splitlines(keepends=True)
    [gone] = [index for index, line in enumerate(lines) if line.strip() == deleted]
    copy = tmp_path / brochure.name
    copy.write_text("".join(lines[:gone] + lines[gone + 1 :]), encoding="utf-8")
    line = max(index for index in range(gone) if lines[index].strip().startswith(named)) + 1

    [report] = import_files([copy], sessions=sessions, overlay_dir=OVERLAYS)

    assert report.error and report.error.startswith(f"{copy.name}:{line}: ")
    assert word in report.error and "sub" in report.error.lower()
    assert _counts(sessions) == (0, 0, 0)
