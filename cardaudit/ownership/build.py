"""One way to build the Resolver, used by the audit and by every command that answers "who owns this?".

It loads ownership.yaml and the IaC evidence the file declares (Pulumi state exports, found in the
repository checkouts given), so `owners explain`, `owners list`, `controls` and the audit all give
the same answer from the same evidence.
"""

from __future__ import annotations

from pathlib import Path

from cardaudit.ownership.iac import load_iac
from cardaudit.ownership.load import load_ownership
from cardaudit.ownership.resolve import Resolver

DEFAULT_OWNERSHIP = Path("ownership.yaml")


def ownership_file(given: Path | None) -> Path | None:
    """The file a command uses: the one given, else ./ownership.yaml when there is one."""
    if given is not None:
        return given
    return DEFAULT_OWNERSHIP if DEFAULT_OWNERSHIP.is_file() else None


def build_resolver(path: Path, repos: dict[str, Path] | None = None) -> Resolver:
    ownership = load_ownership(path)
    iac = load_iac(ownership.model.settings.iac_sources, repos or {}, path.parent)
    return Resolver(ownership, iac)
