"""The history store: one small interface, and the SQL both back ends share.

A run is stored once: its id, times, scope (and the scope's key, to find "the previous run of the
same scope"), the counts `history list` shows, and the JSON report compressed with zlib. The diff
reads two reports back whole: the demo's report is 460 KB of JSON, 57 KB compressed, and
decompressing and validating it takes about 40 ms; a normalised findings table would save little
of that and lose what a later cardaudit may want to diff on.

The schema is versioned: `cardaudit_schema` holds the version, and `MIGRATIONS` are applied in
order, each in the same transaction as the version it brings the store to. A store newer than this
cardaudit is refused rather than guessed at.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import zlib
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from pydantic import ValidationError

from cardaudit.errors import HistoryError
from cardaudit.models.history import RunRecord, Scope
from cardaudit.models.report import Report

# Each migration brings the store to the next version (index + 1). `{ts}` and `{blob}` are the back
# end's types for a timestamp and for bytes. Never edit a step once released: add one.
MIGRATIONS: list[list[str]] = [
    # 1: runs and their compressed JSON reports.
    [
        "CREATE TABLE cardaudit_schema (version INTEGER NOT NULL)",
        "CREATE TABLE cardaudit_runs (run_id TEXT PRIMARY KEY, started_at {ts} NOT NULL, finished_at {ts} NOT NULL,"
        " scope_key TEXT NOT NULL, scope TEXT NOT NULL, tool_version TEXT NOT NULL, report {blob} NOT NULL)",
    ],
    # 2: counts for `history list` without decompressing reports; "previous run of this scope" by index.
    [
        "ALTER TABLE cardaudit_runs ADD COLUMN summary TEXT NOT NULL DEFAULT '{{}}'",
        "CREATE INDEX cardaudit_runs_scope ON cardaudit_runs (scope_key, started_at)",
    ],
]
SCHEMA_VERSION = len(MIGRATIONS)
# The column list, formatted into queries (no value ever is: values are parameters).
_COLUMNS = "run_id, started_at, finished_at, scope_key, scope, tool_version, summary"


class HistoryStore(Protocol):
    """What the audit, `diff` and `history` need from a store of past runs."""

    location: str  # for messages: a path, or a DSN without its password

    def save(self, report: Report, scope: Scope) -> RunRecord: ...
    def previous(self, scope_key: str, before: datetime) -> RunRecord | None: ...
    def runs(self, scope_key: str | None = None) -> list[RunRecord]: ...
    def get(self, run_id: str) -> RunRecord | None: ...
    def report(self, run_id: str) -> Report: ...
    def delete(self, run_ids: Sequence[str]) -> None: ...
    def close(self) -> None: ...


def new_run_id(started: datetime) -> str:
    """Sortable by time and unique across scheduled tasks started in the same second."""
    return f"{started:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def summary_of(report: Report) -> dict[str, dict[str, int]]:
    return {"findings": report.summary.findings, "requirements": report.summary.requirements}


class SqlStore:
    """The SQL both back ends run; subclasses connect, name their types and translate their errors."""

    location: str
    ts_type = "TEXT"
    blob_type = "BLOB"
    driver_error: type[Exception] = Exception

    def __init__(self, connection: Any, migrate_to: int = SCHEMA_VERSION) -> None:
        self._conn = connection
        with self._guard("open"):
            self._migrate(migrate_to)

    # --- what a back end provides
    def _sql(self, statement: str) -> str:
        return statement

    def _has_schema_table(self) -> bool:
        raise NotImplementedError

    def _lock_for_migration(self) -> None:
        """Back ends shared by several processes serialise their migrations here."""

    def _ts_in(self, value: datetime) -> Any:
        # One fixed width in UTC, so text comparison is time order.
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")

    def _ts_out(self, value: Any) -> datetime:
        return value if isinstance(value, datetime) else datetime.fromisoformat(value)

    def _explain(self, exc: Exception) -> str:
        return str(exc).strip() or type(exc).__name__

    # --- shared
    @contextlib.contextmanager
    def _guard(self, what: str) -> Iterator[None]:
        try:
            yield
        except HistoryError:
            self._rollback()
            raise
        except self.driver_error as exc:
            self._rollback()
            raise HistoryError(f"{self.location}: cannot {what} the history store: {self._explain(exc)}") from exc

    def _rollback(self) -> None:
        with contextlib.suppress(Exception):
            self._conn.rollback()

    def _execute(self, statement: str, params: Sequence[Any] = ()) -> Any:
        cursor = self._conn.cursor()
        cursor.execute(self._sql(statement), tuple(params))
        return cursor

    def version(self) -> int:
        if not self._has_schema_table():
            return 0
        row = self._execute("SELECT MAX(version) FROM cardaudit_schema").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def _migrate(self, target: int) -> None:
        self._lock_for_migration()
        current = self.version()
        if current > SCHEMA_VERSION:
            raise HistoryError(f"{self.location}: the history store is at schema version {current}, newer than this "
                               f"cardaudit knows ({SCHEMA_VERSION}); upgrade cardaudit, or give another --history")
        for version in range(current + 1, target + 1):
            for step in MIGRATIONS[version - 1]:
                self._execute(step.format(ts=self.ts_type, blob=self.blob_type))
            self._execute("DELETE FROM cardaudit_schema")
            self._execute("INSERT INTO cardaudit_schema (version) VALUES (?)", (version,))
        self._conn.commit()

    def _record(self, row: Sequence[Any]) -> RunRecord:
        run_id, started, finished, key, scope, version, summary = row
        return RunRecord(run_id=run_id, started_at=self._ts_out(started), finished_at=self._ts_out(finished),
                         scope_key=key, scope=Scope.model_validate_json(scope), tool_version=version,
                         summary=json.loads(summary or "{}"))

    def save(self, report: Report, scope: Scope) -> RunRecord:
        record = RunRecord(run_id=new_run_id(report.run.started_at), started_at=report.run.started_at,
                           finished_at=report.run.finished_at, scope_key=scope.key, scope=scope,
                           tool_version=report.tool.version, summary=summary_of(report))
        blob = zlib.compress(report.model_dump_json(by_alias=True).encode(), 6)
        with self._guard("write to"):
            self._execute(f"INSERT INTO cardaudit_runs ({_COLUMNS}, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608 -- only constants are formatted in
                          (record.run_id, self._ts_in(record.started_at), self._ts_in(record.finished_at),
                           record.scope_key, scope.model_dump_json(), record.tool_version,
                           json.dumps(record.summary), blob))
            self._conn.commit()
        return record

    def previous(self, scope_key: str, before: datetime) -> RunRecord | None:
        with self._guard("read"):
            row = self._execute(f"SELECT {_COLUMNS} FROM cardaudit_runs WHERE scope_key = ? AND started_at < ? "  # noqa: S608 -- only constants are formatted in
                                "ORDER BY started_at DESC LIMIT 1", (scope_key, self._ts_in(before))).fetchone()
            self._conn.commit()
        return self._record(row) if row else None

    def runs(self, scope_key: str | None = None) -> list[RunRecord]:
        """Newest first."""
        where, params = ("WHERE scope_key = ? ", (scope_key,)) if scope_key else ("", ())
        with self._guard("read"):
            rows = self._execute(f"SELECT {_COLUMNS} FROM cardaudit_runs {where}ORDER BY started_at DESC, run_id",  # noqa: S608 -- only constants are formatted in
                                 params).fetchall()
            self._conn.commit()
        return [self._record(r) for r in rows]

    def get(self, run_id: str) -> RunRecord | None:
        with self._guard("read"):
            row = self._execute(f"SELECT {_COLUMNS} FROM cardaudit_runs WHERE run_id = ?", (run_id,)).fetchone()  # noqa: S608 -- only constants are formatted in
            self._conn.commit()
        return self._record(row) if row else None

    def report(self, run_id: str) -> Report:
        with self._guard("read"):
            row = self._execute("SELECT report FROM cardaudit_runs WHERE run_id = ?", (run_id,)).fetchone()
            self._conn.commit()
        if row is None:
            raise HistoryError(f"{self.location}: no run {run_id} (see `cardaudit history list`)")
        try:
            return Report.model_validate_json(zlib.decompress(bytes(row[0])))
        except (zlib.error, ValidationError, ValueError) as exc:
            raise HistoryError(f"{self.location}: the stored report of run {run_id} cannot be read "
                               f"({type(exc).__name__})") from exc

    def delete(self, run_ids: Sequence[str]) -> None:
        with self._guard("delete from"):
            for run_id in run_ids:
                self._execute("DELETE FROM cardaudit_runs WHERE run_id = ?", (run_id,))
            self._conn.commit()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._conn.close()
