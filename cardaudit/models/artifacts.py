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
    # Named like this kind but holding something else (an Amplify buildspec.yml, a JSON file named
    # taskdef that has no containers): not judged, and not an error either. Says what it is instead.
    skipped: str | None = None
    # JSONPath of the document inside its file: "$" for a file of its own, "$.Resources.Build.
    # Properties.Source.BuildSpec" for a buildspec written inline in a template.
    field_prefix: str = "$"

    def at(self, path: str) -> str:
        """A field path inside this document (`.phases.build`), as a JSONPath inside the file."""
        return self.field_prefix + path


class TaskdefContainer(Quiet):
    index: int
    line: int | None = None
    container: EcsContainer
    env_lines: dict[str, int] = Field(default_factory=dict)  # variable name -> line of its entry


class RepoTaskDefinition(ArtifactDoc):
    """A taskdef.json as a repository holds it (the RegisterTaskDefinition request shape)."""

    family: str | None = None
    line: int | None = None  # of the document (the template resource for an inline one)
    network_mode: str | None = None
    network_mode_line: int | None = None
    pid_mode: str | None = None
    pid_mode_line: int | None = None
    containers: list[TaskdefContainer] = Field(default_factory=list)


class DockerStage(Quiet):
    index: int
    line: int  # line of its FROM
    base: str
    name: str | None = None
    user: str | None = None  # the last USER of the stage, as written (secret-looking parts redacted)
    user_line: int | None = None
    env: list[EnvVar] = Field(default_factory=list)  # ENV of the stage: shapes only
    env_lines: dict[str, int] = Field(default_factory=dict)
    add_urls: list[int] = Field(default_factory=list)  # lines of ADD instructions whose source is a URL
    healthcheck_line: int | None = None  # the last HEALTHCHECK of the stage
    healthcheck_none: bool = False  # that HEALTHCHECK is `HEALTHCHECK NONE`


class DockerfileDoc(ArtifactDoc):
    stages: list[DockerStage] = Field(default_factory=list)
    args: dict[str, str] = Field(default_factory=dict)  # ARG defaults that may be kept, for USER ${X}
    # ARG defaults whose name or form says secret: their shape only.
    withheld_args: list[EnvVar] = Field(default_factory=list)
    arg_lines: dict[str, int] = Field(default_factory=dict)
    # ARG defaults declared before the first FROM, which `FROM ${BASE}` may use (redacted as args).
    global_args: dict[str, str] = Field(default_factory=dict)


class BuildCommand(Quiet):
    text: str  # redacted: secret-looking words and values of secret flags are placeholders
    line: int | None = None
    index: int


class BuildPhase(Quiet):
    name: str  # install, pre_build, build, post_build
    line: int | None = None
    on_failure: str | None = None  # ABORT or CONTINUE, as written
    commands: list[BuildCommand] = Field(default_factory=list)  # `commands` then `finally`


class BuildspecDoc(ArtifactDoc):
    """A CodeBuild buildspec: its phases in execution order, with each command's line."""

    version: str | None = None
    line: int | None = None  # of the document (the template property for an inline one)
    phases: list[BuildPhase] = Field(default_factory=list)
    # env.variables as shapes, with lines; env.parameter-store / env.secrets-manager names.
    variables: list[EnvVar] = Field(default_factory=list)
    variable_lines: dict[str, int] = Field(default_factory=dict)
    store_references: list[str] = Field(default_factory=list)  # variable names read from a secret store
    batch: bool = False  # a batch build (`batch:`): its phases are those of each build in the batch


class TemplateFunction(Quiet):
    """A Lambda function declared in a SAM or CloudFormation template, with its effective environment."""

    logical_id: str
    line: int | None = None
    function_name: str | None = None
    environment: list[EnvVar] = Field(default_factory=list)
    env_sources: dict[str, str] = Field(default_factory=dict)  # variable -> JSONPath it is set at
    env_lines: dict[str, int] = Field(default_factory=dict)
    # Handler and KmsKeyArn as literally written (Globals merged); a property set by an intrinsic
    # function (!Ref, !GetAtt) is named in `computed` instead: its value is known at deploy.
    handler: str | None = None
    kms_key_arn: str | None = None
    computed: list[str] = Field(default_factory=list)
    property_lines: dict[str, int] = Field(default_factory=dict)  # property -> line it is set at
    # The rest of the effective properties (SAM Globals merged), each with the JSONPath and line it is
    # set at; None when the template does not set it.
    runtime: str | None = None  # None too when computed (`!Ref Runtime`): see runtime_computed
    runtime_computed: bool = False
    runtime_at: str | None = None
    runtime_line: int | None = None
    has_environment: bool = False
    kms_key_set: bool = False
    kms_key_at: str | None = None
    url_auth_type: str | None = None  # FunctionUrlConfig.AuthType or an AWS::Lambda::Url's AuthType
    url_at: str | None = None
    url_line: int | None = None


class AslVariable(Quiet):
    """A literal handed to a task in Parameters/Arguments: its name, shape, where it is."""

    var: EnvVar
    path: str  # JSONPath inside the file
    line: int | None = None


class AslState(Quiet):
    name: str
    type: str
    line: int | None = None
    path: str  # JSONPath of the state inside the file ($.States.Load, $.States.P.Branches[0].States.X)
    query_language: str = "JSONPath"  # or JSONata
    resource: str | None = None
    # ECS runTask states: the task definition as written (ARN, family:revision, family), its family,
    # or why it is not known statically (a `.$` path, a JSONata expression, a substitution).
    ecs_task_definition: str | None = None
    ecs_family: str | None = None
    ecs_dynamic: str | None = None
    ecs_line: int | None = None
    variables: list[AslVariable] = Field(default_factory=list)

    @property
    def runs_ecs_task(self) -> bool:
        return self.resource is not None and self.resource.startswith("arn:aws:states:::ecs:runTask")


class StepFunctionsDoc(ArtifactDoc):
    """A Step Functions definition (ASL, JSON or YAML): every state with its line."""

    query_language: str = "JSONPath"
    start_at: str | None = None
    states: list[AslState] = Field(default_factory=list)


class TemplateStateMachine(Quiet):
    """A Step Functions state machine declared in a template, with its logging as written."""

    logical_id: str
    line: int | None = None
    logging_level: str | None = None  # ALL, ERROR, FATAL, OFF; None when not set
    logging_destinations: int = 0
    logging_at: str
    logging_line: int | None = None
    definition_file: str | None = None  # DefinitionUri / DefinitionS3Location when it is a local path
    # DefinitionSubstitutions that name a task definition: ${name} -> the ARN or family it stands for
    # (a literal, or the Family of an AWS::ECS::TaskDefinition of the same template).
    substitutions: dict[str, str] = Field(default_factory=dict)


class TemplateDoc(ArtifactDoc):
    functions: list[TemplateFunction] = Field(default_factory=list)
    state_machines: list[TemplateStateMachine] = Field(default_factory=list)
    # Nested stacks and applications, by logical id: their TemplateURL / Location as written.
    nested_stacks: dict[str, str] = Field(default_factory=dict)
    # Every resource: logical id -> (type, line), for readers that want more than the above
    # (ownership evidence); additive, physical names in `physical_names` when literal.
    resources: dict[str, str] = Field(default_factory=dict)
    resource_lines: dict[str, int] = Field(default_factory=dict)
    physical_names: dict[str, str] = Field(default_factory=dict)
    # Documents written inline: CodeBuild buildspecs, ECS container definitions, ASL definitions.
    # parse_artifacts hands them to the checks of their kind, pointing at this file.
    inline_buildspecs: list[BuildspecDoc] = Field(default_factory=list)
    inline_task_definitions: list[RepoTaskDefinition] = Field(default_factory=list)
    inline_state_machines: list[StepFunctionsDoc] = Field(default_factory=list)
