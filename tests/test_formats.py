"""Every format renders one shared fixture report; golden files are reviewed in the diff.

Regenerate with CARDAUDIT_UPDATE_GOLDEN=1 after an intended change.
"""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from cardaudit.catalogue.attest import Attestation, Attested
from cardaudit.catalogue.load import load_catalogue
from cardaudit.catalogue.rollup import roll_up, tag_findings
from cardaudit.catalogue.scope import not_applicable
from cardaudit.engine.registry import all_checks
from cardaudit.formats import all_formats
from cardaudit.models.base import Severity, Status
from cardaudit.models.finding import Finding, ResourceRef
from cardaudit.models.inventory import CollectionError
from cardaudit.models.report import Report, RunInfo, Summary, ToolInfo

FORMATS = all_formats()
GOLDEN = Path(__file__).parent / "golden"
EVIL = '<script>alert("tag")</script>'


def _finding(check_id: str, status: Status, name: str, reason: str, **extra: object) -> Finding:
    ref = ResourceRef(type="AWS::ECS::TaskDefinition", id=name, name=name, account="111122223333",
                      region="eu-west-1", arn=f"arn:aws:ecs:eu-west-1:111122223333:task-definition/{name}")
    return Finding(id=Finding.make_id(check_id, ref), check_id=check_id, status=status, severity=Severity.HIGH,
                   resource=ref, reason=reason, **extra)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def report() -> Report:
    catalogue = load_catalogue("pci-dss-4.0.1")
    findings = tag_findings([
        _finding("ecs_task_definition_logging_configured", Status.FAIL, f"{EVIL}:1",
                 "container(s) without logConfiguration: envoy", owner="app", evidence={"team": EVIL}),
        _finding("ecs_task_definition_logging_configured", Status.PASS, "card-api:2", "all containers log",
                 owner="app", supporting=["infra"]),
        _finding("ecs_task_definition_no_plaintext_secrets", Status.NOT_ASSESSED, "ledger-ingest:3",
                 "ecs:DescribeTaskDefinition failed: AccessDenied"),
        Finding(id="taskdef0000000001", check_id="taskdef_no_plaintext_secrets", status=Status.FAIL,
                severity=Severity.CRITICAL, owner="app", owner_rule="ownership.yaml:166",
                resource=ResourceRef(type="Repo::taskdef", id="acme/card-batch:deploy/prod/taskdef.json",
                                     name="deploy/prod/taskdef.json", repo="acme/card-batch",
                                     path="deploy/prod/taskdef.json", line=24,
                                     field="$.containerDefinitions[0].environment"),
                reason="container ingest: plaintext secret-looking variable(s) DB_PASS",
                evidence={"variables": ["DB_PASS"], "values": "<redacted>"}),
    ], catalogue)
    attested = {
        "12.1.1": Attested(Attestation(item="12.1.1", status="in_place", evidence=f"ISP v4 {EVIL}",
                                       attested_by="ciso@example.com", date=date(2026, 3, 1),
                                       expires=date(2027, 3, 1)), "attestations.yaml:3"),
        "12.10.1": Attested(Attestation(item="12.10.1", status="in_place", evidence="IR plan v3",
                                        attested_by="ciso@example.com", date=date(2025, 6, 1),
                                        expires=date(2026, 6, 1)), "attestations.yaml:9"),
    }
    requirements = roll_up(catalogue, findings, None, not_applicable(catalogue, "issuer"), attested,
                           date(2026, 11, 26))
    errors = [CollectionError(service="ecs", operation="DescribeTaskDefinition", code="AccessDenied",
                              message=EVIL, account="111122223333", region="eu-west-1")]
    when = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    return Report(tool=ToolInfo(version="0.0.0-test"),
                  run=RunInfo(started_at=when, finished_at=when, accounts=["111122223333"], regions=["eu-west-1"],
                              catalogue=catalogue.name, pci_profile="issuer", inventory_source="aws"),
                  findings=findings, requirements=requirements, collection_errors=errors,
                  summary=Summary.of(findings, requirements, errors),
                  checks=[s.info() for s in all_checks() if s.id in {f.check_id for f in findings}])


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_golden(report: Report, name: str) -> None:
    fmt = FORMATS[name]
    rendered = fmt.render(report)
    golden = GOLDEN / f"report{fmt.suffix}"
    if os.environ.get("CARDAUDIT_UPDATE_GOLDEN") == "1":
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")


def test_json_contract(report: Report) -> None:
    doc = json.loads(FORMATS["json"].render(report))
    assert doc["schema"] == "cardaudit-report/1"
    assert set(doc) >= {"schema", "tool", "run", "findings", "requirements", "summary"}
    assert set(doc["run"]) >= {"started_at", "finished_at", "accounts", "regions", "catalogue"}
    finding = doc["findings"][0]
    assert set(finding) >= {"id", "check_id", "status", "severity", "kind", "resource", "reason", "evidence",
                            "owner", "supporting", "pci"}
    assert set(finding["resource"]) >= {"type", "id", "arn", "account", "region", "name", "path", "line", "field"}
    assert {r["status"] for r in doc["requirements"]} >= {
        "FAIL", "MANUAL", "INHERITED", "NOT_APPLICABLE", "ATTESTED", "ATTESTATION_EXPIRED"}
    assert "10.2.1" in finding["pci"]


def test_html_escapes_everything_from_aws(report: Report) -> None:
    html = FORMATS["html"].render(report)
    assert html.count("<script") == 2 and "<script>alert" not in html  # the report's own two, by CSP hash
    assert "&lt;script&gt;alert(" in html
    assert "http://" not in html and "https://" not in html  # self-contained: nothing fetched


def test_csv_neutralises_formulas(report: Report) -> None:
    import csv
    import io

    from cardaudit.formats.csv import _cell

    rows = list(csv.DictReader(io.StringIO(FORMATS["csv"].render(report))))
    assert len(rows) == len(report.findings)
    assert {r["status"] for r in rows} == {"PASS", "FAIL", "NOT_ASSESSED"}
    assert _cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert _cell("card-api") == "card-api"


def test_junit_counts(report: Report) -> None:
    from xml.etree import ElementTree as ET

    root = ET.fromstring(FORMATS["junit"].render(report))
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == len(report.findings)
    assert len(root.findall(".//failure")) == sum(f.status.value == "FAIL" for f in report.findings)
    assert len(root.findall(".//skipped")) == sum(f.status.value == "NOT_ASSESSED" for f in report.findings)
    from cardaudit.formats.junit import _text

    assert _text("tag\x00value\x1b") == "tag\\u0000value\\u001b"  # shown, not obeyed


def test_asff_shape(report: Report) -> None:
    findings = json.loads(FORMATS["asff"].render(report))
    assert len(findings) == 3  # the AWS findings; the repository finding has no account
    required = {"SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "Types", "CreatedAt",
                "UpdatedAt", "Severity", "Title", "Description", "Resources"}
    assert all(required <= set(f) for f in findings)
    failed = next(f for f in findings if f["Compliance"]["Status"] == "FAILED")
    assert failed["Resources"][0]["Type"] == "AwsEcsTaskDefinition"
    assert "PCI DSS v4.0.1/10.2.1" in failed["Compliance"]["RelatedRequirements"]


def test_html_has_every_requirement(report: Report) -> None:
    html = FORMATS["html"].render(report)
    for item_id in ("1.1.1", "9.4.1", "10.2.1", "12.10.7", "A3.5.1"):
        assert f'<span class="id">{item_id}</span>' in html


def test_sarif_structure(report: Report) -> None:
    doc = json.loads(FORMATS["sarif"].render(report))
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    rule_ids = {r["id"] for r in run["tool"]["driver"]["rules"]}
    assert {r["ruleId"] for r in run["results"]} == rule_ids
    statuses = {r["properties"]["status"] for r in run["results"]}
    assert statuses == {"FAIL", "NOT_ASSESSED"}  # PASS results are not code-scanning alerts
    for result in run["results"]:
        assert result["message"]["text"] and result["locations"]
        assert result["level"] in ("error", "warning", "note", "none")
    artifact = next(r for r in run["results"] if r["ruleId"] == "taskdef_no_plaintext_secrets")
    assert artifact["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "deploy/prod/taskdef.json", "uriBaseId": "acme/card-batch"},
        "region": {"startLine": 24}}
    assert "acme/card-batch" in run["originalUriBaseIds"]
    failing = next(r for r in run["results"] if r["ruleId"] == "ecs_task_definition_logging_configured")
    assert failing["level"] == "error" and "pci-dss/10.2.1" in next(
        rule for rule in run["tool"]["driver"]["rules"] if rule["id"] == failing["ruleId"])["properties"]["tags"]


def test_hidden_characters_are_shown_not_obeyed() -> None:
    """U+202E and control characters from AWS or a repository are escaped in HTML, CSV, console and SARIF."""
    from cardaudit.formats.text import visible

    tricky = "team\u202eppa.exe\r=HYPERLINK(\"x\")\x1b[31m"
    assert visible(tricky) == 'team\\u202eppa.exe\\u000d=HYPERLINK("x")\\u001b[31m'
    ref = ResourceRef(type="Repo::dockerfile", id="r", repo="acme/x", path="dir with space/#Dockerfile", line=3)
    finding = Finding(id="f1", check_id="dockerfile_user_not_root", status=Status.FAIL, severity=Severity.HIGH,
                      resource=ref, reason=tricky, owner="app")
    when = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    report = Report(tool=ToolInfo(version="t"), findings=[finding], requirements=[],
                    run=RunInfo(started_at=when, finished_at=when, accounts=[], regions=[], catalogue="pci-dss-4.0.1",
                                pci_profile="issuer", inventory_source="aws"),
                    summary=Summary.of([finding], [], []))
    for name in ("html", "csv", "console", "sarif", "json", "junit"):
        text = FORMATS[name].render(report)
        assert "\u202e" not in text and "\x1b" not in text, name
    rows = list(csv.reader(io.StringIO(FORMATS["csv"].render(report))))
    assert len(rows) == 2  # the CR inside the reason did not start a row
    sarif = json.loads(FORMATS["sarif"].render(report))
    uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "dir%20with%20space/%23Dockerfile"


def test_console_prints_arns_as_written() -> None:
    from rich.console import Console

    from cardaudit.formats.console import print_summary

    ref = ResourceRef(type="AWS::SecretsManager::Secret", id="prod/db", name="prod/db",
                      arn="arn:aws:secretsmanager:eu-west-1:1:secret:prod/db-AbCd")
    finding = Finding(id="f2", check_id="secretsmanager_secret_rotation_enabled", status=Status.FAIL,
                      severity=Severity.HIGH, resource=ref,
                      reason="see arn:aws:secretsmanager:eu-west-1:1:secret:prod/db")
    when = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    report = Report(tool=ToolInfo(version="t"), findings=[finding], requirements=[],
                    run=RunInfo(started_at=when, finished_at=when, accounts=[], regions=[], catalogue="pci-dss-4.0.1",
                                pci_profile="issuer", inventory_source="aws"),
                    summary=Summary.of([finding], [], []))
    buffer = io.StringIO()
    print_summary(report, Console(file=buffer, width=200, emoji=False))
    assert ":secret:prod/db" in buffer.getvalue() and "\u3299" not in buffer.getvalue()
    assert "\u3299" not in FORMATS["console"].render(report)
