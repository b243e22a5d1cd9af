"""CodeBuild buildspec files, read with ruamel.yaml so every command keeps its line.

Commands are stored redacted (`cardaudit.redact.redact_text`): a password after `-p`, a token
in a header or an assignment to DB_PASS never reaches the inventory, while the words the
scan-gate check reads (`trivy`, `--exit-code 1`, `docker push`) stay as written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from cardaudit.collect.artifacts.reading import TreeReader, parse_yaml_file
from cardaudit.models.artifacts import BuildCommand, BuildPhase, BuildspecDoc, ParseProblem
from cardaudit.models.containers import EnvVar
from cardaudit.models.inventory import RepoFile
from cardaudit.redact import env_var, redact_text

PHASE_ORDER = ("install", "pre_build", "build", "post_build")
ON_FAILURE = ("ABORT", "CONTINUE")


class _Reader(TreeReader):
    """One buildspec tree; `offset` shifts lines for a buildspec written inside a template."""

    def problem(self, line: int | None, message: str) -> BuildspecDoc:
        return BuildspecDoc(file=self.file, field_prefix=self.prefix, problem=ParseProblem(line=line, message=message))

    def commands(self, name: str, node: CommentedMap, key: str) -> list[BuildCommand] | BuildspecDoc:
        value = node.get(key)
        if value is None:
            return []
        if not isinstance(value, CommentedSeq):
            return self.problem(self.line(node, key), f"phase {name}: `{key}` must be a list")
        nested = [i for i, c in enumerate(value) if isinstance(c, dict | list)]
        if nested:
            return self.problem(self.line(value, nested[0]), f"phase {name}: each command must be a string")
        return [BuildCommand(text=redact_text(str(c)), line=self.line(value, i), index=i) for i, c in enumerate(value)]

    def phase(self, name: str, node: Any, line: int | None) -> BuildPhase | BuildspecDoc:
        if node is None:  # `post_build:` with nothing under it: an empty phase, valid
            return BuildPhase(name=name, line=line)
        if not isinstance(node, CommentedMap):
            return self.problem(line, f"phase {name} must be a mapping")
        commands = self.commands(name, node, "commands")
        if isinstance(commands, BuildspecDoc):
            return commands
        final = self.commands(name, node, "finally")
        if isinstance(final, BuildspecDoc):
            return final
        on_failure = node.get("on-failure")
        if on_failure is not None and str(on_failure).upper() not in ON_FAILURE:
            return self.problem(self.line(node, "on-failure"), f"phase {name}: on-failure must be ABORT or CONTINUE")
        # `finally` runs after the commands; its indexes follow on so each command has one place.
        final = [c.model_copy(update={"index": len(commands) + c.index}) for c in final]
        return BuildPhase(name=name, line=line, on_failure=str(on_failure).upper() if on_failure is not None else None,
                          commands=[*commands, *final])

    def env(self, doc: CommentedMap) -> tuple[list[EnvVar], dict[str, int], list[str]] | BuildspecDoc:
        env = doc.get("env")
        if env is None:
            return [], {}, []
        if not isinstance(env, CommentedMap):
            return self.problem(self.line(doc, "env"), "`env` must be a mapping")
        variables: list[EnvVar] = []
        lines: dict[str, int] = {}
        store: list[str] = []
        for key in ("variables", "parameter-store", "secrets-manager"):
            node = env.get(key)
            if node is None:
                continue
            if not isinstance(node, CommentedMap):
                return self.problem(self.line(env, key), f"env.{key} must be a mapping")
            for name, value in node.items():
                if key != "variables":
                    store.append(str(name))
                    continue
                variables.append(env_var(str(name), "" if value is None else str(value)))
                if (line := self.line(node, name)) is not None:
                    lines[str(name)] = line
        return variables, lines, store


def amplify(doc: Any) -> bool:
    """An AWS Amplify build specification (version 1, frontend/backend), which CodeBuild never runs."""
    return isinstance(doc, CommentedMap) and (
        "frontend" in doc or "backend" in doc or "applications" in doc) and "phases" not in doc


def buildspec_from_tree(file: RepoFile, doc: Any, offset: int = 0, prefix: str = "$",
                        line: int | None = None) -> BuildspecDoc:
    """A buildspec from its YAML tree; `offset` and `prefix` place an inline one inside its template."""
    reader = _Reader(file, offset, prefix)
    if amplify(doc):
        return BuildspecDoc(file=file, field_prefix=prefix, skipped="an AWS Amplify build specification "
                            "(frontend/backend), not a CodeBuild buildspec")
    if not isinstance(doc, CommentedMap) or "phases" not in doc:
        if isinstance(doc, CommentedMap) and str(doc.get("version")) in ("0.1", "0.2"):
            return reader.problem(reader.line(doc, "version"), "a buildspec version without `phases`")
        return BuildspecDoc(file=file, field_prefix=prefix, skipped="not a CodeBuild buildspec: no `phases`")
    version = str(doc.get("version")) if doc.get("version") is not None else None
    if version not in ("0.1", "0.2"):
        return reader.problem(reader.line(doc, "version") or 1 + offset,
                              "unsupported buildspec version (0.1 or 0.2 expected)")
    phases_node = doc["phases"]
    if not isinstance(phases_node, CommentedMap):
        return reader.problem(reader.line(doc, "phases"), "`phases` must be a mapping")
    phases: list[BuildPhase] = []
    for name in PHASE_ORDER:
        if name not in phases_node:
            continue
        phase = reader.phase(name, phases_node.get(name), reader.line(phases_node, name))
        if isinstance(phase, BuildspecDoc):
            return phase
        phases.append(phase)
    env = reader.env(doc)
    if isinstance(env, BuildspecDoc):
        return env
    variables, lines, store = env
    return BuildspecDoc(file=file, field_prefix=prefix, version=version, line=line or 1 + offset, phases=phases,
                        variables=variables, variable_lines=lines, store_references=store, batch="batch" in doc)


def parse_buildspec(file: RepoFile, root: Path) -> BuildspecDoc:
    return parse_yaml_file(file, root, BuildspecDoc, buildspec_from_tree)
