"""Run history: where it lives, how to open it, and the diff of a run against the previous one.

History is opt-in: a run is recorded only with `--history TARGET` or `CARDAUDIT_HISTORY=TARGET`.
TARGET is a file path (SQLite), a `postgresql://` URL, or `default` for
`$XDG_DATA_HOME/cardaudit/history.sqlite` (`~/.local/share/cardaudit/history.sqlite`).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

from cardaudit.errors import ConfigError, HistoryError
from cardaudit.history.store import SCHEMA_VERSION, HistoryStore
from cardaudit.models.history import RunRecord, Scope
from cardaudit.models.report import Report

__all__ = ["HistoryStore", "default_location", "find_run", "open_store", "prune_plan", "record_run", "scope_of",
           "target_of"]

ENV = "CARDAUDIT_HISTORY"


def default_location() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "cardaudit" / "history.sqlite"


def target_of(given: str | None, required: bool = False) -> str | None:
    """The store a command uses: `--history`, else $CARDAUDIT_HISTORY; `default` names the default file.

    `required` (the `history` commands): fall back to the default file, so `cardaudit history list`
    reads what `--history default` wrote.
    """
    value = given or os.environ.get(ENV) or ("default" if required else None)
    if value == "default":
        return str(default_location())
    return value


def open_store(target: str, lock_timeout: float = 10.0, migrate_to: int = SCHEMA_VERSION,
               create: bool = True) -> HistoryStore:
    """The store at `target`; `create=False` (reading commands) refuses an SQLite file that does not exist."""
    if target.startswith(("postgresql://", "postgres://")):
        from cardaudit.history.postgres import PostgresStore

        return PostgresStore(target, lock_timeout=lock_timeout, migrate_to=migrate_to)
    from cardaudit.history.sqlite import SqliteStore

    return SqliteStore(Path(target), lock_timeout=lock_timeout, migrate_to=migrate_to, create=create)


def scope_of(report: Report, repos: list[str]) -> Scope:
    run = report.run
    return Scope(accounts=sorted(run.accounts), regions=sorted(run.regions), repos=sorted(repos),
                 profile=run.pci_profile, catalogue=run.catalogue)


def record_run(store: HistoryStore, report: Report, scope: Scope) -> tuple[Report, RunRecord]:
    """The report with its diff against the previous run of the same scope, and its stored record.

    The first run of a scope has no diff. The report is stored with its diff, so `history show`
    gives back what the run printed.
    """
    from cardaudit.diffing import diff_reports

    earlier = store.previous(scope.key, report.run.started_at)
    if earlier is not None:
        try:
            before = store.report(earlier.run_id)
        except HistoryError:
            # The run is kept all the same, so the next run of the scope has a readable one to compare
            # with instead of failing on the same damaged row every night.
            store.save(report, scope)
            raise
        report = report.model_copy(update={"diff": diff_reports(before, report, against=earlier.run_id)})
    return report, store.save(report, scope)


def find_run(store: HistoryStore, ref: str) -> RunRecord:
    """A run by id, unique id prefix, or `latest`."""
    runs = store.runs()
    if ref == "latest" and runs:
        return runs[0]
    exact = next((r for r in runs if r.run_id == ref), None)
    if exact is not None:
        return exact
    matches = [r for r in runs if r.run_id.startswith(ref)]
    if len(matches) == 1:
        return matches[0]
    problem = "is ambiguous" if matches else "is not in it"
    raise ConfigError(f"{store.location}: run '{ref}' {problem} (see `cardaudit history list`)")


def prune_plan(runs: list[RunRecord], now: datetime, older_than: timedelta | None,
               keep: int | None) -> list[RunRecord]:
    """Runs to delete: older than `older_than`, or beyond the `keep` newest of their scope.

    The newest run of every scope is always kept: it is what the next run is compared with.
    """
    by_scope: dict[str, list[RunRecord]] = {}
    for run in sorted(runs, key=lambda r: r.started_at, reverse=True):
        by_scope.setdefault(run.scope_key, []).append(run)
    doomed: list[RunRecord] = []
    for scoped in by_scope.values():
        for index, run in enumerate(scoped):
            if index == 0:
                continue
            if (keep is not None and index >= keep) or (older_than is not None and run.started_at < now - older_than):
                doomed.append(run)
    return sorted(doomed, key=lambda r: r.started_at)
