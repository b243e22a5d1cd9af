"""Read what an ARN says about its resource, for questions asked about an ARN alone."""

from __future__ import annotations

from dataclasses import dataclass

# (service, resource-type prefix) -> CloudFormation type
_TYPES = {
    ("ecs", "task-definition"): "AWS::ECS::TaskDefinition",
    ("ecs", "cluster"): "AWS::ECS::Cluster",
    ("ecs", "service"): "AWS::ECS::Service",
    ("ecr", "repository"): "AWS::ECR::Repository",
    ("s3", ""): "AWS::S3::Bucket",
    ("kms", "key"): "AWS::KMS::Key",
    ("cloudtrail", "trail"): "AWS::CloudTrail::Trail",
    ("iam", "user"): "AWS::IAM::User",
    ("iam", "role"): "AWS::IAM::Role",
    ("lambda", "function"): "AWS::Lambda::Function",
    ("sqs", ""): "AWS::SQS::Queue",
    ("states", "stateMachine"): "AWS::StepFunctions::StateMachine",
    ("events", "rule"): "AWS::Events::Rule",
    ("rds", "db"): "AWS::RDS::DBInstance",
    ("secretsmanager", "secret"): "AWS::SecretsManager::Secret",
}


@dataclass(frozen=True)
class ParsedArn:
    partition: str
    service: str
    region: str
    account: str
    resource: str
    type: str
    name: str


def parse_arn(arn: str) -> ParsedArn | None:
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    _, partition, service, region, account, resource = parts
    kind, sep, rest = resource.partition("/") if "/" in resource else resource.partition(":")
    if not sep:
        kind, rest = "", resource
    cfn_type = _TYPES.get((service, kind), f"AWS::{service.upper()}::{kind or 'Resource'}")
    name = rest.rsplit("/", 1)[-1] if rest else resource
    return ParsedArn(partition, service, region or "global", account, resource, cfn_type, name)
