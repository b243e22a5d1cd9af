"""Process exit codes, one documented enum (README "Exit codes")."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # audit ran; nothing at or above --fail-on failed
    FINDINGS = 1  # at least one FAIL/ERROR at or above --fail-on (or `owners lint` found problems)
    CONFIG = 2  # a file or option is wrong: ownership.yaml, inventory, catalogue, --regions...
    NOT_ASSESSED = 3  # could not collect at all (no credentials, no region), or nothing was assessed
    INTERNAL = 4  # cardaudit's own failure (a bug): includes an attempted non-read AWS call
    HISTORY = 5  # the history store is corrupt, locked, unreachable or newer than cardaudit (reports still written)
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)
    BROKEN_PIPE = 141  # the reader of stdout went away (`| head`): 128 + SIGPIPE, as a shell reports it
