"""The inventory: everything collected in one run, as typed slices that dump to JSON and load back.

Each slice records which (account, region) scopes were attempted and which failed, so the engine
can tell "nothing there" from "could not look". Per-resource details that could not be read are
`Unknown` values, which the type checker forces every check to handle.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Generic, Literal, TypeVar

from pydantic import Field

from cardaudit.models.artifacts import OTHER, BuildspecDoc, DockerfileDoc, RepoFile, RepoTaskDefinition, TemplateDoc
from cardaudit.models.base import Frozen
from cardaudit.models.containers import EcsContainer, EnvVar, SecretRef, ValueShape
from cardaudit.models.finding import ResourceRef

__all__ = ["OTHER", "EcsContainer", "EnvVar", "RepoFile", "SecretRef", "ValueShape"]

GLOBAL = "global"
# Inventory attributes filled from repository checkouts rather than AWS.
REPO_SLICES = ("repo_task_definitions", "dockerfiles", "buildspecs", "templates")
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
        return f"{self.service}:{self.operation} failed in {self.account}/{self.region}: {self.code}"


class Unknown(Frozen):
    """A detail of one resource that could not be read (AccessDenied, throttled, invalid state)."""

    unknown: Literal[True] = True
    operation: str
    code: str
    message: str = ""

    @property
    def reason(self) -> str:
        return f"{self.operation} failed: {self.code}"


class Scope(Frozen):
    account: str
    region: str


class AwsResource(Frozen):
    """Fields every AWS resource shares; `cfn_type` names it as CloudFormation does."""

    cfn_type: ClassVar[str] = "AWS::Unknown"

    arn: str
    account: str
    region: str
    name: str
    tags: dict[str, str] | Unknown = Field(default_factory=dict)

    @property
    def aws_managed(self) -> bool:
        """Created and run by AWS itself (AWS-managed keys, service-linked roles): no team owns it."""
        return False

    def ref(self, field: str | None = None) -> ResourceRef:
        return ResourceRef(
            type=self.cfn_type, id=self.name, arn=self.arn, account=self.account,
            region=self.region, name=self.name, field=field,
        )


R = TypeVar("R")


class Slice(Frozen, Generic[R]):
    items: list[R] = Field(default_factory=list)
    scopes: list[Scope] = Field(default_factory=list)
    errors: list[CollectionError] = Field(default_factory=list)


# --- ECS ---------------------------------------------------------------------------------------

class EcsTaskDefinition(AwsResource):
    cfn_type: ClassVar[str] = "AWS::ECS::TaskDefinition"

    family: str
    revision: int
    containers: list[EcsContainer]
    network_mode: str | None = None
    execution_role_arn: str | None = None
    task_role_arn: str | None = None
    requires_compatibilities: list[str] = Field(default_factory=list)


class EcsCluster(AwsResource):
    cfn_type: ClassVar[str] = "AWS::ECS::Cluster"

    container_insights: bool | None = None


class EcsService(AwsResource):
    cfn_type: ClassVar[str] = "AWS::ECS::Service"

    cluster_arn: str
    task_definition_arn: str
    launch_type: str | None = None
    assign_public_ip: bool = False


# --- ECR ---------------------------------------------------------------------------------------

class Vulnerability(Frozen):
    id: str  # CVE or vendor id
    severity: str
    first_observed: datetime | None = None  # enhanced scanning only
    fix_available: bool | None = None


class ImageScan(Frozen):
    """The latest pushed image of a repository and what its most recent scan found."""

    digest: str
    tags: list[str] = Field(default_factory=list)
    pushed_at: datetime | None = None
    status: str  # COMPLETE, ACTIVE, FAILED, IN_PROGRESS, UNSUPPORTED_IMAGE, NOT_SCANNED, ...
    scan_type: str = "BASIC"  # BASIC (findings) or ENHANCED (enhancedFindings)
    critical: list[Vulnerability] = Field(default_factory=list)
    severity_counts: dict[str, int] = Field(default_factory=dict)


class EcrRepository(AwsResource):
    cfn_type: ClassVar[str] = "AWS::ECR::Repository"

    scan_on_push: bool
    tag_mutability: str
    encryption_type: str
    # How the registry's scanning rules apply to this repository: BASIC or ENHANCED, and the
    # frequency of the first matching rule (SCAN_ON_PUSH, CONTINUOUS_SCAN, MANUAL) or None.
    registry_scan_type: str | Unknown | None = None
    registry_scan_frequency: str | None = None
    latest_image: ImageScan | Unknown | None = None  # None: the repository holds no image


# --- S3 ----------------------------------------------------------------------------------------

class BucketEncryption(Frozen):
    algorithm: str  # AES256, aws:kms, aws:kms:dsse
    kms_key_id: str | None = None
    bucket_key: bool = False
    implicit: bool = False  # no configuration returned; AWS applies SSE-S3 to every bucket since 2023


class S3Bucket(AwsResource):
    cfn_type: ClassVar[str] = "AWS::S3::Bucket"

    encryption: BucketEncryption | Unknown


# --- KMS ---------------------------------------------------------------------------------------

class KmsKey(AwsResource):
    cfn_type: ClassVar[str] = "AWS::KMS::Key"

    key_id: str
    key_manager: str
    key_spec: str
    key_usage: str
    key_state: str
    aliases: list[str] = Field(default_factory=list)
    rotation_enabled: bool | Unknown | None = None  # None: rotation does not apply (AWS-managed, asymmetric)

    @property
    def aws_managed(self) -> bool:
        return self.key_manager == "AWS"


# --- CloudTrail --------------------------------------------------------------------------------

class Trail(AwsResource):
    cfn_type: ClassVar[str] = "AWS::CloudTrail::Trail"

    home_region: str
    multi_region: bool
    log_file_validation: bool
    include_global_events: bool
    organization_trail: bool = False
    is_logging: bool | Unknown
    s3_bucket: str | None = None
    kms_key_id: str | None = None
    cloudwatch_logs_group_arn: str | None = None


# --- IAM ---------------------------------------------------------------------------------------

class AccessKey(Frozen):
    id_suffix: str  # last four characters: enough to find the key, useless to an attacker
    status: str
    created: datetime


class IamUser(AwsResource):
    cfn_type: ClassVar[str] = "AWS::IAM::User"

    created: datetime
    console_access: bool | Unknown
    mfa_devices: int | Unknown
    access_keys: list[AccessKey] | Unknown
    password_last_used: datetime | None = None


class IamRole(AwsResource):
    cfn_type: ClassVar[str] = "AWS::IAM::Role"

    trusted_services: list[str] = Field(default_factory=list)
    path: str = "/"

    @property
    def aws_managed(self) -> bool:
        return self.path.startswith("/aws-service-role/") or self.path.startswith("/aws-reserved/")


# --- Serverless and batch ----------------------------------------------------------------------

class LambdaFunction(AwsResource):
    cfn_type: ClassVar[str] = "AWS::Lambda::Function"

    runtime: str | None = None
    role: str | None = None
    environment: list[EnvVar] = Field(default_factory=list)
    kms_key_arn: str | None = None


class SqsQueue(AwsResource):
    cfn_type: ClassVar[str] = "AWS::SQS::Queue"

    url: str
    kms_key_id: str | None = None
    sqs_managed_sse: bool = False


class StateMachine(AwsResource):
    cfn_type: ClassVar[str] = "AWS::StepFunctions::StateMachine"

    logging_level: str | Unknown = "OFF"


class EventRule(AwsResource):
    cfn_type: ClassVar[str] = "AWS::Events::Rule"

    state: str
    schedule: str | None = None
    targets: list[str] | Unknown = Field(default_factory=list)


class RdsInstance(AwsResource):
    cfn_type: ClassVar[str] = "AWS::RDS::DBInstance"

    engine: str
    storage_encrypted: bool
    kms_key_id: str | None = None
    publicly_accessible: bool = False


class Secret(AwsResource):
    cfn_type: ClassVar[str] = "AWS::SecretsManager::Secret"

    rotation_enabled: bool = False


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
    events_rules: Slice[EventRule] = Field(default_factory=Slice)
    rds_instances: Slice[RdsInstance] = Field(default_factory=Slice)
    secrets: Slice[Secret] = Field(default_factory=Slice)
    repos: list[str] = Field(default_factory=list)  # repository checkouts read, by name
    repo_files: list[RepoFile] = Field(default_factory=list)
    repo_task_definitions: list[RepoTaskDefinition] = Field(default_factory=list)
    dockerfiles: list[DockerfileDoc] = Field(default_factory=list)
    buildspecs: list[BuildspecDoc] = Field(default_factory=list)
    templates: list[TemplateDoc] = Field(default_factory=list)

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
        out: set[str] = set()
        for name, info in type(self).model_fields.items():
            annotation = info.annotation
            if isinstance(annotation, type) and issubclass(annotation, Slice) and self.slice(name).scopes:
                item_type = annotation.model_fields["items"].annotation
                args = getattr(item_type, "__args__", ())
                if args and isinstance(args[0], type) and issubclass(args[0], AwsResource):
                    out.add(args[0].cfn_type)
        return out

    def complete(self) -> bool:
        """True when nothing failed to collect (regions the account has not enabled aside)."""
        return all(err.code == REGION_NOT_ENABLED for err in self.collection_errors())

    def collection_errors(self) -> list[CollectionError]:
        return [err for name in self.slice_names() for err in self.slice(name).errors]
