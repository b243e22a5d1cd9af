"""Walk repository checkouts and classify the files cardaudit knows how to read."""

from __future__ import annotations

import os
import re
from pathlib import Path

from cardaudit.limits import LimitExceeded
from cardaudit.models.inventory import OTHER, RepoFile
from cardaudit.safefile import read_prefix

_SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".terraform", "cdk.out", ".aws-sam"}
_BY_NAME: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(Dockerfile|Containerfile)(\..+)?$|\.[Dd]ockerfile$"), "dockerfile"),
    (re.compile(r"^buildspec.*\.ya?ml$"), "buildspec"),
    (re.compile(r"^(taskdef|task-definition|task_definition).*\.json$"), "taskdef"),
    (re.compile(r"\.asl\.(json|ya?ml)$"), "stepfunctions"),
    (re.compile(r"^Pulumi(\..+)?\.ya?ml$"), "pulumi"),
]
_TEMPLATE_NAME = re.compile(r"(^|[._-])template\.(ya?ml|json)$|^samconfig\.toml$")
_SNIFF_BYTES = 4096


def _kind(path: Path, root: Path) -> str | None:
    for pattern, kind in _BY_NAME:
        if pattern.search(path.name):
            return kind
    if _TEMPLATE_NAME.search(path.name) and path.suffix in (".yaml", ".yml", ".json"):
        try:
            # Only a prefix, only of a regular file inside the checkout: a FIFO or a 200 MB file
            # named template.yaml costs nothing here.
            head = read_prefix(path, _SNIFF_BYTES, root).decode("utf-8", "replace")
        except LimitExceeded:
            # Named like a template but unreadable: parsing it again reports why, as an ERROR.
            return "cloudformation"
        if "AWS::Serverless" in head:
            return "sam"
        if "AWSTemplateFormatVersion" in head or "Resources" in head:
            return "cloudformation"
    return None


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
