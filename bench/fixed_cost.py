"""Benchmark: the fixed cost of a cardaudit process, as a ratio to `python -c pass`.

Every command pays it: starting, importing, reading the catalogue, exiting. It times whole
processes (wall clock, median of several runs after one warm-up) for

- `cardaudit --help`
- `cardaudit controls stats`
- `cardaudit audit --inventory <saved demo inventory> --format json` (no AWS call)

and prints each median and its ratio to the interpreter starting and doing nothing. The saved
inventory comes from `cardaudit demo` (which needs the `[demo]` extra), written once to a temporary
folder unless `--inventory` names one. Run:

    python bench/fixed_cost.py [--runs 7] [--inventory cardaudit-demo/inventory.json]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _time(args: list[str], cwd: Path, runs: int) -> float:
    """Median wall time of `args` over `runs` runs, after one warm-up run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MOTO_"))}
    samples: list[float] = []
    for index in range(runs + 1):
        started = time.perf_counter()
        subprocess.run(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        if index:  # the first run warms the file cache and the bytecode
            samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--inventory", type=Path, help="a saved inventory (default: run the demo once)")
    args = parser.parse_args()
    cardaudit = [sys.executable, "-m", "cardaudit"]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        inventory = args.inventory.resolve() if args.inventory else None
        if inventory is None:
            subprocess.run([*cardaudit, "demo", "--output-dir", str(work / "demo")], cwd=work, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            inventory = work / "demo" / "inventory.json"
        baseline = _time([sys.executable, "-c", "pass"], work, args.runs)
        commands = {
            "cardaudit --help": [*cardaudit, "--help"],
            "cardaudit controls stats": [*cardaudit, "controls", "stats"],
            "cardaudit audit --inventory (json)": [*cardaudit, "audit", "--inventory", str(inventory),
                                                   "--format", "json", "--output-dir", str(work / "out")],
        }
        print(f"python -c pass: {baseline * 1000:.0f} ms (median of {args.runs})")
        print(f"{'command':<40} {'median':>9} {'x python -c pass':>18}")
        for name, command in commands.items():
            median = _time(command, work, args.runs)
            print(f"{name:<40} {median * 1000:>7.0f} ms {median / baseline:>17.1f}x")


if __name__ == "__main__":
    main()
