"""Lambda, SQS, Step Functions, EventBridge, RDS and Secrets Manager: the inventory around the checks.

These slices feed ownership attribution (every resource needs a team) and the checks to come.
"""

from __future__ import annotations

from typing import Any

from cardaudit.collect.api import Api, tag_dict
from cardaudit.models.inventory import (
    AwsResource,
    EventRule,
    LambdaFunction,
    RdsInstance,
    Secret,
    SqsQueue,
    StateMachine,
)
from cardaudit.redact import env_var


def collect_lambda(api: Api) -> dict[str, list[AwsResource]]:
    def read(f: dict[str, Any]) -> AwsResource:
        env = (f.get("Environment") or {}).get("Variables") or {}
        return LambdaFunction(
            arn=f["FunctionArn"], account=api.account, region=api.region, name=f["FunctionName"],
            tags=api.detail("list_tags", lambda r: dict(r.get("Tags", {})), Resource=f["FunctionArn"]),
            runtime=f.get("Runtime"), role=f.get("Role"), kms_key_arn=f.get("KMSKeyArn"),
            environment=[env_var(k, str(v)) for k, v in sorted(env.items())],
        )

    return {"lambda_functions": api.each(read, api.pages("list_functions", "Functions"))}


def collect_sqs(api: Api) -> dict[str, list[AwsResource]]:
    def read(url: str) -> AwsResource:
        attrs = api.call("get_queue_attributes", QueueUrl=url, AttributeNames=["All"]).get("Attributes", {})
        return SqsQueue(
            arn=attrs.get("QueueArn", url), account=api.account, region=api.region, name=url.rsplit("/", 1)[-1],
            tags=api.detail("list_queue_tags", lambda r: dict(r.get("Tags", {})), QueueUrl=url),
            url=url, kms_key_id=attrs.get("KmsMasterKeyId"),
            sqs_managed_sse=attrs.get("SqsManagedSseEnabled") == "true",
        )

    return {"sqs_queues": api.each(read, api.pages("list_queues", "QueueUrls"))}


def collect_stepfunctions(api: Api) -> dict[str, list[AwsResource]]:
    def read(sm: dict[str, Any]) -> AwsResource:
        arn = sm["stateMachineArn"]
        return StateMachine(
            arn=arn, account=api.account, region=api.region, name=sm["name"],
            tags=api.detail("list_tags_for_resource", lambda r: tag_dict(r.get("tags"), "key", "value"),
                            resourceArn=arn),
            logging_level=api.detail("describe_state_machine",
                                     lambda r: str((r.get("loggingConfiguration") or {}).get("level", "OFF")),
                                     stateMachineArn=arn),
        )

    return {"sfn_state_machines": api.each(read, api.pages("list_state_machines", "stateMachines"))}


def collect_events(api: Api) -> dict[str, list[AwsResource]]:
    def read(rule: dict[str, Any]) -> AwsResource:
        arn = rule["Arn"]
        return EventRule(
            arn=arn, account=api.account, region=api.region, name=rule["Name"],
            tags=api.detail("list_tags_for_resource", lambda r: tag_dict(r.get("Tags")), ResourceARN=arn),
            state=rule.get("State", ""), schedule=rule.get("ScheduleExpression"),
            targets=api.detail("list_targets_by_rule", lambda r: [t["Arn"] for t in r.get("Targets", [])],
                               Rule=rule["Name"], EventBusName=rule.get("EventBusName", "default")),
        )

    return {"events_rules": api.each(read, api.pages("list_rules", "Rules"))}


def collect_rds(api: Api) -> dict[str, list[AwsResource]]:
    instances: list[AwsResource] = []
    for db in api.pages("describe_db_instances", "DBInstances"):
        instances.append(RdsInstance(
            arn=db["DBInstanceArn"], account=api.account, region=api.region, name=db["DBInstanceIdentifier"],
            tags=tag_dict(db.get("TagList")), engine=db.get("Engine", ""),
            storage_encrypted=bool(db.get("StorageEncrypted", False)), kms_key_id=db.get("KmsKeyId"),
            publicly_accessible=bool(db.get("PubliclyAccessible", False)),
        ))
    return {"rds_instances": instances}


def collect_secretsmanager(api: Api) -> dict[str, list[AwsResource]]:
    secrets: list[AwsResource] = []
    for s in api.pages("list_secrets", "SecretList"):
        secrets.append(Secret(
            arn=s["ARN"], account=api.account, region=api.region, name=s["Name"],
            tags=tag_dict(s.get("Tags")), rotation_enabled=bool(s.get("RotationEnabled", False)),
        ))
    return {"secrets": secrets}
