"""Demo estate, containers: ECS hardening, CodeBuild.

The core estate (`seed._seed_ecs`) registers card-api, auth-api and ledger-ingest from the demo
repositories' taskdef.json files; none of them sets a container `user` or a read-only root
filesystem, so they show up in the hardening checks as they are. This module adds:

- `card-tokenizer`, a hardened Fargate task definition: the compliant counterpart.
- `settlement-reports`, the legacy EC2-backed cluster of the reporting jobs, without Container
  Insights, and its `host-metrics-agent` daemon (host namespaces, a privileged cAdvisor, an
  agent with SYS_ADMIN).
- CodeBuild `card-api-build`, the pipeline build of acme/card-api's buildspec: privileged because
  it builds Docker images, logs on, its credentials from Parameter Store and Secrets Manager.
- CodeBuild `settlement-report-build`, a legacy project: a static AWS key pair in PLAINTEXT
  variables (the AWS documentation's example values, not a real key), a token in its Bitbucket
  URL, and no build logs.
- Drift between the repositories and the account: card-api revision 3, registered by hand during
  an incident with its logs sent to another group (never merged: the repository file still says
  /ecs/card-api), and a DEBUG_PAYLOADS variable added to card-events-consumer in the console.
"""

from __future__ import annotations

from typing import Any

import boto3

from cardaudit.demo.seed import (
    DEMO_ACCOUNT,
    GLOBAL_REGION,
    HOME_REGION,
    REGISTRY,
    Seeded,
    _allow,
    _arn,
    _client,
    _policy,
    _tag_list,
    _tags,
    _trust,
)


def _task_definition_arn(family: str, revision: int = 1) -> str:
    return _arn("ecs", f"task-definition/{family}:{revision}")


def _project_arn(name: str) -> str:
    return _arn("codebuild", f"project/{name}")


# What this domain's part of the demo report must show (ARN -> what is wrong).
DOMAIN_GAPS: dict[str, str] = {
    # Revision 3, the hot-fix (see `_seed_drift`), is the latest ACTIVE one: the revision audited.
    _task_definition_arn("card-api", 3): (
        "container app sets no user (runs as the image's default, root: the Dockerfile has no USER) and has a "
        "writable root filesystem; registered by hand and never merged, it logs to /ecs/card-api-incident where "
        "acme/card-api's taskdef.json says /ecs/card-api (a drift finding on the file, routed to infra)"
    ),
    _task_definition_arn("auth-api"): (
        "container app sets no user; app and envoy have writable root filesystems"
    ),
    _task_definition_arn("ledger-ingest"): "container ingest sets no user and has a writable root filesystem",
    _task_definition_arn("host-metrics-agent"): (
        "host network and PID namespaces; cadvisor privileged; agent adds SYS_ADMIN, SYS_PTRACE and NET_ADMIN; "
        "no user; writable root filesystems"
    ),
    _arn("ecs", "cluster/settlement-reports"): "Container Insights disabled",
    _project_arn("card-api-build"): (
        "privileged mode, because it builds Docker images: an accepted exception to record (medium)"
    ),
    _project_arn("settlement-report-build"): (
        "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY as PLAINTEXT variables (AWS's documented example values); "
        "an access token in the Bitbucket source URL; build logs neither in CloudWatch Logs nor in S3"
    ),
}

# The AWS documentation's example key pair: obviously not a credential, but shaped like one.
_EXAMPLE_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
_EXAMPLE_SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
_FAKE_BITBUCKET_TOKEN = "ATBBdemoFAKEtokenNOTrealXXXXXXXX"


def seed(session: boto3.session.Session, seeded: Seeded) -> None:
    """Create this domain's resources: compliant ones and the gaps listed in DOMAIN_GAPS."""
    _seed_ecs(session, seeded)
    _seed_codebuild(session)
    _seed_drift(session)


def _seed_drift(session: boto3.session.Session) -> None:
    """Hot-fixes made in the account and never merged: what the drift checks exist to show."""
    ecs = _client(session, "ecs", HOME_REGION)
    current = ecs.describe_task_definition(taskDefinition="card-api")["taskDefinition"]
    keep = ("family", "taskRoleArn", "executionRoleArn", "networkMode", "containerDefinitions",
            "requiresCompatibilities", "cpu", "memory", "runtimePlatform")
    hotfix = {k: current[k] for k in keep if k in current}
    hotfix["containerDefinitions"][0]["logConfiguration"] = _awslogs("/ecs/card-api-incident", "card-api")
    revision = ecs.register_task_definition(**hotfix, tags=_tag_list(_tags("app", "card-api"), "key", "value"))
    # The service was moved to it on the spot, as hot-fixes are.
    ecs.update_service(cluster="cards-prod", service="card-api",
                       taskDefinition=revision["taskDefinition"]["taskDefinitionArn"])
    awslambda = _client(session, "lambda", HOME_REGION)
    env = awslambda.get_function_configuration(FunctionName="card-events-consumer")["Environment"]["Variables"]
    awslambda.update_function_configuration(FunctionName="card-events-consumer",
                                            Environment={"Variables": {**env, "DEBUG_PAYLOADS": "true"}})


def _awslogs(group: str, prefix: str) -> dict[str, Any]:
    return {"logDriver": "awslogs",
            "options": {"awslogs-group": group, "awslogs-region": HOME_REGION, "awslogs-stream-prefix": prefix}}


def _seed_ecs(session: boto3.session.Session, seeded: Seeded) -> None:
    ecs = _client(session, "ecs", HOME_REGION)
    # The hardened one: non-root, read-only root, nothing added, secrets by reference.
    ecs.register_task_definition(
        family="card-tokenizer",
        executionRoleArn=seeded.roles["ecsTaskExecutionRole"],
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="512",
        memory="1024",
        runtimePlatform={"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
        containerDefinitions=[{
            "name": "app",
            "image": f"{REGISTRY}/card-tokenizer:3.2.0",
            "essential": True,
            "user": "10001:10001",
            "readonlyRootFilesystem": True,
            "linuxParameters": {"capabilities": {"drop": ["ALL"]}, "initProcessEnabled": True},
            "portMappings": [{"containerPort": 8443, "protocol": "tcp"}],
            "environment": [{"name": "LOG_LEVEL", "value": "info"}],
            "secrets": [{"name": "TOKEN_VAULT_KEY",
                         "valueFrom": _arn("ssm", "parameter/prod/card-tokenizer/vault-key")}],
            "logConfiguration": _awslogs("/ecs/card-tokenizer", "card-tokenizer"),
        }],
        tags=_tag_list(_tags("app", "card-tokenizer"), "key", "value"),
    )

    # The reporting jobs still run on the EC2 cluster set up before the Fargate move (gap).
    ecs.create_cluster(
        clusterName="settlement-reports",
        settings=[{"name": "containerInsights", "value": "disabled"}],
        tags=_tag_list(_tags("infra", "settlement-reports"), "key", "value"),
    )
    # Its monitoring daemon, which the reporting team installed from the vendor's sample (gap).
    ecs.register_task_definition(
        family="host-metrics-agent",
        networkMode="host",
        pidMode="host",
        requiresCompatibilities=["EC2"],
        containerDefinitions=[
            {
                "name": "agent",
                "image": "public.ecr.aws/example-vendor/host-agent:7.52.0",
                "essential": True,
                "memory": 256,
                "linuxParameters": {"capabilities": {"add": ["SYS_ADMIN", "SYS_PTRACE", "NET_ADMIN"]}},
                "logConfiguration": _awslogs("/ecs/host-metrics-agent", "agent"),
            },
            {
                "name": "cadvisor",
                "image": "gcr.io/cadvisor/cadvisor:v0.49.1",
                "essential": False,
                "memory": 128,
                "privileged": True,
                "logConfiguration": _awslogs("/ecs/host-metrics-agent", "cadvisor"),
            },
        ],
        tags=_tag_list(_tags("app", "settlement-reports"), "key", "value"),
    )


def _seed_codebuild(session: boto3.session.Session) -> None:
    iam = _client(session, "iam", GLOBAL_REGION)
    roles: dict[str, str] = {}
    for name, app, statements in (
        ("codebuild-card-api", "card-api", [
            _allow(["ecr:GetAuthorizationToken"], "*"),
            _allow(["ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
                    "ecr:CompleteLayerUpload", "ecr:PutImage"], [_arn("ecr", "repository/card-api")]),
            _allow(["logs:CreateLogStream", "logs:PutLogEvents"],
                   [_arn("logs", "log-group:/aws/codebuild/card-api-build:*")]),
            _allow(["ssm:GetParameters"], [_arn("ssm", "parameter/ci/card-api/*")]),
            _allow(["secretsmanager:GetSecretValue"], [_arn("secretsmanager", "secret:ci/sonar-token-*")]),
        ]),
        ("codebuild-settlement-reports", "settlement-reports", [
            _allow(["s3:PutObject"], ["arn:aws:s3:::acme-settlement-reports/*"]),
        ]),
    ):
        roles[name] = str(iam.create_role(
            RoleName=name, AssumeRolePolicyDocument=_trust("codebuild.amazonaws.com"),
            Description=f"CodeBuild service role of {app}",
            Tags=_tag_list(_tags("infra", app)),
        )["Role"]["Arn"])
        iam.put_role_policy(RoleName=name, PolicyName="build", PolicyDocument=_policy(*statements))

    codebuild = _client(session, "codebuild", HOME_REGION)
    # acme/card-api's buildspec.yml: docker build, Trivy gate, push. The Docker daemon needs
    # privileged mode; the credentials come from Parameter Store and Secrets Manager.
    codebuild.create_project(
        name="card-api-build",
        description="Builds, scans and pushes the card-api image (buildspec.yml in acme/card-api)",
        source={"type": "GITHUB", "location": "https://github.com/acme/card-api.git", "buildspec": "buildspec.yml"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={
            "type": "ARM_CONTAINER",
            "image": "aws/codebuild/amazonlinux2-aarch64-standard:3.0",
            "computeType": "BUILD_GENERAL1_SMALL",
            "privilegedMode": True,
            "environmentVariables": [
                {"name": "IMAGE_REPO_NAME", "value": "card-api", "type": "PLAINTEXT"},
                {"name": "CONTAINER_NAME", "value": "app", "type": "PLAINTEXT"},
                {"name": "TASKDEF_PATH", "value": "deploy/prod/taskdef.json", "type": "PLAINTEXT"},
                {"name": "MAVEN_REPO_PASSWORD", "value": "/ci/card-api/maven-repo-password",
                 "type": "PARAMETER_STORE"},
                {"name": "SONAR_TOKEN", "value": "ci/sonar-token:token", "type": "SECRETS_MANAGER"},
            ],
        },
        serviceRole=roles["codebuild-card-api"],
        logsConfig={
            "cloudWatchLogs": {"status": "ENABLED", "groupName": "/aws/codebuild/card-api-build"},
            "s3Logs": {"status": "ENABLED", "location": f"acme-ci-logs-{DEMO_ACCOUNT}/codebuild/card-api-build",
                       "encryptionDisabled": False},
        },
        tags=_tag_list(_tags("infra", "card-api"), "key", "value"),
    )
    # Built by hand in 2021 to upload the monthly reports to the scheme's bucket (gaps).
    codebuild.create_project(
        name="settlement-report-build",
        description="Monthly settlement reports (legacy)",
        source={"type": "BITBUCKET",
                "location": f"https://x-token-auth:{_FAKE_BITBUCKET_TOKEN}@bitbucket.org/acme/settlement-reports.git"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/standard:7.0",
            "computeType": "BUILD_GENERAL1_SMALL",
            "privilegedMode": False,
            "environmentVariables": [
                {"name": "REPORT_BUCKET", "value": "acme-settlement-reports", "type": "PLAINTEXT"},
                {"name": "AWS_ACCESS_KEY_ID", "value": _EXAMPLE_KEY_ID, "type": "PLAINTEXT"},
                {"name": "AWS_SECRET_ACCESS_KEY", "value": _EXAMPLE_SECRET_KEY, "type": "PLAINTEXT"},
            ],
        },
        serviceRole=roles["codebuild-settlement-reports"],
        logsConfig={"cloudWatchLogs": {"status": "DISABLED"}, "s3Logs": {"status": "DISABLED"}},
        tags=_tag_list(_tags("app", "settlement-reports"), "key", "value"),
    )
