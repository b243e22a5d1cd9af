"""Repository-only audits for pull requests: `--no-aws`, and the scope of a change.

One audit of the demo repositories is shared by the module (in process, through typer's runner);
AWS is made unreachable for all of it: no credentials, endpoints pointing nowhere, and botocore's
session and boto3's session refusing to be built.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from cardaudit import cli
from cardaudit.exitcodes import ExitCode

DEMO = Path(__file__).resolve().parents[1] / "cardaudit" / "demo"
REPOS = [f"acme/{name}={DEMO / 'repos' / 'acme' / name}" for name in ("card-api", "card-batch", "platform")]
runner = CliRunner()


class AwsTouched(AssertionError):
    pass


def _no_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any credential look-up or client creation fails the test loudly."""
    import boto3.session
    import botocore.session

    def refuse(*_: Any, **__: Any) -> None:
        raise AwsTouched("an AWS session was built in a --no-aws run")

    monkeypatch.setattr(botocore.session.Session, "__init__", refuse)
    monkeypatch.setattr(boto3.session.Session, "__init__", refuse)
    monkeypatch.setattr(botocore.session, "get_session", refuse)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def _audit(args: list[str], out: Path, stdin: str | None = None) -> Result:
    repos = [a for r in REPOS for a in ("--repo", r)]
    return runner.invoke(cli.app, ["audit", "--no-aws", *repos, "--ownership", str(DEMO / "ownership.yaml"),
                                   "--output-dir", str(out), "--format", "json,sarif", *args], input=stdin)


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, dict[str, Any]]:
    mp = pytest.MonkeyPatch()
    _no_aws(mp)
    out = tmp_path_factory.mktemp("no-aws")
    try:
        result = _audit([], out)
    finally:
        mp.undo()
    return result, json.loads((out / "report.json").read_text(encoding="utf-8"))


def _failing(report: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(f["check_id"], f"{f['resource']['repo']}:{f['resource']['path']}", f["status"])
            for f in report["findings"] if f["kind"] == "control" and f["status"] != "PASS"}


def test_no_aws_reads_no_account_and_lists_aws_checks_once(full: tuple[Result, dict[str, Any]]) -> None:
    result, report = full
    assert result.exit_code == ExitCode.FINDINGS, result.output
    assert isinstance(result.exception, SystemExit)  # no AwsTouched, no other exception
    assert report["run"]["accounts"] == [] and report["run"]["inventory_source"] == "repositories"
    # Only repository checks ran; each AWS check is named once in the scope, with no finding of its own.
    assert {("dockerfile_user_not_root", "acme/card-api:Dockerfile", "FAIL"),
            ("taskdef_no_plaintext_secrets", "acme/card-batch:deploy/prod/taskdef.json", "FAIL")} <= _failing(report)
    skipped = report["scope"]["skipped_checks"]
    assert report["scope"]["aws_skipped"] == "--no-aws"
    assert "kms_key_rotation_enabled" in skipped and "ecs_task_definition_logging_configured" in skipped
    assert not {f["check_id"] for f in report["findings"]} & set(skipped)
    assert "taskdef_no_plaintext_secrets" not in skipped
    # Once, in the summary (progress lines on stderr may come before it).
    assert sum("repositories only (--no-aws)" in line for line in result.output.splitlines()) == 1
    assert "Skipped by choice:" in result.output and f"{len(skipped)} AWS check(s)" in result.output


def test_no_aws_items_say_aws_was_not_audited(full: tuple[Result, dict[str, Any]]) -> None:
    _, report = full
    items = {r["id"]: r for r in report["requirements"]}
    # Key rotation (3.7.4 in 4.0.1) is decided by AWS checks only.
    rotation = items["3.7.4"]
    assert rotation["status"] == "NOT_ASSESSED"
    assert rotation["reason"].startswith("AWS not audited (--no-aws)")
    assert all(r["status"] != "PASS" or not set(r["checks"]) & set(report["scope"]["skipped_checks"])
               for r in report["requirements"])


def _repository_results(report: dict[str, Any]) -> dict[tuple[str, str, str], tuple[str, str | None]]:
    """(check, repo, path) -> (status, owner) of every repository finding, drift (which reads AWS) aside."""
    return {(f["check_id"], f["resource"]["repo"], f["resource"]["path"]): (f["status"], f["owner"])
            for f in report["findings"] if f["kind"] == "control" and f["resource"].get("repo")
            and not f["check_id"].startswith("drift_")}


def test_no_aws_judges_repositories_as_a_full_audit_does(
        full: tuple[Result, dict[str, Any]], demo_run: tuple[Any, Path]) -> None:
    """Without AWS, every repository finding, its status and its owner, is what the demo's full audit gave."""
    _, report = full
    _, out = demo_run
    audited = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert _repository_results(report) == _repository_results(audited)
    assert not any(f["check_id"].startswith("drift_") for f in report["findings"])


def test_no_aws_ownership_uses_repository_evidence_only(full: tuple[Result, dict[str, Any]]) -> None:
    _, report = full
    owners = {(f["check_id"], f["resource"]["path"]): f["owner"] for f in report["findings"]
              if f["kind"] == "control" and f["status"] == "FAIL"}
    assert owners[("dockerfile_user_not_root", "Dockerfile")] == "app"
    assert owners[("taskdef_no_plaintext_secrets", "deploy/prod/taskdef.json")] == "app"
    # Field-level routing with repository evidence only: a task definition's missing logging is infra's.
    assert owners[("taskdef_container_logging_configured", "deploy/prod/statements-task-def.json")] == "infra"
    # A rule about AWS resources is not called stale when AWS was not read.
    stale = {f["resource"]["id"]: f["status"] for f in report["findings"] if f["check_id"] == "ownership_stale_rule"}
    assert stale["cmk"] == "NOT_ASSESSED"
    assert "FAIL" not in stale.values()


def test_no_aws_needs_a_repository(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _no_aws(monkeypatch)
    result = runner.invoke(cli.app, ["audit", "--no-aws", "--output-dir", str(tmp_path)])
    assert result.exit_code == ExitCode.CONFIG
    assert "--no-aws audits repositories only" in result.output
    repo = ["--repo", REPOS[0]]
    both = runner.invoke(cli.app, ["audit", "--no-aws", *repo, "--inventory", str(tmp_path / "i.json")])
    assert both.exit_code == ExitCode.CONFIG and "--no-aws and --inventory" in both.output
    accounts = runner.invoke(cli.app, ["audit", "--no-aws", *repo, "--accounts", "1", "--role-name", "r",
                                       "--output-dir", str(tmp_path)])
    assert accounts.exit_code == ExitCode.CONFIG and "--no-aws reads no account" in accounts.output


def test_a_bare_repo_path_is_named_after_its_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _no_aws(monkeypatch)
    repo = tmp_path / "svc"
    shutil.copytree(DEMO / "repos" / "acme" / "card-api", repo)
    result = runner.invoke(cli.app, ["audit", "--no-aws", "--repo", str(repo), "--output-dir", str(tmp_path / "o"),
                                     "--format", "json"])
    assert result.exit_code == ExitCode.FINDINGS, result.output
    report = json.loads((tmp_path / "o" / "report.json").read_text(encoding="utf-8"))
    assert ("dockerfile_user_not_root", "svc:Dockerfile", "FAIL") in _failing(report)


def test_changed_files_scope_findings_and_exit_code(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _no_aws(monkeypatch)
    # Only the Dockerfile changed (with a './' and a comment, as people write lists).
    result = _audit(["--changed-files", "-"], tmp_path, stdin="# changed\n./Dockerfile\n\n")
    assert result.exit_code == ExitCode.FINDINGS, result.output
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert _failing(report) == {
        ("dockerfile_user_not_root", "acme/card-api:Dockerfile", "FAIL"),
        ("dockerfile_base_image_digest", "acme/card-api:Dockerfile", "FAIL"),
        ("dockerfile_base_image_digest", "acme/card-batch:Dockerfile", "FAIL"),
        ("dockerfile_healthcheck_declared", "acme/card-batch:Dockerfile", "FAIL"),
    }
    assert {f["resource"]["path"] for f in report["findings"]} == {"Dockerfile"}
    scope = report["scope"]
    assert scope["changed_source"] == "--changed-files -" and scope["out_of_scope"] > 0
    # A listed path counts in each checkout that holds it (platform has no Dockerfile).
    assert scope["changed_files"] == ["acme/card-api:Dockerfile", "acme/card-batch:Dockerfile"]
    # Judged on the change only, nothing can PASS.
    assert "PASS" not in {r["status"] for r in report["requirements"]}
    assert "In scope:" in result.output

    # A change that touches no finding: exit 0.
    listed = tmp_path / "changed.txt"
    listed.write_text("README.md\n", encoding="utf-8")
    result = _audit(["--changed-files", str(listed)], tmp_path / "quiet")
    assert result.exit_code == ExitCode.OK, result.output
    report = json.loads((tmp_path / "quiet" / "report.json").read_text(encoding="utf-8"))
    assert report["findings"] == []


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.com",
                    "-c", "commit.gpgsign=false", *args], check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_base_ref_reads_git_and_refuses_a_missing_ref(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _no_aws(monkeypatch)
    repo = tmp_path / "batch"
    shutil.copytree(DEMO / "repos" / "acme" / "card-batch", repo)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    (repo / "Dockerfile").write_text((repo / "Dockerfile").read_text(encoding="utf-8") + "\n# touched\n",
                                     encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "change the Dockerfile only")
    args = ["audit", "--no-aws", "--repo", f"acme/card-batch={repo}", "--ownership", str(DEMO / "ownership.yaml"),
            "--output-dir", str(tmp_path / "o"), "--format", "json"]
    result = runner.invoke(cli.app, [*args, "--base-ref", "HEAD~1"])
    assert result.exit_code == ExitCode.OK, result.output  # the taskdef's secret is outside the change
    report = json.loads((tmp_path / "o" / "report.json").read_text(encoding="utf-8"))
    assert report["scope"]["changed_files"] == ["acme/card-batch:Dockerfile"]
    assert {f["resource"]["path"] for f in report["findings"]} == {"Dockerfile"}

    missing = runner.invoke(cli.app, [*args, "--base-ref", "origin/nope"])
    assert missing.exit_code == ExitCode.CONFIG
    assert "--base-ref origin/nope: git diff failed in acme/card-batch" in missing.output
    assert "Traceback" not in missing.output

    monkeypatch.setattr(shutil, "which", lambda _: None)
    no_git = runner.invoke(cli.app, [*args, "--base-ref", "HEAD~1"])
    assert no_git.exit_code == ExitCode.CONFIG and "--base-ref needs git on PATH" in no_git.output


def test_changed_files_and_base_ref_together_are_refused(tmp_path: Path) -> None:
    result = _audit(["--changed-files", "-", "--base-ref", "main"], tmp_path, stdin="")
    assert result.exit_code == ExitCode.CONFIG and "not both" in result.output
