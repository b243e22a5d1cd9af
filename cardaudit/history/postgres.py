"""The shared history store: PostgreSQL, for many scheduled tasks writing one history (psycopg 3).

psycopg is an optional dependency (`pip install 'cardaudit[postgres]'`), imported only here.
"""

from __future__ import annotations

import re
from typing import Any

from cardaudit.errors import ConfigError, HistoryError
from cardaudit.history.store import SCHEMA_VERSION, SqlStore

# Serialises migrations of processes starting together (an arbitrary constant: "cardaudit" in ASCII).
_MIGRATION_LOCK = 0x63617264617564


def redacted(dsn: str) -> str:
    """The DSN without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", dsn)


class PostgresStore(SqlStore):
    ts_type = "TIMESTAMPTZ"
    blob_type = "BYTEA"

    def __init__(self, dsn: str, lock_timeout: float = 10.0, connect_timeout: int = 10,
                 migrate_to: int = SCHEMA_VERSION) -> None:
        try:
            import psycopg
        except ImportError:
            raise ConfigError("--history postgresql://... needs psycopg: pip install 'cardaudit[postgres]'") from None
        self.location = redacted(dsn)
        self.driver_error = psycopg.Error
        try:
            connection = psycopg.connect(dsn, connect_timeout=connect_timeout, autocommit=False)
            # A lock held by another process is an error after this long, never an endless wait.
            connection.execute(f"SET lock_timeout = {int(lock_timeout * 1000)}")
        except psycopg.Error as exc:
            raise HistoryError(f"{self.location}: cannot reach the history store: {self._explain(exc)}") from exc
        super().__init__(connection, migrate_to)

    def _sql(self, statement: str) -> str:
        return statement.replace("?", "%s")

    def _has_schema_table(self) -> bool:
        row = self._execute("SELECT to_regclass('cardaudit_schema') IS NOT NULL").fetchone()
        return bool(row and row[0])

    def _lock_for_migration(self) -> None:
        self._execute("SELECT pg_advisory_xact_lock(?)", (_MIGRATION_LOCK,))

    def _explain(self, exc: Exception) -> str:
        text = " ".join(str(exc).split())
        sqlstate: Any = getattr(exc, "sqlstate", None)
        if sqlstate == "55P03":
            return f"{text} (another process holds a lock on it; try again)"
        return text
