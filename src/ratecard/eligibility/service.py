"""Eligibility operations: matching a profile against the catalogue, and the rules coverage report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from pydantic import BaseModel
from sqlalchemy import select, text
from sqlalchemy.orm import Session, selectinload

from ratecard.catalogue.models import Service
from ratecard.catalogue.service import catalogue_version
from ratecard.catalogue.schemas import ParsedBrochure, ServiceData
from ratecard.eligibility import snapshot
from ratecard.eligibility.engine import Match, Outcome, ServiceRules, in_display_order
from ratecard.eligibility.profile import Profile
from ratecard.eligibility.rulebook import (
    SETTING_RULES, decide_all, matches_json, record_of, rules_for, service_rules_from_records,
)
from ratecard.catalogue.coverage import uncited_lines
from ratecard.catalogue.rules import RuleKind

__all__ = [
    "SETTING_RULES", "CoverageRow", "grouped", "load_rulebook", "match", "matches_json", "rules_report",
    "service_rules_from_brochure", "service_rules_from_rows", "write_snapshot",
]


def service_rules_from_rows(services: Iterable[Service]) -> list[ServiceRules]:
    """Compiled rules of stored services (their provider loaded), in display order."""
    return service_rules_from_records(record_of(s) for s in services)


def service_rules_from_brochure(parsed: ParsedBrochure) -> list[ServiceRules]:
    """Compiled rules straight from a parsed brochure, without a database (tests, tools)."""
    code = parsed.provider.code

    def one(s: ServiceData) -> ServiceRules:
        return ServiceRules(
            service_id=f"{code.lower()}-{s.key}",
            provider=code,
            name=s.name,
            category=s.category,
            source_file=s.source.file,
            areas=s.areas or parsed.provider.areas,
            rules=rules_for(s.setting.value, s.rules),
            recipient=s.recipient,
            unencoded=uncited_lines((c.line for c in s.criteria_text), (r.line for r in s.rules)),
        )

    return in_display_order(one(s) for s in parsed.services)


# Compiled rulebooks by database and catalogue version: compiling ~400 rules takes tens of
# milliseconds, deciding a person under one. A re-import changes the version, so no stale rules.
_RULEBOOKS: dict[tuple[object, ...], list[ServiceRules]] = {}
_KEEP = 4


def _listed_services(session: Session) -> Iterable[Service]:
    return session.scalars(select(Service).where(Service.listed.is_(True)).options(selectinload(Service.provider)))


def load_rulebook(*, session: Session) -> list[ServiceRules]:
    """Every listed service's compiled rules, compiled once per catalogue version."""
    key = (str(session.get_bind().engine.url), *catalogue_version(session=session))
    book = _RULEBOOKS.get(key)
    if book is None:
        book = service_rules_from_rows(_listed_services(session))
        while len(_RULEBOOKS) >= _KEEP:
            _RULEBOOKS.pop(next(iter(_RULEBOOKS)), None)
        _RULEBOOKS[key] = book
    return book


def match(*, session: Session, profile: Profile, today: dt.date | None = None) -> list[Match]:
    """Every listed service decided for `profile`: eligible first, then unknown, then ineligible."""
    return decide_all(load_rulebook(session=session), profile, today=today)


def write_snapshot(*, session: Session, database_url: str) -> list[ServiceRules]:
    """Write the CLI's rulebook snapshot of this database (see eligibility.snapshot) and return its rulebook.

    The stamp is read before and after the services: an import committed in between (PostgreSQL reads
    each statement afresh) changes it, and then nothing is written rather than rows under the wrong stamp.
    """
    before = _stamp(session)
    records = [record_of(s) for s in _listed_services(session)]
    if _stamp(session) == before:
        snapshot.save(database_url, stamp=before, records=records)
    return service_rules_from_records(records)


def _stamp(session: Session) -> str:
    return snapshot.stamp_of(lambda sql: session.execute(text(sql)).all())


def grouped(matches: list[Match]) -> tuple[dict[str, dict[str, list[Match]]], dict[str, int]]:
    """Matches by category, then by outcome (each outcome present, perhaps empty), and counts per outcome."""
    groups: dict[str, dict[str, list[Match]]] = {}
    counts = {o.value: 0 for o in Outcome}
    for m in matches:
        groups.setdefault(m.category, {o.value: [] for o in Outcome})[m.result.value].append(m)
        counts[m.result.value] += 1
    return groups, counts


class CoverageRow(BaseModel):
    """How much of one service's printed criteria is encoded as rules."""

    provider: str
    file: str
    service_id: str
    name: str
    criteria: int  # printed criteria lines
    encoded: int  # lines a rule of either kind cites (decided + noted)
    rules: int
    status: str  # full | partial | none | no criteria
    decided: int = 0  # lines a requirement rule cites: the matcher decides them
    noted: int = 0  # lines only a note cites, each note saying why it cannot decide
    uncovered: int = 0  # lines no rule cites


def rules_report(*, session: Session) -> list[CoverageRow]:
    """For every listed service: printed criteria lines, how many a rule decides or a note covers, and the verdict."""
    rows = []
    for s in sorted(_listed_services(session), key=lambda s: (s.source_file, s.position)):
        lines = {c["line"] for c in s.criteria}
        cited = lines.difference(uncited_lines(lines, (r.get("line") for r in s.rules)))
        decided = lines.intersection(r.get("line") for r in s.rules if r.get("kind", RuleKind.REQUIREMENT) != RuleKind.NOTE)
        if not lines:
            status = "no criteria"
        elif cited == lines:
            status = "full"
        elif cited:
            status = "partial"
        else:
            status = "none"
        rows.append(
            CoverageRow(
                provider=s.provider.code, file=s.source_file, service_id=s.id, name=s.name,
                criteria=len(lines), encoded=len(cited), rules=len(s.rules), status=status,
                decided=len(decided), noted=len(cited - decided), uncovered=len(lines - cited),
            )
        )
    return rows
