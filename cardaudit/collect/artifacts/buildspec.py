"""CodeBuild buildspec files, read with ruamel.yaml so every command keeps its line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from cardaudit.collect.artifacts.reading import read_yaml
from cardaudit.models.artifacts import BuildCommand, BuildPhase, BuildspecDoc, ParseProblem
from cardaudit.models.inventory import RepoFile
from cardaudit.yamlfile import line_of

PHASE_ORDER = ("install", "pre_build", "build", "post_build")


def _at(node: Any, key: str | int) -> int | None:
    return line_of(node, (key,))




def parse_buildspec(file: RepoFile, root: Path) -> BuildspecDoc:
    doc = read_yaml(root / file.path)
    if isinstance(doc, ParseProblem):
        return BuildspecDoc(file=file, problem=doc)
    if not isinstance(doc, CommentedMap) or "phases" not in doc:
        return BuildspecDoc(file=file, problem=ParseProblem(line=1, message="not a buildspec: no `phases`"))
    version = str(doc.get("version")) if doc.get("version") is not None else None
    if version not in ("0.1", "0.2"):
        return BuildspecDoc(file=file, problem=ParseProblem(line=_at(doc, "version") or 1,
                                                            message=f"unsupported buildspec version {version}"))
    phases_node = doc["phases"]
    if not isinstance(phases_node, CommentedMap):
        return BuildspecDoc(file=file, problem=ParseProblem(line=_at(doc, "phases"),
                                                            message="`phases` must be a mapping"))
    phases: list[BuildPhase] = []
    for name in PHASE_ORDER:
        node = phases_node.get(name)
        if node is None:
            continue
        if not isinstance(node, CommentedMap):
            return BuildspecDoc(file=file, problem=ParseProblem(line=_at(phases_node, name),
                                                                message=f"phase {name} must be a mapping"))
        commands = node.get("commands") or []
        if not isinstance(commands, CommentedSeq):
            return BuildspecDoc(file=file, problem=ParseProblem(line=_at(node, "commands"),
                                                                message=f"phase {name}: `commands` must be a list"))
        phases.append(BuildPhase(
            name=name, line=_at(phases_node, name),
            on_failure=str(node["on-failure"]) if "on-failure" in node else None,
            commands=[BuildCommand(text=str(c), line=_at(commands, i), index=i) for i, c in enumerate(commands)],
        ))
    return BuildspecDoc(file=file, version=version, phases=phases)
