"""Render deploy/'s CloudFormation templates and state machine from cardaudit itself.

The audit role's read-only policy is `cardaudit iam-policy` (`collect.policy.render_policy`), copied
verbatim into the audit task's role and into the member-account role; the state machine is
`deploy/state-machine.asl.json`, embedded in the audit-account template. Edit this file (or the
ASL file), then run:

    python deploy/render.py        (writes deploy/*.json; tests/test_deploy.py checks they are current)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from cardaudit.collect.policy import render_policy  # noqa: E402

AUDIT_TEMPLATE = HERE / "cardaudit-audit-account.json"
MEMBER_TEMPLATE = HERE / "cardaudit-member-role.json"
STATE_MACHINE = HERE / "state-machine.asl.json"
CONTAINER = "cardaudit"
TASK_ROLE = "cardaudit-audit-task"  # the member roles trust this role of the audit account
REPORTS = "runs/"  # every report key starts here


def read_only_statement() -> dict[str, Any]:
    """The one statement of `cardaudit iam-policy`, as printed."""
    statement: dict[str, Any] = json.loads(render_policy())["Statement"][0]
    return statement


def _param(kind: str, description: str, **more: Any) -> dict[str, Any]:
    return {"Type": kind, "Description": description, **more}


def _sub(text: str) -> dict[str, str]:
    return {"Fn::Sub": text}


def _bucket_arn(suffix: str = "") -> dict[str, str]:
    return _sub("arn:${AWS::Partition}:s3:::${ReportBucket}" + suffix)


def report_statements() -> list[dict[str, Any]]:
    """The audit task's only write: PutObject of its reports under runs/, encrypted with the report key."""
    return [
        {"Sid": "CardauditReportSink", "Effect": "Allow", "Action": ["s3:PutObject"],
         "Resource": _bucket_arn(f"/{REPORTS}*")},
        {"Sid": "CardauditReportKey", "Effect": "Allow", "Action": ["kms:GenerateDataKey"],
         "Resource": {"Fn::GetAtt": ["ReportKey", "Arn"]}},
    ]


def merge_statements() -> list[dict[str, Any]]:
    """The merge task reads the shards' reports back and writes the merged ones; it reads nothing else."""
    return [
        {"Sid": "CardauditListReports", "Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": _bucket_arn(),
         "Condition": {"StringLike": {"s3:prefix": [f"{REPORTS}*"]}}},
        {"Sid": "CardauditReadWriteReports", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
         "Resource": _bucket_arn(f"/{REPORTS}*")},
        {"Sid": "CardauditReportKey", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
         "Resource": {"Fn::GetAtt": ["ReportKey", "Arn"]}},
    ]


def _ecs_trust() -> dict[str, Any]:
    return _service_trust("ecs-tasks.amazonaws.com")


def _service_trust(service: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}}]}


def _deny_insecure(bucket: str) -> dict[str, Any]:
    return {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [_sub(f"arn:${{AWS::Partition}}:s3:::${{{bucket}}}"),
                         _sub(f"arn:${{AWS::Partition}}:s3:::${{{bucket}}}/*")],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def _block_public() -> dict[str, bool]:
    return {"BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True}


def _container(environment: dict[str, Any], stream: str) -> dict[str, Any]:
    return {
        "Name": CONTAINER, "Image": {"Ref": "ImageUri"}, "Essential": True, "User": "10001:10001",
        "ReadonlyRootFilesystem": True, "Privileged": False,
        "MountPoints": [{"SourceVolume": "tmp", "ContainerPath": "/tmp",  # noqa: S108 -- the task's own volume
                         "ReadOnly": False}],
        "Environment": [{"Name": k, "Value": v} for k, v in environment.items()],
        "LogConfiguration": {"LogDriver": "awslogs", "Options": {
            "awslogs-group": {"Ref": "TaskLogGroup"}, "awslogs-region": {"Ref": "AWS::Region"},
            "awslogs-stream-prefix": stream}},
    }


def _task_definition(family: str, role: str, environment: dict[str, Any], stream: str) -> dict[str, Any]:
    return {"Type": "AWS::ECS::TaskDefinition", "Properties": {
        "Family": family, "Cpu": "1024", "Memory": "2048", "NetworkMode": "awsvpc",
        "RequiresCompatibilities": ["FARGATE"], "RuntimePlatform": {"OperatingSystemFamily": "LINUX"},
        "ExecutionRoleArn": {"Fn::GetAtt": ["ExecutionRole", "Arn"]}, "TaskRoleArn": {"Fn::GetAtt": [role, "Arn"]},
        "Volumes": [{"Name": "tmp"}], "ContainerDefinitions": [_container(environment, stream)]}}


def audit_template() -> dict[str, Any]:
    sse = {"CARDAUDIT_S3_SSE": "aws:kms", "CARDAUDIT_S3_KMS_KEY_ID": {"Fn::GetAtt": ["ReportKey", "Arn"]},
           "CARDAUDIT_LOG_FORMAT": "json", "CARDAUDIT_SOFT_FAIL": "true"}
    resources: dict[str, Any] = {
        "ReportKey": {"Type": "AWS::KMS::Key", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
                      "Properties": {
            "Description": "cardaudit reports and logs", "EnableKeyRotation": True,
            "KeyPolicy": {"Version": "2012-10-17", "Statement": [
                {"Sid": "AccountAdministers", "Effect": "Allow",
                 "Principal": {"AWS": _sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
                 "Action": "kms:*", "Resource": "*"},
                {"Sid": "CloudWatchLogsEncrypts", "Effect": "Allow",
                 "Principal": {"Service": _sub("logs.${AWS::Region}.amazonaws.com")},
                 "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                 "Resource": "*", "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": _sub(
                     "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/cardaudit/*")}}}]}}},
        "ReportKeyAlias": {"Type": "AWS::KMS::Alias", "Properties": {
            "AliasName": "alias/cardaudit-reports", "TargetKeyId": {"Ref": "ReportKey"}}},
        "AccessLogBucket": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
                            "Properties": {
            # Server access logs can be delivered only to an SSE-S3 bucket.
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
            "VersioningConfiguration": {"Status": "Enabled"}, "PublicAccessBlockConfiguration": _block_public(),
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            "LifecycleConfiguration": {"Rules": [{"Id": "expire-access-logs", "Status": "Enabled",
                                                  "ExpirationInDays": {"Ref": "RetentionDays"},
                                                  "NoncurrentVersionExpiration": {"NoncurrentDays": 30}}]}}},
        "AccessLogBucketPolicy": {"Type": "AWS::S3::BucketPolicy", "Properties": {
            "Bucket": {"Ref": "AccessLogBucket"}, "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                _deny_insecure("AccessLogBucket"),
                {"Sid": "S3ServerAccessLogs", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
                 "Action": "s3:PutObject", "Resource": _sub("arn:${AWS::Partition}:s3:::${AccessLogBucket}/reports/*"),
                 "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}}]}}},
        "ReportBucket": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
                         "Properties": {
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [{
                "ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                  "KMSMasterKeyID": {"Fn::GetAtt": ["ReportKey", "Arn"]}},
                "BucketKeyEnabled": True}]},
            "VersioningConfiguration": {"Status": "Enabled"}, "PublicAccessBlockConfiguration": _block_public(),
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            "LoggingConfiguration": {"DestinationBucketName": {"Ref": "AccessLogBucket"},
                                     "LogFilePrefix": "reports/"},
            "LifecycleConfiguration": {"Rules": [{
                "Id": "reports", "Status": "Enabled", "Prefix": REPORTS,
                "Transitions": [{"StorageClass": "STANDARD_IA", "TransitionInDays": 30}],
                "ExpirationInDays": {"Ref": "RetentionDays"},
                "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}]}}},
        "ReportBucketPolicy": {"Type": "AWS::S3::BucketPolicy", "Properties": {
            "Bucket": {"Ref": "ReportBucket"}, "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                _deny_insecure("ReportBucket"),
                {"Sid": "DenyPutWithoutReportKey", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
                 "Resource": _bucket_arn("/*"),
                 "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}}]}}},
        "TaskLogGroup": {"Type": "AWS::Logs::LogGroup", "Properties": {
            "LogGroupName": "/cardaudit/tasks", "RetentionInDays": 400,
            "KmsKeyId": {"Fn::GetAtt": ["ReportKey", "Arn"]}}},
        "StateMachineLogGroup": {"Type": "AWS::Logs::LogGroup", "Properties": {
            "LogGroupName": "/cardaudit/state-machine", "RetentionInDays": 400,
            "KmsKeyId": {"Fn::GetAtt": ["ReportKey", "Arn"]}}},
        "Cluster": {"Type": "AWS::ECS::Cluster", "Properties": {
            "ClusterName": "cardaudit", "ClusterSettings": [{"Name": "containerInsights", "Value": "enabled"}]}},
        "ExecutionRole": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": _ecs_trust(),
            "ManagedPolicyArns": [_sub("arn:${AWS::Partition}:iam::aws:policy/service-role/"
                                       "AmazonECSTaskExecutionRolePolicy")]}},
        "AuditTaskRole": {"Type": "AWS::IAM::Role", "Properties": {
            "RoleName": TASK_ROLE, "AssumeRolePolicyDocument": _ecs_trust(),
            "Policies": [
                {"PolicyName": "cardaudit-read-only",
                 "PolicyDocument": {"Version": "2012-10-17", "Statement": [read_only_statement()]}},
                {"PolicyName": "cardaudit-report-sink",
                 "PolicyDocument": {"Version": "2012-10-17", "Statement": report_statements()}}]}},
        "MergeTaskRole": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": _ecs_trust(),
            "Policies": [{"PolicyName": "cardaudit-merge",
                          "PolicyDocument": {"Version": "2012-10-17", "Statement": merge_statements()}}]}},
        "AuditTaskDefinition": _task_definition("cardaudit-audit", "AuditTaskRole", {
            "CARDAUDIT_COMMAND": "audit", "CARDAUDIT_ACCOUNTS": "organization",
            "CARDAUDIT_ROLE_NAME": {"Ref": "MemberRoleName"}, "CARDAUDIT_EXTERNAL_ID": {"Ref": "ExternalId"},
            "CARDAUDIT_REGIONS": {"Ref": "Regions"}, "CARDAUDIT_FORMAT": "json", **sse}, "audit"),
        "MergeTaskDefinition": _task_definition("cardaudit-merge", "MergeTaskRole", {
            "CARDAUDIT_COMMAND": "merge", "CARDAUDIT_FORMAT": "json,html,sarif,csv,asff", **sse}, "merge"),
        "StateMachineRole": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": _service_trust("states.amazonaws.com"),
            "Policies": [{"PolicyName": "run-cardaudit-tasks", "PolicyDocument": {
                "Version": "2012-10-17", "Statement": [
                {"Sid": "RunTasks", "Effect": "Allow", "Action": ["ecs:RunTask"],
                 "Resource": [{"Ref": "AuditTaskDefinition"}, {"Ref": "MergeTaskDefinition"}]},
                {"Sid": "FollowTasks", "Effect": "Allow", "Action": ["ecs:StopTask", "ecs:DescribeTasks"],
                 "Resource": _sub("arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:task/cardaudit/*")},
                {"Sid": "PassTaskRoles", "Effect": "Allow", "Action": ["iam:PassRole"],
                 "Resource": [{"Fn::GetAtt": [r, "Arn"]} for r in ("ExecutionRole", "AuditTaskRole", "MergeTaskRole")],
                 "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}},
                {"Sid": "SyncEcsTasks", "Effect": "Allow",
                 "Action": ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
                 "Resource": _sub("arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/"
                                  "StepFunctionsGetEventsForECSTaskRule")},
                {"Sid": "DistributedMapChildren", "Effect": "Allow",
                 "Action": ["states:StartExecution", "states:DescribeExecution", "states:StopExecution"],
                 "Resource": [_sub("arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:"
                                   "stateMachine:cardaudit"),
                              _sub("arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:"
                                   "execution:cardaudit/*")]},
                {"Sid": "ExecutionLogs", "Effect": "Allow",
                 "Action": ["logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
                            "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
                            "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"],
                 "Resource": "*"}]}}]}},
        "StateMachine": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
            "StateMachineName": "cardaudit", "StateMachineType": "STANDARD",
            "RoleArn": {"Fn::GetAtt": ["StateMachineRole", "Arn"]},
            "Definition": json.loads(STATE_MACHINE.read_text(encoding="utf-8")),
            "DefinitionSubstitutions": {
                "ClusterArn": {"Fn::GetAtt": ["Cluster", "Arn"]},
                "AuditTaskDefinitionArn": {"Ref": "AuditTaskDefinition"},
                "MergeTaskDefinitionArn": {"Ref": "MergeTaskDefinition"},
                "ReportBucket": {"Ref": "ReportBucket"}},
            "LoggingConfiguration": {"Level": "ERROR", "IncludeExecutionData": False, "Destinations": [
                {"CloudWatchLogsLogGroup": {"LogGroupArn": {"Fn::GetAtt": ["StateMachineLogGroup", "Arn"]}}}]},
            "TracingConfiguration": {"Enabled": True}}},
        "SchedulerRole": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": _service_trust("scheduler.amazonaws.com"),
            "Policies": [{"PolicyName": "start-cardaudit", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "states:StartExecution", "Resource": {"Ref": "StateMachine"}}]}}]}},
        "Schedule": {"Type": "AWS::Scheduler::Schedule", "Properties": {
            "Description": "cardaudit over the organisation, sharded",
            "ScheduleExpression": {"Ref": "ScheduleExpression"},
            "ScheduleExpressionTimezone": "UTC", "FlexibleTimeWindow": {"Mode": "OFF"},
            "Target": {"Arn": {"Ref": "StateMachine"}, "RoleArn": {"Fn::GetAtt": ["SchedulerRole", "Arn"]},
                       "Input": {"Fn::Sub": [
                           '{"shardCount": ${ShardCount}, "subnets": ["${Subnets}"], '
                           '"securityGroups": ["${SecurityGroups}"]}',
                           {"Subnets": {"Fn::Join": ['", "', {"Ref": "Subnets"}]},
                            "SecurityGroups": {"Fn::Join": ['", "', {"Ref": "SecurityGroups"}]}}]}}}},
    }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "cardaudit in the audit account: an EventBridge Scheduler schedule starts a Step Functions "
                       "state machine whose Distributed Map runs one Fargate task per shard, then a merge task; "
                       "reports go to a KMS-encrypted, versioned, TLS-only bucket. Rendered by deploy/render.py.",
        "Parameters": {
            "ImageUri": _param("String", "The cardaudit image built from the Dockerfile, by digest "
                                         "(ACCOUNT.dkr.ecr.REGION.amazonaws.com/cardaudit@sha256:...)."),
            "MemberRoleName": _param("String", "The read-only role deploy/cardaudit-member-role.json creates "
                                               "in each account.", Default="cardaudit-audit"),
            "ExternalId": _param("String", "ExternalId the member roles require, if any.", Default=""),
            "Regions": _param("String", "Comma-separated regions; empty: every enabled region.", Default=""),
            "ShardCount": _param("Number", "Fargate tasks per run; accounts go to shards by a hash of their id.",
                                 Default=5, MinValue=1, MaxValue=200),
            "ScheduleExpression": _param("String", "When to run (UTC).", Default="cron(0 2 * * ? *)"),
            "Subnets": _param("List<AWS::EC2::Subnet::Id>",
                              "Private subnets with a route to the AWS APIs (NAT or VPC endpoints)."),
            "SecurityGroups": _param("List<AWS::EC2::SecurityGroup::Id>", "Egress to HTTPS only."),
            "RetentionDays": _param("Number", "Days reports are kept (PCI DSS 10.5.1 asks for a year of audit "
                                              "history).", Default=400, MinValue=366),
        },
        "Resources": resources,
        "Outputs": {
            "ReportBucketName": {"Value": {"Ref": "ReportBucket"}},
            "StateMachineArn": {"Value": {"Ref": "StateMachine"}},
            "AuditTaskRoleArn": {"Value": {"Fn::GetAtt": ["AuditTaskRole", "Arn"]},
                                 "Description": "Give this to the member-role StackSet (AuditAccountId)."},
        },
    }


def member_template() -> dict[str, Any]:
    trust = {"Effect": "Allow", "Action": "sts:AssumeRole",
             "Principal": {"AWS": _sub(f"arn:${{AWS::Partition}}:iam::${{AuditAccountId}}:role/{TASK_ROLE}")}}
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "cardaudit's read-only audit role in a member account (deploy with a service-managed "
                       "StackSet over the organisation). Its policy is `cardaudit iam-policy`. Rendered by "
                       "deploy/render.py.",
        "Parameters": {
            "AuditAccountId": {"Type": "String", "AllowedPattern": "^[0-9]{12}$",
                               "Description": "The account that runs cardaudit (its task role assumes this role)."},
            "RoleName": {"Type": "String", "Default": "cardaudit-audit"},
            "ExternalId": {"Type": "String", "Default": "", "Description": "Required ExternalId; empty: none."},
        },
        "Conditions": {"HasExternalId": {"Fn::Not": [{"Fn::Equals": [{"Ref": "ExternalId"}, ""]}]}},
        "Resources": {"AuditRole": {"Type": "AWS::IAM::Role", "Properties": {
            "RoleName": {"Ref": "RoleName"}, "MaxSessionDuration": 3600,
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Fn::If": [
                "HasExternalId",
                {**trust, "Condition": {"StringEquals": {"sts:ExternalId": {"Ref": "ExternalId"}}}},
                trust]}]},
            "Policies": [{"PolicyName": "cardaudit-read-only",
                          "PolicyDocument": {"Version": "2012-10-17", "Statement": [read_only_statement()]}}]}}},
        "Outputs": {"AuditRoleArn": {"Value": {"Fn::GetAtt": ["AuditRole", "Arn"]}}},
    }


def rendered() -> dict[Path, str]:
    return {AUDIT_TEMPLATE: json.dumps(audit_template(), indent=2) + "\n",
            MEMBER_TEMPLATE: json.dumps(member_template(), indent=2) + "\n"}


if __name__ == "__main__":
    for path, text in rendered().items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
