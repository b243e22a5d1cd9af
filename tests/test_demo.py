"""The embedded demo, end to end: the same code path as a real account, through the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cardaudit import audit
from cardaudit.demo.run import AUDIT_REGIONS, demo_config
from cardaudit.demo.seed import backdate, seed_aws
from cardaudit.history import open_store
from cardaudit.models.report import Report
from cardaudit.readback import load_inventory
from tests.conftest import ACCOUNT, Aws, cli_env

PLANTED_SECRET = "Ledg3r-Settle!2024"  # DB_PASS in acme/card-batch's taskdef.json and the live task definition


def _key(f: dict[str, Any] | Any) -> tuple[str, str, str, str]:
    if isinstance(f, dict):
        r = f["resource"]
        return f["check_id"], f["status"], r["type"], r["name"] or r["id"]
    return f.check_id, f.status.value, f.resource.type, f.resource.name or f.resource.id


def _cli_env() -> dict[str, str]:
    return cli_env()


def test_demo_writes_reports_with_every_status(demo_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    result, out = demo_run
    assert result.returncode == 0, result.stderr
    doc = json.loads((out / "report.json").read_text())
    statuses = {f["status"] for f in doc["findings"]}
    assert {"PASS", "FAIL", "NOT_ASSESSED"} <= statuses
    assert (out / "report.html").stat().st_size > 10_000
    assert doc["run"]["demo"] is True and 'class="demo"' in (out / "report.html").read_text()  # marked as a demo
    assert "wrote" in result.stderr and "report.html" in result.stderr
    failing = {(k[0], k[3]) for k in map(_key, doc["findings"]) if k[1] == "FAIL"}
    assert {
        ("ecs_task_definition_no_plaintext_secrets", "ledger-ingest:1"),
        ("ecs_task_definition_logging_configured", "auth-api:1"),
        ("ecr_repository_scan_on_push_enabled", "ledger-ingest"),
        ("kms_key_rotation_enabled", "alias/settlement-files"),
        ("s3_bucket_default_encryption_kms", "acme-settlement-inbound"),
        ("cloudtrail_log_file_validation_enabled", "acme-org-audit"),
        ("iam_console_user_mfa_enabled", "bob.dev"),
        ("iam_access_key_rotated_90_days", "ci-deployer"),
        ("ownership_resource_unowned", "ledger-ingest"),
        ("ownership_resource_contested", "card-events-consumer"),
        ("ecr_image_critical_vulnerabilities_patched", "card-api"),
        ("dockerfile_user_not_root", "Dockerfile"),
        ("dockerfile_base_image_supported", "statements/Dockerfile"),  # python 3.9, past its end of life
        ("taskdef_no_plaintext_secrets", "deploy/prod/taskdef.json"),
        ("ownership_iac_double_managed", "card-events-consumer"),
    } <= failing
    blind = {k for k in map(_key, doc["findings"]) if k[1] == "NOT_ASSESSED"}
    # What the demo cannot see, each for a reason the report gives: the region the account has not
    # enabled; one image never scanned; what moto does not emulate (Security Hub's enabled standards,
    # AWS Backup's selections and protected resources, SSM's managed instances); the owner tags of
    # resources without a single owner; and, because of those collection errors, whether every
    # failing control has an owner and whether rule iam-users is shadowed; and the images that
    # CodePipeline fills into the repositories' taskdef.json (<IMAGE1_NAME>); and the write access of
    # a team (secops) that declares no IAM principals.
    assert {(k[0], k[3]) for k in blind if not k[3].startswith("*")} == {
        ("taskdef_container_image_pinned", "deploy/prod/taskdef.json"),
        ("dockerfile_base_image_supported", "images/fluent-bit.dockerfile"),  # :latest names no release
        ("ecr_image_critical_vulnerabilities_patched", "ledger-ingest"),
        ("securityhub_pci_dss_standard_subscribed", "securityhub-eu-west-1"),
        ("backup_plan_covers_card_data_stores", "acme-card-statements-prod"),
        ("backup_plan_covers_card_data_stores", "acme-settlement-inbound"),
        ("backup_plan_covers_card_data_stores", "card-tokens"),
        ("efs_file_system_backup_enabled", "batch-scratch"),
        ("ownership_tag_mismatch", "card-events-consumer"),
        ("ownership_tag_mismatch", "acme-payments-debug"),
        ("ownership_tag_mismatch", "chargeback-export-role"),
        ("ownership_tag_mismatch", "codebuild-settlement-reports"),
        ("ownership_tag_mismatch", "partner-sdk"),
        ("ownership_failing_control_unowned", "failing-controls"),
        ("ownership_shadowed_rule", "iam-users"),
        ("ownership_write_access_outside_ownership", "secops"),
    }
    assert {(f["check_id"], f["resource"]["region"]) for f in doc["findings"]
            if f["status"] == "NOT_ASSESSED" and f["kind"] == "control" and f["resource"]["id"] == "*"
            and f["resource"]["region"] != "eu-central-2"} == {
        ("ssm_managed_instances_patch_compliant", "eu-west-1"), ("ssm_managed_instances_patch_compliant", "us-east-1")}


# The deliberate ownership gaps of the demo: these resources have no single owner on purpose.
_UNROUTED = {"acme-payments-debug", "acme-settlement-inbound", "card-events-consumer", "partner-sdk"}


def test_every_domain_gap_fails_and_is_routed(demo_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    """Each gap the wider estate plants is a FAIL in the report, and each of its FAILs names the team to act."""
    import importlib

    _, out = demo_run
    findings = [f for f in json.loads((out / "report.json").read_text())["findings"] if f["kind"] == "control"]
    # A resource AWS names by a generated id (a distribution) is found by its app tag in the inventory.
    inventory = load_inventory(out / "inventory.json")
    named = {r.tags["app"]: r.arn for r in inventory.resources()
             if isinstance(r.tags, dict) and "app" in r.tags and r.cfn_type == "AWS::CloudFront::Distribution"}
    domains = ("network", "identity", "monitoring", "storage", "datastores", "edge", "containers", "patching")
    missing, unrouted = [], []
    for domain in domains:
        for gap in importlib.import_module(f"cardaudit.demo.seed_{domain}").DOMAIN_GAPS:
            tail = gap.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
            mine = [f for f in findings if gap in (f["resource"].get("arn"), f["resource"].get("name"))
                    or tail in (f["resource"].get("name"), f["resource"]["id"])
                    or (gap in named and f["resource"].get("arn") == named[gap])]
            failing = [f for f in mine if f["status"] == "FAIL"]
            if not failing:
                missing.append(f"{domain}: {gap}")
            unrouted += [f"{f['check_id']} {gap}" for f in failing
                         if not f.get("owner") and f["resource"].get("name") not in _UNROUTED]
    assert not missing, missing
    assert not unrouted, unrouted


def test_demo_never_prints_the_secret(demo_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    result, out = demo_run
    # What cardaudit wrote; repos/ holds the copied demo repositories, which plant the secret on purpose.
    texts = [result.stdout, result.stderr] + [p.read_text() for p in out.iterdir()
                                              if p.is_file() and p.suffix != ".sqlite"]
    # The history keeps each run's report compressed: read them back as text to search them too.
    store = open_store(str(out / "history.sqlite"))
    try:
        texts += [store.report(run.run_id).model_dump_json() for run in store.runs()]
    finally:
        store.close()
    assert len(texts) > 3 and all(PLANTED_SECRET not in text for text in texts)


def test_saved_inventory_reaudits_offline_to_the_same_findings(
        demo_run: tuple[subprocess.CompletedProcess[str], Path], tmp_path: Path) -> None:
    _, out = demo_run
    config = demo_config(tmp_path).model_copy(update={"inventory": out / "inventory.json", "save_inventory": None})
    again = audit.run(config)
    before = json.loads((out / "report.json").read_text())
    assert sorted((f.id, f.status.value) for f in again.findings) == sorted(
        (f["id"], f["status"]) for f in before["findings"])


def _seeded_report(aws: Aws, tmp_path: Path) -> Report:
    seed_aws(aws.seed_session)
    backdate(ACCOUNT)
    config = demo_config(tmp_path).model_copy(update={"save_inventory": None})
    return audit.run(config, session=aws.audit_session)


def test_access_denied_on_one_operation_changes_only_its_checks(aws: Aws, tmp_path: Path) -> None:
    baseline = _seeded_report(aws, tmp_path)
    aws.deny("kms", "GetKeyRotationStatus")  # the same account, audited again with one operation refused
    denied = audit.run(demo_config(tmp_path).model_copy(update={"save_inventory": None}), session=aws.audit_session)

    def by_resource(report: Report) -> dict[tuple[str, str, str], str]:
        return {(f.check_id, f.resource.type, f.resource.name or f.resource.id): f.status.value
                for f in report.findings}

    before, after = by_resource(baseline), by_resource(denied)
    assert before.keys() == after.keys()
    changed = {key: (before[key], after[key]) for key in before if before[key] != after[key]}
    assert changed == {
        ("kms_key_rotation_enabled", "AWS::KMS::Key", "alias/cards-data"): ("PASS", "NOT_ASSESSED"),
        ("kms_key_rotation_enabled", "AWS::KMS::Key", "alias/settlement-files"): ("FAIL", "NOT_ASSESSED"),
        ("kms_key_rotation_enabled", "AWS::KMS::Key", "alias/partner-settlement-share"): ("PASS", "NOT_ASSESSED"),
    }
    items_before = {r.id: r.status.value for r in baseline.requirements}
    items_after = {r.id: r.status.value for r in denied.requirements}
    changed_items = {i for i in items_before if items_before[i] != items_after[i]}
    kms_items = {r.id for r in baseline.requirements if "kms_key_rotation_enabled" in r.checks}
    assert changed_items and all(i in kms_items or any(k.startswith(i + ".") for k in kms_items)
                                 for i in changed_items), changed_items


@pytest.mark.slow
def test_separate_moto_server_gives_the_demo_findings(
        demo_run: tuple[subprocess.CompletedProcess[str], Path], tmp_path: Path) -> None:
    _, demo_out = demo_run
    server = subprocess.Popen([sys.executable, "-m", "cardaudit", "demo", "--serve", "0"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=_cli_env())
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert "serving on http://" in line, server.stderr.read() if server.stderr else line
        url = line.rsplit(" ", 1)[-1].strip()
        config = demo_config(tmp_path)
        env = _cli_env() | {"AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
                            "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "eu-west-1"}
        args = [sys.executable, "-m", "cardaudit", "audit", "--regions", ",".join(AUDIT_REGIONS),
                "--ownership", str(config.ownership), "--attestations", str(config.attestations),
                "--output-dir", str(tmp_path), "--format", "json",
                "--fail-on", "critical"]
        for name, path in config.repos.items():
            args += ["--repo", f"{name}={path}"]
        result = subprocess.run(args, capture_output=True, text=True, timeout=300, env=env, check=False)
        assert result.returncode == 1, result.stderr  # a critical finding (the plaintext DB_PASS) fails the run
    finally:
        server.terminate()
        server.wait(timeout=30)
    served = json.loads((tmp_path / "report.json").read_text())
    demo = json.loads((demo_out / "report.json").read_text())
    assert sorted(map(_key, served["findings"])) == sorted(map(_key, demo["findings"]))
    assert [(r["id"], r["status"]) for r in served["requirements"]] == [
        (r["id"], r["status"]) for r in demo["requirements"]]


def test_demo_items_tree_and_controls_cli(demo_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, out = demo_run
    doc = json.loads((out / "report.json").read_text())
    items = {r["id"]: r["status"] for r in doc["requirements"]}
    assert len(items) == 366
    assert (items["12.1.1"], items["12.10.2"], items["11.4.1"]) == ("ATTESTED", "ATTESTATION_EXPIRED", "FAIL")
    # The backup checks of 12.10.1 fail (a table without point-in-time recovery): a FAIL outranks evidence.
    assert items["12.10.1"] == "FAIL"
    assert (items["1.3.3"], items["12.4.1"], items["9.3.1"], items["12.3.1"]) == (
        "NOT_APPLICABLE", "NOT_APPLICABLE", "INHERITED", "MANUAL")
    # A shared item inherits only the provider's share: the customer's share waits for evidence.
    assert items["9.4.1.1"] == "MANUAL" and items["10.6.1"] == "MANUAL"
    # No item PASSes on partial evidence: the review left no item `automated`.
    assert "PASS" not in set(items.values())
    assert items["10.1.2"] == "MANUAL" and items["6.3.1"] == "FAIL"
    expired = subprocess.run([sys.executable, "-m", "cardaudit", "controls", "list", "--status",
                              "ATTESTATION_EXPIRED", "--report", str(out / "report.json")],
                             capture_output=True, text=True, env=_cli_env(), check=False)
    assert expired.returncode == 0 and "12.10.2" in expired.stdout and "1 item(s)" in expired.stdout
    show = subprocess.run([sys.executable, "-m", "cardaudit", "controls", "show", "6.3.1", "--report",
                           str(out / "report.json")], capture_output=True, text=True, env=_cli_env(), check=False)
    assert "last status: FAIL" in show.stdout
    # Security Hub's stale result for the trail, shown beside the check it contradicts.
    logs = subprocess.run([sys.executable, "-m", "cardaudit", "controls", "show", "10.3.2", "--report",
                           str(out / "report.json")], capture_output=True, text=True, env=_cli_env(), check=False)
    assert ("disagree on arn:aws:cloudtrail:eu-west-1:111122223333:trail/acme-org-audit: "
            "cloudtrail_log_file_validation_enabled FAIL, securityhub CloudTrail.4 PASSED") in logs.stdout, logs.stdout
    html = (out / "report.html").read_text()
    assert html.count('<span class="id">') == 366


def test_typo_in_a_filter_value_is_refused_with_a_suggestion(
        demo_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, out = demo_run
    report = str(out / "report.json")
    for args, expected in ((["controls", "list", "--status", "fial", "--report", report], "did you mean FAIL?"),
                           (["owners", "gaps", "--kind", "unownd", "--report", report],
                            "did you mean unowned?")):
        result = subprocess.run([sys.executable, "-m", "cardaudit", *args], capture_output=True, text=True,
                                env=_cli_env(), check=False)
        assert result.returncode == 2 and expected in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    lower = subprocess.run([sys.executable, "-m", "cardaudit", "controls", "list", "--status", "attestation_expired",
                            "--report", report], capture_output=True, text=True, env=_cli_env(), check=False)
    assert lower.returncode == 0 and "12.10.2" in lower.stdout


def test_seeding_refuses_anything_but_moto(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo creates resources: with real-looking credentials and no moto, it refuses before any call."""
    import boto3

    from cardaudit.demo.organisation import seed_organisation

    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    session = boto3.session.Session(aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="x",
                                    region_name="eu-west-1")
    sent: list[str] = []
    session.events.register("before-send", lambda request, **_: sent.append(request.url))
    for seed in (seed_aws, lambda s: seed_organisation(s, 1)):
        with pytest.raises(RuntimeError, match="refusing to seed https://sts"):
            seed(session)
    assert sent == []
