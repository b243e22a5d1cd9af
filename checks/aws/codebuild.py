"""CodeBuild projects: build-environment privilege, credentials in variables and source URLs, build logs."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import CodeBuildProject
from cardaudit.verdicts import REDACTED, plaintext_secrets, secrets_reason

ENABLED = "ENABLED"


@check(
    title="CodeBuild projects do not run builds in privileged mode",
    severity=Severity.MEDIUM, category="hardening", resource_type="AWS::CodeBuild::Project",
    needs=("codebuild_projects",),
)
def codebuild_project_not_privileged(projects: list[CodeBuildProject]) -> Iterator[Result]:
    """What it checks:
    Each project's build environment has `privilegedMode` off. A project that builds container
    images with the Docker daemon needs privileged mode, so such a FAIL is often a known,
    accepted exception: the severity is medium, and the finding names the project so the
    exception can be recorded and the project kept to that one job.

    Why it matters:
    Privileged mode runs the build container with every capability and the host's devices, so
    whatever the build executes (a compromised dependency, a malicious pull request's build
    script) can escape the build container and tamper with other steps or the image being
    produced, which is the supply chain of what later runs in the cardholder data
    environment.

    How to fix:
    Turn privileged mode off for projects that do not build images. For image builds, use a
    daemonless builder (Kaniko, Buildah, BuildKit rootless) where possible; otherwise keep the
    privileged project separate, triggered only from protected branches, with a narrow
    service role.
    """
    for project in projects:
        if project.privileged_mode:
            yield Result.failed(project.ref(), "privileged mode is on (needed only to run the Docker daemon for "
                                               "image builds)", environment_type=project.environment_type)
        else:
            yield Result.passed(project.ref(), "privileged mode is off")


@check(
    title="CodeBuild projects keep credentials out of plaintext environment variables",
    severity=Severity.CRITICAL, category="secrets", resource_type="AWS::CodeBuild::Project",
    needs=("codebuild_projects",),
)
def codebuild_project_no_plaintext_credentials(projects: list[CodeBuildProject]) -> Iterator[Result]:
    """What it checks:
    No environment variable of type PLAINTEXT looks like a credential: a variable named like a
    password, token or key (AWS_SECRET_ACCESS_KEY, NPM_TOKEN, DB_PASS...) with a literal value,
    or a value shaped like an AWS access key, a private key, a JWT or a URL with an embedded
    password. Variables of type PARAMETER_STORE and SECRETS_MANAGER hold a reference and pass.
    Security Hub's CodeBuild.2 looks for AWS access keys only; this check is wider.

    Why it matters:
    PLAINTEXT values are readable by anyone allowed codebuild:BatchGetProjects, appear in the
    console and in infrastructure-as-code state, and end up in build logs when a step prints
    its environment; such a credential is shared, hard to rotate and invisible to the secrets
    store's access control.

    How to fix:
    Store the value in Secrets Manager or SSM Parameter Store, change the variable's type to
    SECRETS_MANAGER or PARAMETER_STORE with the secret's name as its value, allow the service
    role to read it, and rotate the exposed credential. For AWS keys, delete them: the build
    already gets the service role's temporary credentials.
    """
    for project in projects:
        plaintext = [v for v in project.variables if v.type == "PLAINTEXT"]
        exposed = plaintext_secrets(plaintext)
        if exposed:
            yield Result.failed(project.ref(), secrets_reason(f"project {project.name}", exposed),
                                variables=exposed, values=REDACTED)
        else:
            references = len(project.variables) - len(plaintext)
            yield Result.passed(project.ref(), f"{len(plaintext)} plaintext variable(s) without credentials; "
                                f"{references} from Parameter Store or Secrets Manager",
                                plaintext_variables=len(plaintext), secret_references=references)


@check(
    title="CodeBuild project source URLs carry no credentials",
    severity=Severity.CRITICAL, category="secrets", resource_type="AWS::CodeBuild::Project",
    needs=("codebuild_projects",),
)
def codebuild_project_source_no_credentials(projects: list[CodeBuildProject]) -> Iterator[Result]:
    """What it checks:
    No source of the project (primary or secondary) has a location URL with credentials in it:
    `https://user:password@host/...`, or a user part that is an access token
    (`https://ghp_...@github.com/...`). A plain user name without a secret passes. Security
    Hub's CodeBuild.1 checks the same for Bitbucket sources; this check covers every source
    type.

    Why it matters:
    The source location is configuration, not a secret store: it is returned to anyone who can
    read the project, copied into infrastructure-as-code state and build logs, and the token in
    it usually reaches every repository of its owner, where the code that runs in the
    cardholder data environment is built from.

    How to fix:
    Connect the source provider through a CodeConnections (CodeStar) connection or CodeBuild's
    OAuth / source credentials (`aws codebuild import-source-credentials`), set the location
    to the plain repository URL, and revoke the exposed token or password.
    """
    for project in projects:
        leaking = [s for s in project.sources if s.credentials]
        if leaking:
            kinds = "; ".join(f"{s.type} source URL carries a {s.credentials}" for s in leaking)
            yield Result.failed(project.ref(), kinds,
                                locations=[s.location for s in leaking])
        else:
            yield Result.passed(project.ref(), f"{len(project.sources)} source(s) without credentials in the URL",
                                source_types=[s.type for s in project.sources])


@check(
    title="CodeBuild projects send build logs to CloudWatch Logs or S3",
    severity=Severity.MEDIUM, category="logging", resource_type="AWS::CodeBuild::Project",
    needs=("codebuild_projects",),
)
def codebuild_project_logging_enabled(projects: list[CodeBuildProject]) -> Iterator[Result]:
    """What it checks:
    Each project's `logsConfig` has CloudWatch Logs or S3 logs with status ENABLED (Security
    Hub CodeBuild.4). AWS always returns `logsConfig`; a project answered without it is
    NOT_ASSESSED rather than assumed to have the default (CloudWatch Logs on).

    Why it matters:
    A build runs arbitrary commands with its service role: it pushes images, deploys and reads
    secrets. Its log is the record of what ran, with which inputs and which result; without
    it, a tampered build or a leaked credential leaves no trail to investigate.

    How to fix:
    `aws codebuild update-project --name <project> --logs-config
    "cloudWatchLogs={status=ENABLED,groupName=/aws/codebuild/<project>}"` (or an S3 location),
    and give the log group the retention the logging standard requires.
    """
    for project in projects:
        where = [name for name, status in (("CloudWatch Logs", project.cloudwatch_logs), ("S3", project.s3_logs))
                 if status == ENABLED]
        if where:
            yield Result.passed(project.ref(), f"build logs go to {' and '.join(where)}",
                                cloudwatch_group=project.cloudwatch_group, s3_location=project.s3_logs_location)
        elif project.cloudwatch_logs is None and project.s3_logs is None:
            # AWS always answers with logsConfig (CloudWatch Logs on by default): its absence is no answer.
            yield Result.not_assessed(project.ref(), "BatchGetProjects gave no logsConfig for the project")
        else:
            yield Result.failed(project.ref(), "build logs are sent neither to CloudWatch Logs nor to S3",
                                cloudwatch_logs=project.cloudwatch_logs, s3_logs=project.s3_logs)


@check(
    title="CodeBuild build logs written to S3 are encrypted",
    severity=Severity.LOW, category="encryption", resource_type="AWS::CodeBuild::Project",
    needs=("codebuild_projects",),
)
def codebuild_project_s3_logs_encrypted(projects: list[CodeBuildProject]) -> Iterator[Result]:
    """What it checks:
    A project that writes build logs to S3 does not set `encryptionDisabled` on them
    (Security Hub CodeBuild.3). Projects without S3 logs are not judged.

    Why it matters:
    Build logs show commands, dependency versions, test output and, too often, values a step
    printed by mistake. Unencrypted log objects are readable by anything with access to the
    bucket's storage, without the key policy's control or a record of use.

    How to fix:
    `aws codebuild update-project --name <project> --logs-config
    "s3Logs={status=ENABLED,location=<bucket>/<prefix>,encryptionDisabled=false}"`, and keep
    default encryption with a KMS key on the log bucket.
    """
    for project in projects:
        if project.s3_logs != ENABLED:
            continue
        if project.s3_logs_encryption_disabled:
            yield Result.failed(project.ref(), "S3 build logs are written unencrypted (encryptionDisabled)",
                                s3_location=project.s3_logs_location)
        else:
            yield Result.passed(project.ref(), "S3 build logs are encrypted", s3_location=project.s3_logs_location)
