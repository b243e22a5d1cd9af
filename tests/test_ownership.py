"""ownership.yaml: loading errors as file:line, precedence, gaps, and the owners CLI."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cardaudit.errors import ConfigError
from cardaudit.models.inventory import EcrRepository, Inventory, Scope
from cardaudit.ownership.gaps import RuleUsage
from cardaudit.ownership.iac import load_iac
from cardaudit.ownership.load import load_ownership
from cardaudit.ownership.resolve import Resolver, ResourceFacts
from cardaudit.ownership.rule_gaps import unknown_team_findings
from cardaudit.ownership.subject_gaps import resource_findings
from tests.conftest import outcomes

ACCOUNT = "111122223333"
GOOD = """\
version: 1
teams:
  app: {name: Application team}
  infra: {name: Infrastructure team}
  secops: {name: Security office}
external:
  aws: {kind: tpsp, evidence: "AWS PCI DSS AOC", reviewed: 2026-02-01}
resources:
  - {id: account-default, match: {account: "111122223333"}, primary: infra}
  - {id: ecr-by-type, match: {type: AWS::ECR::Repository}, primary: app, supporting: [infra]}
  - {id: app-tagged, match: {tags: {team: app}}, primary: app}
  - {id: card-repos, match: {arn: "arn:aws:ecr:eu-west-1:111122223333:repository/card-*"}, primary: app}
  - {id: card-api-exact, match: {arn: "arn:aws:ecr:eu-west-1:111122223333:repository/card-api"}, primary: infra}
  - {id: ledger-infra, match: {type: AWS::ECR::Repository, tags: {team: ledger}}, primary: infra}
  - {id: ledger-app, match: {tags: {team: ledger}}, primary: app}
artifacts:
  - {id: dockerfiles, repo: acme/card-api, path: "**/Dockerfile", primary: app, supporting: [infra]}
  - {id: root-dockerfile, repo: acme/card-api, path: "/Dockerfile", primary: infra}
  - {id: buildspec, repo: "acme/*", path: buildspec.yml, primary: infra}
requirements:
  - {id: "10.*", responsibility: entity, primary: infra, supporting: [app]}
  - {id: "10.2.1", responsibility: entity, primary: secops}
  - {id: "9.*", responsibility: shared, tpsp: aws, primary: secops}
"""


def _write(tmp_path: Path, text: str, name: str = "ownership.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _resolver(path: Path) -> Resolver:
    loaded = load_ownership(path)
    return Resolver(loaded, load_iac(loaded.model.settings.iac_sources, {}, path.parent))


def _facts(name: str, tags: dict[str, str] | None = None) -> ResourceFacts:
    arn = f"arn:aws:ecr:eu-west-1:{ACCOUNT}:repository/{name}"
    return ResourceFacts(arn, ACCOUNT, "eu-west-1", "AWS::ECR::Repository", name, tags or {})


@pytest.mark.parametrize(("name", "tags", "owner", "rule"), [
    ("card-api", {}, "infra", "card-api-exact"),  # exact ARN (100) beats the glob (80)
    ("card-batch", {"team": "infra"}, "app", "card-repos"),  # ARN glob beats type (20)
    ("ops-tool", {"team": "app"}, "app", "app-tagged"),  # tags (40) beat type (20) and account (0)
    ("ops-tool", {}, "app", "ecr-by-type"),  # type (20) beats account (0)
])
def test_precedence(tmp_path: Path, name: str, tags: dict[str, str], owner: str, rule: str) -> None:
    resolution = _resolver(_write(tmp_path, GOOD)).resource(_facts(name, tags))
    assert (resolution.status, resolution.primary, resolution.winners[0].rule_id) == ("owned", owner, rule)
    assert resolution.winners[0].where.startswith(f"{tmp_path}/ownership.yaml:")


def test_equal_rank_different_teams_is_contested(tmp_path: Path) -> None:
    resolution = _resolver(_write(tmp_path, GOOD)).resource(_facts("ledger", {"team": "ledger"}))
    assert resolution.status == "contested"
    assert {c.rule_id for c in resolution.winners} == {"ledger-infra", "ledger-app"}


def test_overrides_settle_a_contest(tmp_path: Path) -> None:
    text = GOOD.replace("primary: infra}\n  - {id: ledger-app", "primary: infra, overrides: [ledger-app]}\n"
                                                                  "  - {id: ledger-app")
    resolution = _resolver(_write(tmp_path, text)).resource(_facts("ledger", {"team": "ledger"}))
    assert (resolution.status, resolution.primary) == ("owned", "infra")


def test_artifacts_and_requirements(tmp_path: Path) -> None:
    resolver = _resolver(_write(tmp_path, GOOD))
    assert resolver.artifact("acme/card-api", "Dockerfile").primary == "infra"  # exact path wins
    assert resolver.artifact("acme/card-api", "svc/auth/Dockerfile").primary == "app"
    assert resolver.artifact("acme/card-batch", "buildspec.yml").primary == "infra"
    assert resolver.artifact("acme/card-batch", "Dockerfile").status == "unowned"
    assert resolver.requirement("10.2.1").primary == "secops"  # most specific id
    assert resolver.requirement("10.2.1.3").primary == "secops"  # children inherit
    assert resolver.requirement("10.3.4").primary == "infra"
    assert resolver.requirement("8.3.1").status == "unowned"


def test_unowned_and_unknown_team_findings(tmp_path: Path) -> None:
    text = GOOD.replace("  - {id: account-default, match: {account: \"111122223333\"}, primary: infra}\n", "")
    text = text.replace("{id: app-tagged, match: {tags: {team: app}}, primary: app}",
                        "{id: app-tagged, match: {tags: {team: app}}, primary: data}")
    path = _write(tmp_path, text)
    resolver = _resolver(path)
    repo = EcrRepository(arn=f"arn:aws:ecr:eu-west-1:{ACCOUNT}:repository/x", account=ACCOUNT, region="eu-west-1",
                         name="x", tags={"team": "app"}, scan_on_push=True, tag_mutability="MUTABLE",
                         encryption_type="AES256")
    from cardaudit.models.inventory import BucketEncryption, S3Bucket
    bucket = S3Bucket(arn="arn:aws:s3:::orphan", account=ACCOUNT, region="eu-west-1", name="orphan",
                      encryption=BucketEncryption(algorithm="AES256"))
    inventory = Inventory.model_validate({
        "collected_at": datetime.now(UTC), "accounts": [ACCOUNT], "regions": ["eu-west-1"],
        "ecr_repositories": {"items": [repo], "scopes": [Scope(account=ACCOUNT, region="eu-west-1")]},
        "s3_buckets": {"items": [bucket], "scopes": [Scope(account=ACCOUNT, region="global")]},
    })
    gaps = [f for f in resource_findings(inventory, resolver, RuleUsage())
            if f.check_id == "ownership_resource_unowned"]
    assert outcomes(gaps) == {("x", "FAIL"), ("orphan", "FAIL")}
    assert "undeclared team 'data'" in next(f.reason for f in gaps if f.resource.name == "x")
    unknown = unknown_team_findings(resolver.ownership)
    assert {f.check_id for f in unknown} == {"ownership_unknown_team"}
    assert [(f.resource.id, f.status.value, f.resource.line) for f in unknown] == [("app-tagged", "FAIL", 10)]


BAD_FILES = {
    "syntax": ("version: 1\nteams:\n  app: {name: App\n", 3, "YAML syntax error"),
    "syntax_mid_file": (GOOD.replace("  - {id: card-repos", "  -- {id: card-repos"), 12, "YAML syntax error"),
    "unknown_key": (GOOD.replace("primary: app, supporting: [infra]}", "primary: app, owner: bob}"), 10,
                    "unknown key 'owner'"),
    "wrong_type": (GOOD.replace("supporting: [infra]}\n  - {id: app-tagged", "supporting: 7}\n  - {id: app-tagged"),
                   10, "supporting: Input should be a valid list"),
    "bad_version": (GOOD.replace("version: 1", "version: 2"), 1, "version: Input should be 1"),
    "duplicate_key": ("version: 1\nteams: {}\nteams: {}\n", 3, "duplicate"),
    "unquoted_float": (GOOD.replace('"10.*"', "10.2"), 21, "quote PCI DSS ids"),
    "bad_arn": (GOOD.replace("arn:aws:ecr:eu-west-1:111122223333:repository/card-*", "card-*"), 12,
                "is not an ARN pattern"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_is_file_line_message(tmp_path: Path, case: str) -> None:
    text, line, message = BAD_FILES[case]
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_ownership(path)
    assert info.value.text.startswith(f"{path}:{line}: "), info.value.text
    assert message in info.value.text


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cardaudit", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False)


def test_cli_bad_file_exits_2_without_traceback(tmp_path: Path) -> None:
    _write(tmp_path, BAD_FILES["unknown_key"][0])
    for args in (["owners", "lint"], ["owners", "explain", "10.2.1"],
                 ["audit", "--inventory", "missing.json", "--ownership", "ownership.yaml"]):
        result = _cli(*args, cwd=tmp_path)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert "ownership.yaml:10: unknown key 'owner'" in result.stderr
        assert "Traceback" not in result.stderr + result.stdout


def test_cli_lint_and_explain(tmp_path: Path) -> None:
    _write(tmp_path, GOOD)
    lint = _cli("owners", "lint", cwd=tmp_path)
    assert lint.returncode == 0 and "ok" in lint.stdout
    explain = _cli("owners", "explain", "arn:aws:ecr:eu-west-1:111122223333:repository/card-api", cwd=tmp_path)
    assert explain.returncode == 0, explain.stderr
    assert "owner: infra" in explain.stdout
    assert "decided by rule 'card-api-exact' at ownership.yaml:13" in explain.stdout
    assert "lost: rule 'card-repos' -> app at ownership.yaml:12 (rank 80 < 100)" in explain.stdout
    assert "IaC: no declared source claims it" in explain.stdout
    _write(tmp_path, GOOD.replace("primary: secops}\n  - {id: \"9.*\"", "primary: compliance}\n  - {id: \"9.*\""))
    lint = _cli("owners", "lint", cwd=tmp_path)
    assert lint.returncode == 1
    assert "ownership.yaml:22: unknown_team: rule '10.2.1' names undeclared team(s) compliance" in lint.stdout


def test_console_shows_control_and_bidi_characters_as_escapes(tmp_path: Path) -> None:
    """A terminal escape in a file a command reports on is shown, never obeyed."""
    from typer.testing import CliRunner

    from cardaudit import cli

    path = _write(tmp_path, 'version: 1\nteams: {}\n"evil\\e[2J\\u202e": 1\n')
    result = CliRunner().invoke(cli.app, ["owners", "lint", "--ownership", str(path)])
    assert result.exit_code == 2
    assert result.output.endswith(":3: unknown key 'evil\\u001b[2J\\u202e'\n"), result.output


def test_requirement_owners_evidence_only_their_own_principal(tmp_path: Path) -> None:
    from cardaudit.catalogue.load import load_catalogue
    from cardaudit.catalogue.rollup import roll_up, tag_findings
    from cardaudit.ownership.subject_gaps import requirement_findings

    resolver = _resolver(_write(tmp_path, GOOD))  # owns 9.* and 10.*, nothing else
    catalogue = load_catalogue("pci-dss-4.0.1")
    ids = [i.id for i in catalogue.items if i.kind == "requirement"]
    findings = tag_findings(requirement_findings(ids, set(ids), resolver, RuleUsage()), catalogue)
    assert {f.check_id for f in findings} == {"ownership_requirement_unowned"}
    assert {f.resource.id for f in findings if f.status.value == "PASS"} == {
        i for i in ids if i.startswith(("9.", "10."))}
    ten = next(f for f in findings if f.resource.id == "10.2.1")
    assert ten.pci == ["10.1.2"]
    from cardaudit.ownership.stage import attribute_requirements

    owners = attribute_requirements(resolver, ids).owners
    statuses = {r.id: r.status.value for r in roll_up(catalogue, findings, owners)}
    assert (statuses["10.1.2"], statuses["9.1.2"], statuses["1.1.2"]) == ("MANUAL", "MANUAL", "FAIL")


def test_cli_matrix_and_gaps(tmp_path: Path) -> None:
    import csv
    import io
    import json

    _write(tmp_path, GOOD)
    result = _cli("owners", "matrix", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = {r["requirement"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["10.2.1"]["primary"] == "secops" and rows["10.2.1"]["decided_by"] == "ownership.yaml:22"
    assert rows["9.4.1"]["third_party"] == "aws" and rows["9.4.1"]["responsibility"] == "shared"
    assert rows["8.3.1"]["primary"] == "(unowned)"
    assert "1.3.3" not in rows  # not applicable to a cloud-only issuer
    report = tmp_path / "report.json"
    # A real report (schema-checked on reading) whose findings are three ownership gaps.
    golden = json.loads((Path(__file__).parent / "golden" / "report.json").read_text())

    def gap(check_id: str, status: str, severity: str, arn: str | None, rid: str, reason: str) -> dict[str, object]:
        ref = {"type": "AWS::ECR::Repository" if arn else "cardaudit::OwnershipRule", "id": rid, "arn": arn}
        return {"id": f"{check_id}{rid}"[-16:], "check_id": check_id, "status": status, "severity": severity,
                "kind": "ownership", "resource": ref, "reason": reason}

    golden["findings"] = [
        gap("ownership_resource_unowned", "FAIL", "high", "arn:aws:ecr:eu-west-1:1:repository/x", "x", "no rule"),
        gap("ownership_resource_unowned", "PASS", "high", "arn:aws:ecr:eu-west-1:1:repository/y", "y", "owned"),
        gap("ownership_stale_rule", "FAIL", "low", None, "old", "matches nothing")]
    report.write_text(json.dumps(golden))
    not_a_report = tmp_path / "partial.json"
    not_a_report.write_text(json.dumps({"findings": golden["findings"]}))
    refused = _cli("owners", "gaps", "--report", str(not_a_report), cwd=tmp_path)
    assert refused.returncode == 2 and "not a cardaudit report: schema" in refused.stderr
    listed = _cli("owners", "gaps", "--report", str(report), "--fail-on", "high", cwd=tmp_path)
    assert listed.returncode == 1
    assert listed.stdout.splitlines() == [
        "FAIL high ownership_resource_unowned arn:aws:ecr:eu-west-1:1:repository/x: no rule",
        "FAIL low ownership_stale_rule old: matches nothing", "2 gap(s)"]
    team = _cli("owners", "list", "--team", "secops", cwd=tmp_path)
    assert team.returncode == 0
    assert "PCI DSS requirements it owns: 35 (9.1.1, 9.1.2," in team.stdout  # 9.* and 10.2.1 with its children
    assert _cli("owners", "list", "--team", "nobody", cwd=tmp_path).returncode == 2
    only = _cli("owners", "gaps", "--report", str(report), "--kind", "stale_rule", cwd=tmp_path)
    assert only.returncode == 0 and only.stdout.splitlines()[-1] == "1 gap(s)"
