"""Step Functions checks against moto."""

from __future__ import annotations

import json

from tests.conftest import ACCOUNT, Aws, outcomes, run_check, workload_role


def test_state_machine_logging(aws: Aws) -> None:
    role = workload_role(aws)
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
