"""Dockerfiles, read with a small lexer that follows BuildKit's rules for what a line is.

dockerfile-parse predates heredocs and ends an instruction at a blank line inside a
continuation; BuildKit does neither. The lexer here handles what real files hold: a UTF-8 BOM,
CRLF, parser directives (`# syntax=`, `# escape=`), comments and blank lines inside a
continuation, heredocs (also when `<<EOF` is on a continuation line) and `ARG` before `FROM`.
Every instruction keeps the line it starts on.
"""

from __future__ import annotations

import difflib
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from cardaudit.collect.artifacts.reading import JINJA, UNRENDERED, read_text
from cardaudit.models.artifacts import DockerfileDoc, DockerStage, ParseProblem
from cardaudit.models.containers import EnvVar
from cardaudit.models.inventory import RepoFile
from cardaudit.redact import env_var, redact_text, redact_value

# Every instruction the Dockerfile reference defines; BuildKit rejects anything else.
INSTRUCTIONS = frozenset({
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL", "MAINTAINER",
    "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
})
_HEREDOC = re.compile(r"<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_]*)\2")
_HEREDOC_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})
_DIRECTIVE = re.compile(r"^#\s*([A-Za-z]+)\s*=\s*(\S*)\s*$")
_FROM_FLAG = re.compile(r"^--[A-Za-z-]+=\S+\s+")
_FROM = re.compile(r"^(?P<image>\S+)(?:\s+AS\s+(?P<name>\S+))?\s*$", re.IGNORECASE)
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_ENV_LEGACY = re.compile(r"^(?P<name>[^\s=]+)\s+(?P<value>.*)$", re.DOTALL)


@dataclass(frozen=True)
class Instruction:
    line: int
    keyword: str  # as written
    args: str  # the continuation joined, heredoc bodies left out


class DockerSyntaxError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _escape_char(lines: list[str]) -> tuple[str, int]:
    """The escape character from the parser directives, and the index of the first line after them."""
    escape = "\\"
    index = 0
    for index, line in enumerate(lines):
        match = _DIRECTIVE.match(line.strip())
        if match is None:
            return escape, index
        if match.group(1).lower() == "escape" and match.group(2) in ("\\", "`"):
            escape = match.group(2)
    return escape, len(lines)


def instructions(text: str) -> list[Instruction]:
    """The instructions of a Dockerfile with their first line; DockerSyntaxError when it is malformed."""
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    escape, i = _escape_char(lines)
    out: list[Instruction] = []
    count = len(lines)

    def skippable(line: str) -> bool:
        stripped = line.strip()
        return not stripped or stripped.startswith("#")

    while i < count:
        if skippable(lines[i]):
            i += 1
            continue
        start = i
        parts: list[str] = []
        while True:
            current = lines[i].rstrip()
            i += 1
            if current.endswith(escape) and not current.endswith(escape * 2):
                parts.append(current[:-1])
                # Blank lines and comments inside a continuation are dropped, as BuildKit does.
                while i < count and skippable(lines[i]):
                    i += 1
                if i < count:
                    continue
                break
            parts.append(current)
            break
        joined = " ".join(p.strip() for p in parts).strip()
        keyword, args = [*re.split(r"\s+", joined, maxsplit=1), ""][:2]  # a tab may follow the keyword
        if keyword.upper() in _HEREDOC_INSTRUCTIONS or (
                keyword.upper() == "ONBUILD" and args.split(" ", 1)[0].upper() in _HEREDOC_INSTRUCTIONS):
            for dash, _, delimiter in _HEREDOC.findall(args):
                opened = i
                while i < count and (lines[i].lstrip("\t") if dash else lines[i]).rstrip() != delimiter:
                    i += 1
                if i >= count:
                    raise DockerSyntaxError(opened, f"heredoc <<{delimiter} is never closed")
                i += 1
        out.append(Instruction(line=start + 1, keyword=keyword, args=args.strip()))
    return out


def _unknown(instruction: str) -> str:
    """Names the closest real instruction, never the word written (it may be anything)."""
    close = difflib.get_close_matches(instruction.upper(), sorted(INSTRUCTIONS), n=1)
    return "unknown instruction" + (f" (did you mean {close[0]}?)" if close else "")


def _pairs(args: str) -> list[tuple[str, str]]:
    """`ENV A=1 B="x y"` or the legacy `ENV A 1`: (name, value) pairs, values unquoted."""
    if "=" not in args.split(" ", 1)[0]:
        match = _ENV_LEGACY.match(args)
        return [(match["name"], match["value"].strip())] if match else []
    try:
        words = shlex.split(args, posix=True)
    except ValueError:
        words = args.split()
    return [(name, value) for name, _, value in (w.partition("=") for w in words) if name]


def _add_sources(args: str) -> list[str]:
    words = [w for w in args.split() if not w.startswith("--")]
    if args.lstrip().startswith("["):
        words = [w.strip('[]",') for w in args.split(",")]
    return words[:-1]


def parse_dockerfile(file: RepoFile, root: Path) -> DockerfileDoc:
    text = read_text(root, file.path)
    if isinstance(text, ParseProblem):
        return DockerfileDoc(file=file, problem=text)
    doc = _parse(file, text)
    if doc.problem is not None and JINJA.search(text):
        return DockerfileDoc(file=file, skipped=UNRENDERED.reason)
    return doc


def _parse(file: RepoFile, text: str) -> DockerfileDoc:
    try:
        found = instructions(text)
    except DockerSyntaxError as exc:
        return DockerfileDoc(file=file, problem=ParseProblem(line=exc.line, message=exc.message))
    stages: list[DockerStage] = []
    args: dict[str, str] = {}
    global_args: dict[str, str] = {}
    arg_lines: dict[str, int] = {}
    withheld: dict[str, EnvVar] = {}
    for ins in found:
        keyword, line, value = ins.keyword.upper(), ins.line, ins.args
        if keyword not in INSTRUCTIONS:
            return DockerfileDoc(file=file, problem=ParseProblem(line=line, message=_unknown(keyword)))
        if keyword == "FROM":
            spec = value
            while (flag := _FROM_FLAG.match(spec)) is not None:
                spec = spec[flag.end():]
            match = _FROM.match(spec.strip())
            if match is None:
                return DockerfileDoc(file=file, problem=ParseProblem(line=line, message="malformed FROM"))
            stages.append(DockerStage(index=len(stages), line=line, base=redact_text(match["image"]),
                                      name=match["name"]))
        elif not stages and keyword != "ARG":
            return DockerfileDoc(file=file, problem=ParseProblem(line=line, message=f"{keyword} before any FROM"))
        elif keyword == "USER":
            stages[-1] = stages[-1].model_copy(update={"user": redact_text(value.strip()), "user_line": line})
        elif keyword == "ENV":
            stage = stages[-1]
            env = [v for v in stage.env if v.name not in {n for n, _ in _pairs(value)}]
            env_lines = dict(stage.env_lines)
            for name, raw in _pairs(value):
                env.append(env_var(name, raw))
                env_lines[name] = line
            stages[-1] = stage.model_copy(update={"env": env, "env_lines": env_lines})
        elif keyword == "ADD":
            if any(_URL.match(source) for source in _add_sources(value)):
                stages[-1] = stages[-1].model_copy(update={"add_urls": [*stages[-1].add_urls, line]})
        elif keyword == "HEALTHCHECK":
            stages[-1] = stages[-1].model_copy(update={"healthcheck_line": line,
                                                       "healthcheck_none": value.strip().upper() == "NONE"})
        if keyword == "ARG":
            for part in value.split():
                name, _, default = part.partition("=")
                name, default = name.strip(), default.strip().strip('"')
                if not name:
                    continue
                arg_lines[name] = line
                if not default:
                    continue
                # A default whose name or form says secret is kept as its shape only.
                if (kept := redact_value(name, default)) is None:
                    withheld[name] = env_var(name, default)
                    args.pop(name, None)
                    global_args.pop(name, None)
                else:
                    args[name] = kept
                    if not stages:
                        global_args[name] = kept
                    withheld.pop(name, None)
    if not stages:
        return DockerfileDoc(file=file, problem=ParseProblem(line=1, message="no FROM instruction: not a Dockerfile"))
    return DockerfileDoc(file=file, stages=stages, args=args, withheld_args=list(withheld.values()),
                         arg_lines=arg_lines, global_args=global_args)
