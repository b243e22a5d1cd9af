"""The one registry of checks: every check and ownership gap kind, with its metadata.

Checks of the evaluate stage are functions wearing `@check`; their id is the function name. Gap
kinds of the attribute stage are declared with `gap(...)`: the ownership stage computes them from
ownership.yaml, the inventory and the other findings, but they are listed, documented, mapped to
PCI items and rendered exactly like checks. Both live in `cardaudit.checks` (the repository's
top-level `checks/`), which `load_checks` imports with one explicit package walk.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from cardaudit.models.base import Severity
from cardaudit.models.finding import FindingKind, Result
from cardaudit.models.report import CheckInfo, Stage

CheckFn = Callable[..., Iterable[Result]]
Scope = Literal["resource", "account"]

DOC_SECTIONS = ("What it checks", "Why it matters", "How to fix")


@dataclass(frozen=True)
class CheckSpec:
    """Metadata of one check or gap kind. `needs` names the inventory slices passed to a check, in order."""

    id: str
    title: str
    severity: Severity
    category: str
    resource_type: str
    needs: tuple[str, ...]
    fn: CheckFn | None = field(default=None, repr=False, compare=False)
    scope: Scope = "resource"
    aliases: tuple[str, ...] = ()
    stage: Stage = "evaluate"
    docstring: str = field(default="", repr=False, compare=False)

    @property
    def kind(self) -> FindingKind:
        return "control" if self.stage == "evaluate" else "ownership"

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.fn.__doc__ if self.fn is not None and self.fn.__doc__ else self.docstring)

    def doc_section(self, heading: str) -> str:
        """Text under `heading:` in the docstring (What it checks / Why it matters / How to fix)."""
        out: list[str] = []
        inside = False
        for line in self.doc.splitlines():
            if line.rstrip(":").strip() in DOC_SECTIONS:
                inside = line.rstrip(":").strip() == heading
                continue
            if inside:
                out.append(line)
        return "\n".join(out).strip()

    def info(self) -> CheckInfo:
        return CheckInfo(id=self.id, title=self.title, severity=self.severity, category=self.category,
                         resource_type=self.resource_type, stage=self.stage,
                         help={h: " ".join(self.doc_section(h).split()) for h in DOC_SECTIONS})


_REGISTRY: dict[str, CheckSpec] = {}
_loaded = False


class RegistryError(Exception):
    pass


def _register(spec: CheckSpec) -> CheckSpec:
    known = _REGISTRY.get(spec.id)
    if known is not None and (known.fn is not spec.fn or known.stage != spec.stage):
        raise RegistryError(f"duplicate check id {spec.id}")
    _REGISTRY[spec.id] = spec
    return spec


def check(
    *,
    title: str,
    severity: Severity,
    category: str,
    resource_type: str,
    needs: tuple[str, ...],
    scope: Scope = "resource",
    aliases: tuple[str, ...] = (),
) -> Callable[[CheckFn], CheckFn]:
    """Register a check function of the evaluate stage under its own name, its permanent id."""

    def register(fn: CheckFn) -> CheckFn:
        _register(CheckSpec(id=fn.__name__, title=title, severity=severity, category=category,
                            resource_type=resource_type, needs=needs, fn=fn, scope=scope, aliases=aliases))
        return fn

    return register


def gap(check_id: str, *, title: str, severity: Severity, resource_type: str, doc: str,
        aliases: tuple[str, ...] = ()) -> CheckSpec:
    """Declare a gap kind of the attribute stage; `doc` has the same sections as a check's docstring."""
    return _register(CheckSpec(id=check_id, title=title, severity=severity, category="ownership",
                               resource_type=resource_type, needs=("ownership.yaml", "inventory"),
                               stage="attribute", docstring=doc, aliases=aliases))


def load_checks() -> dict[str, CheckSpec]:
    """Import every module under cardaudit.checks once; return the registry by id."""
    global _loaded
    if not _loaded:
        package = importlib.import_module("cardaudit.checks")
        for info in pkgutil.walk_packages(package.__path__, prefix="cardaudit.checks."):
            importlib.import_module(info.name)
        _loaded = True
    return dict(_REGISTRY)


def all_checks(stage: Stage | None = None) -> list[CheckSpec]:
    """Every registered check and gap kind (or those of one stage), by id."""
    return sorted((s for s in load_checks().values() if stage is None or s.stage == stage), key=lambda s: s.id)


def resolve_id(check_id: str) -> str:
    """Map a retired alias to the current id."""
    for spec in load_checks().values():
        if check_id == spec.id or check_id in spec.aliases:
            return spec.id
    raise KeyError(check_id)
