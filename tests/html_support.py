"""Shared by the HTML report's tests and its bench scripts: a report with hostile text, and Debian's
headless chromium driven by Playwright (never a browser Playwright downloads)."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from cardaudit.catalogue.attest import Attestation, Attested
from cardaudit.catalogue.load import load_catalogue
from cardaudit.catalogue.rollup import roll_up, tag_findings
from cardaudit.catalogue.scope import not_applicable
from cardaudit.engine.registry import all_checks
from cardaudit.models.awsverdicts import AwsVerdicts, Disagreement, VerdictRead
from cardaudit.models.base import Severity, Status
from cardaudit.models.finding import Finding, ResourceRef
from cardaudit.models.inventory import CollectionError
from cardaudit.models.report import Report, RunInfo, Summary, ToolInfo

ACCOUNT = "111122223333"
TAG_VALUE = "<script>alert(1)</script>"
FILE_NAME = '"><img src=x onerror=alert(1)>'
# Flags that work on a root machine without display, GPU or network.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]
_CHECKS = [("ecs_task_definition_logging_configured", Severity.HIGH, "AWS::ECS::TaskDefinition"),
           ("s3_bucket_default_encryption_kms", Severity.MEDIUM, "AWS::S3::Bucket"),
           ("iam_console_user_mfa_enabled", Severity.CRITICAL, "AWS::IAM::User"),
           ("cloudtrail_multi_region_enabled", Severity.LOW, "AWS::CloudTrail::Trail")]
_TEAMS = ["app", "infra", "data", None]
_REGIONS = ["eu-west-1", "us-east-1", "eu-central-1"]
_STATUSES = [Status.FAIL, Status.PASS, Status.NOT_ASSESSED, Status.PASS, Status.ERROR]


def _aws(i: int) -> Finding:
    check, severity, rtype = _CHECKS[i % len(_CHECKS)]
    region = _REGIONS[i % len(_REGIONS)]
    name = f"svc-{i}"
    ref = ResourceRef(type=rtype, id=name, name=name, account=ACCOUNT, region=region,
                      arn=f"arn:aws:service:{region}:{ACCOUNT}:thing/team-{i % 7}/{name}")
    return Finding(id=Finding.make_id(check, ref), check_id=check, status=_STATUSES[i % len(_STATUSES)],
                   severity=severity, resource=ref, reason=f"synthetic result {i}",
                   evidence={"tags": {"team": _TEAMS[i % 4] or ""}, "n": i}, owner=_TEAMS[i % 4])


def report(size: int = 40, demo: bool = False) -> Report:
    """`size` ordinary findings over four teams, plus one whose tag value and one whose file name is hostile."""
    catalogue = load_catalogue("pci-dss-4.0.1")
    hostile_tag = ResourceRef(type="AWS::ECS::TaskDefinition", id=TAG_VALUE, name=TAG_VALUE, account=ACCOUNT,
                              region="eu-west-1", arn=None)
    hostile_file = ResourceRef(type="Repo::taskdef", id=f"acme/card-batch:{FILE_NAME}", name=FILE_NAME,
                               repo="acme/card-batch", path=FILE_NAME, line=3)
    findings = [
        *(_aws(i) for i in range(size)),
        Finding(id=Finding.make_id("ecs_task_definition_logging_configured", hostile_tag),
                check_id="ecs_task_definition_logging_configured", status=Status.FAIL, severity=Severity.HIGH,
                resource=hostile_tag, reason=f"tag team={TAG_VALUE}", evidence={"tags": {"team": TAG_VALUE}},
                owner="app"),
        Finding(id=Finding.make_id("taskdef_no_plaintext_secrets", hostile_file),
                check_id="taskdef_no_plaintext_secrets", status=Status.FAIL, severity=Severity.CRITICAL,
                resource=hostile_file, reason=f"file {FILE_NAME}: plaintext secret DB_PASS", owner="data"),
        Finding(id="gap0000000000001", check_id="ownership_resource_unowned", status=Status.FAIL,
                severity=Severity.HIGH, kind="ownership", resource=hostile_tag,
                reason="no ownership rule matches this resource"),
    ]
    findings = tag_findings(findings, catalogue)
    attested = {"12.1.1": Attested(Attestation(item="12.1.1", status="in_place", evidence=f"ISP v4 {TAG_VALUE}",
                                               attested_by="ciso@example.com", date=date(2026, 3, 1),
                                               expires=date(2027, 3, 1)), "attestations.yaml:3")}
    requirements = roll_up(catalogue, findings, None, not_applicable(catalogue, "issuer"), attested,
                           date(2026, 11, 26))
    errors = [CollectionError(service="ecs", operation="DescribeTaskDefinition", code="AccessDenied",
                              message=TAG_VALUE, account=ACCOUNT, region="eu-west-1")]
    when = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    return Report(tool=ToolInfo(version="0.0.0-test"),
                  run=RunInfo(started_at=when, finished_at=when, accounts=[ACCOUNT], regions=_REGIONS,
                              catalogue=catalogue.name, pci_profile="issuer", inventory_source="aws", demo=demo),
                  findings=findings, requirements=requirements, collection_errors=errors,
                  summary=Summary.of(findings, requirements, errors),
                  checks=[s.info() for s in all_checks() if s.id in {f.check_id for f in findings}],
                  aws_verdicts=AwsVerdicts(
                      reads=[VerdictRead(source="securityhub", account=ACCOUNT, region="eu-west-1", read=True, count=1),
                             VerdictRead(source="config", account=ACCOUNT, region="eu-west-1", read=False,
                                         reason=f"config:DescribeConformancePacks: AccessDenied {TAG_VALUE}")],
                      disagreements=[Disagreement(item="10.2.1", resource=TAG_VALUE,
                                                  check_id="ecs_task_definition_logging_configured",
                                                  ours=Status.FAIL, source="securityhub", control="ECS.9",
                                                  theirs="PASSED")]))


def chromium_path() -> str | None:
    """Debian's chromium (or CARDAUDIT_CHROMIUM); None when the machine has none."""
    for candidate in (os.environ.get("CARDAUDIT_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    if chromium_path() is None:
        return "Debian's chromium is not installed (apt-get install chromium)"
    return None


def require_browser() -> None:
    """Skip, saying why, where the browser tests cannot run; in CI (CI=true) fail instead."""
    import pytest

    reason = missing_browser()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser tests: {reason}")
        pytest.skip(reason)


def launch(playwright: Any) -> Any:
    """A fresh headless chromium (Playwright gives each launch its own temporary profile)."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=FLAGS, headless=True)
