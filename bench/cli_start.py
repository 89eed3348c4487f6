"""Benchmark: how long `ratecard match --profile F` takes from start to answer (target under 0.5 s).

Runs the command RUNS times against the Quick start's database (or DATABASE_URL) with a small
profile, after one warm-up run (which builds the gazetteer cache), and prints the median and the
best wall time, and the import time of the CLI module alone.

    .venv/bin/python bench/cli_start.py [--runs 10]
"""

from __future__ import annotations

import argparse
import json
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


def main() -> None:
    """Time the command and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    binary = str(Path(sys.executable).with_name("ratecard"))
    with tempfile.TemporaryDirectory() as folder:
        profile = Path(folder) / "person.json"
        profile.write_text(json.dumps({"age": 30, "sex": "male", "area": "Ashford, Kent", "ogrs": 60}))
        command = [binary, "match", "--profile", str(profile)]
        _timed(command)  # warm-up: the gazetteer cache and the OS file cache
        times = [_timed(command) for _ in range(args.runs)]
    imports = [_timed([sys.executable, "-c", "import ratecard.cli"]) for _ in range(args.runs)]
    print(f"ratecard match --profile: median {statistics.median(times):.3f} s, best {min(times):.3f} s over {args.runs} runs"
          f" (target < 0.5 s)")
    print(f"python -c 'import ratecard.cli': median {statistics.median(imports):.3f} s")


if __name__ == "__main__":
    main()
