"""Reading repository files: bounded text under the checkout's root, and bounded YAML with lines kept.

Every read goes through `cardaudit.safefile` (regular files only, a size cap, no symlink out of
the root) and every YAML document through `cardaudit.safeyaml` (node, alias, depth and time
bounds); whatever goes wrong is a ParseProblem with the line when there is one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from cardaudit import limits
from cardaudit.limits import LimitExceeded
from cardaudit.models.artifacts import ArtifactDoc, ParseProblem, RepoFile
from cardaudit.safefile import read_bounded_text
from cardaudit.safeyaml import YamlSyntaxError, load_yaml
from cardaudit.yamlfile import line_of


def read_text(root: Path, path: str) -> str | ParseProblem:
    """The file at `path` under `root` as text, or the problem that prevents reading it."""
    try:
        return read_bounded_text(root / path, limits.MAX_REPO_FILE_BYTES, root=root)
    except LimitExceeded as exc:
        return ParseProblem(line=exc.line, message=exc.message)


# A Jinja or cookiecutter template of a YAML file ({% if %}, {{ cookiecutter.x }}) is YAML only once
# rendered: not judged, and not an error either.
JINJA = re.compile(r"^\s*\{%-?\s|\{\{\s*cookiecutter\.", re.MULTILINE)


class Unrendered:
    """The file is a template of the document (Jinja, cookiecutter), not the document itself."""

    reason = "a Jinja/cookiecutter template of the file, not the file itself (render it to audit it)"


UNRENDERED = Unrendered()


def read_yaml(root: Path, path: str) -> Any | ParseProblem:
    """The round-trip YAML tree (lines on every node, intrinsic tags kept), or the problem."""
    text = read_text(root, path)
    if isinstance(text, ParseProblem):
        return text
    return yaml_tree(text)


def yaml_tree(text: str) -> Any | ParseProblem:
    """`text` as a round-trip YAML tree (JSON included), or the problem with its line."""
    text = text.removeprefix("\ufeff")
    if text.lstrip().startswith(("{", "[")):
        # JSON is YAML, except that YAML refuses a tab where JSON allows whitespace (and a raw tab
        # inside a JSON string is invalid anyway): indentation by tabs is common in JSON templates.
        text = text.replace("\t", " ")
    try:
        return load_yaml(text)
    except YamlSyntaxError as exc:
        if JINJA.search(text):
            return UNRENDERED
        return ParseProblem(line=exc.line, message=f"invalid YAML: {exc.message}")
    except LimitExceeded as exc:
        return ParseProblem(line=exc.line, message=exc.message)


D = TypeVar("D", bound=ArtifactDoc)


def parse_yaml_file(file: RepoFile, root: Path, kind: type[D], from_tree: Callable[[RepoFile, Any], D]) -> D:
    """A YAML (or JSON) document of one kind: its problem, why it is skipped (unrendered), or `from_tree` of it."""
    doc = read_yaml(root, file.path)
    if isinstance(doc, ParseProblem):
        return kind(file=file, problem=doc)
    if isinstance(doc, Unrendered):
        return kind(file=file, skipped=doc.reason)
    return from_tree(file, doc)


class TreeReader:
    """One document's tree; `offset` and `prefix` place a document written inline in a template."""

    def __init__(self, file: RepoFile, offset: int, prefix: str) -> None:
        self.file, self.offset, self.prefix = file, offset, prefix

    def line(self, node: Any, key: str | int) -> int | None:
        """The line of `node[key]` in the file (the document's own line plus `offset`)."""
        line = line_of(node, (key,))
        return line + self.offset if line is not None else None
