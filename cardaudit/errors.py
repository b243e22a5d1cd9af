"""The few errors cardaudit raises on purpose; the CLI turns each into one line and an exit code."""

from __future__ import annotations

from pathlib import Path


class CardauditError(Exception):
    """Base of every error the CLI reports without a traceback."""


class ConfigError(CardauditError):
    """A user-supplied file or option is wrong. Printed as `file:line: message`."""

    def __init__(self, message: str, file: Path | str | None = None, line: int | None = None) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        super().__init__(self.text)

    @property
    def text(self) -> str:
        if self.file is None:
            return self.message
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class CollectionSetupError(CardauditError):
    """The run could not start collecting at all (no credentials, regions unknowable)."""


class ReadOnlyViolation(CardauditError):
    """cardaudit tried to call an AWS operation that is not a read. Always a bug in cardaudit."""


class RenderError(CardauditError):
    """A report could not be written."""
