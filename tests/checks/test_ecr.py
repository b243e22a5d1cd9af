"""ECR scan-on-push check against moto."""

from __future__ import annotations

import pytest

from cardaudit.models.finding import Finding
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


REGISTRY = "ecr_registry_enhanced_scanning_or_scan_on_push"


def test_registry_scanning_rules(aws: Aws) -> None:
    ecr = aws.client("ecr")
    ecr.create_repository(repositoryName="prod-card-api")
    ecr.create_repository(repositoryName="sandbox-tool", imageScanningConfiguration={"scanOnPush": True})
    ecr.put_registry_scanning_configuration(scanType="BASIC", rules=[{
        "scanFrequency": "SCAN_ON_PUSH", "repositoryFilters": [{"filter": "prod-*", "filterType": "WILDCARD"}]}])
    us = aws.client("ecr", region="us-east-1")
    us.create_repository(repositoryName="dr-card-api")
    us.put_registry_scanning_configuration(scanType="ENHANCED", rules=[{
        "scanFrequency": "CONTINUOUS_SCAN", "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}])
    aws.client("ecr", region="eu-central-1").create_repository(repositoryName="eu-archive")  # no rule at all
    regions = ["eu-west-1", "us-east-1", "eu-central-1", "ap-southeast-2"]
    findings = run_check(REGISTRY, aws.collect("ecr", regions=regions))
    assert outcomes(findings) == {("registry-eu-west-1", "FAIL"), ("registry-us-east-1", "PASS"),
                                  ("registry-eu-central-1", "FAIL"), ("registry-ap-southeast-2", "PASS")}
    by_name = {f.resource.name: f for f in findings}
    assert by_name["registry-eu-west-1"].reason == (
        "BASIC scanning: no registry rule scans sandbox-tool (sandbox-tool only by its own scanOnPush flag)")
    assert by_name["registry-us-east-1"].reason.endswith("including repositories created later")
    aws.deny("ecr", "GetRegistryScanningConfiguration", region="us-east-1")
    aws.deny("ecr", "DescribeRepositories", region="eu-central-1")
    findings = run_check(REGISTRY, aws.collect("ecr", regions=regions))
    assert outcomes(findings) == {("registry-eu-west-1", "FAIL"), ("registry-us-east-1", "NOT_ASSESSED"),
                                  ("*@eu-central-1", "NOT_ASSESSED"), ("registry-ap-southeast-2", "PASS")}


POLICY = "ecr_repository_policy_not_public"


def test_repository_policy_not_public(aws: Aws) -> None:
    import json

    ecr = aws.client("ecr")
    for name in ("card-api", "base-images", "org-shared", "partner-drop"):
        ecr.create_repository(repositoryName=name)

    def policy(repo: str, principal: object, actions: list[str], condition: dict[str, object] | None = None) -> None:
        statement = {"Sid": "pull", "Effect": "Allow", "Principal": principal, "Action": actions,
                     **({"Condition": condition} if condition else {})}
        ecr.set_repository_policy(repositoryName=repo,
                                  policyText=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))

    policy("base-images", "*", ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"])
    policy("org-shared", {"AWS": "*"}, ["ecr:BatchGetImage"], {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3"}})
    policy("partner-drop", {"AWS": ["*"]}, ["ecr:PutImage", "ecr:BatchGetImage"])
    findings = run_check(POLICY, aws.collect("ecr"))
    assert outcomes(findings) == {("card-api", "PASS"), ("base-images", "FAIL"), ("org-shared", "PASS"),
                                  ("partner-drop", "FAIL")}
    drop = next(f for f in findings if f.resource.name == "partner-drop")
    assert drop.reason.endswith("they include write actions (ecr:PutImage)")
    aws.deny("ecr", "GetRepositoryPolicy")
    findings = run_check(POLICY, aws.collect("ecr"))
    assert outcomes(findings) == {(n, "NOT_ASSESSED") for n in ("card-api", "base-images", "org-shared",
                                                                "partner-drop")}
    assert all("ecr:GetRepositoryPolicy failed: AccessDenied" in f.reason for f in findings)


RUNNING = "ecr_running_image_high_critical_findings_30_days"
REGISTRY_HOST = "111122223333.dkr.ecr.eu-west-1.amazonaws.com"


def _push_layered(aws: Aws, repo: str, tag: str) -> str:
    """Push an image with its own layer (so its digest differs from the repository's other images)."""
    import hashlib
    import json

    layer = "sha256:" + hashlib.sha256(f"{repo}:{tag}".encode()).hexdigest()
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                "config": {"digest": layer, "size": 1, "mediaType": "x"},
                "layers": [{"digest": layer, "size": 1, "mediaType": "x"}]}
    ecr = aws.client("ecr")
    digest: str = ecr.put_image(repositoryName=repo, imageManifest=json.dumps(manifest), imageTag=tag)[
        "image"]["imageId"]["imageDigest"]
    ecr.start_image_scan(repositoryName=repo, imageId={"imageTag": tag})
    return digest


def _finding(cve: str, severity: str, days_ago: int) -> dict[str, object]:
    return {**_enhanced(cve, days_ago), "severity": severity}


def _service(aws: Aws, name: str, images: list[str]) -> None:
    ecs = aws.client("ecs")
    ecs.register_task_definition(family=name, containerDefinitions=[
        {"name": f"c{i}", "image": image, "memory": 64} for i, image in enumerate(images)])
    ecs.create_service(cluster="cards-prod", serviceName=name, taskDefinition=name, desiredCount=0)


def test_running_images_findings_past_30_days(aws: Aws) -> None:
    ecr = aws.client("ecr")
    for repo in ("card-api", "auth-api", "ledger-ingest"):
        ecr.create_repository(repositoryName=repo)
    # card-api runs 2026.10.01 by digest, older than the latest push: its high CVE is 40 days old.
    running = _push_layered(aws, "card-api", "2026.10.01")
    _seed_findings(aws, "card-api", "2026.10.01", [_finding("CVE-2026-7001", "HIGH", 40)], enhanced=True)
    _push_layered(aws, "card-api", "2026.11.20")
    _seed_findings(aws, "card-api", "2026.11.20", [], enhanced=True)
    # auth-api runs its tag 1.18.4, whose only critical is a week old; the envoy sidecar is not from ECR.
    _push_layered(aws, "auth-api", "1.18.4")
    _seed_findings(aws, "auth-api", "1.18.4", [_finding("CVE-2026-41177", "CRITICAL", 7)], enhanced=True)
    # ledger-ingest: basic scanning, which gives no dates.
    _push_layered(aws, "ledger-ingest", "2024.11.3")
    _seed_findings(aws, "ledger-ingest", "2024.11.3", [{"name": "CVE-2024-9999", "severity": "HIGH"}],
                   enhanced=False)
    aws.client("ecs").create_cluster(clusterName="cards-prod")
    _service(aws, "card-api", [f"{REGISTRY_HOST}/card-api@{running}"])
    _service(aws, "auth-api", [f"{REGISTRY_HOST}/auth-api:1.18.4", "public.ecr.aws/appmesh/aws-appmesh-envoy:v1"])
    _service(aws, "ledger-ingest", [f"{REGISTRY_HOST}/ledger-ingest:2024.11.3"])
    _service(aws, "reports", [f"{REGISTRY_HOST}/card-api:9c1e2f7"])  # a tag no longer in the repository
    _service(aws, "nginx", ["nginx:1.27"])
    inventory = aws.collect("ecr", "ecs")
    findings = run_check(RUNNING, inventory)
    assert outcomes(findings) == {("card-api", "FAIL"), ("auth-api", "PASS"), ("ledger-ingest", "NOT_ASSESSED"),
                                  ("reports", "NOT_ASSESSED"), ("nginx", "NOT_ASSESSED")}
    by_name = {f.resource.name: f for f in findings}
    assert by_name["card-api"].reason == (
        "running images carry findings older than 30 days: CVE-2026-7001 (HIGH) 40 days")
    assert by_name["auth-api"].evidence["not_judged"] == ["c1: not in a private ECR registry"]
    assert "9c1e2f7 is no longer in the repository" in by_name["reports"].reason
    # The latest-image check still judges only the latest push, which is clean.
    assert ("card-api", "PASS") in outcomes(run_check(IMAGE_CHECK, inventory))

    aws.deny("ecr", "DescribeImageScanFindings")
    findings = run_check(RUNNING, aws.collect("ecr", "ecs"))
    assert outcomes(findings) == {(n, "NOT_ASSESSED") for n in ("card-api", "auth-api", "ledger-ingest", "reports",
                                                                "nginx")}
    assert "ecr:DescribeImageScanFindings failed: AccessDenied" in by_name_of(findings)["card-api"].reason
    aws.deny("ecr", "DescribeRepositories")
    assert outcomes(run_check(RUNNING, aws.collect("ecr", "ecs"))) == {("*@eu-west-1", "NOT_ASSESSED")}


def by_name_of(findings: list[Finding]) -> dict[str, Finding]:
    return {f.resource.name or "": f for f in findings}


def test_running_image_unreadable_images(aws: Aws) -> None:
    aws.client("ecr").create_repository(repositoryName="card-api")
    _push_layered(aws, "card-api", "v1")
    aws.client("ecs").create_cluster(clusterName="cards-prod")
    _service(aws, "card-api", [f"{REGISTRY_HOST}/card-api:v1"])
    aws.deny("ecr", "DescribeImages")
    findings = run_check(RUNNING, aws.collect("ecr", "ecs"))
    assert outcomes(findings) == {("card-api", "NOT_ASSESSED")}
    assert "ecr:DescribeImages failed: AccessDenied" in findings[0].reason
