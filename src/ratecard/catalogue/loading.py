"""Importing brochure files, one transaction per brochure, for the CLI, start-up and benchmarks."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from ratecard.catalogue.coverage import not_encoded
from ratecard.catalogue.importer import OverlayChecks, checked_brochure
from ratecard.catalogue.parsers import read_text
from ratecard.catalogue.parsers.base import BrochureError
from ratecard.catalogue.schemas import ImportReport, NotEncoded, ParsedBrochure
from ratecard.catalogue.service import service_id, store_brochure


def brochure_files(directory: Path) -> list[Path]:
    """The brochure text files in `directory` (not its README), in name order."""
    return sorted(p for p in directory.glob("*.txt") if p.is_file())


def import_files(
    files: Iterable[Path],
    *,
    sessions: sessionmaker[Session],
    overlay_dir: Path,
    dry_run: bool = False,
    on_done: Callable[[ImportReport], None] | None = None,
) -> list[ImportReport]:
    """Import each file in its own transaction; a file that fails writes nothing and is reported.

    With `dry_run` every transaction is rolled back, so the reports say what would change.
    """
    reports = []
    for path in files:
        report = _import_one(path, sessions=sessions, overlay_dir=overlay_dir, dry_run=dry_run)
        reports.append(report)
        if on_done:
            on_done(report)
    return reports


def _import_one(path: Path, *, sessions: sessionmaker[Session], overlay_dir: Path, dry_run: bool) -> ImportReport:
    try:
        text = read_text(path)
        parsed, checks = checked_brochure(text, file=path.name, overlay_dir=overlay_dir)
    except BrochureError as exc:
        return ImportReport(file=path.name, error=str(exc), dry_run=dry_run)
    # The bytes that were parsed (a strict UTF-8 decode gives them back exactly), not a second read.
    checksum = hashlib.sha256(text.encode("utf-8")).hexdigest()
    session = sessions()
    try:
        report = store_brochure(session=session, parsed=parsed, checksum=checksum)
        if dry_run:
            session.rollback()
        else:
            session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
    return _with_checks(_with_not_encoded(report, parsed), checks).model_copy(update={"dry_run": dry_run})


def _with_checks(report: ImportReport, checks: OverlayChecks) -> ImportReport:
    # Lost anchors are already in needs_review (as their services' review notes); moves and numbers are not.
    anchoring = checks.anchoring
    return report.model_copy(
        update={
            "rules_anchored": anchoring.anchored,
            "rules_without_anchor": anchoring.without_anchor,
            "anchors_moved": list(anchoring.moved),
            "anchors_lost": list(anchoring.lost),
            "summary_mismatches": list(checks.summaries),
        }
    )


def _with_not_encoded(report: ImportReport, parsed: ParsedBrochure) -> ImportReport:
    # The rules report's notion: printed criteria lines that no rule or note cites.
    code = parsed.provider.code
    found = [NotEncoded(service_id=service_id(code, s.key), name=s.name, lines=list(lines)) for s, lines in not_encoded(parsed)]
    if not found:
        return report
    review = [
        f"{n.name}: criteria not yet encoded (brochure line{'s' if len(n.lines) > 1 else ''} "
        f"{', '.join(map(str, n.lines))}): matched as unknown until a rule or note cites them"
        for n in found
    ]
    return report.model_copy(update={"criteria_not_encoded": found, "needs_review": [*report.needs_review, *review]})
