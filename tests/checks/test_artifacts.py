"""Repository artifact parsers and checks, over tests/fixtures/artifacts-repo.

Each fixture directory is named for what it must produce (pass-*, fail-*, error-*, ...).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cardaudit.models.finding import Finding
from cardaudit.models.inventory import Inventory
from tests.conftest import Aws, repo_inventory, run_check

REPO = Path(__file__).parents[1] / "fixtures" / "artifacts-repo"
NAME = "acme/fixtures"


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    return repo_inventory({NAME: REPO})


def _by_dir(findings: list[Finding]) -> set[tuple[str, str]]:
    return {(Path(f.resource.path or "").parent.name, f.status.value) for f in findings}


def test_discovery_classifies_files(inventory: Inventory) -> None:
    kinds = {(f.path, f.kind) for f in inventory.repo_files}
    assert ("docker/pass-user/Dockerfile", "dockerfile") in kinds
    assert ("taskdefs/pass/taskdef.json", "taskdef") in kinds


def test_taskdef_logging(inventory: Inventory) -> None:
    findings = run_check("taskdef_container_logging_configured", inventory)
    assert {(Path(f.resource.path or "").parent.name, f.resource.field, f.status.value) for f in findings} == {
        ("pass", "$.containerDefinitions[0].logConfiguration", "PASS"),
        ("pass", "$.containerDefinitions[1].logConfiguration", "PASS"),
        ("fail-logging", "$.containerDefinitions[0].logConfiguration", "PASS"),
        ("fail-logging", "$.containerDefinitions[1].logConfiguration", "FAIL"),
        ("fail-secret", "$.containerDefinitions[0].logConfiguration", "PASS"),
        ("describe-output", "$.containerDefinitions[0].logConfiguration", "PASS"),
        ("bom-crlf", "$.containerDefinitions[0].logConfiguration", "PASS"),
        ("fail-local-driver", "$.containerDefinitions[0].logConfiguration", "FAIL"),
        ("broken", None, "ERROR"), ("latin1", None, "ERROR"),
    }
    failed = {Path(f.resource.path or "").parent.name: f for f in findings if f.status.value == "FAIL"}
    assert (failed["fail-logging"].resource.line, failed["fail-logging"].reason) == (
        23, "container xray has no logConfiguration")  # the line of its `{`
    assert failed["fail-local-driver"].reason == "container worker logs only to the host (json-file)"


def test_taskdef_secrets_and_redaction(inventory: Inventory) -> None:
    findings = run_check("taskdef_no_plaintext_secrets", inventory)
    assert _by_dir(findings) == {("pass", "PASS"), ("fail-logging", "PASS"), ("fail-secret", "FAIL"),
                                 ("describe-output", "PASS"), ("bom-crlf", "PASS"), ("fail-local-driver", "PASS"),
                                 ("broken", "ERROR"), ("latin1", "ERROR")}
    failed = next(f for f in findings if f.status.value == "FAIL")
    assert failed.resource.line == 27  # the `{` of the DB_PASSWORD entry
    assert failed.evidence["variables"] == ["DB_PASSWORD", "UPSTREAM_KEY"]
    text = inventory.model_dump_json() + "".join(f.model_dump_json() for f in findings)
    assert "Winter2026!" not in text and "AKIAIOSFODNN7EXAMPLE" not in text


@pytest.mark.parametrize(("directory", "message"), [
    ("broken", "acme/fixtures:taskdefs/broken/taskdef.json:5: invalid JSON: Expecting ',' delimiter"),
    ("latin1", "acme/fixtures:taskdefs/latin1/taskdef.json:1: not UTF-8 text (byte 15)"),
])
def test_taskdef_parse_errors_name_file_and_line(inventory: Inventory, directory: str, message: str) -> None:
    findings = [f for f in run_check("taskdef_no_plaintext_secrets", inventory)
                if f"/{directory}/" in (f.resource.path or "")]
    assert len(findings) == 1
    assert findings[0].reason.startswith(f"cannot parse {message}")


def test_dockerfile_user(inventory: Inventory) -> None:
    findings = run_check("dockerfile_user_not_root", inventory)
    assert _by_dir(findings) == {
        ("pass-user", "PASS"), ("pass-inherited", "PASS"), ("pass-nonroot-image", "PASS"),
        ("pass-arg-default", "PASS"), ("fail-no-user", "FAIL"), ("fail-root", "FAIL"), ("fail-uid0", "FAIL"),
        ("pass-heredoc", "PASS"), ("fail-heredoc", "FAIL"),  # BuildKit heredoc bodies are not instructions
        ("unknown-arg", "NOT_ASSESSED"), ("error-typo", "ERROR"), ("error-comments-only", "ERROR"),
        ("error-before-from", "ERROR"), ("error-binary", "ERROR"),
    }
    lines = {Path(f.resource.path or "").parent.name: (f.resource.line, f.reason) for f in findings}
    assert lines["fail-root"] == (5, "the final stage runs as root (USER root)")
    assert lines["fail-heredoc"][0] == 6  # the real USER, not the `USER root` text inside the heredoc
    assert lines["fail-no-user"][0] == 5
    assert lines["error-typo"] == (
        3, "cannot parse acme/fixtures:docker/error-typo/Dockerfile:3: unknown instruction (did you mean FROM?)")
    assert lines["error-before-from"][1].endswith("Dockerfile:1: RUN before any FROM")


@pytest.mark.parametrize("check_id", ["dockerfile_user_not_root", "taskdef_container_logging_configured",
                                      "taskdef_no_plaintext_secrets", "buildspec_image_scan_gates_push",
                                      "template_function_no_plaintext_secrets"])
def test_no_repository_is_not_assessed(check_id: str) -> None:
    empty = Inventory(collected_at=datetime.now(UTC), accounts=["111122223333"], regions=["eu-west-1"])
    findings = run_check(check_id, empty)
    assert [(f.status.value, f.reason) for f in findings] == [
        ("NOT_ASSESSED", "no repository checkout was given (--repo NAME=PATH)")]


def test_bad_artifacts_do_not_stop_the_audit(aws: Aws, tmp_path: Path) -> None:
    aws.client("ecr").create_repository(repositoryName="card-api")
    env = {k: v for k, v in os.environ.items()} | {"COLUMNS": "200"}
    result = subprocess.run(
        [sys.executable, "-m", "cardaudit", "audit", "--regions", "eu-west-1", "--repo", f"{NAME}={REPO}",
         "--format", "json", "--output-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path, check=False)
    assert result.returncode == 1, result.stderr  # ERROR and FAIL findings at or above high
    assert "Traceback" not in result.stdout + result.stderr
    doc = json.loads((tmp_path / "report.json").read_text())
    errors = {f["reason"] for f in doc["findings"] if f["status"] == "ERROR"}
    assert "cannot parse acme/fixtures:taskdefs/broken/taskdef.json:5: invalid JSON: Expecting ',' delimiter" in errors
    statuses = {(f["check_id"], f["resource"]["name"]): f["status"] for f in doc["findings"]}
    assert statuses[("ecr_repository_scan_on_push_enabled", "card-api")] == "FAIL"
    assert statuses[("dockerfile_user_not_root", "docker/pass-user/Dockerfile")] == "PASS"


def test_buildspec_scan_gates_push(inventory: Inventory) -> None:
    findings = run_check("buildspec_image_scan_gates_push", inventory)
    assert _by_dir(findings) == {
        ("pass-same-phase", "PASS"), ("pass-abort", "PASS"), ("fail-no-abort", "FAIL"), ("fail-report-only", "FAIL"),
        ("fail-scan-after-push", "FAIL"), ("fail-no-scan", "FAIL"), ("no-push", "NOT_ASSESSED"),
        ("error-yaml", "ERROR"), ("error-version", "ERROR"),
    }
    by_dir = {Path(f.resource.path or "").parent.name: f for f in findings}
    no_abort = by_dir["fail-no-abort"]
    assert (no_abort.resource.line, no_abort.resource.field) == (9, "$.phases.post_build.commands[0]")
    assert "without on-failure: ABORT on build" in no_abort.reason
    assert by_dir["error-yaml"].reason.startswith(
        "cannot parse acme/fixtures:buildspecs/error-yaml/buildspec.yml:6: invalid YAML")
    assert by_dir["error-version"].reason.endswith(
        "buildspec.yml:1: unsupported buildspec version (0.1 or 0.2 expected)")


def test_templates_plaintext_secrets(inventory: Inventory) -> None:
    findings = run_check("template_function_no_plaintext_secrets", inventory)
    assert {(Path(f.resource.path or "").parent.name, f.resource.field, f.status.value) for f in findings} == {
        ("pass-sam", "$.Resources.Consumer.Properties.Environment", "PASS"),
        ("pass-json", "$.Resources.Fn.Properties.Environment", "PASS"),
        ("fail-globals", "$.Globals.Function.Environment.Variables (Notifier)", "FAIL"),  # inherited
        ("fail-globals", "$.Resources.Reporter.Properties.Environment", "PASS"),  # overridden by a !Ref
        ("fail-cfn", "$.Resources.Reconcile.Properties.Environment.Variables", "FAIL"),
        ("error-yaml", None, "ERROR"), ("error-no-resources", None, "ERROR"),
    }
    by_dir = {Path(f.resource.path or "").parent.name: f for f in findings if f.status.value != "PASS"}
    assert (by_dir["fail-globals"].resource.line, by_dir["fail-globals"].reason) == (
        8, "function Notifier: plaintext secret-looking variable(s) PARTNER_API_KEY")
    assert by_dir["fail-cfn"].resource.line == 13
    assert by_dir["error-no-resources"].reason.endswith("template.yaml:1: not a template: no Resources mapping")
    dumped = inventory.model_dump_json() + "".join(f.model_dump_json() for f in findings)
    assert "sk_live_51HxExampleNotReal" not in dumped and "Reconc1le!" not in dumped
