"""Repository artifacts: find the files cardaudit understands in the checkouts it is given."""

from __future__ import annotations

from pathlib import Path

from cardaudit.collect.artifacts.dockerfile import parse_dockerfile
from cardaudit.collect.artifacts.taskdef import parse_taskdef
from cardaudit.models.artifacts import DockerfileDoc, RepoFile, RepoTaskDefinition


def parse_artifacts(repos: dict[str, Path], files: list[RepoFile]) -> tuple[list[RepoTaskDefinition],
                                                                            list[DockerfileDoc]]:
    """Parse every task definition file and Dockerfile found; a bad file is kept with its problem."""
    taskdefs = [parse_taskdef(f, repos[f.repo]) for f in files if f.kind == "taskdef"]
    dockerfiles = [parse_dockerfile(f, repos[f.repo]) for f in files if f.kind == "dockerfile"]
    return taskdefs, dockerfiles
