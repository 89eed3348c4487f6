"""A profile turned into the facts rules test: derived values worked out once per person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from operator import attrgetter
from typing import Any

from ratecard.eligibility.profile import CLASS_A, Profile
from ratecard.catalogue.rules import OASYS_PREFIX
from ratecard.eligibility.rules import Facts

# The DLNR guide's OGRS bands: low 0-49, medium 50-74, high 75+.
OGRS_BANDS = ((75, "high"), (50, "medium"), (0, "low"))


def reoffending_level(ogrs: int) -> str:
    """The reoffending band of an OGRS score."""
    return next(level for floor, level in OGRS_BANDS if ogrs >= floor)


def age_on(born: dt.date, day: dt.date) -> int:
    """Whole years from `born` to `day`."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# Fields read as they are: enums (as their string) and plain values.
_ENUMS = ("sex", "setting", "sentence", "rosh", "sara", "seriousness")
_PLAIN = (
    "sentence_months", "rar_days", "ogrs", "ovp", "audit", "previous_convictions",
    "alcohol_dependent", "drug_dependent", "serious_mental_health",
    "learning_difficulties", "speaks_english", "in_denial", "consents",
    "missed_appointments", "gypsy_traveller", "discusses_offence_in_group",
)
_LISTS = ("requirements", "needs", "index_offences", "victims", "recent_offences", "repeated_offences", "drugs_used")


# Facts worked out from the profile; each returns None when the profile does not tell.
# `_value_` rather than `.value`: the same string, without the enum descriptor's cost per read.


def _area(p: Profile, day: dt.date) -> str | None:
    return p.area.lower() if p.area else None


def _age(p: Profile, day: dt.date) -> int | None:
    if p.age is not None:
        return p.age
    return age_on(p.date_of_birth, day) if p.date_of_birth is not None else None


def _reoffending(p: Profile, day: dt.date) -> str | None:
    if p.ogrs is not None:
        return reoffending_level(p.ogrs)
    return p.risk_level._value_ if p.risk_level is not None else None


def _weeks_to_release(p: Profile, day: dt.date) -> float | None:
    return None if p.release_date is None else (p.release_date - day).days / 7


def _offences(p: Profile, day: dt.date) -> tuple[frozenset[str], bool] | None:
    if p.index_offences is None and p.previous_offences is None:
        return None
    both = frozenset([o._value_ for o in (p.index_offences or ())] + [o._value_ for o in (p.previous_offences or ())])
    # Known in full only when both the index and the previous offences are recorded.
    return both, p.index_offences is not None and p.previous_offences is not None


def _class_a_use(p: Profile, day: dt.date) -> bool | None:
    # The flag as recorded; failing that, the drugs the person uses tell.
    if p.class_a_use is not None:
        return p.class_a_use
    return None if p.drugs_used is None else any(d in CLASS_A for d in p.drugs_used)


_DERIVED: dict[str, Callable[[Profile, dt.date], Any]] = {
    "area": _area, "age": _age, "reoffending": _reoffending, "weeks_to_release": _weeks_to_release,
    "offences": _offences, "class_a_use": _class_a_use,
}


def _listed(items: list | None) -> tuple[frozenset[str], bool] | None:
    return None if items is None else (frozenset([i._value_ for i in items]), True)


def facts_of(profile: Profile, *, today: dt.date | None = None) -> Facts:
    """The facts rules read; a field the profile lacks is simply absent (unknown)."""
    day = profile.as_of or today or dt.date.today()
    facts: Facts = {}
    for name in _ENUMS:
        if (value := getattr(profile, name)) is not None:
            facts[name] = value._value_
    for name in _PLAIN:
        if (value := getattr(profile, name)) is not None:
            facts[name] = value
    for name in _LISTS:
        if (value := _listed(getattr(profile, name))) is not None:
            facts[name] = value
    for name, derive in _DERIVED.items():
        if (value := derive(profile, day)) is not None:
            facts[name] = value
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
    if name in _ENUMS:
        return lambda p: None if (v := getattr(p, name)) is None else v._value_
    if name in _LISTS:
        return lambda p: _listed(getattr(p, name))
    if name in _DERIVED:
        derive, day = _DERIVED[name], today or dt.date.today()  # one day for the whole batch
        return lambda p: derive(p, p.as_of or day)
    return attrgetter(name)  # a plain field, read as it is (faster than a lambda over many profiles)
