"""Repository artifacts: find the files cardaudit understands in the checkouts it is given."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from cardaudit.collect.artifacts.buildspec import parse_buildspec
from cardaudit.collect.artifacts.dockerfile import parse_dockerfile
from cardaudit.collect.artifacts.stepfunctions import parse_stepfunctions, substitute
from cardaudit.collect.artifacts.taskdef import parse_taskdef
from cardaudit.collect.artifacts.template import parse_template
from cardaudit.models.artifacts import (
    ArtifactDoc,
    BuildspecDoc,
    DockerfileDoc,
    ParseProblem,
    RepoFile,
    RepoTaskDefinition,
    StepFunctionsDoc,
    TemplateDoc,
)
from cardaudit.models.report import SkippedFile

ParsedArtifacts = (list[RepoTaskDefinition] | list[DockerfileDoc] | list[BuildspecDoc] | list[TemplateDoc]
                   | list[StepFunctionsDoc])
D = TypeVar("D", bound=ArtifactDoc)


def _contained(parse: Callable[[RepoFile, Path], D], doc_type: type[D], file: RepoFile, root: Path) -> D:
    """One file's parse; whatever escapes a parser is that file's problem, never the run's."""
    try:
        return parse(file, root)
    except Exception as exc:  # noqa: BLE001 - any parser bug stays with its file
        # The type only: an exception's text may quote the file (pydantic quotes input values).
        return doc_type(file=file, problem=ParseProblem(message=f"cardaudit could not parse it ({type(exc).__name__})"))


def parse_artifacts(repos: dict[str, Path], files: list[RepoFile]) -> dict[str, ParsedArtifacts]:
    """Parse every artifact of a kind cardaudit checks, by inventory attribute; a bad file keeps its problem.

    Buildspecs, container definitions and state machines written inline in a template join the
    files of their kind, so the same checks judge them (pointing into the template).
    """
    templates = [_contained(parse_template, TemplateDoc, f, repos[f.repo])
                 for f in files if f.kind in ("sam", "cloudformation")]
    return {
        "repo_task_definitions": [_contained(parse_taskdef, RepoTaskDefinition, f, repos[f.repo])
                                  for f in files if f.kind == "taskdef"]
        + [td for t in templates for td in t.inline_task_definitions],
        "dockerfiles": [_contained(parse_dockerfile, DockerfileDoc, f, repos[f.repo])
                        for f in files if f.kind == "dockerfile"],
        "buildspecs": [_contained(parse_buildspec, BuildspecDoc, f, repos[f.repo])
                       for f in files if f.kind == "buildspec"]
        + [b for t in templates for b in t.inline_buildspecs],
        "templates": templates,
        "stepfunctions": _substituted(templates, [_contained(parse_stepfunctions, StepFunctionsDoc, f, repos[f.repo])
                                                  for f in files if f.kind == "stepfunctions"])
        + [s for t in templates for s in t.inline_state_machines],
    }


def _substituted(templates: list[TemplateDoc], docs: list[StepFunctionsDoc]) -> list[StepFunctionsDoc]:
    """Definition files with the DefinitionSubstitutions of the template that deploys them applied."""
    subs: dict[tuple[str, str], dict[str, str]] = {}
    for template in templates:
        folder = posixpath.dirname(template.file.path)
        for machine in template.state_machines:
            if machine.definition_file and machine.substitutions:
                path = posixpath.normpath(posixpath.join(folder, machine.definition_file))
                subs[(template.file.repo, path)] = machine.substitutions
    return [substitute(d, subs[(d.file.repo, d.file.path)]) if (d.file.repo, d.file.path) in subs and d.problem is None
            else d for d in docs]


def skipped_notes(docs: list[ArtifactDoc]) -> list[str]:
    """`repo:path: skipped: why` for each file named like a kind it does not hold (shown as info)."""
    return [f"{d.file.repo}:{d.file.path}: skipped: {d.skipped}" for d in docs if d.skipped is not None]


def skipped_files(docs: list[ArtifactDoc]) -> list[SkippedFile]:
    """The files of `skipped_notes` as report entries, once each, in repository and path order."""
    found = {(d.file.repo, d.file.path): SkippedFile(repo=d.file.repo, path=d.file.path, kind=d.file.kind,
                                                     reason=d.skipped)
             for d in docs if d.skipped is not None}
    return [found[key] for key in sorted(found)]
