"""CodeBuild: build projects, their build environment, variables, sources and logs."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from cardaudit.models.aws.resource import AwsResource
from cardaudit.models.containers import EnvVar, Quiet
from cardaudit.models.resource_type import ResourceType


class CodeBuildVariable(EnvVar):
    """A project environment variable: name, CodeBuild type and the shape of its value, never the value.

    `type` is PLAINTEXT, PARAMETER_STORE or SECRETS_MANAGER; for the last two the value names a
    parameter or secret, so only PLAINTEXT values can be credentials in clear.
    """

    type: str = "PLAINTEXT"


class CodeBuildSource(Quiet):
    """One source of a project (the primary first, then secondary sources).

    `location` keeps its structure with any credential in it withheld (`<redacted:...>`);
    `credentials` says what was withheld from the URL: "secret" (user:secret) or "token", or None.
    """

    type: str
    location: str = ""
    credentials: str | None = None
    # The buildspec the project runs: a path in the source (None: the default buildspec.yml), or
    # `inline` set when the project holds the buildspec itself (its text is not kept: it may hold secrets).
    buildspec_path: str | None = None
    buildspec_inline: bool = False


class CodeBuildProject(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::CodeBuild::Project", slice="codebuild_projects", service="codebuild", regional=True,
        arn=("codebuild", "project"), asff_type="AwsCodeBuildProject",
        iac_name_types=("aws:codebuild/project:Project", "aws_codebuild_project"),
        operations=("codebuild:ListProjects", "codebuild:BatchGetProjects"),
    )

    privileged_mode: bool = False
    environment_type: str | None = None  # LINUX_CONTAINER, ARM_CONTAINER, LINUX_LAMBDA_CONTAINER...
    image: str = ""
    variables: list[CodeBuildVariable] = Field(default_factory=list)
    sources: list[CodeBuildSource] = Field(default_factory=list)
    # logsConfig statuses as AWS gives them (ENABLED / DISABLED); None when the block is absent.
    cloudwatch_logs: str | None = None
    cloudwatch_group: str | None = None
    s3_logs: str | None = None
    s3_logs_location: str | None = None
    s3_logs_encryption_disabled: bool = False
    service_role: str | None = None
