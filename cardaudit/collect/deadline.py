"""The per-run deadline (`--timeout`): what is not read by then is NOT_ASSESSED, with the reason."""

from __future__ import annotations

import time
from dataclasses import dataclass

from cardaudit.collect.contain import DEADLINE_REACHED, CallFailed


@dataclass(frozen=True)
class Deadline:
    """A moment on the monotonic clock; `seconds` None means no deadline."""

    seconds: float | None = None
    at: float | None = None

    @classmethod
    def after(cls, seconds: float | None) -> Deadline:
        return cls(seconds, None if seconds is None else time.monotonic() + seconds)

    def remaining(self) -> float | None:
        return None if self.at is None else max(0.0, self.at - time.monotonic())

    def expired(self) -> bool:
        return self.at is not None and time.monotonic() >= self.at

    def reason(self, before: str) -> str:
        return f"deadline reached before {before} (--timeout {self.seconds:g} s)"

    def check(self, operation: str) -> None:
        """Refuse to start a call once the run's time is up."""
        if self.expired():
            raise CallFailed(operation, DEADLINE_REACHED, self.reason(operation))


NO_DEADLINE = Deadline()
