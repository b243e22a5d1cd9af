"""ECR scan-on-push check against moto."""

from __future__ import annotations

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
    # scanOnPush on is seen and honest; off could be overridden by a rule nobody could read.
    assert outcomes(run_check(CHECK, aws.collect("ecr"))) == {
        ("card-api", "PASS"), ("ledger-ingest", "NOT_ASSESSED")}


def test_denied_listing(aws: Aws) -> None:
    aws.client("ecr").create_repository(repositoryName="card-api")
    aws.deny("ecr", "DescribeRepositories")
    assert outcomes(run_check(CHECK, aws.collect("ecr"))) == {("*@eu-west-1", "NOT_ASSESSED")}
