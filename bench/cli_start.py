"""Benchmark: how long `ratecard match --profile F` takes from start to answer (target under 0.5 s).

Runs the command RUNS times against the Quick start's database (or DATABASE_URL) with a small
profile, after one warm-up run (which builds the gazetteer cache and the rulebook snapshot), and
prints the median and the best wall time; then the floors under it on this machine (Python itself,
pydantic's BaseModel, which the profile and the rules are validated with, and psycopg for a PostgreSQL
DATABASE_URL) and the import time of the CLI module alone; and, with --imports, the modules the
command spends the most time importing (-X importtime).

    .venv/bin/python bench/cli_start.py [--runs 10] [--imports 12]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _timed(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr.strip()[:300]}")
    return time.perf_counter() - started


def _figures(command: list[str], runs: int) -> str:
    times = [_timed(command) for _ in range(runs)]
    return f"median {statistics.median(times):.3f} s, best {min(times):.3f} s"


def _top_imports(command: list[str], count: int, runs: int = 5) -> list[str]:
    """The `count` modules with the longest cumulative import time (the median of `runs` runs of -X importtime)."""
    totals: dict[str, list[int]] = {}
    owns: dict[str, list[int]] = {}
    for _ in range(runs):
        # `python -m ratecard.cli` is the command itself, run by the interpreter so that it can be told -X importtime.
        done = subprocess.run([sys.executable, "-X", "importtime", "-m", "ratecard.cli", *command[1:]],
                              capture_output=True, text=True, timeout=60)
        for line in done.stderr.splitlines():
            if line.startswith("import time:") and "cumulative" not in line:
                _, own, total, name = (part.strip() for part in line.replace("import time:", "|").split("|"))
                totals.setdefault(name, []).append(int(total))
                owns.setdefault(name, []).append(int(own))
    rows = sorted(((statistics.median(t), statistics.median(owns[n]), n) for n, t in totals.items()), reverse=True)
    return [f"{total / 1000:7.1f} ms cumulative {own / 1000:6.1f} ms own  {name}" for total, own, name in rows[:count]]


def main() -> None:
    """Time the command and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--imports", type=int, default=0, help="Also list this many of the slowest imports.")
    args = parser.parse_args()
    binary = str(Path(sys.executable).with_name("ratecard"))
    with tempfile.TemporaryDirectory() as folder:
        profile = Path(folder) / "person.json"
        profile.write_text(json.dumps({"age": 30, "sex": "male", "area": "Ashford, Kent", "ogrs": 60}))
        command = [binary, "match", "--profile", str(profile)]
        _timed(command)  # warm-up: the gazetteer cache, the rulebook snapshot and the OS file cache
        print(f"ratecard match --profile: {_figures(command, args.runs)} over {args.runs} runs (target < 0.5 s)")
        print(f"  floor, python -c pass: {_figures([sys.executable, '-c', 'pass'], args.runs)}")
        # `import pydantic` alone defers almost everything; a model needs what `BaseModel` brings.
        floor = "from pydantic import BaseModel"
        print(f"  floor, python -c '{floor}': {_figures([sys.executable, '-c', floor], args.runs)}")
        if os.environ.get("DATABASE_URL", "").startswith("postgresql"):
            print(f"  floor, python -c 'import psycopg': {_figures([sys.executable, '-c', 'import psycopg'], args.runs)}")
        print(f"  python -c 'import ratecard.cli': {_figures([sys.executable, '-c', 'import ratecard.cli'], args.runs)}")
        if os.environ.get("PYTHONDONTWRITEBYTECODE"):
            print("  (PYTHONDONTWRITEBYTECODE is set: ratecard's modules are compiled afresh on every run)")
        if args.imports:
            print("slowest imports of the command:")
            for row in _top_imports(command, args.imports):
                print(f"  {row}")


if __name__ == "__main__":
    main()
