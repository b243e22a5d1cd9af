"""Dockerfiles, read with dockerfile-parse (line continuations, comments, heredoc-free syntax)."""

from __future__ import annotations

import difflib
import io
import re
from pathlib import Path

from dockerfile_parse import DockerfileParser

from cardaudit.collect.artifacts.reading import read_text
from cardaudit.models.artifacts import DockerfileDoc, DockerStage, ParseProblem
from cardaudit.models.containers import EnvVar
from cardaudit.models.inventory import RepoFile
from cardaudit.redact import env_var, redact_text, redact_value

# Every instruction the Dockerfile reference defines; BuildKit rejects anything else.
INSTRUCTIONS = frozenset({
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL", "MAINTAINER",
    "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR", "COMMENT",
})
_HEREDOC = re.compile(r"<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_]*)\2")
_HEREDOC_INSTRUCTIONS = re.compile(r"^\s*(RUN|COPY|ADD)\b", re.IGNORECASE)
_FROM = re.compile(r"^(?:--platform=\S+\s+)?(?P<image>\S+)(?:\s+AS\s+(?P<name>\S+))?\s*$", re.IGNORECASE)


def blank_heredocs(text: str) -> str:
    """Blank out BuildKit heredoc bodies (`RUN <<EOF ... EOF`), keeping every line where it was.

    dockerfile-parse predates heredocs and would read each body line as an instruction.
    """
    lines = text.split("\n")
    pending: list[tuple[bool, str]] = []  # (strip leading tabs, delimiter) still to close
    for index, line in enumerate(lines):
        if pending:
            strip_tabs, delimiter = pending[0]
            if (line.lstrip("\t") if strip_tabs else line).rstrip("\r") == delimiter:
                pending.pop(0)
            lines[index] = ""
        elif _HEREDOC_INSTRUCTIONS.match(line):
            pending = [(dash == "-", name) for dash, _, name in _HEREDOC.findall(line)]
    return "\n".join(lines)


def _unknown(instruction: str) -> str:
    """Names the closest real instruction, never the word written (it may be anything)."""
    close = difflib.get_close_matches(instruction, sorted(INSTRUCTIONS - {"COMMENT"}), n=1)
    return "unknown instruction" + (f" (did you mean {close[0]}?)" if close else "")


def parse_dockerfile(file: RepoFile, root: Path) -> DockerfileDoc:
    text = read_text(root, file.path)
    if isinstance(text, ParseProblem):
        return DockerfileDoc(file=file, problem=text)
    try:
        structure = DockerfileParser(fileobj=io.BytesIO(blank_heredocs(text).encode("utf-8"))).structure
    except (ValueError, IndexError):
        return DockerfileDoc(file=file, problem=ParseProblem(message="cannot parse as a Dockerfile"))
    stages: list[DockerStage] = []
    args: dict[str, str] = {}
    withheld: dict[str, EnvVar] = {}
    for entry in structure:
        instruction, line, value = str(entry["instruction"]).upper(), int(entry["startline"]) + 1, str(entry["value"])
        if instruction not in INSTRUCTIONS:
            return DockerfileDoc(file=file, problem=ParseProblem(line=line, message=_unknown(instruction)))
        if instruction == "FROM":
            match = _FROM.match(value.strip())
            if match is None:
                return DockerfileDoc(file=file, problem=ParseProblem(line=line, message="malformed FROM"))
            stages.append(DockerStage(index=len(stages), line=line, base=redact_text(match["image"]),
                                      name=match["name"]))
        elif not stages and instruction not in ("ARG", "COMMENT"):
            return DockerfileDoc(file=file, problem=ParseProblem(line=line, message=f"{instruction} before any FROM"))
        elif instruction == "USER":
            stages[-1] = stages[-1].model_copy(update={"user": redact_text(value.strip()), "user_line": line})
        elif instruction == "ARG":
            name, _, default = value.strip().partition("=")
            name, default = name.strip(), default.strip().strip('"')
            if not default:
                continue
            # A default whose name or form says secret is kept as its shape only.
            if (kept := redact_value(name, default)) is None:
                withheld[name] = env_var(name, default)
                args.pop(name, None)
            else:
                args[name] = kept
                withheld.pop(name, None)
    if not stages:
        return DockerfileDoc(file=file, problem=ParseProblem(line=1, message="no FROM instruction: not a Dockerfile"))
    return DockerfileDoc(file=file, stages=stages, args=args, withheld_args=list(withheld.values()))
