"""Walk repository checkouts and classify the files cardaudit knows how to read."""

from __future__ import annotations

import os
import re
from pathlib import Path

from cardaudit.limits import LimitExceeded
from cardaudit.models.inventory import OTHER, RepoFile
from cardaudit.safefile import read_prefix

_SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".terraform", "cdk.out", ".aws-sam"}
# `Dockerfile.prod` is a Dockerfile; `dockerfile.go` or `Dockerfile.md` is source or documentation.
_NOT_DOCKERFILE = re.compile(r"\.(go|py|rs|js|ts|java|c|h|sh|md|txt|json|ya?ml|toml|lock|bak|orig|snap|tmpl|erb)$")
_BY_NAME: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(Dockerfile|Containerfile|dockerfile|containerfile)(\..+)?$|\.[Dd]ockerfile$"), "dockerfile"),
    (re.compile(r"^buildspec.*\.ya?ml$"), "buildspec"),
    (re.compile(r"\.asl\.(json|ya?ml)$"), "stepfunctions"),
    (re.compile(r"^Pulumi(\..+)?\.ya?ml$"), "pulumi"),
]
# Files whose name alone does not say what they hold: their first bytes do.
_DATA_SUFFIXES = (".json", ".yaml", ".yml", ".template")
_CFN_NAME = re.compile(r"\.template$|\.cfn\.(json|ya?ml)$|(^|[._-])template\.(ya?ml|json)$")
# Files that are never a CloudFormation, ECS, CodeBuild or Step Functions document.
_NEVER = re.compile(r"^(package(-lock)?|tsconfig.*|composer|\.eslintrc.*|\.prettierrc.*|renovate|"
                    r"\.pre-commit-config|docker-compose.*|compose|mkdocs|pnpm-lock|yarn|\.gitlab-ci|"
                    r"cdk|cdk\.context|\.?codecov|dependabot|samconfig)\.(json|ya?ml)$")
_TASKDEF_NAME = re.compile(r"^(taskdef|task-definition|task_definition).*\.json$")
_SNIFF_BYTES = 16384
_TOP_KEY = "(?m)^[\"']?{key}[\"']?\\s*:|[{{,]\\s*\"{key}\"\\s*:"
_AWS_TYPE = re.compile(r"[\"']?Type[\"']?\s*:\s*[\"']?AWS::")
_SERVERLESS = re.compile(r"AWS::Serverless(-2016-10-31|::)")


def _has(key: str, head: str) -> bool:
    return re.search(_TOP_KEY.format(key=re.escape(key)), head) is not None


def sniff(head: str, name: str) -> str | None:
    """The kind of a JSON/YAML document from its first bytes (keys anywhere near the top)."""
    if "AWSTemplateFormatVersion" in head or (_has("Resources", head) and _AWS_TYPE.search(head)):
        return "sam" if _SERVERLESS.search(head) else "cloudformation"
    if _has("StartAt", head) and _has("States", head):
        return "stepfunctions"
    if name.endswith(".json") and '"containerDefinitions"' in head:
        return "taskdef"
    if _has("phases", head) and _has("version", head) and not name.endswith(".json"):
        return "buildspec"
    return None


def _kind(path: Path, root: Path) -> str | None:
    name = path.name
    for pattern, kind in _BY_NAME:
        if pattern.search(name) and not (kind == "dockerfile" and _NOT_DOCKERFILE.search(name)):
            return kind
    if not name.endswith(_DATA_SUFFIXES) or _NEVER.match(name):
        return None
    try:
        # Only a prefix, only of a regular file inside the checkout: a FIFO or a 200 MB file
        # named template.yaml costs nothing here.
        head = read_prefix(path, _SNIFF_BYTES, root).decode("utf-8", "replace").removeprefix("\ufeff")
    except LimitExceeded:
        # Named like a template but unreadable: parsing it again reports why, as an ERROR.
        return "cloudformation" if _CFN_NAME.search(name) else "taskdef" if _TASKDEF_NAME.match(name) else None
    found = sniff(head, name)
    if found is None and _TASKDEF_NAME.match(name):
        return "taskdef"  # the parser says what it holds instead (an ERROR or a skip note)
    if found is None and _CFN_NAME.search(name) and "Resources" in head:
        return "cloudformation"  # the parser says what is missing
    return found


def discover(repos: dict[str, Path]) -> list[RepoFile]:
    """Every file in each checkout, with its repo-relative POSIX path and kind ("other" if unknown).

    Unknown files are kept too: ownership rules about them (`pulumi/**`) must be seen to match.
    """
    found: list[RepoFile] = []
    for name, root in sorted(repos.items()):
        for directory, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
            for filename in sorted(files):
                path = Path(directory, filename)
                kind = _kind(path, root) or OTHER
                found.append(RepoFile(repo=name, path=path.relative_to(root).as_posix(), kind=kind))
    return found
