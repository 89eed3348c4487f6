"""Matching against the stored catalogue: compiled once per catalogue version, never stale."""

from __future__ import annotations

import datetime as dt

from ratecard.catalogue import service as catalogue
from ratecard.eligibility import service
from ratecard.eligibility.engine import Outcome
from ratecard.eligibility.profile import Profile
from ratecard.catalogue.rules import Rule
from tests.factories import parsed_brochure, provider_data, service_data

MEN_ONLY = Rule.model_validate({"criterion": "sex", "message": "Men only.", "line": 3, "test": {"field": "sex", "in": ["male"]}})


def _result(session, profile, sid):
    return next(m.result for m in service.match(session=session, profile=profile) if m.service_id == sid)


def test_it_uses_new_rules_as_soon_as_a_reimport_changes_them(session):
    provider = provider_data(areas=["Northshire"])
    item = service_data()
    sid = catalogue.service_id(provider.code, item.key)
    woman = Profile(sex="female", area="Northshire")
    first = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    catalogue.store_brochure(session=session, parsed=parsed_brochure(provider=provider, services=[item]), checksum="a" * 64, now=first)
    assert _result(session, woman, sid) is Outcome.ELIGIBLE
    assert service.load_rulebook(session=session) is service.load_rulebook(session=session)  # compiled once
    stricter = item.model_copy(update={"rules": [MEN_ONLY]})
    catalogue.store_brochure(session=session, parsed=parsed_brochure(provider=provider, services=[stricter]),
                             checksum="b" * 64, now=first + dt.timedelta(seconds=1))
    assert _result(session, woman, sid) is Outcome.INELIGIBLE


def test_it_keeps_the_version_when_a_reimport_changes_nothing(session):
    provider = provider_data()
    parsed = parsed_brochure(provider=provider)
    catalogue.store_brochure(session=session, parsed=parsed, checksum="a" * 64, now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    before = catalogue.catalogue_version(session=session)
    catalogue.store_brochure(session=session, parsed=parsed, checksum="a" * 64, now=dt.datetime(2026, 2, 1, tzinfo=dt.UTC))
    assert catalogue.catalogue_version(session=session) == before


def test_it_stores_who_a_service_is_for_and_never_counts_it_as_eligible(session):
    provider = provider_data(areas=["Northshire"])
    own, partners = service_data(key="own-course"), service_data(key="partner-support", recipient="partner")
    catalogue.store_brochure(session=session, parsed=parsed_brochure(provider=provider, services=[own, partners]),
                             checksum="c" * 64, now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    sid = catalogue.service_id(provider.code, partners.key)
    assert catalogue.get_service(session=session, service_id=sid).recipient == "partner"
    matches = service.match(session=session, profile=Profile(sex="male", area="Northshire"))
    assert {m.service_id: m.result for m in matches} == {
        catalogue.service_id(provider.code, own.key): Outcome.ELIGIBLE, sid: Outcome.FOR_SOMEONE_ELSE,
    }
    assert [m.service_id for m in matches][-1] == sid  # after the person's own services
    groups, counts = service.grouped(matches)
    assert counts["eligible"] == 1 and counts["for_someone_else"] == 1
    assert [m.service_id for g in groups.values() for m in g["for_someone_else"]] == [sid]


def test_it_reports_printed_lines_decided_noted_and_not_covered(session):
    note = {"criterion": "review", "kind": "note", "message": "Checked at assessment.", "reason": "A process step.",
            "line": 4, "test": {"field": "consents", "is": True}}
    item = service_data(
        criteria_text=[{"text": "Men only.", "line": 3}, {"text": "Assessed first.", "line": 4}, {"text": "More.", "line": 5}],
        rules=[MEN_ONLY, Rule.model_validate(note)],
    )
    catalogue.store_brochure(session=session, parsed=parsed_brochure(services=[item]), checksum="d" * 64,
                             now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    [row] = service.rules_report(session=session)
    assert (row.criteria, row.decided, row.noted, row.uncovered, row.encoded, row.status) == (3, 1, 1, 1, 2, "partial")
