"""Benchmark: what `--history` adds to a run, as ratios to writing the JSON report.

For one report (a `cardaudit-report/1` file, e.g. from `cardaudit demo`), it times in-process,
median of several rounds:

- rendering the JSON report (the baseline every run pays),
- storing the first run of a scope (compress, insert),
- storing a later run (read the previous run back, diff, compress, insert),
- the diff alone,

on SQLite in a temporary folder, and on PostgreSQL when `--postgres DSN` is given. It prints
sizes, medians and each time's ratio to rendering the JSON. Run:

    python bench/history_step.py cardaudit-demo/report.json [--rounds 7] [--postgres postgresql://...]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import zlib
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from cardaudit.diffing import diff_reports
from cardaudit.formats import get_format
from cardaudit.history import open_store, record_run, scope_of
from cardaudit.models.report import Report
from cardaudit.readback import load_report


def _median(fn: Callable[[], object], rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _later(report: Report, hours: int) -> Report:
    run = report.run.model_copy(update={"started_at": report.run.started_at + timedelta(hours=hours)})
    return report.model_copy(update={"run": run})


def _store_times(target: str, report: Report, rounds: int) -> tuple[float, float]:
    store = open_store(target)
    scope = scope_of(report, [])
    hours = iter(range(1, 10_000))
    try:
        first = _median(lambda: store.save(_later(report, next(hours)), scope), rounds)
        later = _median(lambda: record_run(store, _later(report, next(hours)), scope), rounds)
    finally:
        store.close()
    return first, later


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--postgres", help="also time a PostgreSQL store at this DSN (tables are created there)")
    args = parser.parse_args()
    report = load_report(args.report)
    raw = report.model_dump_json(by_alias=True).encode()
    print(f"report: {len(report.findings)} findings, {len(raw) / 1e3:.0f} KB JSON, "
          f"{len(zlib.compress(raw, 6)) / 1e3:.0f} KB stored")
    base = _median(lambda: get_format("json").render(report), args.rounds)
    print(f"render JSON (baseline): {base * 1e3:.0f} ms")
    diff = _median(lambda: diff_reports(report, report), args.rounds)
    print(f"diff alone: {diff * 1e3:.0f} ms ({diff / base:.2f}x)")
    targets = []
    with tempfile.TemporaryDirectory() as folder:
        targets.append(("sqlite", str(Path(folder) / "history.sqlite")))
        if args.postgres:
            targets.append(("postgres", args.postgres))
        for name, target in targets:
            first, later = _store_times(target, report, args.rounds)
            print(f"{name}: first run of a scope {first * 1e3:.0f} ms ({first / base:.2f}x), "
                  f"later run (previous + diff + store) {later * 1e3:.0f} ms ({later / base:.2f}x)")


if __name__ == "__main__":
    main()
