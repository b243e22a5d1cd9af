"""ECR scan-on-push check against moto."""

from __future__ import annotations

import pytest

from tests.conftest import Aws, outcomes, run_check

CHECK = "ecr_repository_scan_on_push_enabled"


def test_repository_flag_under_basic_scanning(aws: Aws) -> None:
    ecr = aws.client("ecr")
    ecr.create_repository(repositoryName="card-api", imageScanningConfiguration={"scanOnPush": True})
    ecr.create_repository(repositoryName="ledger-ingest")
    assert outcomes(run_check(CHECK, aws.collect("ecr"))) == {("card-api", "PASS"), ("ledger-ingest", "FAIL")}


def test_registry_rules_decide_under_enhanced_scanning(aws: Aws) -> None:
    ecr = aws.client("ecr")
    ecr.create_repository(repositoryName="prod-card-api")
    ecr.create_repository(repositoryName="sandbox-tool", imageScanningConfiguration={"scanOnPush": True})
    ecr.put_registry_scanning_configuration(scanType="ENHANCED", rules=[{
        "scanFrequency": "CONTINUOUS_SCAN",
        "repositoryFilters": [{"filter": "prod-*", "filterType": "WILDCARD"}],
    }])
    # Under enhanced scanning the repository's own scanOnPush flag is ignored by ECR.
    assert outcomes(run_check(CHECK, aws.collect("ecr"))) == {("prod-card-api", "PASS"), ("sandbox-tool", "FAIL")}


def test_unreadable_registry_rules(aws: Aws) -> None:
    ecr = aws.client("ecr")
    ecr.create_repository(repositoryName="card-api", imageScanningConfiguration={"scanOnPush": True})
    ecr.create_repository(repositoryName="ledger-ingest")
    aws.deny("ecr", "GetRegistryScanningConfiguration")
    # Enhanced scanning ignores scanOnPush, so without the registry configuration neither the flag
    # on nor the flag off decides anything.
    findings = run_check(CHECK, aws.collect("ecr"))
    assert outcomes(findings) == {("card-api", "NOT_ASSESSED"), ("ledger-ingest", "NOT_ASSESSED")}
    assert all("ecr:GetRegistryScanningConfiguration failed: AccessDenied" in f.reason for f in findings)


@pytest.mark.parametrize("code", ["ThrottlingException", "InternalServerError"])
def test_unreadable_registry_rules_never_pass_on_the_flag(aws: Aws, code: str) -> None:
    ecr = aws.client("ecr")
    ecr.create_repository(repositoryName="sandbox-tool", imageScanningConfiguration={"scanOnPush": True})
    ecr.put_registry_scanning_configuration(scanType="ENHANCED", rules=[{
        "scanFrequency": "CONTINUOUS_SCAN", "repositoryFilters": [{"filter": "prod-*", "filterType": "WILDCARD"}]}])
    assert outcomes(run_check(CHECK, aws.collect("ecr"))) == {("sandbox-tool", "FAIL")}
    aws.deny("ecr", "GetRegistryScanningConfiguration", code=code)
    assert outcomes(run_check(CHECK, aws.collect("ecr"))) == {("sandbox-tool", "NOT_ASSESSED")}


def test_denied_listing(aws: Aws) -> None:
    aws.client("ecr").create_repository(repositoryName="card-api")
    aws.deny("ecr", "DescribeRepositories")
    assert outcomes(run_check(CHECK, aws.collect("ecr"))) == {("*@eu-west-1", "NOT_ASSESSED")}


IMAGE_CHECK = "ecr_image_critical_vulnerabilities_patched"


def _push(aws: Aws, repo: str, tag: str, scan: bool = True) -> None:
    import json

    ecr = aws.client("ecr")
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                "config": {"digest": f"sha256:{repo:0<64}"[:71], "size": 1, "mediaType": "x"}, "layers": []}
    ecr.put_image(repositoryName=repo, imageManifest=json.dumps(manifest), imageTag=tag)
    if scan:
        ecr.start_image_scan(repositoryName=repo, imageId={"imageTag": tag})


def _seed_findings(aws: Aws, repo: str, tag: str, findings: list[dict[str, object]], enhanced: bool) -> None:
    import requests

    from tests.conftest import ACCOUNT, REGION

    key = "enhancedFindings" if enhanced else "findings"
    result = {"repositoryName": repo, "imageId": {"imageTag": tag}, "registryId": ACCOUNT,
              "imageScanStatus": {"status": "ACTIVE" if enhanced else "COMPLETE"},
              "imageScanFindings": {key: findings, "findingSeverityCounts": {"CRITICAL": len(findings)}}}
    requests.post(f"{aws.url}/moto-api/static/ecr/scan-finding-results",
                  json={"results": [result], "account_id": ACCOUNT, "region": REGION}, timeout=10)


def _enhanced(cve: str, days_ago: int, status: str = "ACTIVE") -> dict[str, object]:
    import time

    return {"severity": "CRITICAL", "status": status, "firstObservedAt": time.time() - days_ago * 86400,
            "fixAvailable": "YES", "packageVulnerabilityDetails": {"vulnerabilityId": cve}}


def test_critical_vulnerabilities_past_30_days(aws: Aws) -> None:
    ecr = aws.client("ecr")
    for name in ("card-api", "auth-api", "ledger-ingest", "ops-tool", "new-service", "unscanned"):
        ecr.create_repository(repositoryName=name)
    _push(aws, "card-api", "v41")
    _seed_findings(aws, "card-api", "v41", [_enhanced("CVE-2026-1111", 45), _enhanced("CVE-2026-2222", 3),
                                            _enhanced("CVE-2025-0001", 90, status="SUPPRESSED")], enhanced=True)
    _push(aws, "auth-api", "v7")
    _seed_findings(aws, "auth-api", "v7", [_enhanced("CVE-2026-3333", 10)], enhanced=True)
    _push(aws, "ledger-ingest", "2024.11.3")
    _seed_findings(aws, "ledger-ingest", "2024.11.3", [{"name": "CVE-2024-9999", "severity": "CRITICAL"}],
                   enhanced=False)
    _push(aws, "ops-tool", "1")
    _seed_findings(aws, "ops-tool", "1", [], enhanced=True)
    _push(aws, "unscanned", "1", scan=False)
    findings = run_check(IMAGE_CHECK, aws.collect("ecr"))
    assert outcomes(findings) == {("card-api", "FAIL"), ("auth-api", "PASS"), ("ledger-ingest", "NOT_ASSESSED"),
                                  ("ops-tool", "PASS"), ("unscanned", "NOT_ASSESSED")}  # new-service: no image
    card = next(f for f in findings if f.resource.name == "card-api")
    assert card.reason.startswith("critical vulnerabilities unpatched past 30 days: CVE-2026-1111 (4")
    assert "CVE-2025-0001" not in card.reason  # suppressed findings do not count


def test_unreadable_findings(aws: Aws) -> None:
    aws.client("ecr").create_repository(repositoryName="card-api")
    _push(aws, "card-api", "v41")
    aws.deny("ecr", "DescribeImageScanFindings")
    findings = run_check(IMAGE_CHECK, aws.collect("ecr"))
    assert outcomes(findings) == {("card-api", "NOT_ASSESSED")}
    assert "ecr:DescribeImageScanFindings failed: AccessDenied" in findings[0].reason


TAGS = "ecr_repository_tag_immutability"


def _repo(aws: Aws, name: str, mutability: str, exclusions: tuple[str, ...] = ()) -> None:
    filters = [{"filterType": "WILDCARD", "filter": f} for f in exclusions]
    aws.client("ecr").create_repository(repositoryName=name, imageTagMutability=mutability,
                                        **({"imageTagMutabilityExclusionFilters": filters} if filters else {}))


def test_tag_immutability(aws: Aws) -> None:
    _repo(aws, "card-api", "IMMUTABLE")
    _repo(aws, "auth-api", "MUTABLE")
    _repo(aws, "ledger-ingest", "IMMUTABLE_WITH_EXCLUSION", ("latest",))
    _repo(aws, "sandbox", "IMMUTABLE_WITH_EXCLUSION", ("*",))
    _repo(aws, "reports", "MUTABLE_WITH_EXCLUSION", ("v*",))
    findings = run_check(TAGS, aws.collect("ecr"))
    assert outcomes(findings) == {("card-api", "PASS"), ("auth-api", "FAIL"), ("ledger-ingest", "PASS"),
                                  ("sandbox", "FAIL"), ("reports", "FAIL")}
    ledger = next(f for f in findings if f.resource.name == "ledger-ingest")
    assert ledger.evidence["mutable_tags"] == ["latest"]  # the exceptions are shown for review
    assert "immutable except those matching latest" in ledger.reason


def test_tag_immutability_denied_listing(aws: Aws) -> None:
    _repo(aws, "card-api", "IMMUTABLE")
    aws.deny("ecr", "DescribeRepositories")
    assert outcomes(run_check(TAGS, aws.collect("ecr"))) == {("*@eu-west-1", "NOT_ASSESSED")}


def test_unrecognised_tag_mutability_is_not_guessed(aws: Aws) -> None:
    _repo(aws, "card-api", "IMMUTABLE")
    inventory = aws.collect("ecr")
    repos = inventory.ecr_repositories
    future = repos.model_copy(update={"items": [r.model_copy(update={"tag_mutability": "IMMUTABLE_FOREVER"})
                                                for r in repos.items]})
    assert outcomes(run_check(TAGS, inventory.model_copy(update={"ecr_repositories": future}))) == {
        ("card-api", "NOT_ASSESSED")}


def test_patch_window_is_judged_at_collection_time(aws: Aws) -> None:
    from datetime import timedelta

    from freezegun import freeze_time

    aws.client("ecr").create_repository(repositoryName="card-api")
    _push(aws, "card-api", "v41")
    _seed_findings(aws, "card-api", "v41", [_enhanced("CVE-2026-1111", 20)], enhanced=True)
    inventory = aws.collect("ecr")
    assert outcomes(run_check(IMAGE_CHECK, inventory)) == {("card-api", "PASS")}
    # Re-auditing the saved inventory later judges it as it was collected...
    with freeze_time(inventory.collected_at + timedelta(days=60)):
        assert outcomes(run_check(IMAGE_CHECK, inventory)) == {("card-api", "PASS")}
    # ...and a later collection time is what makes the 20-day-old finding overdue.
    later = inventory.model_copy(update={"collected_at": inventory.collected_at + timedelta(days=15)})
    assert outcomes(run_check(IMAGE_CHECK, later)) == {("card-api", "FAIL")}
