"""ECS task definition and service checks against moto: FAIL, PASS and NOT_ASSESSED with exact outcomes."""

from __future__ import annotations

from typing import Any

from tests.conftest import Aws, outcomes, run_check

LOGGING = "ecs_task_definition_logging_configured"
SECRETS = "ecs_task_definition_no_plaintext_secrets"
AWSLOGS = {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/x", "awslogs-region": "eu-west-1",
                                               "awslogs-stream-prefix": "x"}}


def container(name: str, log: bool = True, env: dict[str, str] | None = None, **extra: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": name, "image": f"111122223333.dkr.ecr.eu-west-1.amazonaws.com/{name}:1",
                            "memory": 512, **extra}
    if log:
        spec["logConfiguration"] = AWSLOGS
    if env:
        spec["environment"] = [{"name": k, "value": v} for k, v in env.items()]
    return spec


def register(aws: Aws, family: str, *containers: dict[str, Any]) -> None:
    aws.client("ecs").register_task_definition(family=family, containerDefinitions=list(containers),
                                               networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
                                               cpu="256", memory="512")


def test_logging_fail_and_pass_only_latest_revision(aws: Aws) -> None:
    register(aws, "card-api", container("app", log=False))  # revision 1, superseded
    register(aws, "card-api", container("app"))  # revision 2
    register(aws, "auth-api", container("app"), container("envoy", log=False))
    register(aws, "legacy-worker", container("worker", log=False, logConfiguration={"logDriver": "json-file"}))
    findings = run_check(LOGGING, aws.collect("ecs"))
    assert outcomes(findings) == {("card-api:2", "PASS"), ("auth-api:1", "FAIL"), ("legacy-worker:1", "FAIL")}
    legacy = next(f for f in findings if f.resource.name == "legacy-worker:1")
    assert legacy.reason == "container worker logs only to the host (json-file)"
    failed = next(f for f in findings if f.resource.name == "auth-api:1")
    assert failed.evidence["containers_without_logging"] == ["envoy"]


def test_plaintext_secret_fails_and_value_never_leaves(aws: Aws) -> None:
    password = "Sup3r-Secret-Ledger-2024!"
    register(aws, "ledger-ingest", container("ingest", env={"DB_USER": "ledger", "DB_PASS": password}))
    secret_arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db"
    register(aws, "card-api", container("app", env={"LOG_LEVEL": "info", "PASSPORT_COUNTRY": "FR"},
                                        secrets=[{"name": "DB_PASSWORD", "valueFrom": secret_arn}]))
    register(aws, "worker", container("app", env={"UPSTREAM": "postgres://svc:hunter22@db:5432/x",
                                                  "API_TOKEN_SECRET_ARN": secret_arn}))
    inventory = aws.collect("ecs")
    findings = run_check(SECRETS, inventory)
    assert outcomes(findings) == {("ledger-ingest:1", "FAIL"), ("card-api:1", "PASS"), ("worker:1", "FAIL")}
    ledger = next(f for f in findings if f.resource.name == "ledger-ingest:1")
    assert ledger.evidence["variables"] == ["ingest.DB_PASS"]
    dumped = inventory.model_dump_json() + "".join(f.model_dump_json() for f in findings)
    assert password not in dumped and "hunter22" not in dumped


def test_denied_listing_is_not_assessed_for_that_region_only(aws: Aws) -> None:
    register(aws, "card-api", container("app"))
    aws.client("ecs", "us-east-1").register_task_definition(family="edge", containerDefinitions=[container("app")])
    aws.deny("ecs", "ListTaskDefinitions")
    findings = run_check(LOGGING, aws.collect("ecs", regions=["eu-west-1", "us-east-1"]))
    assert outcomes(findings) == {("*@eu-west-1", "NOT_ASSESSED"), ("*@us-east-1", "NOT_ASSESSED")}
    assert all("AccessDenied" in f.reason for f in findings)


def test_denied_in_one_region_keeps_the_other(aws: Aws) -> None:
    register(aws, "card-api", container("app"))
    aws.client("ecs", "us-east-1").register_task_definition(family="edge", containerDefinitions=[container("app")])
    aws.deny("ecs", "DescribeTaskDefinition", region="us-east-1")  # e.g. a regional SCP
    findings = run_check(LOGGING, aws.collect("ecs", regions=["eu-west-1", "us-east-1"]))
    assert outcomes(findings) == {("card-api:1", "PASS"), ("*@us-east-1", "NOT_ASSESSED")}


def test_throttled_after_retries_is_not_assessed(aws: Aws) -> None:
    register(aws, "card-api", container("app"))
    aws.deny("ecs", "ListTaskDefinitions", code="ThrottlingException")
    findings = run_check(SECRETS, aws.collect("ecs"))
    assert outcomes(findings) == {("*@eu-west-1", "NOT_ASSESSED")}
    assert "ThrottlingException" in findings[0].reason


def _network(aws: Aws) -> tuple[str, str]:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="svc", Description="svc", VpcId=vpc)["GroupId"]
    return subnet, group


def test_ecs_service_public_ip(aws: Aws) -> None:
    subnet, group = _network(aws)
    ecs = aws.client("ecs")
    ecs.create_cluster(clusterName="cards-prod")
    ecs.register_task_definition(family="svc", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
                                 cpu="256", memory="512", containerDefinitions=[{"name": "app", "image": "x"}])
    for name, public in (("card-api", "DISABLED"), ("status-page", "ENABLED")):
        ecs.create_service(cluster="cards-prod", serviceName=name, taskDefinition="svc", desiredCount=1,
                           launchType="FARGATE", networkConfiguration={"awsvpcConfiguration": {
                               "subnets": [subnet], "securityGroups": [group], "assignPublicIp": public}})
    assert outcomes(run_check("ecs_service_no_public_ip", aws.collect("ecs"))) == {
        ("card-api", "PASS"), ("status-page", "FAIL")}
    aws.deny("ecs", "ListServices")
    assert outcomes(run_check("ecs_service_no_public_ip", aws.collect("ecs"))) == {("*@eu-west-1", "NOT_ASSESSED")}


# --- hardening ------------------------------------------------------------------------------------

PRIVILEGED = "ecs_task_definition_not_privileged"
READ_ONLY = "ecs_task_definition_read_only_root_filesystem"
NON_ROOT = "ecs_task_definition_non_root_user"
HOST_NAMESPACES = "ecs_task_definition_no_host_network_or_pid"
CAPABILITIES = "ecs_task_definition_no_added_capabilities"
INSIGHTS = "ecs_cluster_container_insights_enabled"
HARDENING = (PRIVILEGED, READ_ONLY, NON_ROOT, HOST_NAMESPACES, CAPABILITIES)


def _register_hardening_estate(aws: Aws) -> None:
    ecs = aws.client("ecs")
    # Revision 1 was privileged; only the latest active revision is judged.
    register(aws, "card-tokenizer", container("app", privileged=True))
    register(aws, "card-tokenizer", container("app", user="10001:10001", readonlyRootFilesystem=True,
                                              linuxParameters={"capabilities": {"add": ["NET_BIND_SERVICE"],
                                                                                "drop": ["ALL"]}}))
    register(aws, "card-api", container("app"), container("envoy", user="1337", readonlyRootFilesystem=True))
    register(aws, "batch", container("job", user="root:root", readonlyRootFilesystem=True,
                                     linuxParameters={"capabilities": {"add": ["SYS_PTRACE"]}}))
    agent = container("agent", user="0", privileged=True,
                      linuxParameters={"capabilities": {"add": ["CAP_SYS_ADMIN", "NET_ADMIN"]}})
    ecs.register_task_definition(family="host-agent", networkMode="host", pidMode="host",
                                 requiresCompatibilities=["EC2"], containerDefinitions=[agent])
    ecs.register_task_definition(family="ipc-shared", ipcMode="host", networkMode="bridge",
                                 containerDefinitions=[container("x", user="app", readonlyRootFilesystem=True)])
    ecs.register_task_definition(family="win-report", requiresCompatibilities=["EC2"],
                                 runtimePlatform={"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE",
                                                  "cpuArchitecture": "X86_64"},
                                 containerDefinitions=[container("report", user="ContainerAdministrator")])


def test_hardening_checks_exact_outcomes(aws: Aws) -> None:
    _register_hardening_estate(aws)
    inventory = aws.collect("ecs")
    assert outcomes(run_check(PRIVILEGED, inventory)) == {
        ("card-tokenizer:2", "PASS"), ("card-api:1", "PASS"), ("batch:1", "PASS"), ("host-agent:1", "FAIL"),
        ("ipc-shared:1", "PASS"), ("win-report:1", "PASS")}
    # Windows containers cannot have a read-only root: win-report is not judged.
    assert outcomes(run_check(READ_ONLY, inventory)) == {
        ("card-tokenizer:2", "PASS"), ("card-api:1", "FAIL"), ("batch:1", "PASS"), ("host-agent:1", "FAIL"),
        ("ipc-shared:1", "PASS")}
    non_root = run_check(NON_ROOT, inventory)
    assert outcomes(non_root) == {
        ("card-tokenizer:2", "PASS"), ("card-api:1", "FAIL"), ("batch:1", "FAIL"), ("host-agent:1", "FAIL"),
        ("ipc-shared:1", "PASS"), ("win-report:1", "FAIL")}
    card_api = next(f for f in non_root if f.resource.name == "card-api:1")
    # No user is the image's default, root unless the image says otherwise: a FAIL, not a PASS.
    assert card_api.reason == ("container app sets no user: it runs as its image's default user, "
                               "root unless the image sets USER")
    assert card_api.evidence["users"] == {"app": None, "envoy": "1337"}
    assert outcomes(run_check(HOST_NAMESPACES, inventory)) == {
        ("card-tokenizer:2", "PASS"), ("card-api:1", "PASS"), ("batch:1", "PASS"), ("host-agent:1", "FAIL"),
        ("ipc-shared:1", "FAIL"), ("win-report:1", "PASS")}
    capabilities = run_check(CAPABILITIES, inventory)
    # NET_BIND_SERVICE is in every container's default set: adding it changes nothing.
    assert outcomes(capabilities) == {
        ("card-tokenizer:2", "PASS"), ("card-api:1", "PASS"), ("batch:1", "FAIL"), ("host-agent:1", "FAIL"),
        ("ipc-shared:1", "PASS"), ("win-report:1", "PASS")}
    agent = next(f for f in capabilities if f.resource.name == "host-agent:1")
    assert agent.evidence["capabilities_added"] == {"agent": ["SYS_ADMIN", "NET_ADMIN"]}


def test_redacted_user_is_not_assessed(aws: Aws) -> None:
    register(aws, "odd", container("app", user="AKIAIOSFODNN7EXAMPLE"))  # a key pasted into `user`
    findings = run_check(NON_ROOT, aws.collect("ecs"))
    assert outcomes(findings) == {("odd:1", "NOT_ASSESSED")}
    assert "AKIAIOSFODNN7EXAMPLE" not in findings[0].model_dump_json()


def test_hardening_checks_not_assessed_when_blind(aws: Aws) -> None:
    _register_hardening_estate(aws)
    aws.deny("ecs", "ListTaskDefinitions")
    inventory = aws.collect("ecs")
    for check_id in HARDENING:
        assert outcomes(run_check(check_id, inventory)) == {("*@eu-west-1", "NOT_ASSESSED")}, check_id
    aws.reset()
    _register_hardening_estate(aws)
    aws.deny("ecs", "DescribeTaskDefinition")
    inventory = aws.collect("ecs")
    for check_id in HARDENING:
        findings = run_check(check_id, inventory)
        assert outcomes(findings) == {("*@eu-west-1", "NOT_ASSESSED")}, check_id
        assert "DescribeTaskDefinition" in findings[0].reason


def test_container_insights(aws: Aws) -> None:
    ecs = aws.client("ecs")
    ecs.create_cluster(clusterName="cards-prod", settings=[{"name": "containerInsights", "value": "enhanced"}])
    ecs.create_cluster(clusterName="cards-batch", settings=[{"name": "containerInsights", "value": "enabled"}])
    ecs.create_cluster(clusterName="settlement-reports")  # moto and AWS answer "disabled"
    findings = run_check(INSIGHTS, aws.collect("ecs"))
    assert outcomes(findings) == {("cards-prod", "PASS"), ("cards-batch", "PASS"), ("settlement-reports", "FAIL")}
    assert next(f for f in findings if f.resource.name == "settlement-reports").reason == "Container Insights disabled"
    aws.deny("ecs", "DescribeClusters")
    assert outcomes(run_check(INSIGHTS, aws.collect("ecs"))) == {("*@eu-west-1", "NOT_ASSESSED")}


def test_cluster_without_settings_fails(aws: Aws) -> None:
    # Recorded DescribeClusters answer (API reference shape) with no `settings` at all.
    arn = "arn:aws:ecs:eu-west-1:111122223333:cluster/old"
    aws.answer("ecs", "ListClusters", {"clusterArns": [arn]})
    aws.answer("ecs", "DescribeClusters", {"clusters": [{"clusterArn": arn, "clusterName": "old",
                                                         "status": "ACTIVE"}], "failures": []})
    aws.answer("ecs", "ListServices", {"serviceArns": []})
    findings = run_check(INSIGHTS, aws.collect("ecs"))
    assert outcomes(findings) == {("old", "FAIL")}
    assert findings[0].reason.startswith("the cluster has no containerInsights setting")
