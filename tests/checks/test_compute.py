"""Lambda, ECS service and Step Functions checks against moto."""

from __future__ import annotations

import io
import json
import zipfile

from tests.conftest import ACCOUNT, Aws, outcomes, run_check

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com", "states.amazonaws.com"]},
     "Action": "sts:AssumeRole"}]})


def _role(aws: Aws) -> str:
    arn: str = aws.client("iam").create_role(RoleName="workload", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    return arn


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def test_lambda_plaintext_secrets(aws: Aws) -> None:
    role = _role(aws)
    lam = aws.client("lambda")
    for name, env in (("card-events-consumer", {"QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/1/q"}),
                      ("fx-rates", {"FX_API_KEY": "k3y-Zr9-plaintext", "LOG_LEVEL": "info"})):
        lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="handler.handler",
                            Code={"ZipFile": _zip()}, Environment={"Variables": env})
    inventory = aws.collect("lambda")
    findings = run_check("lambda_function_no_plaintext_secrets", inventory)
    assert outcomes(findings) == {("card-events-consumer", "PASS"), ("fx-rates", "FAIL")}
    assert "k3y-Zr9-plaintext" not in inventory.model_dump_json() + findings[0].model_dump_json()
    aws.deny("lambda", "ListFunctions")
    assert outcomes(run_check("lambda_function_no_plaintext_secrets", aws.collect("lambda"))) == {
        ("*@eu-west-1", "NOT_ASSESSED")}


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


def test_state_machine_logging(aws: Aws) -> None:
    role = _role(aws)
    sfn = aws.client("stepfunctions")
    definition = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})
    log_group = f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/aws/states/daily-settlement:*"
    sfn.create_state_machine(name="daily-settlement-ingest", definition=definition, roleArn=role,
                             loggingConfiguration={"level": "ALL", "includeExecutionData": False, "destinations": [
                                 {"cloudWatchLogsLogGroup": {"logGroupArn": log_group}}]})
    sfn.create_state_machine(name="card-reissue", definition=definition, roleArn=role)
    assert outcomes(run_check("sfn_state_machine_logging_enabled", aws.collect("stepfunctions"))) == {
        ("daily-settlement-ingest", "PASS"), ("card-reissue", "FAIL")}
    aws.deny("stepfunctions", "DescribeStateMachine")  # per machine: the listing still works
    assert outcomes(run_check("sfn_state_machine_logging_enabled", aws.collect("stepfunctions"))) == {
        ("daily-settlement-ingest", "NOT_ASSESSED"), ("card-reissue", "NOT_ASSESSED")}
