"""JSON, ASFF, JUnit and CSV against their schemas, and one `audit --output-dir` run writing every format,
each file checked by its format's validator (tests/format_validators.py)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cardaudit import cli
from cardaudit.formats import FORMAT_NAMES, get_format
from cardaudit.formats.csv import COLUMNS
from cardaudit.formats.json_schema import render as render_schema
from cardaudit.models.base import Severity, Status
from cardaudit.models.finding import Finding, ResourceRef
from cardaudit.models.report import Report, RunInfo, Summary, ToolInfo
from tests import format_validators as v
from tests import html_support
from tests.smallreports import arn, queues
from tests.test_formats import report  # noqa: F401 -- the shared fixture report

DEMO = Path(__file__).resolve().parents[1] / "cardaudit" / "demo"
runner = CliRunner()


def _report(*findings: Finding) -> Report:
    when = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    return Report(tool=ToolInfo(version="t"), findings=list(findings), requirements=[],
                  run=RunInfo(started_at=when, finished_at=when, accounts=["111122223333"], regions=["eu-west-1"],
                              catalogue="pci-dss-4.0.1", pci_profile="issuer", inventory_source="aws"),
                  summary=Summary.of(list(findings), [], []))


def _kms(name: str, reason: str, arn: str | None, owner: str | None = None) -> Finding:
    ref = ResourceRef(type="AWS::KMS::Key", id=name, name=name, account="111122223333", region="eu-west-1", arn=arn)
    return Finding(id=Finding.make_id("kms_key_rotation_enabled", ref), check_id="kms_key_rotation_enabled",
                   status=Status.FAIL, severity=Severity.MEDIUM, resource=ref, reason=reason, owner=owner)


@pytest.fixture(scope="module")
def awkward() -> Report:
    """What AWS and repositories can hand a format: blank reasons, a partition newer than the API model,
    hidden and control characters, formula-looking text, line breaks and very long text."""
    return _report(
        _kms("blank", "  ", "arn:aws-iso-e:kms:eu-isoe-west-1:111122223333:key/blank"),
        _kms("empty", "", None, owner="=cmd|'/c calc'!A1"),
        _kms("long", "line one\r\nline two \u202e\x00 " * 120, "arn:aws:kms:eu-west-1:111122223333:key/long"),
        _kms("-2+3", "@SUM(A1:A9)\tand\nmore", None),
    )


@pytest.fixture(scope="module")
def assessor() -> Report:
    """The HTML tests' report: AWS's own verdicts and a disagreement, hostile tag values and file names."""
    return html_support.report(demo=True)


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_awkward_and_hostile_text_validates_in_every_format(awkward: Report, assessor: Report, name: str) -> None:
    assert v.errors_for(name, get_format(name).render(awkward)) == []
    assert v.errors_for(name, get_format(name).render(assessor)) == []


def test_published_report_schema_is_current() -> None:
    published = v.REPORT_SCHEMA.read_text(encoding="utf-8")
    assert published == render_schema(), (
        "docs/report.schema.json is out of date: python -m cardaudit.formats.json_schema > docs/report.schema.json")


def test_report_json_validates_against_the_published_schema(report: Report, awkward: Report) -> None:  # noqa: F811
    golden = json.loads((Path(__file__).parent / "golden" / "report.json").read_text(encoding="utf-8"))
    assert v.report_errors(golden) == []
    for case in (report, awkward):
        assert v.report_errors(json.loads(get_format("json").render(case))) == []
    doc = json.loads(get_format("json").render(report))
    doc["schema"] = "cardaudit-report/2"
    doc["findings"][0]["verdict"] = "ok"
    doc["findings"][1]["status"] = "PASSED"
    assert len(v.report_errors(doc)) == 3  # strict: a wrong version, an unknown field, an unknown status


def test_asff_validates_against_security_hubs_model(report: Report, awkward: Report) -> None:  # noqa: F811
    assert v.asff_errors(json.loads(get_format("asff").render(report))) == []
    findings = json.loads(get_format("asff").render(awkward))
    assert v.asff_errors(findings) == []
    by_name = {f["Resources"][0]["Id"].rsplit("/", 1)[-1]: f for f in findings}
    assert by_name["blank"]["Description"] == "kms_key_rotation_enabled: no reason given"
    assert "Partition" not in by_name["blank"]["Resources"][0]  # aws-iso-e is not in the model's enum
    assert by_name["long"]["Resources"][0]["Partition"] == "aws"
    assert len(by_name["long"]["Description"]) == 1024 and "\u202e" not in by_name["long"]["Description"]
    findings[0]["Severity"]["Label"] = "SEVERE"
    del findings[1]["Title"]
    findings[2]["Resources"] = "arn:aws:kms:eu-west-1:111122223333:key/long"
    errors = v.asff_errors(findings)
    assert len(errors) == 3, errors  # the validator catches an unknown enum value, a missing field, a wrong type


def test_junit_validates_against_the_xsd(report: Report, awkward: Report) -> None:  # noqa: F811
    for case in (report, awkward):
        assert v.junit_errors(get_format("junit").render(case)) == []
    broken = get_format("junit").render(awkward).replace(' name="kms_key_rotation_enabled"', "", 1)
    assert v.junit_errors(broken)  # a test suite without its name is refused


def test_csv_header_is_the_documented_columns_and_every_row_parses(report: Report, awkward: Report) -> None:  # noqa: F811
    assert v.documented_csv_columns() == list(COLUMNS)
    for case in (report, awkward):
        text = get_format("csv").render(case)
        assert v.csv_errors(text) == []
        assert len(list(csv.reader(io.StringIO(text, newline="")))) == len(case.findings) + 1
    rows = {r["resource"]: r for r in csv.DictReader(io.StringIO(get_format("csv").render(awkward), newline=""))}
    assert rows["'-2+3"]["reason"].startswith("'@SUM(A1:A9)")
    assert rows["empty"]["owner"] == "'=cmd|'/c calc'!A1"
    assert v.csv_errors("id,status\n=1+1,PASS\n") == [
        "header ['id', 'status'] is not the documented columns", "row 2: cell '=1+1' would run as a formula"]


def test_one_audit_run_writes_every_format_and_each_validates(tmp_path: Path) -> None:
    """An inventory with passing, failing and waived queues, three repositories with ownership: every
    format from one `audit --output-dir` run, each file checked against its own schema."""
    inventory = tmp_path / "inventory.json"
    inventory.write_text(queues(ok=True, bad=False, **{"legacy-a": False}).model_dump_json(), encoding="utf-8")
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(f"""\
version: 1
waivers:
  - id: legacy
    resource: "{arn('legacy-a')}"
    reason: replaced in Q3
    approved_by: cso@example.com
    team: payments
    expires: 2026-12-31
""", encoding="utf-8")
    repos = [arg for name in ("card-api", "card-batch", "platform")
             for arg in ("--repo", f"acme/{name}={DEMO / 'repos' / 'acme' / name}")]
    out = tmp_path / "out"
    result = runner.invoke(cli.app, ["audit", "--inventory", str(inventory), *repos, "--ownership",
                                     str(DEMO / "ownership.yaml"), "--waivers", str(waivers), "--output-dir",
                                     str(out), "-q", "--format", ",".join(FORMAT_NAMES)])
    assert result.exit_code == 1, result.output  # findings fail; every report is written all the same
    files = {name: out / f"report{get_format(name).suffix}" for name in FORMAT_NAMES}
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in files.values())
    text = {name: path.read_text(encoding="utf-8") for name, path in files.items()}
    doc = json.loads(text["json"])
    statuses = {f["status"] for f in doc["findings"]}
    assert statuses >= {"PASS", "FAIL", "WAIVED", "NOT_ASSESSED"}
    assert {f["resource"]["name"] for f in doc["findings"] if f["status"] == "WAIVED"} == {"legacy-a"}
    errors = {name: v.errors_for(name, text[name]) for name in FORMAT_NAMES}
    assert errors == {name: [] for name in FORMAT_NAMES}
    # The same findings everywhere: one CSV row, one JUnit case and one OCSF event each.
    assert len(text["csv"].splitlines()) == len(doc["findings"]) + 1
    assert text["junit"].count("<testcase ") == len(doc["findings"])
    assert len(json.loads(text["ocsf"])) == len(doc["findings"])
    waived = [f for f in json.loads(text["asff"]) if f.get("Workflow") == {"Status": "SUPPRESSED"}]
    assert {w["Id"] for w in waived} == {f"cardaudit/{f['id']}" for f in doc["findings"] if f["status"] == "WAIVED"}
    assert {w["Compliance"]["Status"] for w in waived} == {"FAILED"}  # an accepted exception still fails
    events = [e for e in json.loads(text["ocsf"]) if e["status_code"] == "WAIVED"]
    assert {(e["status"], e["compliance"]["status"]) for e in events} == {("Suppressed", "Fail")}


def test_a_lone_surrogate_escape_refuses_its_file_and_every_format_still_writes(tmp_path: Path) -> None:
    """`"\\ud800"` decodes to a character UTF-8 cannot encode: before, every report format crashed on it."""
    from cardaudit import audit
    from cardaudit.models.report import AuditConfig

    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "taskdef.json").write_text(
        '{"family": "api",\n "containerDefinitions": [{"name": "app\\ud800", "image": "nginx:1"}]}\n')
    (tmp_path / "template.yaml").write_text(
        'AWSTemplateFormatVersion: "2010-09-09"\nTransform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n'
        '    Type: AWS::Serverless::Function\n    Properties:\n      FunctionName: "fn\\udfff"\n')
    (tmp_path / "Dockerfile").write_text("FROM python:3.12-slim@sha256:" + "a" * 64 + "\nUSER app\n")
    run = audit.run(AuditConfig(no_aws=True, repos={"acme/x": tmp_path}))
    control = [f for f in run.findings if f.kind == "control"]
    assert {(f.resource.path, f.status.value) for f in control} == {
        ("deploy/taskdef.json", "ERROR"), ("template.yaml", "ERROR"), ("Dockerfile", "PASS"), ("Dockerfile", "FAIL")}
    reasons = {f.resource.path: f.reason for f in control if f.status == Status.ERROR}
    assert reasons["deploy/taskdef.json"].startswith("cannot parse acme/x:deploy/taskdef.json:2: invalid JSON: ")
    assert reasons["template.yaml"].startswith("cannot parse acme/x:template.yaml:7: invalid YAML: ")
    for name in FORMAT_NAMES:
        text = get_format(name).render(run)
        text.encode("utf-8")  # raises if a lone surrogate reached the text
        assert v.errors_for(name, text) == [], name
