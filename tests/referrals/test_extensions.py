"""The registry through which higher domains add facts and panels to the referral pages."""

from __future__ import annotations

import pytest

from ratecard.referrals import extensions
from ratecard.referrals.extensions import Fact, Panel


@pytest.fixture
def clean(monkeypatch):
    monkeypatch.setattr(extensions, "_row_facts", {})
    monkeypatch.setattr(extensions, "_panels", {})


def test_it_merges_every_providers_facts_for_the_ids_asked_only(clean):
    asked = []

    def budget(session, ids, now):
        asked.append(list(ids))
        return {i: [Fact("1 of 4 sessions")] for i in ids if i % 2}

    extensions.register_row_facts("a", lambda session, ids, now: {ids[0]: [Fact("Breach action due", attention=True)]})
    extensions.register_row_facts("b", budget)
    extensions.register_row_facts("b", budget)  # again, as each app made registers it: replaced, not repeated
    found = extensions.row_facts(session=None, referral_ids=[3, 4])
    assert found == {3: [Fact("Breach action due", attention=True), Fact("1 of 4 sessions")]}
    assert asked == [[3, 4]]
    assert extensions.needing_attention(found) == 1
    assert extensions.row_facts(session=None, referral_ids=[]) == {} and asked == [[3, 4]]  # no ids: no queries


def test_it_collects_the_panels_that_have_something_to_show(clean):
    extensions.register_panel("none", lambda session, rid, now: None)
    extensions.register_panel("delivery", lambda session, rid, now: Panel("Delivery", [("Sessions", f"{rid}")]))
    assert extensions.panels(session=None, referral_id=7) == [Panel("Delivery", [("Sessions", "7")])]
