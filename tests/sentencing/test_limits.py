"""The data file: every requirement of Schedule 9 is there, and every limit says where it comes from."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from ratecard.sentencing.limits import RULES_FILE, Rulebook, rulebook
from ratecard.sentencing.schemas import RequirementType


def _sources(book: Rulebook):
    for kind, rule in book.requirements.items():
        for limit in rule.law.limits:
            yield f"{kind}.{limit.field}", limit.source
        for item in (*rule.law.conditions, *rule.law.not_with, *rule.law.notes):
            yield f"{kind}.{type(item).__name__}", item.source
    for name, order_rule in book.orders.items():
        yield name, order_rule.source
    for name, change in book.changes.items():
        yield name, change.source
    yield "levels", book.levels.source


def test_it_holds_every_requirement_of_schedule_9_and_nothing_else():
    assert set(rulebook().requirements) == {t.value for t in RequirementType}
    assert set(rulebook().local_services) <= set(rulebook().requirements)


@pytest.mark.parametrize("where,source", list(_sources(rulebook())), ids=lambda v: v if isinstance(v, str) else "")
def test_it_names_the_act_and_provision_of_every_rule_and_says_why_any_is_unverified(where, source):
    assert source.act
    assert source.schedule or source.section or "guideline" in source.act
    assert source.url and source.url.startswith("https://")
    if not source.verified:
        assert source.note, f"{where} is unverified without saying why"


def test_it_dates_every_changed_limit_by_the_conviction_date():
    for rule in rulebook().requirements.values():
        for limit in rule.law.limits:
            if limit.from_ or limit.before:
                assert limit.decided_by == "conviction_date"
                assert (limit.from_ or limit.before) in {c.applies_from for c in rulebook().changes.values()}


def test_it_keeps_provider_guidance_apart_from_the_law_with_its_brochure_lines():
    dlnr = [g for rule in rulebook().requirements.values() for g in rule.provider_guidance if g.provider == "DLNR"]
    assert {g.brochure.file for g in dlnr} == {"003_d85e9727d563239b.txt"}
    assert all(g.brochure.lines[0] <= g.brochure.lines[1] for g in dlnr)


def test_it_refuses_a_data_file_with_an_unknown_key(tmp_path):
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    data["requirements"]["curfew"]["law"]["limits"][0]["maximum"] = 16
    with pytest.raises(ValueError, match="maximum"):
        Rulebook.model_validate(data)


@pytest.mark.parametrize("day,daily,months", [
    (dt.date(2022, 6, 27), 16, 12), (dt.date(2022, 6, 28), 20, 24), (dt.date(2020, 12, 1), 16, 12), (dt.date(2030, 1, 1), 20, 24),
])
def test_it_looks_up_the_curfew_limits_in_force_on_each_side_of_28_june_2022(day, daily, months):
    limits = {limit.field: limit.max for limit in rulebook().limits_for("curfew", day)}
    assert limits["hours_per_day"] == daily
    assert limits["months"] == months
    assert ("hours_per_week" in limits) is (day >= dt.date(2022, 6, 28))
