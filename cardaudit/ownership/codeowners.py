"""CODEOWNERS files (GitHub syntax) as evidence of who a team says owns a repository path.

GitHub reads the first of `.github/CODEOWNERS`, `CODEOWNERS` and `docs/CODEOWNERS`, ignores a file
of 3 MB or more, and lets the last matching line win. Patterns are gitignore-like (read with
pathspec); a pattern without owners leaves its paths explicitly unowned. Owners are mapped to
ownership.yaml teams through each team's `handles` (`@acme/app`) and `contacts` (e-mail).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pathspec

from cardaudit.models.evidence import EvidenceFile, EvidenceStatus
from cardaudit.ownership.iac import read_evidence

LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
MAX_BYTES = 3 * 1024 * 1024  # GitHub ignores a larger file entirely


@dataclass(frozen=True)
class CodeownersRule:
    line: int
    pattern: str
    owners: tuple[str, ...]
    spec: pathspec.PathSpec[Any] = field(compare=False, repr=False)
    problem: str | None = None  # a malformed line: GitHub skips it, so what it would decide is unknown


@dataclass(frozen=True)
class Codeowners:
    """One repository's CODEOWNERS, or why it could not be read (`error`), or that it has none (`absent`)."""

    repo: str
    shown: str = ""
    rules: tuple[CodeownersRule, ...] = ()
    file: EvidenceFile | None = None
    error: str | None = None
    absent: bool = False

    def owner_of(self, path: str) -> CodeownersRule | None:
        """The last rule matching `path`, as GitHub decides."""
        for rule in reversed(self.rules):
            if _matches(rule, path):
                return rule
        return None

    def where(self, rule: CodeownersRule) -> str:
        return f"{self.shown}:{rule.line}"

    def status(self) -> EvidenceStatus:
        if self.absent:
            return EvidenceStatus(source=f"CODEOWNERS of {self.repo}", kind="codeowners", read=False,
                                  detail=f"no CODEOWNERS in {self.repo} ({', '.join(LOCATIONS)})",
                                  fix=f"add a CODEOWNERS file to {self.repo} to compare it with ownership.yaml")
        if self.error:
            return EvidenceStatus(source=f"CODEOWNERS of {self.repo}", kind="codeowners", read=False,
                                  detail=self.error, fix=f"fix {self.shown}")
        return EvidenceStatus(source=f"CODEOWNERS of {self.repo}", kind="codeowners", read=True,
                              detail=f"{self.shown}: {len(self.rules)} rule(s)")


def _matches(rule: CodeownersRule, path: str) -> bool:
    if not rule.spec.match_file(path):
        return False
    if rule.pattern.endswith("/*") and not rule.pattern.endswith("**/*"):
        # `docs/*` is not recursive on GitHub: a file deeper down matched only through its folder does not count.
        parent = path.rpartition("/")[0]
        return not (parent and rule.spec.match_file(parent))
    return True


def _valid_owner(owner: str) -> bool:
    if owner.startswith("@"):
        body = owner[1:]
        return bool(body) and "@" not in body and body.count("/") <= 1 and not body.endswith("/")
    return "@" in owner and not owner.startswith("@") and "." in owner.split("@", 1)[1]


def parse_codeowners(repo: str, shown: str, text: str, file: EvidenceFile | None = None) -> Codeowners:
    rules: list[CodeownersRule] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if " #" in line:  # an inline comment
            line = line.split(" #", 1)[0].strip()
        pattern, *owners = line.split()
        if pattern.startswith("\\#"):
            pattern = pattern[1:]
        bad = [o for o in owners if not _valid_owner(o)]
        problem = f"invalid owner {bad[0]!r}" if bad else None
        if pattern.startswith("!") or "[" in pattern:
            problem = "negation (!) and [ ] ranges are not supported by GitHub"
        try:
            spec = pathspec.PathSpec.from_lines("gitignore", [pattern])
        except (ValueError, TypeError):
            spec, problem = pathspec.PathSpec.from_lines("gitignore", []), "a pattern that cannot be read"
        rules.append(CodeownersRule(number, pattern, tuple(owners), spec, problem))
    return Codeowners(repo=repo, shown=shown, rules=tuple(rules), file=file)


def read_codeowners(repo: str, root: Path) -> Codeowners:
    for location in LOCATIONS:
        path = root / location
        if not path.is_file():
            continue
        shown = f"{repo}:{location}"
        got = read_evidence(path, shown)
        if isinstance(got, str):
            return Codeowners(repo=repo, shown=shown, error=got)
        data, record = got
        if len(data) >= MAX_BYTES:
            return Codeowners(repo=repo, shown=shown, file=record, error=f"{shown}: 3 MB or more, which GitHub ignores")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return Codeowners(repo=repo, shown=shown, file=record, error=f"{shown}: not UTF-8 text")
        return parse_codeowners(repo, shown, text, record)
    return Codeowners(repo=repo, absent=True)


def load_codeowners(repos: dict[str, Path]) -> dict[str, Codeowners]:
    return {name: read_codeowners(name, root) for name, root in sorted(repos.items())}
