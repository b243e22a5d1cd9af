"""The check registry: a decorator writes each check's metadata into one dict.

Checks live in `cardaudit.checks` (the repository's top-level `checks/`), one module per service
or artifact kind. `load_checks` imports them with one explicit package walk.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from cardaudit.models.base import Severity
from cardaudit.models.finding import Result

CheckFn = Callable[..., Iterable[Result]]
Scope = Literal["resource", "account"]


@dataclass(frozen=True)
class CheckSpec:
    """Metadata of one check. `needs` names the inventory slices passed to it, in order."""

    id: str
    title: str
    severity: Severity
    category: str
    resource_type: str
    needs: tuple[str, ...]
    fn: CheckFn = field(repr=False, compare=False)
    scope: Scope = "resource"
    aliases: tuple[str, ...] = ()

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.fn.__doc__ or "")

    def doc_section(self, heading: str) -> str:
        """Text under `heading:` in the docstring (What it checks / Why it matters / How to fix)."""
        lines = self.doc.splitlines()
        out: list[str] = []
        inside = False
        for line in lines:
            if line.rstrip(":").strip() in _SECTIONS:
                inside = line.rstrip(":").strip() == heading
                continue
            if inside:
                out.append(line)
        return "\n".join(out).strip()


_SECTIONS = ("What it checks", "Why it matters", "How to fix")
DOC_SECTIONS = _SECTIONS

_REGISTRY: dict[str, CheckSpec] = {}


class RegistryError(Exception):
    pass


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
    """Register a check function under its own name, which is its permanent id."""

    def register(fn: CheckFn) -> CheckFn:
        check_id = fn.__name__
        if check_id in _REGISTRY and _REGISTRY[check_id].fn is not fn:
            raise RegistryError(f"duplicate check id {check_id}")
        _REGISTRY[check_id] = CheckSpec(
            id=check_id, title=title, severity=severity, category=category,
            resource_type=resource_type, needs=needs, fn=fn, scope=scope, aliases=aliases,
        )
        return fn

    return register


def load_checks() -> dict[str, CheckSpec]:
    """Import every module under cardaudit.checks once; return the registry by id."""
    package = importlib.import_module("cardaudit.checks")
    for info in pkgutil.walk_packages(package.__path__, prefix="cardaudit.checks."):
        importlib.import_module(info.name)
    return dict(_REGISTRY)


def all_checks() -> list[CheckSpec]:
    return sorted(load_checks().values(), key=lambda spec: spec.id)


def resolve_id(check_id: str) -> str:
    """Map a retired alias to the current id."""
    for spec in load_checks().values():
        if check_id == spec.id or check_id in spec.aliases:
            return spec.id
    raise KeyError(check_id)
