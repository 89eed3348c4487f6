"""Deciding many profiles at once: the same rules, evaluated column-wise with numpy.

Each test becomes two boolean arrays over all profiles, T (known true) and F (known false);
a profile in neither is unknown. `all`, `any` and `not` combine them with Kleene's logic, so the
answers equal those of the one-profile engine (a property test holds them to it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ratecard.eligibility.areas import area_matches
from ratecard.eligibility.engine import Outcome, ServiceRules
from ratecard.eligibility.facts import fact_getter
from ratecard.eligibility.profile import Profile
from ratecard.catalogue.rules import Condition, RuleKind, field_type

ELIGIBLE, UNKNOWN, INELIGIBLE, FOR_SOMEONE_ELSE = 0, 1, 2, 3
CODES = {
    ELIGIBLE: Outcome.ELIGIBLE, UNKNOWN: Outcome.UNKNOWN, INELIGIBLE: Outcome.INELIGIBLE,
    FOR_SOMEONE_ELSE: Outcome.FOR_SOMEONE_ELSE,
}

Masks = tuple[np.ndarray, np.ndarray]  # (T, F)


@dataclass
class _Column:
    known: np.ndarray
    values: np.ndarray  # float (numbers), int codes (values), bool (flags), int64 bitmask (lists)
    complete: np.ndarray | None = None  # lists only
    codes: dict[str, int] | None = None  # values and lists: item -> code / bit


class Columns:
    """Facts of many profiles laid out per field, built lazily for the fields rules ask for."""

    def __init__(self, profiles: Sequence[Profile], *, today: dt.date | None = None) -> None:
        self.profiles = profiles
        self.today = today
        self.size = len(profiles)
        self._columns: dict[str, _Column] = {}

    def column(self, name: str) -> _Column:
        """The column of `name`, built on first use."""
        if name not in self._columns:
            self._columns[name] = self._build(name)
        return self._columns[name]

    def _build(self, name: str) -> _Column:
        kind = field_type(name)
        read = fact_getter(name, today=self.today)
        raw = list(map(read, self.profiles))
        known = np.fromiter((v is not None for v in raw), dtype=bool, count=self.size)
        if kind == "number":
            values = np.fromiter((np.nan if v is None else v for v in raw), dtype=float, count=self.size)
            return _Column(known, values)
        if kind == "flag":
            return _Column(known, np.fromiter((v is True for v in raw), dtype=bool, count=self.size))
        if kind == "value":
            codes: dict[str, int] = {}
            values = np.fromiter(
                (-1 if v is None else codes.setdefault(v, len(codes)) for v in raw), dtype=np.int32, count=self.size
            )
            return _Column(known, values, codes=codes)
        bits: dict[str, int] = {}
        masks = np.zeros(self.size, dtype=np.int64)
        complete = np.zeros(self.size, dtype=bool)
        for index, value in enumerate(raw):
            if value is None:
                continue
            items, is_complete = value
            mask = 0
            for item in items:
                mask |= 1 << bits.setdefault(item, len(bits))
            masks[index] = mask
            complete[index] = is_complete
        return _Column(known, masks, complete=complete, codes=bits)


def evaluate(test: Condition, columns: Columns) -> Masks:
    """(T, F) masks of `test` over every profile."""
    if test.all is not None:
        parts = [evaluate(t, columns) for t in test.all]
        return np.logical_and.reduce([p[0] for p in parts]), np.logical_or.reduce([p[1] for p in parts])
    if test.any is not None:
        parts = [evaluate(t, columns) for t in test.any]
        return np.logical_or.reduce([p[0] for p in parts]), np.logical_and.reduce([p[1] for p in parts])
    if test.not_ is not None:
        true, false = evaluate(test.not_, columns)
        return false, true
    assert test.field is not None
    col = columns.column(test.field)
    if test.in_ is not None or test.not_in is not None:
        listed = test.in_ if test.in_ is not None else test.not_in
        wanted = [col.codes[v] for v in listed or () if col.codes and v in col.codes]
        hit = np.isin(col.values, wanted) & col.known
        miss = col.known & ~hit
        return (hit, miss) if test.in_ is not None else (miss, hit)
    if test.is_ is not None:
        same = col.known & (col.values == test.is_)
        return same, col.known & ~same
    if test.has_any is not None or test.has_all is not None or test.has_none is not None:
        listed = test.has_any or test.has_all or test.has_none or []
        wanted_mask = 0
        for item in listed:
            if col.codes and item in col.codes:
                wanted_mask |= 1 << col.codes[item]
        overlap = col.values & wanted_mask
        closed = col.known & col.complete  # type: ignore[operator]
        if test.has_any is not None:
            hit = col.known & (overlap != 0)
            return hit, closed & ~hit
        if test.has_none is not None:
            hit = col.known & (overlap != 0)
            return closed & ~hit, hit
        # has_all: every wanted item present; an item nobody has can never be present.
        every = len(listed) == sum(1 for i in listed if col.codes and i in col.codes)
        full = col.known & (overlap == wanted_mask) if every else np.zeros(columns.size, dtype=bool)
        return full, closed & ~full
    low = -np.inf if test.min is None else test.min
    high = np.inf if test.max is None else test.max
    with np.errstate(invalid="ignore"):
        inside = col.known & (col.values >= low) & (col.values <= high)
    return inside, col.known & ~inside


def decide_many(services: Sequence[ServiceRules], profiles: Sequence[Profile], *, today: dt.date | None = None) -> np.ndarray:
    """An int8 matrix [profile, service] of ELIGIBLE / UNKNOWN / INELIGIBLE / FOR_SOMEONE_ELSE."""
    columns = Columns(profiles, today=today)
    results = np.empty((len(profiles), len(services)), dtype=np.int8)
    area_list = [p.area for p in profiles]
    distinct = sorted({a for a in area_list if a is not None})
    area_index = {a: i for i, a in enumerate(distinct)}
    # Areas repeat heavily: decide each distinct (service areas, person area) pair once.
    codes = np.fromiter((-1 if a is None else area_index[a] for a in area_list), dtype=np.int32, count=len(area_list))
    area_cache: dict[tuple[str, ...], np.ndarray] = {}
    for column, service in enumerate(services):
        key = tuple(service.areas)
        if key not in area_cache:
            per_area = np.array([{True: 1, False: 0, None: -1}[area_matches(a, service.areas)] for a in distinct] + [-1], dtype=np.int8)
            area_cache[key] = per_area[codes]
        area_outcome = area_cache[key]
        failed = area_outcome == 0
        unknown = area_outcome == -1
        for rule in service.rules:
            if rule.kind is RuleKind.NOTE:
                continue
            true, false = evaluate(rule.test, columns)
            failed |= false
            unknown |= ~(true | false)
        if service.not_encoded is not None:
            unknown = np.ones(columns.size, dtype=bool)  # printed criteria no rule encodes: never eligible
        if service.recipient is not None:
            results[:, column] = np.where(failed, INELIGIBLE, FOR_SOMEONE_ELSE)  # never eligible for the person
        else:
            results[:, column] = np.where(failed, INELIGIBLE, np.where(unknown, UNKNOWN, ELIGIBLE))
    return results
