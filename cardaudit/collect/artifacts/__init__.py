"""Repository artifacts: find the files cardaudit understands in the checkouts it is given."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from cardaudit.collect.artifacts.buildspec import parse_buildspec
from cardaudit.collect.artifacts.dockerfile import parse_dockerfile
from cardaudit.collect.artifacts.taskdef import parse_taskdef
from cardaudit.collect.artifacts.template import parse_template
from cardaudit.models.artifacts import (
    ArtifactDoc,
    BuildspecDoc,
    DockerfileDoc,
    ParseProblem,
    RepoFile,
    RepoTaskDefinition,
    TemplateDoc,
)

ParsedArtifacts = list[RepoTaskDefinition] | list[DockerfileDoc] | list[BuildspecDoc] | list[TemplateDoc]
D = TypeVar("D", bound=ArtifactDoc)


def _contained(parse: Callable[[RepoFile, Path], D], doc_type: type[D], file: RepoFile, root: Path) -> D:
    """One file's parse; whatever escapes a parser is that file's problem, never the run's."""
    try:
        return parse(file, root)
    except Exception as exc:  # noqa: BLE001 - any parser bug stays with its file
        # The type only: an exception's text may quote the file (pydantic quotes input values).
        return doc_type(file=file, problem=ParseProblem(message=f"cardaudit could not parse it ({type(exc).__name__})"))


def parse_artifacts(repos: dict[str, Path], files: list[RepoFile]) -> dict[str, ParsedArtifacts]:
    """Parse every artifact of a kind cardaudit checks, by inventory attribute; a bad file keeps its problem."""
    return {
        "repo_task_definitions": [_contained(parse_taskdef, RepoTaskDefinition, f, repos[f.repo])
                                  for f in files if f.kind == "taskdef"],
        "dockerfiles": [_contained(parse_dockerfile, DockerfileDoc, f, repos[f.repo])
                        for f in files if f.kind == "dockerfile"],
        "buildspecs": [_contained(parse_buildspec, BuildspecDoc, f, repos[f.repo])
                       for f in files if f.kind == "buildspec"],
        "templates": [_contained(parse_template, TemplateDoc, f, repos[f.repo])
                      for f in files if f.kind in ("sam", "cloudformation")],
    }
