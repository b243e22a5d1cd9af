"""CodeBuild buildspec files, read with ruamel.yaml so every command keeps its line.

Commands are stored redacted (`cardaudit.redact.redact_text`): a password after `-p`, a token
in a header or an assignment to DB_PASS never reaches the inventory, while the words the
scan-gate check reads (`trivy`, `--exit-code 1`, `docker push`) stay as written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from cardaudit.collect.artifacts.reading import read_yaml
from cardaudit.models.artifacts import BuildCommand, BuildPhase, BuildspecDoc, ParseProblem
from cardaudit.models.inventory import RepoFile
from cardaudit.redact import redact_text
from cardaudit.yamlfile import line_of

PHASE_ORDER = ("install", "pre_build", "build", "post_build")
ON_FAILURE = ("ABORT", "CONTINUE")


def _at(node: Any, key: str | int) -> int | None:
    return line_of(node, (key,))


def _problem(file: RepoFile, line: int | None, message: str) -> BuildspecDoc:
    return BuildspecDoc(file=file, problem=ParseProblem(line=line, message=message))


def _phase(file: RepoFile, name: str, node: Any, line: int | None) -> BuildPhase | BuildspecDoc:
    if not isinstance(node, CommentedMap):
        return _problem(file, line, f"phase {name} must be a mapping")
    commands = node.get("commands") or []
    if not isinstance(commands, CommentedSeq):
        return _problem(file, _at(node, "commands"), f"phase {name}: `commands` must be a list")
    nested = [i for i, c in enumerate(commands) if isinstance(c, dict | list)]
    if nested:
        index = nested[0]
        return _problem(file, _at(commands, index), f"phase {name}: each command must be a string")
    on_failure = node.get("on-failure")
    if on_failure is not None and str(on_failure).upper() not in ON_FAILURE:
        return _problem(file, _at(node, "on-failure"), f"phase {name}: on-failure must be ABORT or CONTINUE")
    return BuildPhase(
        name=name, line=line, on_failure=str(on_failure).upper() if on_failure is not None else None,
        commands=[BuildCommand(text=redact_text(str(c)), line=_at(commands, i), index=i)
                  for i, c in enumerate(commands)],
    )


def parse_buildspec(file: RepoFile, root: Path) -> BuildspecDoc:
    doc = read_yaml(root, file.path)
    if isinstance(doc, ParseProblem):
        return BuildspecDoc(file=file, problem=doc)
    if not isinstance(doc, CommentedMap) or "phases" not in doc:
        return _problem(file, 1, "not a buildspec: no `phases`")
    version = str(doc.get("version")) if doc.get("version") is not None else None
    if version not in ("0.1", "0.2"):
        return _problem(file, _at(doc, "version") or 1, "unsupported buildspec version (0.1 or 0.2 expected)")
    phases_node = doc["phases"]
    if not isinstance(phases_node, CommentedMap):
        return _problem(file, _at(doc, "phases"), "`phases` must be a mapping")
    phases: list[BuildPhase] = []
    for name in PHASE_ORDER:
        node = phases_node.get(name)
        if node is None:
            continue
        phase = _phase(file, name, node, _at(phases_node, name))
        if isinstance(phase, BuildspecDoc):
            return phase
        phases.append(phase)
    return BuildspecDoc(file=file, version=version, phases=phases)
