"""Repository artifacts as parsed: task definition files and Dockerfiles, or why they did not parse."""

from __future__ import annotations

from pydantic import Field

from cardaudit.models.base import Frozen
from cardaudit.models.containers import EcsContainer, EnvVar, Quiet
from cardaudit.models.finding import ResourceRef

OTHER = "other"


class RepoFile(Frozen):
    """A file of a kind cardaudit understands, in one of the repository checkouts it was given."""

    repo: str
    path: str  # POSIX, relative to the checkout
    kind: str  # dockerfile, buildspec, taskdef, stepfunctions, sam, cloudformation, pulumi, or other

    @property
    def is_artifact(self) -> bool:
        return self.kind != OTHER

    @property
    def cfn_like_type(self) -> str:
        return f"Repo::{self.kind}"

    def ref(self, line: int | None = None, field: str | None = None) -> ResourceRef:
        return ResourceRef(type=self.cfn_like_type, id=f"{self.repo}:{self.path}", name=self.path,
                           repo=self.repo, path=self.path, line=line, field=field)


class ParseProblem(Quiet):
    """Why a file could not be read, at which line: reported as `path:line: message`.

    The message says what is wrong, never what the file holds there (it may be a secret).
    """

    line: int | None = None
    message: str

    def text(self, file: RepoFile) -> str:
        where = f"{file.repo}:{file.path}" + (f":{self.line}" if self.line else "")
        return f"{where}: {self.message}"


class ArtifactDoc(Quiet):
    """A parsed repository file, or the problem that kept it from parsing.

    The engine turns a problem into one ERROR finding per check that reads the kind, and hands
    checks only the files that parsed, so no check decides what an unreadable file means.
    """

    file: RepoFile
    problem: ParseProblem | None = None


class TaskdefContainer(Quiet):
    index: int
    line: int | None = None
    container: EcsContainer
    env_lines: dict[str, int] = Field(default_factory=dict)  # variable name -> line of its entry


class RepoTaskDefinition(ArtifactDoc):
    """A taskdef.json as a repository holds it (the RegisterTaskDefinition request shape)."""

    family: str | None = None
    containers: list[TaskdefContainer] = Field(default_factory=list)


class DockerStage(Quiet):
    index: int
    line: int  # line of its FROM
    base: str
    name: str | None = None
    user: str | None = None  # the last USER of the stage, as written (secret-looking parts redacted)
    user_line: int | None = None


class DockerfileDoc(ArtifactDoc):
    stages: list[DockerStage] = Field(default_factory=list)
    args: dict[str, str] = Field(default_factory=dict)  # ARG defaults that may be kept, for USER ${X}
    # ARG defaults whose name or form says secret: their shape only.
    withheld_args: list[EnvVar] = Field(default_factory=list)


class BuildCommand(Quiet):
    text: str  # redacted: secret-looking words and values of secret flags are placeholders
    line: int | None = None
    index: int


class BuildPhase(Quiet):
    name: str  # install, pre_build, build, post_build
    line: int | None = None
    on_failure: str | None = None  # ABORT or CONTINUE, as written
    commands: list[BuildCommand] = Field(default_factory=list)


class BuildspecDoc(ArtifactDoc):
    """A CodeBuild buildspec: its phases in execution order, with each command's line."""

    version: str | None = None
    phases: list[BuildPhase] = Field(default_factory=list)


class TemplateFunction(Quiet):
    """A Lambda function declared in a SAM or CloudFormation template, with its effective environment."""

    logical_id: str
    line: int | None = None
    function_name: str | None = None
    environment: list[EnvVar] = Field(default_factory=list)
    env_sources: dict[str, str] = Field(default_factory=dict)  # variable -> JSONPath it is set at
    env_lines: dict[str, int] = Field(default_factory=dict)
    # Runtime, Handler and KmsKeyArn as literally written (Globals merged); a property set by an
    # intrinsic function (!Ref, !GetAtt) is named in `computed` instead: its value is known at deploy.
    runtime: str | None = None
    handler: str | None = None
    kms_key_arn: str | None = None
    computed: list[str] = Field(default_factory=list)
    property_lines: dict[str, int] = Field(default_factory=dict)  # property -> line it is set at


class TemplateDoc(ArtifactDoc):
    functions: list[TemplateFunction] = Field(default_factory=list)
