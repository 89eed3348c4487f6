"""A profile turned into the facts rules test: derived values worked out once per person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from ratecard.eligibility.profile import Profile
from ratecard.eligibility.rules import OASYS_PREFIX, Facts

# The DLNR guide's OGRS bands: low 0-49, medium 50-74, high 75+.
OGRS_BANDS = ((75, "high"), (50, "medium"), (0, "low"))


def reoffending_level(ogrs: int) -> str:
    """The reoffending band of an OGRS score."""
    return next(level for floor, level in OGRS_BANDS if ogrs >= floor)


def age_on(born: dt.date, day: dt.date) -> int:
    """Whole years from `born` to `day`."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def facts_of(profile: Profile, *, today: dt.date | None = None) -> Facts:
    """The facts rules read; a field the profile lacks is simply absent (unknown)."""
    day = profile.as_of or today or dt.date.today()
    facts: Facts = {}
    for name in (
        "sex", "setting", "sentence", "rosh", "sara",
    ):
        value = getattr(profile, name)
        if value is not None:
            facts[name] = value.value
    for name in (
        "sentence_months", "rar_days", "ogrs", "ovp", "audit", "previous_convictions",
        "alcohol_dependent", "drug_dependent", "class_a_use", "serious_mental_health",
        "learning_difficulties", "speaks_english", "in_denial", "consents",
    ):
        value = getattr(profile, name)
        if value is not None:
            facts[name] = value
    if profile.area:
        facts["area"] = profile.area.lower()
    if profile.age is not None:
        facts["age"] = profile.age
    elif profile.date_of_birth is not None:
        facts["age"] = age_on(profile.date_of_birth, day)
    if profile.ogrs is not None:
        facts["reoffending"] = reoffending_level(profile.ogrs)
    elif profile.risk_level is not None:
        facts["reoffending"] = profile.risk_level.value
    if profile.release_date is not None:
        facts["weeks_to_release"] = (profile.release_date - day).days / 7
    for name in ("requirements", "needs", "index_offences"):
        items = getattr(profile, name)
        if items is not None:
            facts[name] = (frozenset(i.value for i in items), True)
    if profile.index_offences is not None or profile.previous_offences is not None:
        both = {o.value for o in (profile.index_offences or [])} | {o.value for o in (profile.previous_offences or [])}
        # Known in full only when both the index and the previous offences are recorded.
        complete = profile.index_offences is not None and profile.previous_offences is not None
        facts["offences"] = (frozenset(both), complete)
    for item, score in (profile.oasys or {}).items():
        facts[OASYS_PREFIX + item] = score
    return facts


def fact_getter(name: str, *, today: dt.date | None = None) -> Callable[[Profile], Any]:
    """A function reading one fact from a profile, equal to facts_of(profile).get(name).

    The column-wise engine builds a column per field with it, without making a dict per person.
    """
    if name.startswith(OASYS_PREFIX):
        item = name[len(OASYS_PREFIX):]
        return lambda p: (p.oasys or {}).get(item)
    # `_value_` rather than `.value`: the same string, without the enum descriptor's cost per read.
    if name in _ENUMS:
        return lambda p: None if (v := getattr(p, name)) is None else v._value_
    if name == "area":
        return lambda p: p.area.lower() if p.area else None
    if name == "age":
        return lambda p: p.age if p.age is not None else (
            age_on(p.date_of_birth, p.as_of or today or dt.date.today()) if p.date_of_birth else None
        )
    if name == "reoffending":
        return lambda p: reoffending_level(p.ogrs) if p.ogrs is not None else (
            p.risk_level._value_ if p.risk_level is not None else None
        )
    if name == "weeks_to_release":
        return lambda p: None if p.release_date is None else (
            (p.release_date - (p.as_of or today or dt.date.today())).days / 7
        )
    if name in ("requirements", "needs", "index_offences"):
        return lambda p: None if (v := getattr(p, name)) is None else (frozenset([i._value_ for i in v]), True)
    if name == "offences":
        def offences(p: Profile) -> Any:
            if p.index_offences is None and p.previous_offences is None:
                return None
            both = frozenset([o._value_ for o in (p.index_offences or ())] + [o._value_ for o in (p.previous_offences or ())])
            return both, p.index_offences is not None and p.previous_offences is not None
        return offences
    return lambda p: getattr(p, name)


_ENUMS = frozenset({"sex", "setting", "sentence", "rosh", "sara"})
