"""CodeBuild: every project, read in batches of 100 (BatchGetProjects is the batch form).

Values pass the redaction boundary here: environment variables keep their name, type and the
shape of their value; a source URL keeps its structure with any credential in it withheld.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from cardaudit.collect.api import Api, tag_dict
from cardaudit.models.aws.codebuild import CodeBuildProject, CodeBuildSource, CodeBuildVariable
from cardaudit.models.aws.resource import AwsResource
from cardaudit.redact import looks_secret, placeholder, redact_text, shape_of

# BatchGetProjects takes at most 100 names per call.
_BATCH = 100

# A user name that is really a token: GitHub, GitLab and Bitbucket token forms, or a long opaque word.
_TOKEN_USER = re.compile(r"^(gh[pousr]_|github_pat_|glpat-|ATBB)|^[A-Za-z0-9_\-]{30,}$")


def _buildspec(raw: dict[str, Any]) -> dict[str, Any]:
    """Where the project's buildspec comes from: a path in the source, or inline (text not kept)."""
    spec = raw.get("buildspec")
    if not isinstance(spec, str) or not spec.strip():
        return {}
    text = spec.strip()
    if "\n" in text or (":" in text.split("/", 1)[0] and not text.startswith("arn:")):
        return {"buildspec_inline": True}
    return {"buildspec_path": redact_text(text)}


def source_of(raw: dict[str, Any]) -> CodeBuildSource:
    """One source with the credential part of its URL withheld, and what kind of credential that was."""
    return _source(raw).model_copy(update=_buildspec(raw))


def _source(raw: dict[str, Any]) -> CodeBuildSource:
    kind = str(raw.get("type", ""))
    location = str(raw.get("location") or "")
    try:
        parts = urlsplit(location) if "://" in location else None
    except ValueError:  # not a URL (an unbalanced "[" host): kept as text, redacted
        parts = None
    if parts is None or "@" not in parts.netloc:
        return CodeBuildSource(type=kind, location=redact_text(location))
    userinfo = parts.netloc.rpartition("@")[0]
    user, colon, password = userinfo.partition(":")
    if colon and password:
        credentials: str | None = "secret"
    elif _TOKEN_USER.search(user) or looks_secret(user):
        credentials = "token"
    else:
        credentials = None  # a bare user name (https://alice@bitbucket.org/...) carries no secret
    if credentials is None:
        return CodeBuildSource(type=kind, location=redact_text(location))
    # The placeholder is not passed through redact_text again: its own colon reads as user:password.
    rest = location[len(parts.scheme) + len("://") + len(userinfo) + len("@"):]
    return CodeBuildSource(type=kind, location=f"{parts.scheme}://{placeholder(userinfo)}@{redact_text(rest)}",
                           credentials=credentials)


def variable_of(raw: dict[str, Any]) -> CodeBuildVariable:
    value = str(raw.get("value") or "")
    return CodeBuildVariable(name=str(raw.get("name", "")), type=str(raw.get("type") or "PLAINTEXT"),
                             shape=shape_of(value), length=len(value))


def project_of(api: Api, p: dict[str, Any]) -> CodeBuildProject:
    env = p.get("environment") or {}
    logs = p.get("logsConfig") or {}
    cloudwatch = logs.get("cloudWatchLogs") or {}
    s3 = logs.get("s3Logs") or {}
    sources = [p["source"], *p.get("secondarySources", [])] if p.get("source") else p.get("secondarySources", [])
    return CodeBuildProject(
        arn=p["arn"], account=api.account, region=api.region, name=p["name"],
        tags=tag_dict(p.get("tags"), "key", "value"),
        privileged_mode=bool(env.get("privilegedMode", False)), environment_type=env.get("type"),
        image=redact_text(str(env.get("image") or "")),
        variables=[variable_of(v) for v in env.get("environmentVariables", [])],
        sources=[source_of(s) for s in sources],
        cloudwatch_logs=cloudwatch.get("status"), cloudwatch_group=cloudwatch.get("groupName"),
        s3_logs=s3.get("status"), s3_logs_location=s3.get("location"),
        s3_logs_encryption_disabled=bool(s3.get("encryptionDisabled", False)),
        service_role=p.get("serviceRole"),
    )


def collect_codebuild(api: Api) -> dict[str, list[AwsResource]]:
    names = api.pages("list_projects", "projects")
    projects: list[AwsResource] = []
    for start in range(0, len(names), _BATCH):
        # Not paginated: `pages` makes one call and refuses an answer without its list key. A project
        # deleted between the two calls comes back in projectsNotFound: it is gone, not unread.
        batch = api.pages("batch_get_projects", "projects", names=names[start:start + _BATCH])
        projects.extend(project_of(api, p) for p in batch)
    return {"codebuild_projects": projects}
