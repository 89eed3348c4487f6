"""Benchmark: eligibility matching against the whole catalogue.

Prints (1) one profile against every service, in-process: p50/p95 (target p50 < 1 ms);
(2) 100,000 synthetic profiles against every service with the column-wise engine (target < 5 s);
(3) the same rules evaluated with the `rule-engine` library on a sample, per profile, and the
ratio to ratecard (target >= 10x), after checking both give the same answers.

    .venv/bin/python bench/match.py [--profiles 100000] [--baseline-sample 300]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

import numpy as np
import rule_engine

from ratecard.catalogue.importer import read_brochure
from ratecard.catalogue.loading import brochure_files
from ratecard.config import get_settings
from ratecard.eligibility import profile as p
from ratecard.eligibility.batch import CODES, decide_many
from ratecard.eligibility.engine import ServiceRules, decide, in_display_order, match_all
from ratecard.eligibility.facts import facts_of
from ratecard.eligibility.rules import Facts, RuleKind, Condition
from ratecard.eligibility.areas import area_decision
from ratecard.eligibility.service import service_rules_from_brochure

AREAS = ["Norfolk", "Suffolk", "Lancashire", "Cumbria", "Essex", "Southend", "Colchester", "Derbyshire",
         "Nottingham", "Kent", "Surrey", "Sussex", "Brighton", "Devon"]


def synthetic_profile(rng: random.Random) -> p.Profile:
    """A random person; each field is present about two times in three."""

    def maybe(make: Callable[[], object]) -> object | None:
        return make() if rng.random() < 0.66 else None

    def some(values: list) -> list:
        return rng.sample(values, rng.randint(0, 3))

    return p.Profile(
        age=maybe(lambda: rng.randint(18, 80)),
        sex=maybe(lambda: rng.choice(list(p.Sex))),
        area=maybe(lambda: rng.choice(AREAS)),
        setting=maybe(lambda: rng.choice(list(p.PersonSetting))),
        sentence=maybe(lambda: rng.choice(list(p.Sentence))),
        sentence_months=maybe(lambda: rng.randint(1, 36)),
        requirements=maybe(lambda: some(list(p.Requirement))),
        ogrs=maybe(lambda: rng.randint(0, 100)),
        risk_level=maybe(lambda: rng.choice(list(p.Level))),
        ovp=maybe(lambda: rng.randint(0, 100)),
        rosh=maybe(lambda: rng.choice(list(p.Rosh))),
        sara=maybe(lambda: rng.choice(list(p.Level))),
        audit=maybe(lambda: rng.randint(0, 40)),
        index_offences=maybe(lambda: some(list(p.Offence))),
        previous_offences=maybe(lambda: some(list(p.Offence))),
        alcohol_dependent=maybe(lambda: rng.random() < 0.2),
        drug_dependent=maybe(lambda: rng.random() < 0.2),
        class_a_use=maybe(lambda: rng.random() < 0.2),
        serious_mental_health=maybe(lambda: rng.random() < 0.1),
        learning_difficulties=maybe(lambda: rng.random() < 0.1),
        speaks_english=maybe(lambda: rng.random() < 0.9),
        in_denial=maybe(lambda: rng.random() < 0.1),
        consents=maybe(lambda: rng.random() < 0.9),
        needs=maybe(lambda: some(list(p.Need))),
    )


# --- the rule-engine baseline: every leaf test a rule_engine.Rule, combined with the same logic --


def _literal(values: list[str]) -> str:
    return "[" + ", ".join(repr(v.lower()) for v in values) + "]"


def _leaf_expression(test: Condition) -> str:
    name = test.field.replace(".", "_")  # type: ignore[union-attr]
    if test.in_ is not None:
        return f"{name} == null ? null : ({name} in {_literal(test.in_)})"
    if test.not_in is not None:
        return f"{name} == null ? null : not ({name} in {_literal(test.not_in)})"
    if test.is_ is not None:
        return f"{name} == null ? null : ({name} == {'true' if test.is_ else 'false'})"
    if test.has_any is not None or test.has_none is not None or test.has_all is not None:
        items = test.has_any or test.has_none or test.has_all or []
        joiner = " and " if test.has_all is not None else " or "
        hit = "(" + joiner.join(f"({v!r} in {name})" for v in items) + ")"
        complete = f"{name}_complete"
        if test.has_none is not None:
            return f"{name} == null ? null : ({hit} ? false : ({complete} ? true : null))"
        return f"{name} == null ? null : ({hit} ? true : ({complete} ? false : null))"
    checks = []
    if test.min is not None:
        checks.append(f"{name} >= {test.min}")
    if test.max is not None:
        checks.append(f"{name} <= {test.max}")
    return f"{name} == null ? null : ({' and '.join(checks)})"


def _baseline_test(test: Condition, context: rule_engine.Context) -> Callable[[dict], bool | None]:
    if test.all is not None or test.any is not None:
        parts = [_baseline_test(t, context) for t in (test.all or test.any or [])]
        stop = False if test.all is not None else True

        def combine(thing: dict) -> bool | None:
            values = [part(thing) for part in parts]
            if stop in values:
                return stop
            return None if None in values else not stop

        return combine
    if test.not_ is not None:
        inner = _baseline_test(test.not_, context)
        return lambda thing: None if (v := inner(thing)) is None else not v
    rule = rule_engine.Rule(_leaf_expression(test), context=context)
    return rule.evaluate


def _baseline_thing(facts: Facts) -> dict:
    thing: dict = {}
    for name, value in facts.items():
        key = name.replace(".", "_")
        if isinstance(value, tuple):
            thing[key] = sorted(value[0])
            thing[f"{key}_complete"] = value[1]
        elif isinstance(value, str):
            thing[key] = value.lower()
        else:
            thing[key] = value
    return thing


def baseline_rulebook(services: list[ServiceRules]) -> list[list[Callable[[dict], bool | None]]]:
    """Every requirement rule of every service as rule-engine rules."""
    context = rule_engine.Context(default_value=None)
    return [
        [_baseline_test(rule.test, context) for rule in s.rules if rule.kind is RuleKind.REQUIREMENT]
        for s in services
    ]


def baseline_decide(services: list[ServiceRules], book, facts: Facts, area: str | None) -> list[int]:
    """Per service 0 eligible / 1 unknown / 2 ineligible / 3 for someone else, by the rule-engine rules."""
    thing = _baseline_thing(facts)
    out = []
    for service, rules in zip(services, book):
        where = area_decision(area, service.areas) if area else None
        failed, unknown = where is False, where is None
        for rule in rules:
            value = rule(thing)
            failed |= value is False
            unknown |= value is None
        out.append(2 if failed else 3 if service.recipient else 1 if unknown else 0)  # 3: for someone else
    return out


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--baseline-sample", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=2000)
    args = parser.parse_args()
    settings = get_settings()
    services: list[ServiceRules] = []
    for path in brochure_files(settings.brochures_dir):
        services += service_rules_from_brochure(read_brochure(path, overlay_dir=settings.overlay_dir))
    services = in_display_order(services)
    rule_count = sum(len(s.rules) for s in services)
    print(f"catalogue: {len(services)} services, {rule_count} rules (plus area criteria)")

    person = p.Profile(age=34, sex="male", area="Lancashire", ogrs=62, rosh="medium", index_offences=["violence"],
                       previous_offences=[], alcohol_dependent=False, needs=["accommodation", "ete"], sentence="community_order",
                       sentence_months=18, requirements=["rar"])
    facts = facts_of(person)
    match_all(services, facts, person.area)  # warm caches
    timings = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        match_all(services, facts_of(person), person.area)
        timings.append(time.perf_counter() - started)
    timings.sort()
    p50 = statistics.median(timings)
    print(f"one profile vs whole catalogue (facts + decide + sort, in-process): p50 {p50 * 1e3:.3f} ms, "
          f"p95 {timings[int(len(timings) * 0.95)] * 1e3:.3f} ms over {args.repeats} runs  (target p50 < 1 ms)")

    rng = random.Random(20261122)
    started = time.perf_counter()
    people = [synthetic_profile(rng) for _ in range(args.profiles)]
    made = time.perf_counter()
    matrix = decide_many(services, people)
    decided = time.perf_counter()
    all_facts = [facts_of(person) for person in people[: args.baseline_sample]]  # for the comparisons below
    areas = [person.area for person in people[: args.baseline_sample]]
    counts = {CODES[c].value: int((matrix == c).sum()) for c in CODES}
    print(f"{args.profiles:,} synthetic profiles vs whole catalogue: {decided - made:.2f} s "
          f"(column-wise, facts read per field; target < 5 s); "
          f"generating the profiles took {made - started:.2f} s and is not counted")
    print(f"  answers: {counts}")

    sample = args.baseline_sample
    book = baseline_rulebook(services)
    started = time.perf_counter()
    baseline = [baseline_decide(services, book, all_facts[i], areas[i]) for i in range(sample)]
    baseline_time = (time.perf_counter() - started) / sample
    agree = np.array_equal(np.array(baseline, dtype=np.int8), matrix[:sample])
    code_of = {outcome: code for code, outcome in CODES.items()}
    scalar = [[code_of[decide(s, all_facts[i], areas[i]).result] for s in services] for i in range(sample)]
    agree_scalar = np.array_equal(np.array(scalar, dtype=np.int8), matrix[:sample])
    batch_per_profile = (decided - made) / args.profiles
    print(f"rule-engine baseline: {baseline_time * 1e3:.2f} ms per profile (sample of {sample}); "
          f"answers equal to ratecard's: {'yes' if agree else 'NO'}; one-profile engine equal to column-wise: "
          f"{'yes' if agree_scalar else 'NO'}")
    print(f"ratio: ratecard one-profile engine {baseline_time / p50:.0f}x faster; "
          f"column-wise engine {baseline_time / batch_per_profile:.0f}x faster  (target >= 10x)")


if __name__ == "__main__":
    main()
