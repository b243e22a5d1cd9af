"""Demo estate, patching: Lambda, ECR, Inspector, SSM.

Mostly compliant, with the gaps listed in `DOMAIN_GAPS`. Systems Manager is not seeded: moto
implements neither DescribeInstanceInformation nor the patch-state calls, so the demo report shows
the patch check NOT_ASSESSED with that collection error, never PASS.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from typing import Any

import boto3

from cardaudit.demo.seed import (
    DEMO_ACCOUNT,
    GLOBAL_REGION,
    HOME_REGION,
    Seeded,
    _allow,
    _arn,
    _client,
    _lambda_zip,
    _policy,
    _tag_list,
    _tags,
    _trust,
)

DR_REGION = "us-east-1"

DOMAIN_GAPS: dict[str, str] = {
    _arn("lambda", "function:chargeback-export"): (
        "python3.8 runtime, deprecated since 2024-10-14; public function URL (AuthType NONE) and the policy "
        "statement that opens it to everyone; not in a VPC"
    ),
    _arn("lambda", "function:card-events-consumer"): (
        "environment variables under the AWS managed key only; not attached to a VPC"
    ),
    _arn("ecr", "repository/partner-sdk"): "repository policy lets everyone (principal *) pull its images",
    _arn("ecr", f"registry/{DEMO_ACCOUNT}"): (
        "enhanced scanning rules match card-*, auth-* and partner-*, not ledger-ingest"
    ),
    _arn("ecs", "service/cards-prod/card-api"): (
        "runs card-api:9c1e2f7, whose critical openssl CVE is 45 days old and high curl CVE 38 days old"
    ),
    _arn("inspector2", f"account-status/{DEMO_ACCOUNT}"): (
        "Inspector scans only ECR in eu-west-1: EC2 and Lambda are not scanned"
    ),
}


def seed(session: boto3.session.Session, seeded: Seeded) -> None:
    """Create this domain's resources: compliant ones and the gaps listed in DOMAIN_GAPS."""
    _seed_functions(session, seeded)
    _seed_registry(session)
    _seed_running_images(session)
    _seed_inspector(session)


def _role(session: boto3.session.Session, name: str, app: str, *statements: dict[str, Any], pulumi: bool = True) -> str:
    iam = _client(session, "iam", GLOBAL_REGION)
    tags = _tags("infra", app, **{"managed-by": "pulumi"}) if pulumi else _tags("app", app)
    arn: str = iam.create_role(RoleName=name, AssumeRolePolicyDocument=_trust("lambda.amazonaws.com"),
                               Tags=_tag_list(tags))["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName=f"{name}-policy", PolicyDocument=_policy(*statements))
    return arn


def _seed_functions(session: boto3.session.Session, seeded: Seeded) -> None:
    """settlement-reconciler is built to the standard; chargeback-export is a forgotten 2021 job."""
    awslambda = _client(session, "lambda", HOME_REGION)
    logs = ["logs:CreateLogStream", "logs:PutLogEvents"]
    reconciler_role = _role(session, "settlement-reconciler-role", "settlement",
                            _allow(logs, [_arn("logs", "log-group:/aws/lambda/settlement-reconciler:*")]),
                            _allow(["kms:Decrypt"], [seeded.keys.settlement_files]))
    awslambda.create_function(
        FunctionName="settlement-reconciler",
        Description="Reconciles the daily settlement files against the ledger",
        Runtime="python3.13", Architectures=["arm64"], Role=reconciler_role, Handler="app.handler",
        Code={"ZipFile": _lambda_zip()}, Timeout=60, MemorySize=512,
        Environment={"Variables": {"LEDGER_DB_SECRET_ARN": seeded.secret_arn, "LOG_LEVEL": "INFO"}},
        KMSKeyArn=seeded.keys.settlement_files,
        VpcConfig={"SubnetIds": list(seeded.network.subnet_ids),
                   "SecurityGroupIds": [seeded.network.security_groups["ledger-ingest"]]},
        Tags=_tags("app", "settlement", **{"managed-by": "pulumi"}),
    )
    # A partner once needed chargeback files pulled over HTTPS; the function got a public URL
    # and was never upgraded from python3.8.
    export_role = _role(session, "chargeback-export-role", "chargebacks",
                        _allow(logs, [_arn("logs", "log-group:/aws/lambda/chargeback-export:*")]), pulumi=False)
    awslambda.create_function(
        FunctionName="chargeback-export", Description="Exports chargeback files for the acquirer portal",
        Runtime="python3.8", Role=export_role, Handler="app.handler", Code={"ZipFile": _lambda_zip()},
        Timeout=30, MemorySize=256, Tags=_tags("app", "chargebacks"),
    )
    awslambda.create_function_url_config(FunctionName="chargeback-export", AuthType="NONE")
    awslambda.add_permission(FunctionName="chargeback-export", StatementId="FunctionURLAllowPublicAccess",
                             Action="lambda:InvokeFunctionUrl", Principal="*", FunctionUrlAuthType="NONE")


def _seed_registry(session: boto3.session.Session) -> None:
    """Enhanced scanning by name pattern (ledger-ingest matches none), and partner-sdk open to everyone."""
    ecr = _client(session, "ecr", HOME_REGION)
    ecr.put_registry_scanning_configuration(scanType="ENHANCED", rules=[{
        "scanFrequency": "CONTINUOUS_SCAN",
        "repositoryFilters": [{"filter": name, "filterType": "WILDCARD"} for name in ("card-*", "auth-*", "partner-*")],
    }])
    # The SDK shared with acquirers: someone made it public instead of naming their accounts.
    ecr.create_repository(repositoryName="partner-sdk", imageTagMutability="IMMUTABLE",
                          imageScanningConfiguration={"scanOnPush": True},
                          tags=_tag_list(_tags("app", "partner-sdk", **{"managed-by": "pulumi"})))
    ecr.set_repository_policy(repositoryName="partner-sdk", policyText=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Sid": "AcquirerPull", "Effect": "Allow", "Principal": "*",
                       "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}],
    }))


def _seed_running_images(session: boto3.session.Session) -> None:
    """Push the images the two API services run, and give them enhanced scan results.

    card-api:9c1e2f7 carries the same month-old critical openssl CVE as the latest card-api image,
    plus a high curl CVE 38 days old (gap); auth-api:1.18.4 has only a week-old critical.
    """
    import requests

    ecr = _client(session, "ecr", HOME_REGION)
    running = {"card-api": "9c1e2f7", "auth-api": "1.18.4"}
    for repo, tag in running.items():
        layer = "sha256:" + hashlib.sha256(f"{repo}:{tag}".encode()).hexdigest()
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                    "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 7023,
                               "digest": layer},
                    "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 31_457_280,
                                "digest": layer}]}
        ecr.put_image(repositoryName=repo, imageManifest=json.dumps(manifest), imageTag=tag)
        ecr.start_image_scan(repositoryName=repo, imageId={"imageTag": tag})
    now = time.time()

    def finding(cve: str, package: str, severity: str, days: int) -> dict[str, Any]:
        return {"severity": severity, "status": "ACTIVE", "type": "PACKAGE_VULNERABILITY",
                "title": f"{cve} - {package}", "firstObservedAt": now - days * 86400, "fixAvailable": "YES",
                "packageVulnerabilityDetails": {"vulnerabilityId": cve, "vulnerablePackages": [{"name": package}]}}

    results: list[dict[str, Any]] = []
    for repo, vulns in (("card-api", [finding("CVE-2026-20312", "openssl", "CRITICAL", 45),
                                      finding("CVE-2026-18841", "curl", "HIGH", 38)]),
                        ("auth-api", [finding("CVE-2026-41177", "libexpat1", "CRITICAL", 7)])):
        counts: dict[str, int] = {}
        for v in vulns:
            counts[v["severity"]] = counts.get(v["severity"], 0) + 1
        results.append({"registryId": DEMO_ACCOUNT, "repositoryName": repo, "imageId": {"imageTag": running[repo]},
                        "imageScanStatus": {"status": "ACTIVE", "description": "Continuous scan is selected"},
                        "imageScanFindings": {"enhancedFindings": vulns, "findingSeverityCounts": counts}})
    api = os.environ.get("AWS_ENDPOINT_URL", "http://motoapi.amazonaws.com").rstrip("/")
    requests.post(f"{api}/moto-api/static/ecr/scan-finding-results", timeout=30,
                  json={"results": results, "account_id": DEMO_ACCOUNT, "region": HOME_REGION})


def _seed_inspector(session: boto3.session.Session) -> None:
    """eu-west-1: the container team enabled ECR scanning only (gap); us-east-1 (DR) got all three."""
    _client(session, "inspector2", HOME_REGION).enable(accountIds=[DEMO_ACCOUNT], resourceTypes=["ECR"])
    _client(session, "inspector2", DR_REGION).enable(accountIds=[DEMO_ACCOUNT],
                                                     resourceTypes=["EC2", "ECR", "LAMBDA"])
