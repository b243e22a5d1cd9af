"""`cardaudit merge`: duplicates kept once, conflicts refused, other set-ups refused, run-wide verdicts."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cardaudit import audit, cli
from cardaudit.errors import ConfigError
from cardaudit.formats import get_format
from cardaudit.merging import Part, merge_reports
from cardaudit.models.base import Status
from cardaudit.models.finding import Finding, ResourceRef
from cardaudit.models.report import AuditConfig, Report
from tests.conftest import ACCOUNT, Aws


@pytest.fixture
def report(aws: Aws) -> Report:
    aws.client("ecr").create_repository(repositoryName="card-api", imageScanningConfiguration={"scanOnPush": True})
    aws.client("ecr").create_repository(repositoryName="batch")
    return audit.run(AuditConfig(checks=["ecr_*"], aws_verdicts=False), inventory=aws.collect("ecr"))


def _flip(report: Report, name: str) -> Report:
    """The same report with one finding about `name` judged the other way."""
    findings = [f.model_copy(update={"status": Status.PASS if f.status == Status.FAIL else Status.FAIL})
                if f.resource.name == name and f.check_id == "ecr_repository_scan_on_push_enabled" else f
                for f in report.findings]
    return report.model_copy(update={"findings": findings})


def test_the_same_report_twice_is_the_report(report: Report) -> None:
    merged = merge_reports([Part("a.json", report), Part("b.json", report)])
    assert [f.model_dump() for f in merged.findings] == [f.model_dump() for f in report.findings]
    assert [(r.id, r.status, r.reason) for r in merged.requirements] == [
        (r.id, r.status, r.reason) for r in report.requirements]
    assert merged.summary == report.summary and merged.run.accounts == [ACCOUNT]


def test_an_account_judged_differently_is_a_conflict(report: Report) -> None:
    with pytest.raises(ConfigError, match=rf"1 account\(s\) audited in more than one report with different "
                                          rf"results: {ACCOUNT} in a.json and b.json. Audit them again"):
        merge_reports([Part("a.json", report), Part("b.json", _flip(report, "batch"))])


def test_a_run_wide_finding_judged_differently_is_not_assessed(report: Report) -> None:
    rule = ResourceRef(type="Cardaudit::OwnershipRule", id="rules[3]")
    stale = Finding(id="rule3", check_id="ownership_rule_stale", status=Status.FAIL, severity="low",
                    kind="ownership", resource=rule, reason="matches nothing")
    live = stale.model_copy(update={"status": Status.PASS, "reason": "matches 2 resources"})
    a = report.model_copy(update={"findings": [*report.findings, stale]})
    b = report.model_copy(update={"findings": [*report.findings, live]})
    merged = {f.id: f for f in merge_reports([Part("a.json", a), Part("b.json", b)]).findings}
    assert merged["rule3"].status == Status.NOT_ASSESSED
    assert merged["rule3"].reason.startswith("judged per report and differently (FAIL in a.json, PASS in b.json)")


@pytest.mark.parametrize(("change", "message"), [
    (lambda r: r.model_copy(update={"tool": r.tool.model_copy(update={"version": "9.9.9"})}), "cardaudit versions"),
    (lambda r: r.model_copy(update={"run": r.run.model_copy(update={"catalogue": "pci-dss-3.2.1"})}), "catalogues"),
    (lambda r: r.model_copy(update={"run": r.run.model_copy(update={"pci_profile": "merchant"})}), "PCI profiles"),
    (lambda r: r.model_copy(update={"checks": r.checks[:1]}), "check selections"),
])
def test_reports_of_another_set_up_are_refused(report: Report, change: object, message: str) -> None:
    other = change(report)  # type: ignore[operator]
    with pytest.raises(ConfigError, match=f"cannot merge reports of different {message}"):
        merge_reports([Part("a.json", report), Part("b.json", other)])


def test_merge_command_errors(report: Report, tmp_path: Path) -> None:
    good = tmp_path / "a.json"
    good.write_text(get_format("json").render(report), encoding="utf-8")
    flipped = tmp_path / "b.json"
    flipped.write_text(get_format("json").render(_flip(report, "card-api")), encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "cardaudit-report/1",\n "tool": 3}', encoding="utf-8")
    runner = CliRunner()
    conflict = runner.invoke(cli.app, ["merge", str(good), str(flipped), "--output-dir", str(tmp_path / "out")])
    assert conflict.exit_code == 2 and "different results" in conflict.output and not (tmp_path / "out").exists()
    unreadable = runner.invoke(cli.app, ["merge", str(good), str(bad), "--output-dir", str(tmp_path / "out")])
    assert unreadable.exit_code == 2 and f"{bad}:2: not a cardaudit report: tool" in unreadable.output.replace(
        "\n", "")
    assert "Traceback" not in conflict.output + unreadable.output


@pytest.mark.parametrize(("args", "message"), [
    (["--shard", "2/5"], "--shard splits the accounts of --accounts"),
    (["--shard", "0/5", "--accounts", "organization", "--role-name", "r"], "'0/5' is not a shard"),
    (["--shard", "6/5", "--accounts", "organization", "--role-name", "r"], "'6/5' is not a shard"),
    (["--log-format", "xml"], "--log-format: 'xml' is not one of text, json"),
])
def test_audit_option_errors(args: list[str], message: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli.app, ["audit", *args, "--output-dir", str(tmp_path)])
    assert result.exit_code == 2 and message in result.output.replace("\n", ""), result.output


def test_shards_partition_the_accounts() -> None:
    from cardaudit.models.shard import Shard

    accounts = [f"{n:012d}" for n in range(100_000_000_000, 100_000_000_000 + 400, 7)]
    shards = [Shard(index=i, count=5) for i in range(1, 6)]
    owners = {a: [s.index for s in shards if s.owns(a)] for a in accounts}
    assert all(len(found) == 1 for found in owners.values())  # each account in exactly one shard
    sizes = sorted(sum(1 for found in owners.values() if found == [s.index]) for s in shards)
    assert sizes[0] > 0  # hashing spreads 58 accounts over every shard
    # Fixed values: the shard of an account is part of the contract (a changed hash would move accounts).
    assert [Shard.number_of(a, 5) for a in ("111122223333", "444455556666", "777788889999")] == [5, 5, 4]
    assert str(Shard.parse(" 2 / 5 ")) == "2/5"
