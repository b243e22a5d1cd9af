"""The bounds every file cardaudit reads is held to: repository files, config files, saved reports.

A file past a bound is refused with one message and, where known, its line; nothing past a bound
is ever read whole, expanded or recursed into.
"""

from __future__ import annotations

import time

# CloudFormation refuses templates over 1 MB and ECS task definitions over 64 KiB: a repository file
# twice the larger of the two is not one cardaudit needs to read.
MAX_REPO_FILE_BYTES = 2_000_000
# ownership.yaml and attestations.yaml: the demo's are 10 KB; the node bound below is what binds.
MAX_CONFIG_FILE_BYTES = 4_000_000
# Inventories and JSON reports cardaudit wrote itself (a large organisation's inventory is tens of MB).
MAX_SAVED_FILE_BYTES = 200_000_000
# YAML nodes after alias expansion: the PCI DSS catalogue has 6,000; a round-trip node costs ~1.4 KB,
# so this keeps a file's tree under ~150 MB whatever its aliases multiply.
MAX_YAML_NODES = 100_000
MAX_YAML_ALIASES = 1_000
# Nesting of YAML and JSON documents: real files stay under 15 levels.
MAX_DEPTH = 64
# Wall-clock budget for parsing one file; a 2 MB YAML file takes ~10 s on one slow core.
PARSE_SECONDS = 60.0


class LimitExceeded(Exception):
    """A file is past one of the bounds above (or is not a file cardaudit may read).

    The message never quotes the file's content, only what is wrong and where.
    """

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class Deadline:
    """The time budget of parsing one file, checked at every node the parser builds."""

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = PARSE_SECONDS if seconds is None else seconds
        self._end = time.monotonic() + self.seconds

    def check(self, line: int | None = None) -> None:
        if time.monotonic() > self._end:
            raise LimitExceeded(f"took longer than {self.seconds:g} s to parse; stopped", line)
