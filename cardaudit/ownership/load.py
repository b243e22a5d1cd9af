"""Load ownership.yaml and keep where each rule was written, for `owners explain` and lint."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from cardaudit.errors import ConfigError
from cardaudit.models.ownership import OwnershipFile
from cardaudit.yamlfile import line_of, load_model


@dataclass(frozen=True)
class Ownership:
    model: OwnershipFile
    path: Path
    raw: Any = field(repr=False)

    @cached_property  # asked once per rule line; resolving the path each time was most of the cost
    def shown_path(self) -> str:
        """The file as a person would type it: relative to the working directory when inside it."""
        try:
            return str(self.path.resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            return str(self.path)

    def where(self, *loc: int | str) -> str:
        line = line_of(self.raw, loc)
        return f"{self.shown_path}:{line}" if line else self.shown_path

    def resource_rule_line(self, index: int) -> str:
        return self.where("resources", index)

    def artifact_rule_line(self, index: int) -> str:
        return self.where("artifacts", index)

    def requirement_rule_line(self, index: int) -> str:
        return self.where("requirements", index)


def load_ownership(path: Path) -> Ownership:
    model, raw = load_model(OwnershipFile, path)
    ownership = Ownership(model=model, path=path, raw=raw)
    seen: dict[str, int] = {}
    for section, rules in (("resources", model.resources), ("artifacts", model.artifacts)):
        for index, rule in enumerate(rules):
            if rule.id in seen:
                line = line_of(raw, (section, index))
                raise ConfigError(f"duplicate rule id '{rule.id}' (first at line {seen[rule.id]})", path, line)
            seen[rule.id] = line_of(raw, (section, index)) or 0
    for index, resource_rule in enumerate(model.resources):
        arns = resource_rule.match.arn
        for arn in [arns] if isinstance(arns, str) else arns or []:
            parts = arn.split(":")
            if len(parts) < 6 or parts[0] != "arn" or "*" in parts[2] or "?" in parts[2]:
                raise ConfigError(
                    f"rule '{resource_rule.id}': '{arn}' is not an ARN pattern "
                    "(arn:partition:service:region:account:resource; no wildcard in the service)",
                    path, line_of(raw, ("resources", index, "match", "arn")),
                )
    return ownership
