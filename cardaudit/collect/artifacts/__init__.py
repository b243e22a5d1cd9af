"""Repository artifacts: find the files cardaudit understands in the checkouts it is given."""

from __future__ import annotations

from pathlib import Path

from cardaudit.collect.artifacts.buildspec import parse_buildspec
from cardaudit.collect.artifacts.dockerfile import parse_dockerfile
from cardaudit.collect.artifacts.taskdef import parse_taskdef
from cardaudit.collect.artifacts.template import parse_template
from cardaudit.models.artifacts import BuildspecDoc, DockerfileDoc, RepoFile, RepoTaskDefinition, TemplateDoc

ParsedArtifacts = list[RepoTaskDefinition] | list[DockerfileDoc] | list[BuildspecDoc] | list[TemplateDoc]


def parse_artifacts(repos: dict[str, Path], files: list[RepoFile]) -> dict[str, ParsedArtifacts]:
    """Parse every artifact of a kind cardaudit checks, by inventory attribute; a bad file keeps its problem."""
    return {
        "repo_task_definitions": [parse_taskdef(f, repos[f.repo]) for f in files if f.kind == "taskdef"],
        "dockerfiles": [parse_dockerfile(f, repos[f.repo]) for f in files if f.kind == "dockerfile"],
        "buildspecs": [parse_buildspec(f, repos[f.repo]) for f in files if f.kind == "buildspec"],
        "templates": [parse_template(f, repos[f.repo]) for f in files if f.kind in ("sam", "cloudformation")],
    }
