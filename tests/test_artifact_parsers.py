"""Artifact parsers on what real repositories hold: each case was a false ERROR or a miss once."""

from __future__ import annotations

from pathlib import Path

import pytest

from cardaudit.collect.artifacts.buildspec import parse_buildspec
from cardaudit.collect.artifacts.discover import discover
from cardaudit.collect.artifacts.dockerfile import parse_dockerfile
from cardaudit.collect.artifacts.stepfunctions import parse_stepfunctions
from cardaudit.collect.artifacts.template import parse_template
from cardaudit.models.inventory import RepoFile


def _file(tmp_path: Path, name: str, text: str, kind: str) -> tuple[RepoFile, Path]:
    (tmp_path / name).write_text(text, newline="")
    return RepoFile(repo="r", path=name, kind=kind), tmp_path


def test_dockerfile_tab_after_keyword_and_escape_directive(tmp_path: Path) -> None:
    doc = parse_dockerfile(*_file(tmp_path, "Dockerfile", "# escape=`\nFROM\tubuntu:24.04\n"
                                  "RUN echo a `\n  b\nUSER\t1000\n",
                                  "dockerfile"))
    assert doc.problem is None
    assert [(s.base, s.user, s.user_line) for s in doc.stages] == [("ubuntu:24.04", "1000", 5)]


def test_cookiecutter_files_are_skipped_not_errors(tmp_path: Path) -> None:
    yaml = parse_template(*_file(tmp_path, "template.yaml", "Resources:\n{%- if cookiecutter.x %}\n"
                                 "  A: 1\n{%- endif %}\n",
                                 "sam"))
    docker = parse_dockerfile(*_file(tmp_path, "Dockerfile", "{% if cookiecutter.arm %}\nFROM a:1\n{% endif %}\n",
                                     "dockerfile"))
    assert (yaml.problem, docker.problem) == (None, None)
    assert yaml.skipped == docker.skipped == (
        "a Jinja/cookiecutter template of the file, not the file itself (render it to audit it)")


@pytest.mark.parametrize(("text", "expected"), [
    ("version: 0.2\nphases:\n  build:\n  post_build:\n    finally:\n      - echo done\n", (None, None)),
    ("version: 1\nfrontend:\n  phases: {build: {commands: [npm run build]}}\n",
     (None, "an AWS Amplify build specification (frontend/backend), not a CodeBuild buildspec")),
    ("version: 0.2\nenv:\n  variables: [a]\nphases: {build: {commands: [make]}}\n",
     ("env.variables must be a mapping", None)),
])
def test_buildspec_shapes(tmp_path: Path, text: str, expected: tuple[str | None, str | None]) -> None:
    doc = parse_buildspec(*_file(tmp_path, "buildspec.yml", text, "buildspec"))
    assert (doc.problem.message if doc.problem else None, doc.skipped) == expected


def test_asl_nested_states_keep_their_lines(tmp_path: Path) -> None:
    text = ("StartAt: P\nStates:\n  P:\n    Type: Parallel\n    End: true\n    Branches:\n"
            "      - StartAt: Inner\n        States:\n          Inner:\n"
            "            Type: Pass\n            End: true\n")
    doc = parse_stepfunctions(*_file(tmp_path, "flow.asl.yaml", text, "stepfunctions"))
    assert [(s.path, s.line) for s in doc.states] == [("$.States.P", 3), ("$.States.P.Branches[0].States.Inner", 9)]


def test_asl_problems_name_the_line(tmp_path: Path) -> None:
    text = '{"StartAt": "A",\n "States": {"A": {"Type": "Bogus"}}}'
    doc = parse_stepfunctions(*_file(tmp_path, "flow.asl.json", text, "stepfunctions"))
    assert doc.problem is not None and (doc.problem.line, doc.problem.message) == (2, "state A: unknown Type")


def test_discovery_leaves_source_code_named_like_a_dockerfile(tmp_path: Path) -> None:
    for name in ("dockerfile.go", "Dockerfile.md", "dockerfile", "app.dockerfile", "Dockerfile.prod"):
        (tmp_path / name).write_text("FROM a:1\n")
    kinds = {f.path: f.kind for f in discover({"r": tmp_path})}
    assert kinds == {"dockerfile.go": "other", "Dockerfile.md": "other", "dockerfile": "dockerfile",
                     "app.dockerfile": "dockerfile", "Dockerfile.prod": "dockerfile"}


def test_asl_non_string_type_or_next_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    # Found by the fuzzer: a list where a state name or type belongs is unhashable.
    text = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Next: [B]\n  B:\n    Type: []\n"
    doc = parse_stepfunctions(*_file(tmp_path, "flow.asl.yaml", text, "stepfunctions"))
    assert doc.problem is not None and (doc.problem.line, doc.problem.message) == (5, "state A: Next names no state")
