"""The inventory: everything collected in one run, as typed slices that dump to JSON and load back.

Each slice records which (account, region) scopes were attempted and which failed, so the engine
can tell "nothing there" from "could not look". Per-resource details that could not be read are
`Unknown` values, which the type checker forces every check to handle.

The resource models live in `cardaudit.models.aws`, one module per AWS service, and are
re-exported here. Each declares its `ResourceType`; `resource_types()` lists the declarations of
every type the inventory holds, and the tables derived from them.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Generic, Literal, TypeVar

from pydantic import Field

from cardaudit.models.artifacts import (
    OTHER,
    BuildspecDoc,
    DockerfileDoc,
    RepoFile,
    RepoTaskDefinition,
    StepFunctionsDoc,
    TemplateDoc,
)
from cardaudit.models.aws.acm import AcmCertificate
from cardaudit.models.aws.apigateway import ApiGatewayDomainName, ApiGatewayStage
from cardaudit.models.aws.backup import BackupPlan, BackupRegionCoverage, BackupSelection, BackupVault, TagCondition
from cardaudit.models.aws.cloudformation import CloudFormationStack, StackResource
from cardaudit.models.aws.cloudfront import CloudFrontDistribution
from cardaudit.models.aws.cloudtrail import Trail
from cardaudit.models.aws.cloudwatch import MetricAlarm
from cardaudit.models.aws.codebuild import CodeBuildProject, CodeBuildSource, CodeBuildVariable
from cardaudit.models.aws.config import ConfigRecording
from cardaudit.models.aws.dynamodb import DynamoDbTable
from cardaudit.models.aws.ec2 import (
    EbsEncryptionByDefault,
    Instance,
    NetworkAcl,
    SecurityGroup,
    Snapshot,
    Volume,
    Vpc,
)
from cardaudit.models.aws.ecr import EcrImage, EcrRegistryScanning, EcrRepository, ImageScan, ScanRule, Vulnerability
from cardaudit.models.aws.ecs import EcsCluster, EcsService, EcsTaskDefinition
from cardaudit.models.aws.efs import EfsFileSystem
from cardaudit.models.aws.elb import ElbLoadBalancer
from cardaudit.models.aws.elbv2 import Elbv2LoadBalancer
from cardaudit.models.aws.events import EventRule
from cardaudit.models.aws.guardduty import GuardDutyDetector
from cardaudit.models.aws.iam import (
    AccessKey,
    IamGroup,
    IamManagedPolicy,
    IamPasswordPolicy,
    IamRole,
    IamRootAccount,
    IamUser,
    InlinePolicy,
)
from cardaudit.models.aws.inspector2 import InspectorAccountStatus
from cardaudit.models.aws.kms import KmsKey
from cardaudit.models.aws.lambda_ import LambdaFunction
from cardaudit.models.aws.logs import LogGroup, MetricFilter
from cardaudit.models.aws.policy import PolicyCondition, PolicyStatement
from cardaudit.models.aws.rds import RdsCluster, RdsClusterSnapshot, RdsInstance, RdsSnapshot, TlsParameter
from cardaudit.models.aws.resource import DEADLINE_REACHED, AwsResource, Unknown
from cardaudit.models.aws.s3 import AccessLogging, BucketEncryption, BucketPolicy, PublicAccessBlock, S3Bucket
from cardaudit.models.aws.s3control import S3AccountPublicAccessBlock
from cardaudit.models.aws.secretsmanager import Secret
from cardaudit.models.aws.securityhub import SecurityHubHub
from cardaudit.models.aws.sns import SnsTopic
from cardaudit.models.aws.sqs import SqsQueue
from cardaudit.models.aws.ssm import PatchState, SsmManagedInstance
from cardaudit.models.aws.stepfunctions import StateMachine
from cardaudit.models.aws.wafv2 import WafV2WebAcl
from cardaudit.models.awsverdicts import AwsVerdicts
from cardaudit.models.base import Frozen
from cardaudit.models.containers import EcsContainer, EnvVar, SecretRef, ValueShape
from cardaudit.models.evidence import EvidenceRecord
from cardaudit.models.resource_type import ResourceType

__all__ = [
    "OTHER", "AccessKey", "AccessLogging", "AcmCertificate", "ApiGatewayDomainName", "ApiGatewayStage", "AwsResource",
    "BackupPlan", "BackupRegionCoverage", "BackupSelection", "BackupVault", "BucketEncryption", "BucketPolicy",
    "CloudFrontDistribution", "CodeBuildProject", "CodeBuildSource", "CodeBuildVariable", "ConfigRecording",
    "DynamoDbTable", "EbsEncryptionByDefault", "EcrImage", "EcrRegistryScanning", "EcrRepository", "EcsCluster",
    "EcsContainer", "EcsService", "EcsTaskDefinition", "EfsFileSystem", "ElbLoadBalancer", "Elbv2LoadBalancer",
    "EnvVar", "EventRule", "GuardDutyDetector", "IamGroup", "IamManagedPolicy", "IamPasswordPolicy", "IamRole",
    "IamRootAccount", "IamUser", "ImageScan", "InlinePolicy", "InspectorAccountStatus", "Instance", "KmsKey",
    "LambdaFunction", "LogGroup", "MetricAlarm", "MetricFilter", "NetworkAcl", "PatchState", "PolicyCondition",
    "PolicyStatement", "PublicAccessBlock", "RdsCluster", "RdsClusterSnapshot", "RdsInstance", "RdsSnapshot",
    "RepoFile", "ResourceType", "S3AccountPublicAccessBlock", "S3Bucket", "ScanRule", "Secret", "SecretRef",
    "SecurityGroup", "SecurityHubHub", "Snapshot", "SnsTopic", "SqsQueue", "SsmManagedInstance", "StateMachine",
    "TagCondition", "TlsParameter", "Trail", "Unknown", "ValueShape", "Volume", "Vpc", "Vulnerability", "WafV2WebAcl",
]
__all__ += ["CloudFormationStack", "StackResource"]

GLOBAL = "global"
# Inventory attributes filled from repository checkouts rather than AWS.
REPO_SLICES = ("repo_task_definitions", "dockerfiles", "buildspecs", "templates", "stepfunctions")
REGION_NOT_ENABLED = "RegionNotEnabled"


class CollectionError(Frozen):
    """A list call that failed for a whole scope: the slice is blind there."""

    service: str
    operation: str
    code: str
    message: str
    account: str
    region: str

    @property
    def reason(self) -> str:
        if self.code == REGION_NOT_ENABLED:
            return f"region {self.region} is not enabled for account {self.account}"
        if self.code == DEADLINE_REACHED:
            return f"deadline reached before {self.service} was read in {self.account}/{self.region}"
        return f"{self.service}:{self.operation} failed in {self.account}/{self.region}: {self.code}"


class Scope(Frozen):
    account: str
    region: str


R = TypeVar("R")


class Slice(Frozen, Generic[R]):
    items: list[R] = Field(default_factory=list)
    scopes: list[Scope] = Field(default_factory=list)
    errors: list[CollectionError] = Field(default_factory=list)

    def blind(self) -> str | None:
        """Why something of this slice may be missing (never read, or a scope failed); None when all was read.

        For checks that look a resource up by name across the slice (repository <-> account links).
        """
        if not self.scopes:
            return "not read in this audit"
        failed = sorted({e.reason for e in self.errors if e.code != REGION_NOT_ENABLED})
        return "; ".join(failed) if failed else None


INVENTORY_KIND: Literal["cardaudit-inventory/1"] = "cardaudit-inventory/1"


class Inventory(Frozen):
    """Everything one run collected. `cardaudit audit --inventory saved.json` re-audits it offline."""

    kind: Literal["cardaudit-inventory/1"] = INVENTORY_KIND
    collected_at: datetime
    accounts: list[str]
    regions: list[str]
    ecs_clusters: Slice[EcsCluster] = Field(default_factory=Slice)
    ecs_services: Slice[EcsService] = Field(default_factory=Slice)
    ecs_task_definitions: Slice[EcsTaskDefinition] = Field(default_factory=Slice)
    ecr_repositories: Slice[EcrRepository] = Field(default_factory=Slice)
    s3_buckets: Slice[S3Bucket] = Field(default_factory=Slice)
    kms_keys: Slice[KmsKey] = Field(default_factory=Slice)
    cloudtrail_trails: Slice[Trail] = Field(default_factory=Slice)
    iam_users: Slice[IamUser] = Field(default_factory=Slice)
    iam_roles: Slice[IamRole] = Field(default_factory=Slice)
    lambda_functions: Slice[LambdaFunction] = Field(default_factory=Slice)
    sqs_queues: Slice[SqsQueue] = Field(default_factory=Slice)
    sfn_state_machines: Slice[StateMachine] = Field(default_factory=Slice)
    cloudformation_stacks: Slice[CloudFormationStack] = Field(default_factory=Slice)
    events_rules: Slice[EventRule] = Field(default_factory=Slice)
    rds_instances: Slice[RdsInstance] = Field(default_factory=Slice)
    rds_clusters: Slice[RdsCluster] = Field(default_factory=Slice)
    secrets: Slice[Secret] = Field(default_factory=Slice)

    # -- network: EC2: security groups, NACLs, VPCs and flow logs, instances, EBS
    ec2_security_groups: Slice[SecurityGroup] = Field(default_factory=Slice)
    ec2_network_acls: Slice[NetworkAcl] = Field(default_factory=Slice)
    ec2_vpcs: Slice[Vpc] = Field(default_factory=Slice)
    ec2_instances: Slice[Instance] = Field(default_factory=Slice)
    ec2_volumes: Slice[Volume] = Field(default_factory=Slice)
    ec2_snapshots: Slice[Snapshot] = Field(default_factory=Slice)
    ec2_ebs_encryption_by_default: Slice[EbsEncryptionByDefault] = Field(default_factory=Slice)

    # -- identity: IAM: account summary, password policy, policies, groups
    iam_root_accounts: Slice[IamRootAccount] = Field(default_factory=Slice)
    iam_password_policies: Slice[IamPasswordPolicy] = Field(default_factory=Slice)
    iam_policies: Slice[IamManagedPolicy] = Field(default_factory=Slice)
    iam_groups: Slice[IamGroup] = Field(default_factory=Slice)

    # -- monitoring: CloudWatch Logs, CloudWatch alarms, Config, GuardDuty, Security Hub
    logs_log_groups: Slice[LogGroup] = Field(default_factory=Slice)
    logs_metric_filters: Slice[MetricFilter] = Field(default_factory=Slice)
    cloudwatch_alarms: Slice[MetricAlarm] = Field(default_factory=Slice)
    config_recorders: Slice[ConfigRecording] = Field(default_factory=Slice)
    guardduty_detectors: Slice[GuardDutyDetector] = Field(default_factory=Slice)
    securityhub_hubs: Slice[SecurityHubHub] = Field(default_factory=Slice)

    # -- storage: S3 and RDS settings
    s3_account_public_access_blocks: Slice[S3AccountPublicAccessBlock] = Field(default_factory=Slice)
    rds_snapshots: Slice[RdsSnapshot] = Field(default_factory=Slice)
    rds_cluster_snapshots: Slice[RdsClusterSnapshot] = Field(default_factory=Slice)

    # -- datastores: DynamoDB, EFS, SNS, KMS policies, Secrets Manager, Backup
    dynamodb_tables: Slice[DynamoDbTable] = Field(default_factory=Slice)
    efs_file_systems: Slice[EfsFileSystem] = Field(default_factory=Slice)
    sns_topics: Slice[SnsTopic] = Field(default_factory=Slice)
    backup_plans: Slice[BackupPlan] = Field(default_factory=Slice)
    backup_vaults: Slice[BackupVault] = Field(default_factory=Slice)
    backup_coverage: Slice[BackupRegionCoverage] = Field(default_factory=Slice)

    # -- edge: ELB, CloudFront, API Gateway, WAF, ACM
    elbv2_load_balancers: Slice[Elbv2LoadBalancer] = Field(default_factory=Slice)
    elb_load_balancers: Slice[ElbLoadBalancer] = Field(default_factory=Slice)
    cloudfront_distributions: Slice[CloudFrontDistribution] = Field(default_factory=Slice)
    apigateway_stages: Slice[ApiGatewayStage] = Field(default_factory=Slice)
    apigateway_domain_names: Slice[ApiGatewayDomainName] = Field(default_factory=Slice)
    wafv2_web_acls: Slice[WafV2WebAcl] = Field(default_factory=Slice)
    acm_certificates: Slice[AcmCertificate] = Field(default_factory=Slice)

    # -- containers: ECS hardening, CodeBuild
    codebuild_projects: Slice[CodeBuildProject] = Field(default_factory=Slice)

    # -- patching: Lambda, ECR, Inspector, SSM
    ecr_registries: Slice[EcrRegistryScanning] = Field(default_factory=Slice)
    inspector_accounts: Slice[InspectorAccountStatus] = Field(default_factory=Slice)
    ssm_managed_instances: Slice[SsmManagedInstance] = Field(default_factory=Slice)

    repos: list[str] = Field(default_factory=list)  # repository checkouts read, by name
    repo_files: list[RepoFile] = Field(default_factory=list)
    repo_task_definitions: list[RepoTaskDefinition] = Field(default_factory=list)
    dockerfiles: list[DockerfileDoc] = Field(default_factory=list)
    buildspecs: list[BuildspecDoc] = Field(default_factory=list)
    templates: list[TemplateDoc] = Field(default_factory=list)
    # Where the repositories and evidence files of the run were, with content hashes: a re-audit
    # reads the same evidence, and says when it is missing or changed.
    evidence: EvidenceRecord = Field(default_factory=EvidenceRecord)
    stepfunctions: list[StepFunctionsDoc] = Field(default_factory=list)
    # AWS's own verdicts (Security Hub, Config, Inspector), read beside the slices when asked for.
    aws_verdicts: AwsVerdicts = Field(default_factory=AwsVerdicts)

    @classmethod
    def slice_names(cls) -> list[str]:
        return [
            name for name, info in cls.model_fields.items()
            if isinstance(info.annotation, type) and issubclass(info.annotation, Slice)
        ]

    def slice(self, name: str) -> Slice[AwsResource]:
        value: Slice[AwsResource] = getattr(self, name)
        return value

    def resources(self) -> list[AwsResource]:
        """Every collected AWS resource, for ownership attribution."""
        out: list[AwsResource] = []
        for name in self.slice_names():
            out.extend(self.slice(name).items)
        return out

    def collected_types(self) -> set[str]:
        """CloudFormation types of the slices that were collected (attempted) in this inventory."""
        return {model.cfn_type for name, model in _slice_models().items() if self.slice(name).scopes}

    def complete(self) -> bool:
        """True when nothing failed to collect (regions the account has not enabled aside)."""
        return all(err.code == REGION_NOT_ENABLED for err in self.collection_errors())

    def collection_errors(self) -> list[CollectionError]:
        return [err for name in self.slice_names() for err in self.slice(name).errors]


def slice_model(name: str) -> type[AwsResource]:
    """The resource model a slice of the Inventory holds."""
    return _slice_models()[name]


@cache
def _slice_models() -> dict[str, type[AwsResource]]:
    """The resource model each slice of the Inventory holds, by slice name, in field order."""
    out: dict[str, type[AwsResource]] = {}
    for name, info in Inventory.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, Slice):
            args = getattr(annotation.model_fields["items"].annotation, "__args__", ())
            if args and isinstance(args[0], type) and issubclass(args[0], AwsResource):
                out[name] = args[0]
    return out


def resource_models() -> tuple[type[AwsResource], ...]:
    """Every AWS resource model the inventory holds, in slice order."""
    return tuple(_slice_models().values())


def resource_types() -> tuple[ResourceType, ...]:
    """The declaration of every AWS resource type the inventory holds, in slice order."""
    return tuple(model.resource_type for model in resource_models())
