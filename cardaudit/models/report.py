"""The Report: the one model every format renders (JSON contract `cardaudit-report/1`)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import ConfigDict, Field

from cardaudit.models.awsverdicts import AwsVerdicts
from cardaudit.models.base import Frozen, Severity, Status
from cardaudit.models.control import RequirementStatus
from cardaudit.models.evidence import EvidenceStatus
from cardaudit.models.finding import Finding
from cardaudit.models.history import RunDiff
from cardaudit.models.inventory import CollectionError
from cardaudit.models.shard import Shard
from cardaudit.models.waiver import WaiverStatus

REPORT_SCHEMA = "cardaudit-report/1"


class AuditConfig(Frozen):
    """What to audit and with what; the CLI, the demo, tests and benchmarks all build one."""

    profile: str | None = None
    regions: list[str] | None = None
    accounts: list[str] | None = None  # other accounts to audit through `role_name`, or ["organization"]
    role_name: str | None = None
    external_id: str | None = None
    inventory: Path | None = None  # re-audit a saved inventory instead of calling AWS
    save_inventory: Path | None = None  # write the collected inventory here
    ownership: Path | None = None
    catalogue: str = "pci-dss-4.0.1"
    pci_profile: str | None = None  # issuer (default), service-provider, merchant
    attestations: Path | None = None
    repos: dict[str, Path] = Field(default_factory=dict)
    workers: int = 8
    checks: list[str] | None = None  # check ids or globs (ecr_*); None runs them all
    timeout: float | None = Field(default=None, gt=0)  # seconds for AWS collection; what is left is NOT_ASSESSED
    aws_verdicts: bool = True  # also read Security Hub, Config conformance packs and Inspector (a second source)
    waivers: Path | None = None  # waivers.yaml: approved, dated exceptions (WAIVED findings)
    no_aws: bool = False  # repositories only: no AWS call, no credential look-up; AWS checks skipped by choice
    # Pull-request scope: per repository, the repo-relative paths the change touches; None: every file.
    changed_files: dict[str, list[str]] | None = None
    changed_source: str | None = None  # where that list came from (--changed-files F, --base-ref REF)
    file_links: dict[str, str] = Field(default_factory=dict)  # repo -> URL its files are browsed at (PR comments)
    shard: Shard | None = None  # audit only the accounts of this shard (with `accounts`); `cardaudit merge` joins them


Stage = Literal["evaluate", "attribute"]


class CheckInfo(Frozen):
    """What a report says about each check and gap kind it ran, so a format needs nothing else."""

    id: str
    title: str
    severity: Severity
    category: str
    resource_type: str
    stage: Stage
    help: dict[str, str] = Field(default_factory=dict)  # docstring section heading -> text


class ToolInfo(Frozen):
    name: str = "cardaudit"
    version: str


class RunInfo(Frozen):
    started_at: datetime
    finished_at: datetime
    accounts: list[str]
    regions: list[str]
    catalogue: str
    pci_profile: str
    inventory_source: str
    ownership_file: str | None = None
    demo: bool = False  # the emulated account of `cardaudit demo`, never a real one


class Summary(Frozen):
    findings: dict[str, int]
    failed_by_severity: dict[str, int]
    ownership: dict[str, int]
    requirements: dict[str, int]
    collection_errors: int

    @classmethod
    def of(cls, findings: list[Finding], requirements: list[RequirementStatus],
           errors: list[CollectionError]) -> Summary:
        control = [f for f in findings if f.kind == "control"]
        return cls(
            findings=dict(sorted(Counter(f.status.value for f in control).items())),
            failed_by_severity=dict(sorted(
                Counter(f.severity.value for f in control if f.status == Status.FAIL).items())),
            ownership=dict(sorted(Counter(f.status.value for f in findings if f.kind == "ownership").items())),
            requirements=dict(sorted(Counter(r.status.value for r in requirements if r.kind == "requirement").items())),
            collection_errors=len(errors),
        )


class RunScope(Frozen):
    """What a run chose not to look at, so every format can say so once.

    `skipped_checks` are the AWS checks a repository-only run (`--no-aws`) did not run, by choice;
    `changed_files` ("repo:path") is the pull-request scope when one was given: findings on other
    files were computed (ownership and links need them) but are not reported, and `out_of_scope`
    counts them.
    """

    aws_skipped: str | None = None  # why AWS was not read, e.g. "--no-aws"
    skipped_checks: list[str] = Field(default_factory=list)
    changed_files: list[str] | None = None
    changed_source: str | None = None
    out_of_scope: int = 0
    file_links: dict[str, str] = Field(default_factory=dict)  # repo -> URL prefix of its files at this commit


class SkippedFile(Frozen):
    """A file named like an artifact kind that holds something else (an Amplify buildspec, a Jinja
    template...): not judged, and said so rather than silently left out."""

    repo: str
    path: str
    kind: str  # the kind its name suggested: buildspec, taskdef, dockerfile, sam, cloudformation, stepfunctions
    reason: str


class Report(Frozen):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    schema_: str = Field(default=REPORT_SCHEMA, alias="schema")
    tool: ToolInfo
    run: RunInfo
    findings: list[Finding]
    requirements: list[RequirementStatus]
    collection_errors: list[CollectionError] = Field(default_factory=list)
    summary: Summary
    checks: list[CheckInfo] = Field(default_factory=list)  # every check and gap kind that ran
    aws_verdicts: AwsVerdicts = Field(default_factory=AwsVerdicts)  # AWS's own, beside the checks
    waivers: list[WaiverStatus] = Field(default_factory=list)  # every waiver of waivers.yaml and its state
    diff: RunDiff | None = None  # against the previous run of the same scope, when history is kept
    scope: RunScope = Field(default_factory=RunScope)  # what was left out by choice (--no-aws, a PR's files)
    # Ownership evidence sources (IaC, CODEOWNERS), read or not, and warnings about recorded evidence.
    evidence: list[EvidenceStatus] = Field(default_factory=list)
    evidence_warnings: list[str] = Field(default_factory=list)
    skipped_files: list[SkippedFile] = Field(default_factory=list)  # named like a kind, holding something else

    def check(self, check_id: str) -> CheckInfo | None:
        return next((c for c in self.checks if c.id == check_id), None)
