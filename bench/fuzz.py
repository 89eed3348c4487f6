"""Benchmark: a longer schemathesis run against the app's own OpenAPI, in-process, on a fresh SQLite database.

The same driver as tests/test_openapi_fuzz.py (every operation, no token and every role's token,
every schemathesis check plus the test's own two), with a bigger budget: all of schemathesis'
coverage cases, the storage edge cases, and --examples Hypothesis examples per operation and role.
The app runs in this process (no socket); the database is a new SQLite file in a temporary
directory: migrated, the brochures imported, the bench's own users, tokens and a few referrals made.
Bounded by --seconds and stops by itself. Prints requests sent, cases per operation, the findings
grouped by check and operation with one (the smallest) example each, and a summary line.

    .venv/bin/python bench/fuzz.py [--examples 60] [--seconds 300] [--seed N] [--roles anonymous,hub]

Without --seed the examples are derandomized (the same requests every run, like the test); a seed
explores other ones. Exits 1 when there are findings.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))  # the driver lives in the test module

from ratecard import migrate  # noqa: E402
from ratecard.catalogue.loading import brochure_files, import_files  # noqa: E402
from ratecard.config import get_settings, shared_brochures  # noqa: E402
from ratecard.db import make_engine, make_sessionmaker  # noqa: E402
from tests.test_openapi_fuzz import ROLES, SEED, TOKEN_OPERATION, Fuzzer, Target, build_world  # noqa: E402


def prepare(directory: Path):  # type: ignore[no-untyped-def]
    """A new SQLite database in `directory`, migrated, with the five brochures; its session factory."""
    url = f"sqlite:///{directory / 'fuzz.db'}"
    migrate.upgrade(url=url)
    sessions = make_sessionmaker(make_engine(url))
    settings = get_settings()
    files = brochure_files(shared_brochures())
    reports = import_files(files, sessions=sessions, overlay_dir=settings.overlay_dir)
    failed = [r.error for r in reports if r.error]
    if failed:
        raise SystemExit(f"brochures failed to import: {failed}")
    return sessions


def main() -> None:
    """Prepare, fuzz, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=60, help="Hypothesis examples per operation and role")
    parser.add_argument("--token-examples", type=int, default=10,
                        help=f"for {TOKEN_OPERATION}, where each attempt costs an argon2 hash")
    parser.add_argument("--seconds", type=float, default=300, help="stop sending after this long")
    parser.add_argument("--seed", type=int, default=None, help=f"explore with this seed (e.g. {SEED}) instead of derandomized")
    parser.add_argument("--roles", default=",".join(ROLES), help=f"comma-separated, of: {', '.join(ROLES)}")
    args = parser.parse_args()
    roles = [r for r in args.roles.split(",") if r]
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise SystemExit(f"unknown roles: {sorted(unknown)}")

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        sessions = prepare(Path(tmp))
        world = build_world(sessions)
        target = Target.load(world["app"])
        prepared = time.perf_counter() - started
        fuzzer = Fuzzer(target=target, app=world["app"], tokens=world["tokens"], referral_ids=world["referral_ids"],
                        caseworker_ids=world["caseworker_ids"], service_ids=world["service_ids"], seed=args.seed,
                        deadline=time.monotonic() + args.seconds)
        requests_before = world["app"].requests
        by_role: dict[str, Counter] = defaultdict(Counter)
        began = time.perf_counter()
        for role in roles:
            for operation in target.operations:
                if fuzzer.out_of_time():
                    break
                before = fuzzer.cases_by_operation[operation.label]
                examples = args.token_examples if operation.label == TOKEN_OPERATION else args.examples
                fuzzer.run(operation, role, examples=examples, coverage=None, edges=True)
                by_role[role][operation.label] = fuzzer.cases_by_operation[operation.label] - before
        elapsed = time.perf_counter() - began

    requests = world["app"].requests - requests_before
    cases = sum(fuzzer.cases_by_operation.values())
    mode = f"seed {args.seed}" if args.seed is not None else "derandomized"
    print(f"schemathesis in-process on a fresh SQLite database; {mode}; prepared in {prepared:.1f} s")
    print(f"requests sent: {requests} ({cases} cases and {requests - cases} requests the checks sent themselves) "
          f"in {elapsed:.1f} s = {requests / elapsed:.0f}/s")
    print(f"statuses: {dict(sorted(fuzzer.statuses.items()))}")
    print("cases per operation (all roles; per role in brackets, in the order " + ", ".join(roles) + "):")
    for operation in target.operations:
        label = operation.label
        per_role = " ".join(str(by_role[r][label]) for r in roles)
        print(f"  {label:52} {fuzzer.cases_by_operation[label]:6}  [{per_role}]  "
              f"{fuzzer.seconds_by_operation[label]:6.1f} s CPU")
    findings = sorted(fuzzer.findings.values(), key=lambda f: (f.check, f.operation, f.status, f.title))
    by_check = Counter(f.check for f in findings)
    print(f"findings by check: {dict(sorted(by_check.items())) or 'none'}")
    current = None
    for finding in findings:
        if finding.check != current:
            current = finding.check
            print(f"\n== {current}")
        print(finding.render())
    stopped = " (stopped by --seconds)" if fuzzer.out_of_time() else ""
    print(f"\nsummary: {requests} requests, {cases} cases, {len(target.operations)} operations x {len(roles)} roles, "
          f"{len(findings)} distinct findings ({sum(f.count for f in findings)} failing responses), "
          f"{fuzzer.statuses.get(500, 0)} server errors, {elapsed:.0f} s{stopped}")
    raise SystemExit(1 if findings else 0)


if __name__ == "__main__":
    main()
