"""The errors cardaudit raises on purpose. Each carries its exit code; the CLI maps them in one place."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from cardaudit.exitcodes import ExitCode


class CardauditError(Exception):
    """Base of every error the CLI reports as one line, without a traceback."""

    exit_code: ClassVar[ExitCode] = ExitCode.INTERNAL
    label: ClassVar[str] = "error"

    @property
    def text(self) -> str:
        return str(self)


class ConfigError(CardauditError):
    """A user-supplied file or option is wrong. Printed as `file:line: message`."""

    exit_code = ExitCode.CONFIG

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

    exit_code = ExitCode.NOT_ASSESSED


class ReadOnlyViolation(CardauditError):
    """cardaudit tried to call an AWS operation that is not a read. Always a bug in cardaudit."""

    exit_code = ExitCode.INTERNAL
    label = "internal error"


class RenderError(CardauditError):
    """A report could not be written where the user asked (the option names an unusable place)."""

    exit_code = ExitCode.CONFIG


class HistoryError(CardauditError):
    """The history store cannot be opened, read or written: corrupt, locked, unreachable, or too new."""

    exit_code = ExitCode.HISTORY
    label = "history error"
