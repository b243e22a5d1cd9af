"""How a run's progress events are shown: JSON lines, plain log lines, or a Rich progress display.

- `--log-format json`: one JSON object per event on stderr, every key always present, for
  CloudWatch Logs Insights (`fields phase, account, service, error_code | filter ispresent(error_code)`).
- `--log-format text` (default): on a terminal, a Rich progress bar per account; otherwise one plain
  line per account and per stage, never per API call.

Every value from AWS (account ids, error codes) is escaped: JSON by `json.dumps`, text by
`formats.text.visible`, and the Rich display never interprets markup in data.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Literal, TextIO

from cardaudit.formats.text import visible
from cardaudit.progress import Event, Listener

LogFormat = Literal["text", "json"]
LOG_FORMATS: tuple[LogFormat, ...] = ("text", "json")
RUN_ID_ENV = "CARDAUDIT_RUN_ID"  # e.g. the Step Functions execution name, to join the shards' logs


def new_run_id() -> str:
    return os.environ.get(RUN_ID_ENV) or uuid.uuid4().hex[:16]


def _ignore(event: Event) -> None:
    """The listener of a quiet run."""


class JsonLines:
    """One JSON object per event, one line each; the same keys on every line."""

    def __init__(self, stream: TextIO, run_id: str) -> None:
        self.stream, self.run_id, self._lock = stream, run_id, threading.Lock()

    def __call__(self, event: Event) -> None:
        record = {
            "ts": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": "warning" if event.error_code else "info",
            "run_id": self.run_id, "phase": event.phase, "step": event.step,
            "account": event.account, "region": event.region, "service": event.service,
            "counts": dict(event.counts),
            "duration_ms": None if event.seconds is None else round(event.seconds * 1000),
            "error_code": event.error_code, "message": event.message,
        }
        line = json.dumps(record, separators=(",", ":"))
        with self._lock:
            self.stream.write(line + "\n")
            self.stream.flush()


def _counts(event: Event) -> str:
    return ", ".join(f"{value} {key}" for key, value in event.counts.items())


class PlainLines:
    """A line per account and per stage: readable in a CI log or `docker logs`, not one per API call."""

    def __init__(self, stream: TextIO) -> None:
        self.stream, self._lock = stream, threading.Lock()

    def __call__(self, event: Event) -> None:
        if event.phase == "collect" or event.step == "start":
            return
        where = f" {event.account}" if event.account else ""
        took = f" in {event.seconds:.1f} s" if event.seconds is not None else ""
        error = f" [{event.error_code}]" if event.error_code else ""
        note = f" ({event.message})" if event.message else ""
        line = visible(f"cardaudit: {event.phase}{where}: {_counts(event) or 'done'}{took}{error}{note}",
                       newlines=False)
        with self._lock:
            self.stream.write(line + "\n")
            self.stream.flush()


class RichProgress:
    """A progress bar per account (collect functions x regions done), on a terminal only."""

    def __init__(self, stream: TextIO) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        console = Console(file=stream, emoji=False, markup=False, highlight=False)
        self.progress = Progress(TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[last]}", markup=False), TimeElapsedColumn(),
                                 console=console, transient=False)
        self._tasks: dict[str, int] = {}
        self._lock = threading.Lock()

    def __call__(self, event: Event) -> None:
        with self._lock:
            account = visible(event.account or "", newlines=False)
            if event.phase == "account" and event.step == "start":
                self._tasks[account] = int(self.progress.add_task(
                    f"account {account}", total=event.counts.get("jobs") or None, last=""))
            elif event.phase == "collect" and account in self._tasks:
                last = visible(f"{event.service} {event.region}" + (f" {event.error_code}" if event.error_code else ""),
                               newlines=False)
                self.progress.update(self._tasks[account], advance=1, last=last)  # type: ignore[arg-type]
            elif event.phase == "account" and account in self._tasks:
                task = self._tasks[account]
                self.progress.update(task, completed=self.progress.tasks[task].total or 0,  # type: ignore[arg-type]
                                     last=_counts(event))
            elif event.phase == "account":  # blind from the start (the role could not be assumed)
                self.progress.console.print(visible(f"account {account}: {event.error_code} ({event.message})",
                                                    newlines=False))
            elif event.phase in ("evaluate", "attribute", "rollup") and event.step == "end":
                self.progress.console.print(f"{event.phase}: {_counts(event)}")


@contextmanager
def listener(log_format: LogFormat, stream: TextIO | None = None, run_id: str | None = None,
             quiet: bool = False) -> Iterator[Listener]:
    """The listener for `--log-format`, live for the duration of the block.

    `--quiet` silences the progress of the text format; JSON lines, asked for by name, stay.
    """
    out = stream if stream is not None else sys.stderr
    if log_format == "json":
        yield JsonLines(out, run_id or new_run_id())
        return
    if quiet:
        yield _ignore
        return
    if not out.isatty():
        yield PlainLines(out)
        return
    rich = RichProgress(out)
    with rich.progress:
        yield rich
