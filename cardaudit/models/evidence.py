"""What ownership answers were built from: repositories, evidence files and whether each was read.

An inventory records the repositories and evidence files of its run (paths and sha256 content
hashes), so that a re-audit or `owners explain --inventory` reads the same evidence, and warns
when it is missing or has changed. A report lists every evidence source and whether it was read.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cardaudit.models.base import Frozen


class EvidenceFile(Frozen):
    path: str  # absolute in memory; relative to the inventory file when saved inside its folder
    shown: str  # as messages name it: acme/platform:iac/infra-prod.json
    sha256: str


class RepoRecord(Frozen):
    name: str  # acme/card-api
    path: str  # absolute in memory; relative to the inventory file when saved inside its folder


class EvidenceRecord(Frozen):
    """The inputs of a run besides AWS: recorded in the inventory it saves."""

    repos: list[RepoRecord] = Field(default_factory=list)
    files: list[EvidenceFile] = Field(default_factory=list)


class EvidenceStatus(Frozen):
    """One evidence source of a run, read or not, and how to supply it when not."""

    source: str
    kind: Literal["iac", "codeowners", "repository", "inventory"]
    read: bool
    detail: str
    fix: str | None = None
