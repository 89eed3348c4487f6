"""The sentencing guide: what a court may order on a date, whether a proposed order is lawful, and
who delivers each requirement locally. `check` reads only the precomputed data file: no database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from ratecard.sentencing.limits import BrochureLine, Limit, RequirementRule, Rulebook, Source, rulebook
from ratecard.sentencing.schemas import (
    CheckResult,
    GuidanceOut,
    LimitOut,
    Order,
    OrderType,
    Problem,
    ProposedRequirement,
    RequirementOut,
    RequirementsOut,
    RequirementType,
)

_DAYS_PER_MONTH = 365.25 / 12


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def _brochure(provider: str, line: BrochureLine) -> str:
    first, last = line.lines
    where = f"line {first}" if first == last else f"lines {first}-{last}"
    return f"{provider} CRC brochure ({line.file}, {where}): provider's guidance, not law"


def _conviction_clause(limit: Limit) -> str:
    if limit.from_ is not None:
        return f" for a conviction on or after {_day(limit.from_)}"
    if limit.before is not None:
        return f" for a conviction before {_day(limit.before)}"
    return ""


def _measure(requirement: ProposedRequirement, field: str) -> int | None:
    if field == "hours_per_week":
        if requirement.hours_per_day is None:
            return None
        # No days given: the curfew runs every day, so a week holds seven of them.
        return requirement.hours_per_day * (requirement.days_per_week or 7)
    return getattr(requirement, field)


def _limit_problems(name: str, kind: str, requirement: ProposedRequirement, limits: tuple[Limit, ...], out: list[Problem]) -> None:
    for limit in limits:
        value = _measure(requirement, limit.field)
        if value is None:
            continue
        if limit.min is not None and value < limit.min:
            out.append(Problem(severity="error", requirement=kind, source=limit.source.cite(),
                               message=f"{name}: {value} {limit.unit} is less than the minimum of {limit.min}"
                                       f"{_conviction_clause(limit)}."))
        elif limit.max is not None and value > limit.max:
            out.append(Problem(severity="error", requirement=kind, source=limit.source.cite(),
                               message=f"{name}: {value} {limit.unit} is more than the maximum of {limit.max}"
                                       f"{_conviction_clause(limit)}."))


def _condition_problems(name: str, kind: str, requirement: ProposedRequirement, rule: RequirementRule, order: Order,
                        out: list[Problem]) -> None:
    offender = order.offender
    for condition in rule.law.conditions:
        if condition.check == "willing":
            known = requirement.willing
        elif condition.check == "alcohol_dependent":
            known = offender.alcohol_dependent
        elif condition.check == "drug_dependent":
            known = offender.drug_dependent
        else:  # not_alcohol_dependent
            known = None if offender.alcohol_dependent is None else not offender.alcohol_dependent
        if known is False:
            out.append(Problem(severity="error", requirement=kind, message=condition.message, source=condition.source.cite()))
        elif known is None and condition.check != "not_alcohol_dependent":
            out.append(Problem(severity="warning", requirement=kind, source=condition.source.cite(),
                               message=f"{condition.message} Record it before the order is made."))


def _guideline_problems(name: str, kind: str, requirement: ProposedRequirement, rule: RequirementRule, order: Order,
                        book: Rulebook, out: list[Problem]) -> None:
    if order.seriousness is None or order.seriousness not in rule.guideline:
        return
    band = rule.guideline[order.seriousness]
    source = book.levels.source.cite()
    level = order.seriousness
    if band.min is not None and requirement.hours is not None and not band.min <= requirement.hours <= (band.max or requirement.hours):
        out.append(Problem(severity="warning", requirement=kind, source=source,
                           message=f"{name}: {requirement.hours} hours is outside the guideline's {band.min}-{band.max} "
                                   f"hours for a {level} level community order; give reasons for departing from it."))
    months = requirement.months
    if months is not None and (band.months_min is not None or band.months_max is not None):
        low, high = band.months_min or 0, band.months_max or months
        if not low <= months <= high:
            out.append(Problem(severity="warning", requirement=kind, source=source,
                               message=f"{name}: {months} months is outside what the guideline suggests for a {level} "
                                       f"level ({band.text}); give reasons for departing from it."))


def check(*, order: Order) -> CheckResult:
    """Whether a proposed order is lawful (no errors), with every problem, its severity and its source."""
    book = rulebook()
    orders = book.orders
    day = order.conviction_date
    problems: list[Problem] = []
    community = order.order_type is OrderType.COMMUNITY_ORDER
    start = book.code_commencement
    if day < start.date:
        problems.append(Problem(severity="warning", requirement=None, source=start.source.cite(),
                                message=f"The conviction is before {_day(start.date)}: the Sentencing Code does not "
                                        "apply (the Criminal Justice Act 2003 did), so these limits may not be the ones that apply."))
    adults = orders["adults_only"]
    if order.offender.age is not None and adults.min_age is not None and order.offender.age < adults.min_age:
        problems.append(Problem(severity="error", requirement=None, message=adults.message, source=adults.source.cite()))
    if community:
        _community_order_problems(order, book, problems)
    else:
        _suspended_order_problems(order, book, problems)
    present = {r.type for r in order.requirements}
    within = order.length_months if community else order.supervision_period_months
    for requirement in order.requirements:
        _requirement_problems(requirement, order, book, present, within, problems)
    if community and order.requirements:
        punitive = orders["punitive_element"]
        if not order.fine and not (order.exceptional_circumstances or "").strip() and not any(
            book.requirements[k.value].usually_punitive for k in present
        ):
            problems.append(Problem(severity="error", requirement=None, message=punitive.message, source=punitive.source.cite()))
    return CheckResult(valid=not any(p.severity == "error" for p in problems), problems=problems)


def _community_order_problems(order: Order, book: Rulebook, problems: list[Problem]) -> None:
    orders = book.orders
    if not order.requirements:
        rule = orders["at_least_one_requirement"]
        problems.append(Problem(severity="error", requirement=None, message=rule.message, source=rule.source.cite()))
    length = orders["community_order_length"]
    if order.length_months is not None and length.max_months is not None and order.length_months > length.max_months:
        problems.append(Problem(severity="error", requirement=None, source=length.source.cite(),
                                message=f"{length.message} {order.length_months} months is longer."))


def _suspended_order_problems(order: Order, book: Rulebook, problems: list[Problem]) -> None:
    orders = book.orders
    term = orders["custodial_term"]
    months, days = order.custodial_term_months or 0, order.custodial_term_days or 0
    total = months * _DAYS_PER_MONTH + days
    if (months == 0 and days < (term.min_days or 0)) or total > (term.max_months or 0) * _DAYS_PER_MONTH + 0.5:
        problems.append(Problem(severity="error", requirement=None, message=term.message, source=term.source.cite()))
    operational = orders["operational_period"]
    op = order.operational_period_months
    if op is not None and not (operational.min_months or 0) <= op <= (operational.max_months or op):
        problems.append(Problem(severity="error", requirement=None, source=operational.source.cite(),
                                message=f"{operational.message} {op} months is not."))
    supervision = orders["supervision_period"]
    sup = order.supervision_period_months
    if sup is not None:
        if not (supervision.min_months or 0) <= sup <= (supervision.max_months or sup):
            problems.append(Problem(severity="error", requirement=None, source=supervision.source.cite(),
                                    message=f"{supervision.message} {sup} months is not."))
        elif op is not None and sup > op:
            problems.append(Problem(severity="error", requirement=None, source=supervision.source.cite(),
                                    message=f"The supervision period ({sup} months) is longer than the operational "
                                            f"period ({op} months): it may not be."))


def _requirement_problems(requirement: ProposedRequirement, order: Order, book: Rulebook, present: set[RequirementType],
                          within: int | None, problems: list[Problem]) -> None:
    kind = requirement.type.value
    rule = book.requirements[kind]
    name = rule.name
    law = rule.law
    day = order.conviction_date
    if law.available_before is not None and day >= law.available_before:
        source = law.available_source.cite() if law.available_source else "Sentencing Act 2020"
        problems.append(Problem(severity="error", requirement=kind, source=source,
                                message=f"{name}: not available for a conviction on or after {_day(law.available_before)}."))
    if law.under_age is not None and order.offender.age is not None and order.offender.age >= law.under_age:
        source = law.age_source.cite() if law.age_source else "Sentencing Act 2020"
        problems.append(Problem(severity="error", requirement=kind, source=source,
                                message=f"{name}: only for offenders aged under {law.under_age} when convicted."))
    _limit_problems(name, kind, requirement, book.limits_for(kind, day), problems)
    if requirement.months is not None and within is not None and requirement.months > within:
        rule_within = book.orders["requirement_within_order"]
        problems.append(Problem(severity="error", requirement=kind, source=rule_within.source.cite(),
                                message=f"{name}: {requirement.months} months is longer than the order's "
                                        f"{within} months. {rule_within.message}"))
    _condition_problems(name, kind, requirement, rule, order, problems)
    for other in law.not_with:
        if RequirementType(other.type) in present:
            problems.append(Problem(severity=other.severity, requirement=kind, message=other.message, source=other.source.cite()))
    for advice in rule.guidance_not_with:
        if RequirementType(advice.type) in present:
            problems.append(Problem(severity="warning", requirement=kind, message=advice.message,
                                    source=_brochure(advice.provider, advice.brochure)))
    if rule.needs_electronic_monitoring and not requirement.electronic_monitoring \
            and RequirementType.ELECTRONIC_MONITORING not in present \
            and not (requirement.em_not_appropriate_reason or "").strip():
        em = book.orders["electronic_monitoring"]
        source = law.electronic_monitoring.source.cite() if law.electronic_monitoring else em.source.cite()
        problems.append(Problem(severity="warning", requirement=kind, source=source,
                                message=f"{name}: add electronic monitoring, or record why it is inappropriate "
                                        "(em_not_appropriate_reason)."))
    _guideline_problems(name, kind, requirement, rule, order, book, problems)


# --- the guide ----------------------------------------------------------------------------------


def _limit_out(limit: Limit, kind: str, book: Rulebook) -> LimitOut:
    changed = None
    if limit.from_ is not None or limit.before is not None:
        other = [x for x in book.requirements[kind].law.limits if x.field == limit.field and x is not limit]
        pivot = limit.from_ or limit.before
        if other:
            o = other[0]
            figure = f"{o.min}-{o.max}" if o.min is not None and o.max is not None else f"up to {o.max}"
            side = "before" if limit.from_ is not None else "on or after"
            changed = f"{figure} {o.unit} for a conviction {side} {_day(pivot)}"
        else:
            changed = f"{'no such limit' if limit.from_ else 'no longer applies'} for a conviction " \
                      f"{'before' if limit.from_ else 'on or after'} {_day(pivot)}"
    return LimitOut(field=limit.field, min=limit.min, max=limit.max, unit=limit.unit, source=limit.source.cite(),
                    verified=limit.source.verified, changed=changed)


def requirements_for(*, day: dt.date) -> RequirementsOut:
    """Every requirement with its limits as they stand for a conviction on `day`."""
    book = rulebook()
    items = []
    for kind, rule in book.requirements.items():
        law = rule.law
        available = law.available_before is None or day < law.available_before
        reason = None if available else f"Not available for a conviction on or after {_day(law.available_before)}."  # type: ignore[arg-type]
        conditions = [c.message for c in law.conditions]
        if law.under_age is not None:
            conditions.append(f"Only for offenders aged under {law.under_age} when convicted.")
        items.append(RequirementOut(
            type=kind, name=rule.name, part=f"Schedule 9, {rule.part}", what=rule.what, available=available,
            unavailable_reason=reason,
            limits=[_limit_out(limit, kind, book) for limit in book.limits_for(kind, day)],
            conditions=conditions, notes=[n.text for n in law.notes],
            guideline={level: band.text or f"{band.min}-{band.max} hours" for level, band in rule.guideline.items()},
            provider_guidance=[GuidanceOut(provider=g.provider, text=g.text, brochure=_brochure(g.provider, g.brochure))
                               for g in rule.provider_guidance],
        ))
    return RequirementsOut(conviction_date=day, code_applies=day >= book.code_commencement.date, requirements=items)


def levels() -> dict[str, Any]:
    """The guideline's community order levels and their source."""
    book = rulebook()
    return {"source": book.levels.source.cite(), "levels": [book.levels.low, book.levels.medium, book.levels.high]}


def source_of(source: Source) -> str:
    """A source as one line."""
    return source.cite()


def local_providers(*, session: Session, area: str) -> dict[str, Any]:
    """Who delivers each requirement in a court area (county or town, understood as the rest of ratecard
    understands places), from the catalogue: {understood, note, requirements: [{type, name, services}]}."""
    from ratecard import places
    from ratecard.catalogue import service as catalogue
    from ratecard.catalogue.schemas import ServiceFilters
    from ratecard.eligibility.areas import area_note

    book = rulebook()
    note = area_note(area)
    understood = None if note else places.describe(places.resolve(area))
    found = catalogue.list_services(session=session, filters=ServiceFilters(area=area), per_page=1000).items
    rows = []
    for kind, spec in book.local_services.items():
        matches = [
            s for s in found
            if (spec.kind is None or s.kind == spec.kind) and s.kind not in spec.not_kinds
            and (spec.rar_usable is None or s.rar_usable is spec.rar_usable)
            and (not spec.names or any(word in s.name.lower() for word in spec.names))
        ]
        law = book.requirements[kind].law
        unavailable = None
        if law.available_before is not None and dt.date.today() >= law.available_before:
            unavailable = f"Not available for a conviction on or after {_day(law.available_before)}."
        rows.append({"type": kind, "name": book.requirements[kind].name, "unavailable": unavailable,
                     "services": [{"id": s.id, "name": s.name, "provider": s.provider, "provider_name": s.provider_name,
                                   "category": s.category, "url": f"/services/{s.id}"} for s in matches]})
    return {"area": area, "understood": understood, "note": note, "requirements": rows}
