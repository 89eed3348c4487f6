"""Properties of matching over the real catalogue (rules from the overlays), without a database."""

from __future__ import annotations

from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from ratecard.catalogue.importer import read_brochure
from ratecard.eligibility.engine import Outcome, match_all
from ratecard.eligibility.facts import facts_of
from ratecard.eligibility.profile import Profile
from ratecard.eligibility.service import service_rules_from_brochure
from tests.eligibility.strategies import FIELDS, profiles
from tests.paths import ALL_BROCHURES, OVERLAYS


@cache
def catalogue_rules():
    services = []
    for path in ALL_BROCHURES:
        services += service_rules_from_brochure(read_brochure(path, overlay_dir=OVERLAYS))
    return services


def _results(profile: Profile) -> dict[str, Outcome]:
    return {m.service_id: m.result for m in match_all(catalogue_rules(), facts_of(profile), profile.area)}


def test_it_never_rules_anyone_out_on_an_empty_profile():
    results = _results(Profile())
    assert len(results) > 100
    assert Outcome.INELIGIBLE not in results.values()
    # The Partner Link Worker supports the partner: never the person's own eligible service.
    assert results["cln-partner-link-worker"] is Outcome.FOR_SOMEONE_ELSE


@settings(max_examples=80, deadline=None)
@given(profiles, profiles, st.sampled_from(FIELDS))
def test_it_never_turns_eligible_into_unknown_when_information_is_added(person, donor, field):
    if getattr(person, field) is not None or getattr(donor, field) is None:
        return
    richer = person.model_copy(update={field: getattr(donor, field)})
    before, after = _results(person), _results(richer)
    assert [sid for sid, result in before.items() if result is Outcome.ELIGIBLE and after[sid] is Outcome.UNKNOWN] == []


@settings(max_examples=40, deadline=None)
@given(profiles)
def test_it_gives_every_ineligible_service_a_failed_reason_and_every_unknown_a_missing_field(person):
    for match in match_all(catalogue_rules(), facts_of(person), person.area):
        statuses = {r.status for r in match.reasons}
        if match.result is Outcome.INELIGIBLE:
            assert "failed" in statuses
        elif match.result is Outcome.UNKNOWN:
            assert all(r.missing for r in match.reasons if r.status == "unknown") and "unknown" in statuses
        elif match.result is Outcome.FOR_SOMEONE_ELSE:
            assert match.reasons[0].criterion == "recipient" and "failed" not in statuses
        else:
            assert statuses <= {"note"}
