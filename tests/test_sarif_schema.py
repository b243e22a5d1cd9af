"""SARIF output is valid SARIF 2.1.0 and places repository findings on their file and line.

The schema is OASIS's own (`sarif-2.1/schema/sarif-schema-2.1.0.json` in oasis-tcs/sarif-spec,
the 2.1.0 errata01 text), stored in tests/schemas/ so the test needs no network.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cardaudit import audit
from cardaudit.formats import get_format
from cardaudit.models.base import Severity, Status
from cardaudit.models.finding import Finding, ResourceRef
from cardaudit.models.report import AuditConfig, Report
from tests.format_validators import sarif_errors

DEMO = Path(__file__).resolve().parents[1] / "cardaudit" / "demo"


@pytest.fixture(scope="module")
def report() -> Report:
    repos = {f"acme/{name}": DEMO / "repos" / "acme" / name for name in ("card-api", "card-batch", "platform")}
    run = audit.run(AuditConfig(no_aws=True, repos=repos, ownership=DEMO / "ownership.yaml"))
    # One AWS finding beside the repository ones, as a full audit has: a logical location, no file.
    ref = ResourceRef(type="AWS::KMS::Key", id="k1", account="111122223333", region="eu-west-1",
                      arn="arn:aws:kms:eu-west-1:111122223333:key/k1")
    live = Finding(id=Finding.make_id("kms_key_rotation_enabled", ref), check_id="kms_key_rotation_enabled",
                   status=Status.FAIL, severity=Severity.MEDIUM, resource=ref, reason="rotation is off")
    return run.model_copy(update={"findings": [*run.findings, live]})


def _doc(report: Report) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(get_format("sarif").render(report))
    return doc


def test_sarif_is_valid_against_the_2_1_0_schema(report: Report) -> None:
    assert sarif_errors(_doc(report)) == []


def test_repository_findings_have_file_and_line(report: Report) -> None:
    run = _doc(report)["runs"][0]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    dockerfile = by_rule["dockerfile_user_not_root"]["locations"][0]["physicalLocation"]
    assert dockerfile == {"artifactLocation": {"uri": "Dockerfile", "uriBaseId": "acme/card-api"},
                          "region": {"startLine": 19}}
    taskdef = by_rule["taskdef_no_plaintext_secrets"]["locations"][0]
    assert taskdef["physicalLocation"]["artifactLocation"] == {"uri": "deploy/prod/taskdef.json",
                                                               "uriBaseId": "acme/card-batch"}
    assert taskdef["physicalLocation"]["region"] == {"startLine": 24}
    assert taskdef["logicalLocations"] == [{"fullyQualifiedName": "$.containerDefinitions[0].environment",
                                           "kind": "member"}]
    assert set(run["originalUriBaseIds"]) >= {"acme/card-api", "acme/card-batch"}
    # An AWS resource is named by its ARN, with no made-up file.
    live = by_rule["kms_key_rotation_enabled"]["locations"][0]
    assert live == {"logicalLocations": [{"fullyQualifiedName": "arn:aws:kms:eu-west-1:111122223333:key/k1",
                                          "kind": "resource"}]}


def test_rules_carry_help(report: Report) -> None:
    run = _doc(report)["runs"][0]
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "dockerfile_user_not_root")
    assert rule["fullDescription"]["text"] and rule["help"]["text"].startswith("What it checks:")
    assert "**How to fix**" in rule["help"]["markdown"]
    assert run["properties"]["awsSkipped"] == "--no-aws" and run["properties"]["skippedChecks"] > 100
