"""waivers.yaml: active, expired, stale and refused waivers; selectors; the roll-up; every format."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cardaudit import cli
from cardaudit.catalogue.rollup import _checks_status
from cardaudit.catalogue.waivers import Waiver, matches
from cardaudit.errors import ConfigError
from cardaudit.exitcodes import ExitCode
from cardaudit.formats import get_format
from cardaudit.models.base import Severity, Status
from cardaudit.models.control import CatalogueItem, ItemStatus
from cardaudit.models.finding import Finding, ResourceRef
from cardaudit.models.report import Report
from tests.smallreports import CHECK, arn, queues, report_of, statuses

runner = CliRunner()
APPROVED = "reason: legacy queue, replaced in Q3\n    approved_by: cso@example.com\n    team: payments\n"


def _file(tmp_path: Path, body: str, name: str = "waivers.yaml") -> Path:
    path = tmp_path / name
    path.write_text(body)
    return path


@pytest.fixture(scope="module")
def waived(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """Queues collected on 2026-06-01: `legacy-*` waived until 2026-12-31, `old` until 2026-01-31 (expired),
    and a waiver for a queue that does not exist (stale)."""
    path = _file(tmp_path_factory.mktemp("w"), f"""\
version: 1
waivers:
  - id: legacy
    resource: "arn:aws:sqs:*:111122223333:legacy-*"
    {APPROVED}    expires: 2026-12-31
  - id: old
    check: sqs_*
    resource: {arn('old')}
    {APPROVED}    expires: 2026-01-31
  - id: gone
    resource: {arn('deleted-long-ago')}
    {APPROVED}    expires: 2026-12-31
""")
    return report_of(queues(ok=True, **{"legacy-a": False, "legacy-b": False}, old=False, other=False), waivers=path)


def test_active_expired_and_stale_waivers(waived: Report) -> None:
    assert statuses(waived) == {("ok", "PASS"), ("legacy-a", "WAIVED"), ("legacy-b", "WAIVED"), ("old", "FAIL"),
                                ("other", "FAIL")}
    by_id = {w.id: w for w in waived.waivers}
    assert {k: w.state for k, w in by_id.items()} == {"legacy": "active", "old": "expired", "gone": "stale"}
    assert len(by_id["legacy"].findings) == 2 and by_id["gone"].findings == []
    legacy = next(f for f in waived.findings if f.resource.name == "legacy-a")
    assert legacy.waiver is not None and legacy.waiver.state == "active" and legacy.waiver.team == "payments"
    assert legacy.waiver.where.endswith("waivers.yaml:3")
    old = next(f for f in waived.findings if f.resource.name == "old")
    assert old.waiver_expired and "waiver_expired: old" in old.reason
    assert waived.summary.findings == {"FAIL": 2, "PASS": 1, "WAIVED": 2}


def test_a_waived_failure_never_passes_its_item() -> None:
    automated = CatalogueItem(id="9.9.9", kind="requirement", title="t", assessment="automated", checks=[CHECK],
                              automates="x", why={CHECK: "y"})
    partial = automated.model_copy(update={"assessment": "partial"})
    waived = {CHECK: Counter({"PASS": 3, "WAIVED": 1})}
    assert _checks_status(automated, waived, {CHECK}, {})[0] == ItemStatus.WAIVED
    assert _checks_status(partial, waived, {CHECK}, {})[0] == ItemStatus.WAIVED
    assert _checks_status(automated, {CHECK: Counter({"PASS": 3})}, {CHECK}, {})[0] == ItemStatus.PASS
    blind = {CHECK: Counter({"WAIVED": 1, "NOT_ASSESSED": 1})}
    assert _checks_status(automated, blind, {CHECK}, {})[0] == ItemStatus.NOT_ASSESSED
    assert _checks_status(automated, {CHECK: Counter({"WAIVED": 1, "FAIL": 1})}, {CHECK}, {})[0] == ItemStatus.FAIL


def _finding(**ref: object) -> Finding:
    resource = ResourceRef(type="Repo::taskdef", id="x", **ref)  # type: ignore[arg-type]
    return Finding(id="f", check_id="taskdef_no_plaintext_secrets", status=Status.FAIL, severity=Severity.HIGH,
                   resource=resource, reason="r", pci=["3.5.1.2", "8.3.2"])


def _waiver(**selectors: str) -> Waiver:
    return Waiver(reason="r", approved_by="a", team="t", **selectors)  # type: ignore[arg-type]


def test_selectors_match_on_every_field_given() -> None:
    repo_file = _finding(repo="acme/card-batch", path="deploy/prod/taskdef.json")
    assert matches(_waiver(path="deploy/*/taskdef.json"), repo_file)
    assert matches(_waiver(path="acme/card-batch:deploy/prod/*"), repo_file)
    assert not matches(_waiver(path="acme/other:deploy/prod/*"), repo_file)
    assert matches(_waiver(requirement="8.3"), repo_file)  # an item and the items under it
    assert matches(_waiver(requirement="3.5.1.2"), repo_file)
    assert not matches(_waiver(requirement="3.5.1.1"), repo_file)
    assert not matches(_waiver(requirement="8.3", check="ecr_*"), repo_file)  # every selector must match
    assert not matches(_waiver(path="deploy/*"), _finding(arn="arn:aws:sqs:eu-west-1:1:q"))


@pytest.mark.parametrize(("body", "message"), [
    ("waivers:\n  - check: sqs_queue_kms_encrypted\n    " + APPROVED,
     "waivers.yaml:2: waiver has no `expires` date (set `allow_permanent: true`"),
    ("waivers:\n  - check: nope_check\n    " + APPROVED + "    expires: 2026-12-31\n",
     "waivers.yaml:2: no check named 'nope_check'"),
    ("waivers:\n  - requirement: \"3.55\"\n    " + APPROVED + "    expires: 2026-12-31\n",
     "waivers.yaml:2: item 3.55 is not in pci-dss-4.0.1"),
    ("waivers:\n  - " + APPROVED.replace("\n    ", "\n    ", 2) + "    expires: 2026-12-31\n",
     "waivers.yaml:2: waivers.0: Value error, a waiver needs at least one of check, resource, path, requirement"),
    ("waivers:\n  - check: sqs_*\n    " + APPROVED + "    expires: 2026-12-31\n    colour: red\n",
     "waivers.yaml:7: unknown key 'colour'"),
    ("waivers:\n  - check: sqs_*\n    " + APPROVED + "    expires: 2026-02-30\n",
     "waivers.yaml:6: not a valid date or time"),
    ("waivers:\n  - id: a\n    check: sqs_*\n    " + APPROVED + "    expires: 2026-12-31\n"
     "  - id: a\n    check: sqs_*\n    " + APPROVED + "    expires: 2026-12-31\n",
     "waivers.yaml:8: waiver id 'a' is used twice (first at"),
])
def test_a_bad_waivers_file_is_file_line_message(tmp_path: Path, body: str, message: str) -> None:
    path = _file(tmp_path, body)
    with pytest.raises(ConfigError) as caught:
        report_of(queues(q=False), waivers=path)
    assert message in caught.value.text


def test_permanent_waivers_need_the_file_to_allow_them(tmp_path: Path) -> None:
    path = _file(tmp_path, "allow_permanent: true\nwaivers:\n  - check: sqs_*\n    " + APPROVED)
    report = report_of(queues(q=False), waivers=path)
    assert statuses(report) == {("q", "WAIVED")}
    assert [(w.state, w.expires) for w in report.waivers] == [("active", None)]


def test_audit_reads_waivers_yaml_and_refuses_a_bad_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    inv = _file(tmp_path, queues(q=False).model_dump_json(), "inv.json")
    args = ["audit", "--inventory", str(inv), "--checks", CHECK, "--no-aws-verdicts", "--format", "json",
            "--output-dir", str(tmp_path / "out"), "--fail-on", "low"]
    assert runner.invoke(cli.app, args).exit_code == ExitCode.FINDINGS
    _file(tmp_path, f"waivers:\n  - resource: {arn('q')}\n    {APPROVED}    expires: 2026-12-31\n")
    result = runner.invoke(cli.app, args)  # ./waivers.yaml is read by default
    assert result.exit_code == ExitCode.OK, result.output
    assert "Waivers:       1 active (1 finding(s) WAIVED), 0 expired, 0 stale" in result.output
    saved = json.loads((tmp_path / "out" / "report.json").read_text())
    assert saved["findings"][0]["status"] == "WAIVED" and saved["waivers"][0]["state"] == "active"
    _file(tmp_path, "waivers: [", "bad.yaml")
    bad = runner.invoke(cli.app, [*args, "--waivers", "bad.yaml"])
    assert bad.exit_code == ExitCode.CONFIG and "bad.yaml:1: YAML syntax error" in bad.output


def test_every_format_shows_waived_findings(waived: Report) -> None:
    sarif = json.loads(get_format("sarif").render(waived))["runs"][0]["results"]
    by_name = {r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]: r for r in sarif}
    legacy = by_name[arn("legacy-a")]
    assert legacy["level"] == "note" and legacy["suppressions"][0]["status"] == "accepted"
    assert "legacy queue, replaced in Q3 (approved by cso@example.com" in legacy["suppressions"][0]["justification"]
    old = by_name[arn("old")]
    assert "suppressions" not in old and old["properties"]["waiver"]["state"] == "expired"

    asff = {f["Resources"][0]["Id"]: f for f in json.loads(get_format("asff").render(waived))}
    assert asff[arn("legacy-a")]["Workflow"] == {"Status": "SUPPRESSED"}
    assert asff[arn("legacy-a")]["Compliance"]["Status"] == "FAILED"
    assert "Workflow" not in asff[arn("old")]

    rows = {r["resource"]: r for r in csv.DictReader(io.StringIO(get_format("csv").render(waived)))}
    assert (rows[arn("legacy-a")]["status"], rows[arn("legacy-a")]["waiver"]) == ("WAIVED", "legacy")
    assert rows[arn("old")]["waiver_state"] == "expired"

    junit = get_format("junit").render(waived)
    assert 'skipped="2"' in junit and "WAIVED: legacy queue, replaced in Q3" in junit

    console = get_format("console").render(waived)
    assert "Waivers:       1 active (2 finding(s) WAIVED), 1 expired, 1 stale" in console
    assert "stale gone" in console and "expired old" in console
    html = get_format("html").render(waived)
    assert 'class="badge s-WAIVED"' in html and '<section id="waivers">' in html
    assert "<td>stale</td>" in html and "legacy queue, replaced in Q3" in html
    assert json.loads(get_format("json").render(waived))["summary"]["findings"]["WAIVED"] == 2
