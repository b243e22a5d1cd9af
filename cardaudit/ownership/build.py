"""One way to build the Resolver, used by the audit and by every command that answers "who owns this?".

It loads ownership.yaml and the evidence the file declares (IaC states and templates in the
repository checkouts, live CloudFormation stacks in the inventory, CODEOWNERS files), so that
`owners explain`, `owners list`, `controls` and the audit give the same answer from the same
evidence. Without `--repo`, the checkouts an inventory recorded are used, with a warning when one
is missing or an evidence file changed since the inventory was saved.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cardaudit.models.evidence import EvidenceFile, EvidenceRecord, EvidenceStatus, RepoRecord
from cardaudit.ownership.codeowners import load_codeowners
from cardaudit.ownership.iac import IacIndex, load_iac
from cardaudit.ownership.load import load_ownership
from cardaudit.ownership.resolve import Resolver

if TYPE_CHECKING:
    from cardaudit.models.inventory import Inventory

DEFAULT_OWNERSHIP = Path("ownership.yaml")
DEFAULT_INVENTORY = Path("inventory.json")
DEFAULT_ATTESTATIONS = Path("attestations.yaml")


def ownership_file(given: Path | None) -> Path | None:
    """The file a command uses: the one given, else ./ownership.yaml when there is one."""
    if given is not None:
        return given
    return DEFAULT_OWNERSHIP if DEFAULT_OWNERSHIP.is_file() else None


def attestations_file(given: Path | None) -> Path | None:
    """Attestations: the file given, else ./attestations.yaml when there is one (as ownership.yaml)."""
    if given is not None:
        return given
    return DEFAULT_ATTESTATIONS if DEFAULT_ATTESTATIONS.is_file() else None


def inventory_file(given: Path | None) -> Path | None:
    """The inventory a command uses: the one given, else ./inventory.json when there is one (a run's folder)."""
    if given is not None:
        return given
    return DEFAULT_INVENTORY if DEFAULT_INVENTORY.is_file() else None


def recorded_repos(inventory: Inventory | None) -> tuple[dict[str, Path], list[str]]:
    """The checkouts an inventory was built from, and a warning for each that is not there any more."""
    if inventory is None:
        return {}, []
    repos: dict[str, Path] = {}
    warnings: list[str] = []
    for repo in inventory.evidence.repos:
        path = Path(repo.path)
        if path.is_dir():
            repos[repo.name] = path
        else:
            warnings.append(f"repository {repo.name} recorded at {repo.path} is missing: its evidence is not read "
                            f"(pass --repo {repo.name}=PATH)")
    return repos, warnings


def changed_files(inventory: Inventory | None, read: list[EvidenceFile]) -> list[str]:
    """Evidence files whose content differs from what the inventory recorded."""
    if inventory is None:
        return []
    now = {f.path: f for f in read}
    out = []
    for recorded in inventory.evidence.files:
        current = now.get(recorded.path)
        if current is not None and current.sha256 != recorded.sha256:
            out.append(f"{recorded.shown} changed since the inventory was saved: answers may differ from its report")
    return out


def build_resolver(path: Path, repos: dict[str, Path] | None = None, inventory: Inventory | None = None,
                   *, evidence: bool = True) -> Resolver:
    """The Resolver of `path`, with the evidence of the checkouts given (else those the inventory recorded).

    With `evidence=False`, the file alone: the audit reads it before collecting, to fail fast, and
    adds the evidence with `read_evidence` once the inventory is known.
    """
    resolver = Resolver(load_ownership(path), IacIndex())
    return read_evidence(resolver, repos, inventory) if evidence else resolver


def read_evidence(resolver: Resolver, repos: dict[str, Path] | None, inventory: Inventory | None) -> Resolver:
    """Read the evidence ownership.yaml declares (IaC sources, CODEOWNERS) into the resolver."""
    ownership = resolver.ownership
    warnings: list[str] = []
    if not repos:
        repos, warnings = recorded_repos(inventory)
    iac = load_iac(ownership.model.settings.iac_sources, repos, ownership.path.parent, inventory)
    codeowners = load_codeowners(repos)
    warnings += changed_files(inventory, [*iac.files, *(c.file for c in codeowners.values() if c.file)])
    statuses = [s.status() for s in iac.sources] + [c.status() for c in codeowners.values()]
    resolver.attach_evidence(iac, codeowners, statuses, warnings)
    return resolver


def evidence_record(repos: dict[str, Path], resolver: Resolver | None) -> EvidenceRecord:
    """What an inventory records of the run's inputs: checkouts and evidence files, with hashes."""
    files = [*(resolver.iac.files if resolver else []),
             *(c.file for c in (resolver.codeowners.values() if resolver else []) if c.file is not None)]
    recorded = [RepoRecord(name=name, path=str(root.resolve())) for name, root in sorted(repos.items())]
    return EvidenceRecord(repos=recorded, files=files)


def missing_evidence(statuses: list[EvidenceStatus]) -> list[EvidenceStatus]:
    return [s for s in statuses if not s.read]
