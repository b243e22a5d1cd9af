"""Organisation scale: 50 accounts in one process, then 5 shards merged, give the same report.

In-process moto (`mock_aws`) with cross-account roles: the management account lists the
organization and assumes the audit role in each member; one member refuses the role. Timing is
printed by `bench/org_scale.py`, never asserted here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from typer.testing import CliRunner

from cardaudit import cli
from cardaudit.collect.session import guard_session
from cardaudit.demo.organisation import REGION, audit_organisation, refuse_role_in, seed_organisation
from cardaudit.formats import get_format
from cardaudit.merging import Part, merge_reports
from cardaudit.models.report import Report
from cardaudit.models.shard import Shard

MEMBERS = 49
SHARDS = 5


@pytest.fixture(scope="module")
def organisation() -> Iterator[tuple[list[str], str, Report, list[Report]]]:
    from moto import mock_aws

    patch = pytest.MonkeyPatch()
    # Without MOTO_ACCOUNT_ID moto maps each assumed role's credentials to its account, as AWS does;
    # without AWS_ENDPOINT_URL the calls stay in this process instead of going to the shared server.
    patch.delenv("MOTO_ACCOUNT_ID", raising=False)
    patch.delenv("AWS_ENDPOINT_URL", raising=False)
    try:
        with mock_aws():
            seed = boto3.session.Session(region_name=REGION)
            accounts = seed_organisation(seed, MEMBERS)
            # A member: the management account is audited with the caller's own credentials, no role.
            # (moto draws account ids at random, so its place in the sorted list varies.)
            own = seed.client("sts").get_caller_identity()["Account"]
            refused = [a for a in accounts if a != own][7]
            session = guard_session(boto3.session.Session(region_name=REGION))
            refuse_role_in(session, refused)
            whole = audit_organisation(session)
            shards = [audit_organisation(session, Shard(index=i, count=SHARDS)) for i in range(1, SHARDS + 1)]
            yield accounts, refused, whole, shards
    finally:
        patch.undo()


def _findings(report: Report) -> set[tuple[str, str, str, str]]:
    return {(f.id, f.check_id, f.status.value, f.reason) for f in report.findings}


def _items(report: Report) -> dict[str, tuple[str, str]]:
    return {r.id: (r.status.value, r.reason) for r in report.requirements}


def test_five_shards_merged_equal_one_process(organisation: tuple[list[str], str, Report, list[Report]]) -> None:
    accounts, _, whole, shards = organisation
    assert len(accounts) == MEMBERS + 1 and sorted(whole.run.accounts) == accounts
    # Every account in exactly one shard.
    assert sorted(a for s in shards for a in s.run.accounts) == accounts
    merged = merge_reports([Part(f"shard-{i}.json", s) for i, s in enumerate(shards, 1)])
    assert _findings(merged) == _findings(whole)
    assert len(merged.findings) == len(whole.findings) > 4 * MEMBERS
    assert _items(merged) == _items(whole)
    assert merged.summary == whole.summary
    assert sorted(merged.run.accounts) == accounts


def test_the_refused_account_is_not_assessed_and_the_others_unaffected(
        organisation: tuple[list[str], str, Report, list[Report]]) -> None:
    accounts, refused, whole, _ = organisation
    mine = [f for f in whole.findings if f.resource.account == refused]
    assert {(f.check_id, f.status.value, f.reason) for f in mine} == {
        (c, "NOT_ASSESSED", f"sts:AssumeRole failed in {refused}/global: AccessDenied")
        for c in ("ecr_repository_scan_on_push_enabled", "ecr_repository_tag_immutability",
                  "ecr_repository_policy_not_public", "sqs_queue_kms_encrypted")}
    others = [f for f in whole.findings if f.resource.account != refused]
    assert {f.resource.account for f in others} == set(accounts) - {refused}
    assert not any(f.status.value == "NOT_ASSESSED" for f in others)
    # Each other account: one repository (3 checks) and one queue (1 check), PASS or FAIL by its seeding.
    per_account = {a: sum(1 for f in others if f.resource.account == a) for a in set(accounts) - {refused}}
    assert set(per_account.values()) == {4}
    n = accounts.index(accounts[0])
    first = {(f.check_id, f.status.value) for f in others if f.resource.account == accounts[0]}
    assert first == {("ecr_repository_scan_on_push_enabled", "PASS" if n % 3 else "FAIL"),
                     ("ecr_repository_tag_immutability", "PASS" if n % 2 else "FAIL"),
                     ("ecr_repository_policy_not_public", "PASS"),
                     ("sqs_queue_kms_encrypted", "PASS" if n % 4 else "FAIL")}


def test_merge_command_writes_the_merged_report(organisation: tuple[list[str], str, Report, list[Report]],
                                                tmp_path: Path) -> None:
    _, _, whole, shards = organisation
    files = []
    for i, shard in enumerate(shards, 1):
        files.append(tmp_path / f"shard-{i}.json")
        files[-1].write_text(get_format("json").render(shard), encoding="utf-8")
    files.append(files[0])  # the same report twice: its findings are duplicates, kept once
    result = CliRunner().invoke(cli.app, ["merge", *map(str, files), "--output-dir", str(tmp_path / "out"),
                                          "--format", "json", "--fail-on", "critical"])
    assert result.exit_code == 0, result.output
    merged = json.loads((tmp_path / "out" / "report.json").read_text())
    assert {(f["id"], f["status"]) for f in merged["findings"]} == {(f.id, f.status.value) for f in whole.findings}
    assert merged["run"]["inventory_source"] == "merge of 6 reports"
