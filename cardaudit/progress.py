"""What a run reports while it works: one small event type and a listener callback.

Collection and the audit stages call `on_event(Event(...))` at a few fixed points (the accounts of
the run, each account, each collect function in each region, each later stage); they know nothing
about how events are shown. `cardaudit.logs` turns them into JSON lines, plain log lines or a Rich
progress display. The callback may be called from collection threads; listeners serialise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

Phase = Literal["run", "accounts", "account", "collect", "evaluate", "attribute", "rollup", "write"]
Step = Literal["start", "end"]


@dataclass(frozen=True)
class Event:
    phase: Phase
    step: Step = "end"
    account: str | None = None
    region: str | None = None
    service: str | None = None  # the collect function's name (`security_groups`, `ecr`)
    counts: Mapping[str, int] = field(default_factory=dict)
    seconds: float | None = None
    error_code: str | None = None  # AWS's code (AccessDenied) or cardaudit's (BadResponse, DeadlineReached)
    message: str = ""


Listener = Callable[[Event], None]


def ignore(_: Event) -> None:
    """The listener of a run nobody watches."""
