"""The embedded history store: one SQLite file (Python's own sqlite3), the default back end."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from cardaudit.errors import ConfigError, HistoryError
from cardaudit.history.store import SCHEMA_VERSION, SqlStore


class SqliteStore(SqlStore):
    driver_error = sqlite3.Error

    def __init__(self, path: Path, lock_timeout: float = 10.0, migrate_to: int = SCHEMA_VERSION,
                 create: bool = True) -> None:
        self.location = str(path)
        if not create and not path.exists():
            # Reading commands never leave an empty store behind (least of all in the user's home).
            raise ConfigError(f"{path}: no history there yet (runs are kept with `cardaudit audit --history "
                              f"{path}`)")
        if path.is_dir():
            raise HistoryError(f"{path}: is a directory; --history needs a file (or a postgresql:// URL)")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # `timeout`: how long a write waits for another process's lock before giving up.
            connection = sqlite3.connect(path, timeout=lock_timeout)
        except (OSError, sqlite3.Error) as exc:
            raise HistoryError(f"{path}: cannot open the history store: {exc}") from exc
        super().__init__(connection, migrate_to)

    def _has_schema_table(self) -> bool:
        row = self._execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cardaudit_schema'").fetchone()
        return row is not None

    def _lock_for_migration(self) -> None:
        # Take the write lock before reading the version, so two processes do not both migrate.
        self._execute("BEGIN IMMEDIATE")

    def _explain(self, exc: Exception) -> str:
        text = str(exc)
        if "locked" in text:
            return f"{text} (another process is writing to it; try again, or give another --history)"
        if "not a database" in text or "malformed" in text:
            return f"{text} (the file is damaged or is not a cardaudit history; move it away to start a new one)"
        return text
