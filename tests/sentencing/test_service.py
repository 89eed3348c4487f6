"""The checker: every limit at, just under and just over its boundary, on both sides of each dated
change, and the rules about the order as a whole, each problem with its source."""

from __future__ import annotations

import datetime as dt

import pytest

from ratecard.sentencing.schemas import Order
from ratecard.sentencing.service import check, local_providers, requirements_for
from tests.sentencing.conftest import AFTER_2022, BEFORE_2022, order_data, sso_data

BEFORE_CHANGE = "2022-06-27"  # the last day before the 2022 Act's curfew and attendance centre changes
ON_CHANGE = "2022-06-28"
EM = {"electronic_monitoring": True}


def _errors(data: dict, requirement: str | None = "any") -> list[str]:
    result = check(order=Order.model_validate(data))
    assert result.valid is not any(p.severity == "error" for p in result.problems)
    return [p.message for p in result.problems if p.severity == "error" and (requirement == "any" or p.requirement == requirement)]


def _curfew(**measures) -> dict:
    return {"type": "curfew", "months": 3, "days_per_week": 5, "hours_per_day": 8, **EM, **measures}


# (requirement, conviction date, value, lawful): each limit of Schedule 9 at and either side of it.
LIMITS = [
    *[({"type": "unpaid_work", "hours": h}, AFTER_2022, ok) for h, ok in [(39, False), (40, True), (41, True), (299, True), (300, True), (301, False)]],
    # Curfew hours a day: 2-16 for a conviction before 28 June 2022, 2-20 on or after (s.150 of the 2022 Act).
    *[(_curfew(hours_per_day=h), BEFORE_CHANGE, ok) for h, ok in [(1, False), (2, True), (15, True), (16, True), (17, False)]],
    *[(_curfew(hours_per_day=h), ON_CHANGE, ok) for h, ok in [(1, False), (2, True), (17, True), (19, True), (20, True), (21, False)]],
    # 112 hours in any 7 days, only on or after the change: 16 x 7 = 112, 19 x 6 = 114, 20 x 5 = 100.
    *[(_curfew(hours_per_day=h, days_per_week=d), ON_CHANGE, ok) for h, d, ok in [(16, 7, True), (18, 6, True), (19, 6, False), (20, 5, True), (17, 7, False)]],
    (_curfew(hours_per_day=16, days_per_week=7), BEFORE_CHANGE, True),
    (_curfew(hours_per_day=17, days_per_week=None), ON_CHANGE, False),  # no days given: every day, 119 hours
    # Curfew length: 12 months before the change, 2 years on or after.
    *[(_curfew(months=m), BEFORE_CHANGE, ok) for m, ok in [(11, True), (12, True), (13, False)]],
    *[(_curfew(months=m), ON_CHANGE, ok) for m, ok in [(13, True), (23, True), (24, True), (25, False)]],
    *[({"type": "exclusion", "months": m, **EM}, AFTER_2022, ok) for m, ok in [(23, True), (24, True), (25, False)]],
    *[({"type": "foreign_travel_prohibition", "months": m}, AFTER_2022, ok) for m, ok in [(11, True), (12, True), (13, False)]],
    *[({"type": "alcohol_abstinence_monitoring", "days": d}, AFTER_2022, ok) for d, ok in [(0, False), (1, True), (119, True), (120, True), (121, False)]],
    # Attendance centre: 12-36 hours, and only for a conviction before 28 June 2022.
    *[({"type": "attendance_centre", "hours": h}, BEFORE_CHANGE, ok) for h, ok in [(11, False), (12, True), (13, True), (35, True), (36, True), (37, False)]],
    ({"type": "attendance_centre", "hours": 24}, ON_CHANGE, False),
    *[({"type": "rehabilitation_activity", "days": d}, AFTER_2022, ok) for d, ok in [(0, False), (1, True), (60, True)]],
    *[({"type": "programme", "days": d}, AFTER_2022, ok) for d, ok in [(0, False), (1, True)]],
]


@pytest.mark.parametrize("requirement,convicted,lawful", LIMITS)
def test_it_holds_each_requirement_to_its_limits_for_the_conviction_date(requirement, convicted, lawful):
    requirement = {k: v for k, v in requirement.items() if v is not None}
    data = order_data(requirement, {"type": "unpaid_work", "hours": 100}, conviction_date=convicted)
    if requirement["type"] == "unpaid_work":
        data["requirements"] = [requirement]
    errors = _errors(data, requirement["type"])
    assert (errors == []) is lawful, errors


def test_it_says_the_limit_and_the_date_that_decided_it():
    data = order_data(_curfew(hours_per_day=18), conviction_date=BEFORE_2022)
    problem = next(p for p in check(order=Order.model_validate(data)).problems if p.severity == "error")
    assert problem.requirement == "curfew"
    assert "maximum of 16" in problem.message and "before 28 June 2022" in problem.message
    assert problem.source == "Sentencing Act 2020, Schedule 9, paragraph 9(4)"
    data["conviction_date"] = AFTER_2022
    assert check(order=Order.model_validate(data)).valid


@pytest.mark.parametrize("months,lawful", [(35, True), (36, True), (37, False)])
def test_it_ends_a_community_order_within_three_years(months, lawful):
    errors = _errors(order_data(length_months=months), None)
    assert (errors == []) is lawful
    if not lawful:
        assert "within 3 years" in errors[0]


def test_it_needs_at_least_one_requirement_in_a_community_order_but_not_a_suspended_sentence():
    data = order_data()
    data["requirements"] = []
    assert any("at least one requirement" in m for m in _errors(data, None))
    assert check(order=Order.model_validate(sso_data(requirements=[], supervision_period_months=None))).valid


@pytest.mark.parametrize("months,days,lawful", [
    (0, 13, False), (0, 14, True), (0, 15, True), (23, 0, True), (24, 0, True), (24, 1, False), (25, 0, False), (0, 730, True), (0, 732, False),
])
def test_it_keeps_the_suspended_custodial_term_between_14_days_and_2_years(months, days, lawful):
    data = sso_data(custodial_term_months=months, custodial_term_days=days)
    assert (_errors(data, None) == []) is lawful


@pytest.mark.parametrize("field", ["operational_period_months", "supervision_period_months"])
@pytest.mark.parametrize("months,lawful", [(5, False), (6, True), (7, True), (23, True), (24, True), (25, False)])
def test_it_keeps_the_operational_and_supervision_periods_between_6_months_and_2_years(field, months, lawful):
    # Both periods move together so that only the limit under test can fail.
    data = sso_data(operational_period_months=months, supervision_period_months=months,
                    requirements=[{"type": "unpaid_work", "hours": 100}] if months >= 6 else [])
    if months < 6:
        data[field] = months
        data["operational_period_months" if field == "supervision_period_months" else "supervision_period_months"] = 12
        if field == "operational_period_months":
            data["supervision_period_months"] = None
    assert (_errors(data, None) == []) is lawful


@pytest.mark.parametrize("supervision,lawful", [(11, True), (12, True), (13, False)])
def test_it_keeps_the_supervision_period_within_the_operational_period(supervision, lawful):
    errors = _errors(sso_data(operational_period_months=12, supervision_period_months=supervision), None)
    assert (errors == []) is lawful
    if not lawful:
        assert "longer than the operational period" in errors[0]


@pytest.mark.parametrize("order_fields,lawful", [
    ({}, False), ({"fine": True}, True), ({"exceptional_circumstances": "Full-time carer; see the report."}, True),
    ({"exceptional_circumstances": "   "}, False),
])
def test_it_needs_a_punitive_requirement_or_a_fine_unless_exceptional_circumstances_are_recorded(order_fields, lawful):
    data = order_data({"type": "rehabilitation_activity", "days": 20}, **order_fields)
    errors = _errors(data, None)
    assert (errors == []) is lawful
    assert check(order=Order.model_validate(order_data({"type": "rehabilitation_activity", "days": 20},
                                                       {"type": "unpaid_work", "hours": 60}))).valid


def test_it_does_not_ask_a_suspended_sentence_for_a_punitive_requirement():
    assert check(order=Order.model_validate(sso_data({"type": "rehabilitation_activity", "days": 20}))).valid


@pytest.mark.parametrize("requirement,warned", [
    ({"type": "curfew", "hours_per_day": 8, "months": 3}, True),
    ({"type": "curfew", "hours_per_day": 8, "months": 3, "electronic_monitoring": True}, False),
    ({"type": "curfew", "hours_per_day": 8, "months": 3, "em_not_appropriate_reason": "No power at the address."}, False),
    ({"type": "exclusion", "months": 6}, True),
    ({"type": "exclusion", "months": 6, "electronic_monitoring": True}, False),
])
def test_it_asks_for_electronic_monitoring_with_a_curfew_or_exclusion_or_the_reason_it_is_inappropriate(requirement, warned):
    result = check(order=Order.model_validate(order_data(requirement)))
    warnings = [p for p in result.problems if p.severity == "warning" and "electronic monitoring" in p.message]
    assert bool(warnings) is warned
    assert result.valid  # lawful; the court records its reason
    if warned:
        assert "Schedule 9, paragraph 1" in warnings[0].source


def test_a_separate_electronic_monitoring_requirement_satisfies_it():
    data = order_data({"type": "curfew", "hours_per_day": 8, "months": 3}, {"type": "electronic_monitoring", "months": 3})
    assert not [p for p in check(order=Order.model_validate(data)).problems if "electronic monitoring" in p.message]


@pytest.mark.parametrize("requirement,offender,severity", [
    ({"type": "drug_rehabilitation", "months": 6, "willing": True}, {"drug_dependent": True}, None),
    ({"type": "drug_rehabilitation", "months": 6, "willing": False}, {"drug_dependent": True}, "error"),
    ({"type": "drug_rehabilitation", "months": 6, "willing": True}, {"drug_dependent": False}, "error"),
    ({"type": "drug_rehabilitation", "months": 6}, {"drug_dependent": True}, "warning"),
    ({"type": "alcohol_treatment", "months": 6, "willing": True}, {"alcohol_dependent": True}, None),
    ({"type": "alcohol_treatment", "months": 6, "willing": True}, {"alcohol_dependent": False}, "error"),
    ({"type": "mental_health_treatment", "months": 6, "willing": False}, {}, "error"),
    ({"type": "mental_health_treatment", "months": 6, "willing": True}, {}, None),
    ({"type": "alcohol_abstinence_monitoring", "days": 90}, {"alcohol_dependent": True}, "error"),
    ({"type": "alcohol_abstinence_monitoring", "days": 90}, {"alcohol_dependent": False}, None),
])
def test_it_checks_willingness_and_dependency_for_treatment_requirements(requirement, offender, severity):
    data = order_data(requirement, {"type": "unpaid_work", "hours": 60}, offender=offender)
    found = {p.severity for p in check(order=Order.model_validate(data)).problems if p.requirement == requirement["type"]}
    assert found == ({severity} if severity else set())


@pytest.mark.parametrize("age,lawful", [(17, False), (18, True), (40, True)])
def test_it_is_for_adults(age, lawful):
    assert (_errors(order_data(offender={"age": age}), None) == []) is lawful


@pytest.mark.parametrize("age,lawful", [(18, True), (24, True), (25, False)])
def test_it_keeps_attendance_centres_for_those_under_25(age, lawful):
    data = order_data({"type": "attendance_centre", "hours": 24}, conviction_date=BEFORE_2022, offender={"age": age})
    assert (_errors(data, "attendance_centre") == []) is lawful


def test_it_does_not_let_a_requirement_outlast_the_order():
    errors = _errors(order_data({"type": "exclusion", "months": 18, **EM}, {"type": "unpaid_work", "hours": 60}, length_months=12), "exclusion")
    assert errors and "longer than the order" in errors[0]
    errors = _errors(sso_data({"type": "exclusion", "months": 13, **EM}, operational_period_months=12, supervision_period_months=12), "exclusion")
    assert errors


def test_it_warns_of_combinations_and_cites_the_provider_for_local_advice():
    data = order_data({"type": "attendance_centre", "hours": 24}, {"type": "rehabilitation_activity", "days": 10},
                      conviction_date=BEFORE_2022)
    advice = [p for p in check(order=Order.model_validate(data)).problems if p.requirement == "attendance_centre"]
    assert [p.severity for p in advice] == ["warning"]
    assert "DLNR CRC brochure (003_d85e9727d563239b.txt, line 1261): provider's guidance, not law" == advice[0].source
    data = order_data({"type": "alcohol_abstinence_monitoring", "days": 60}, {"type": "alcohol_treatment", "months": 6, "willing": True},
                      {"type": "unpaid_work", "hours": 60}, offender={"alcohol_dependent": False})
    assert any("not combined" in p.message for p in check(order=Order.model_validate(data)).problems)


@pytest.mark.parametrize("level,hours,warned", [("low", 60, False), ("low", 81, True), ("medium", 80, False), ("medium", 151, True),
                                                ("high", 150, False), ("high", 120, True)])
def test_it_warns_when_unpaid_work_is_outside_the_guideline_band_for_the_level(level, hours, warned):
    result = check(order=Order.model_validate(order_data({"type": "unpaid_work", "hours": hours}, seriousness=level)))
    assert result.valid
    assert any("guideline" in p.message for p in result.problems) is warned


def test_it_warns_that_the_code_does_not_apply_to_a_conviction_before_december_2020():
    result = check(order=Order.model_validate(order_data(conviction_date="2020-11-30")))
    assert [p.severity for p in result.problems] == ["warning"]
    assert "Criminal Justice Act 2003" in result.problems[0].message
    assert check(order=Order.model_validate(order_data(conviction_date="2020-12-01"))).problems == []


def test_every_problem_has_a_source_and_a_plain_message():
    data = order_data({"type": "curfew", "hours_per_day": 23, "months": 40}, {"type": "attendance_centre", "hours": 50},
                      {"type": "drug_rehabilitation", "months": 3}, length_months=40, offender={"age": 30})
    result = check(order=Order.model_validate(data))
    assert not result.valid and len(result.problems) >= 6
    assert all(p.source and p.message.endswith((".", ")")) for p in result.problems)


def test_it_lists_the_law_for_a_date_with_the_change_beside_it():
    before = {r.type: r for r in requirements_for(day=dt.date(2021, 5, 1)).requirements}
    after = {r.type: r for r in requirements_for(day=dt.date(2024, 3, 1)).requirements}
    daily_before = next(lim for lim in before["curfew"].limits if lim.field == "hours_per_day")
    daily_after = next(lim for lim in after["curfew"].limits if lim.field == "hours_per_day")
    assert (daily_before.max, daily_after.max) == (16, 20)
    assert "20 hours in any day for a conviction on or after 28 June 2022" in daily_before.changed
    assert before["attendance_centre"].available and not after["attendance_centre"].available


def test_it_finds_the_local_providers_of_each_requirement_in_kent(catalogue_session):
    found = local_providers(session=catalogue_session, area="Kent")
    by_type = {row["type"]: row["services"] for row in found["requirements"]}
    assert found["note"] is None and "Kent" in found["understood"]
    programmes = {s["name"] for s in by_type["programme"]}
    assert {"Thinking Skills Programme", "Building Better Relationships", "Resolve"} <= programmes
    assert {s["provider"] for s in by_type["programme"]} == {"KSS"}
    assert all(s["url"] == f"/services/{s['id']}" for s in by_type["programme"])
    assert [s["name"] for s in by_type["attendance_centre"]] == ["Senior Attendance Centre"]
    rar = {s["name"] for s in by_type["rehabilitation_activity"]}
    assert {"Victim Awareness", "Anger Management"} <= rar and not rar & programmes  # programmes are their own requirement
    assert next(r for r in found["requirements"] if r["type"] == "attendance_centre")["unavailable"]
    lancashire = {row["type"]: row["services"] for row in local_providers(session=catalogue_session, area="Blackpool")["requirements"]}
    assert {s["provider"] for s in lancashire["unpaid_work"]} == {"CLN"}
