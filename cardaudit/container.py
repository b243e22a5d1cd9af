"""The container's entrypoint: `cardaudit audit` (or `merge`) configured by `CARDAUDIT_*` variables.

A scheduled ECS task is configured by its environment, not its command line, and Step Functions
overrides one variable per shard (`CARDAUDIT_SHARD=3/5`). Each variable below becomes its option;
arguments given to the container are appended, so `docker run IMAGE --checks 'ecr_*'` works too.

    CARDAUDIT_COMMAND      audit (default) or merge
    CARDAUDIT_MERGE_FROM   merge: reports or s3:// prefixes, separated by spaces
    CARDAUDIT_SOFT_FAIL    true: exit 0 when the only reason to fail is findings (exit 1), so a
                           shard with findings does not stop the state machine; the merge decides
    CARDAUDIT_RUN_ID       the run id in JSON logs (`cardaudit.logs`)
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Mapping

# variable -> option, for `audit`; merge takes the ones marked in _MERGE_OPTIONS.
OPTIONS: dict[str, str] = {
    "CARDAUDIT_ACCOUNTS": "--accounts",
    "CARDAUDIT_ROLE_NAME": "--role-name",
    "CARDAUDIT_EXTERNAL_ID": "--external-id",
    "CARDAUDIT_REGIONS": "--regions",
    "CARDAUDIT_SHARD": "--shard",
    "CARDAUDIT_OUTPUT_DIR": "--output-dir",
    "CARDAUDIT_FORMAT": "--format",
    "CARDAUDIT_FAIL_ON": "--fail-on",
    "CARDAUDIT_CATALOGUE": "--catalogue",
    "CARDAUDIT_PCI_PROFILE": "--pci-profile",
    "CARDAUDIT_OWNERSHIP": "--ownership",
    "CARDAUDIT_ATTESTATIONS": "--attestations",
    "CARDAUDIT_CHECKS": "--checks",
    "CARDAUDIT_TIMEOUT": "--timeout",
    "CARDAUDIT_WORKERS": "--workers",
    "CARDAUDIT_INVENTORY": "--inventory",
    "CARDAUDIT_LOG_FORMAT": "--log-format",
    "CARDAUDIT_S3_SSE": "--s3-sse",
    "CARDAUDIT_S3_KMS_KEY_ID": "--s3-kms-key-id",
}
_MERGE_OPTIONS = ("CARDAUDIT_OUTPUT_DIR", "CARDAUDIT_FORMAT", "CARDAUDIT_FAIL_ON", "CARDAUDIT_S3_SSE",
                  "CARDAUDIT_S3_KMS_KEY_ID")
_TRUE = ("1", "true", "yes", "on")


def argv(env: Mapping[str, str], extra: list[str]) -> list[str]:
    """The cardaudit command line the environment describes."""
    command = env.get("CARDAUDIT_COMMAND", "audit").strip() or "audit"
    if command not in ("audit", "merge"):
        raise SystemExit(f"CARDAUDIT_COMMAND: '{command}' is not audit or merge")
    args = [command]
    if command == "merge":
        args += shlex.split(env.get("CARDAUDIT_MERGE_FROM", ""))
    for name, option in OPTIONS.items():
        value = env.get(name, "").strip()
        if value and (command == "audit" or name in _MERGE_OPTIONS):
            args += [option, value]
    if command == "audit":
        # NAME=PATH pairs separated by commas: CARDAUDIT_REPOS=acme/card-api=/src/card-api
        for repo in filter(None, (r.strip() for r in env.get("CARDAUDIT_REPOS", "").split(","))):
            args += ["--repo", repo]
        verdicts = env.get("CARDAUDIT_AWS_VERDICTS", "").strip().lower()
        if verdicts:
            args.append("--aws-verdicts" if verdicts in _TRUE else "--no-aws-verdicts")
    return [*args, *extra]


def main() -> None:
    from cardaudit.cli import app

    args = argv(os.environ, sys.argv[1:])
    code = 0
    try:
        app(args=args, prog_name="cardaudit")
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    if code == 1 and os.environ.get("CARDAUDIT_SOFT_FAIL", "").strip().lower() in _TRUE:
        print("cardaudit: findings at or above --fail-on (exit 1 turned into 0 by CARDAUDIT_SOFT_FAIL)",
              file=sys.stderr)
        code = 0
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
