"""Infrastructure-as-code provenance: which resources each declared IaC source manages.

Pulumi and Terraform leave no tag on what they create; their state is the truth. A `pulumi
stack export` document lists `deployment.resources[]` with `type`, `id` and `outputs.arn`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from cardaudit.models.inventory import resource_types
from cardaudit.models.ownership import IacSource

# IaC resource types whose `id` is the AWS resource's name, keyed to CloudFormation types, from the
# resource types' declarations.
_NAME_IDS = {iac_type: t.cfn_type for t in resource_types() for iac_type in t.iac_name_types}


@dataclass(frozen=True)
class IacClaims:
    """What one IaC source manages, or why it could not be read."""

    source: IacSource
    arns: frozenset[str] = frozenset()
    names: frozenset[tuple[str, str]] = frozenset()  # (cfn type, name)
    error: str | None = None
    location: str = ""

    def claims(self, arn: str, cfn_type: str, name: str) -> bool:
        return arn in self.arns or (cfn_type, name) in self.names


@dataclass
class IacIndex:
    sources: list[IacClaims] = field(default_factory=list)

    @property
    def errors(self) -> list[IacClaims]:
        return [s for s in self.sources if s.error]

    def claimants(self, arn: str, cfn_type: str, name: str) -> list[IacSource]:
        return [s.source for s in self.sources if not s.error and s.claims(arn, cfn_type, name)]


def _state_path(source: IacSource, repos: dict[str, Path], base: Path) -> Path | None:
    if source.state is None:
        return None
    if source.repo is not None:
        root = repos.get(source.repo)
        return None if root is None else root / source.state
    return base / source.state


def load_pulumi_state(source: IacSource, path: Path) -> IacClaims:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        resources = doc["deployment"]["resources"]
    except OSError as exc:
        return IacClaims(source, error=f"cannot read {path}: {exc.strerror}", location=str(path))
    except json.JSONDecodeError as exc:
        return IacClaims(source, error=f"{path}:{exc.lineno}: invalid JSON: {exc.msg}", location=str(path))
    except (KeyError, TypeError):
        return IacClaims(source, error=f"{path}: not a `pulumi stack export` document "
                                       "(no deployment.resources)", location=str(path))
    arns: set[str] = set()
    names: set[tuple[str, str]] = set()
    for res in resources if isinstance(resources, list) else []:
        outputs = res.get("outputs") or {}
        if isinstance(outputs.get("arn"), str):
            arns.add(outputs["arn"])
        cfn_type = _NAME_IDS.get(str(res.get("type")))
        if cfn_type and isinstance(res.get("id"), str):
            names.add((cfn_type, res["id"]))
    return IacClaims(source, frozenset(arns), frozenset(names), location=str(path))


def load_iac(sources: list[IacSource], repos: dict[str, Path], base: Path) -> IacIndex:
    index = IacIndex()
    for source in sources:
        if source.tool in ("pulumi", "terraform") and source.state:
            path = _state_path(source, repos, base)
            if path is None:
                index.sources.append(IacClaims(source, error=f"repository {source.repo} is not configured "
                                                             "(pass --repo NAME=PATH)"))
            elif source.tool == "pulumi":
                index.sources.append(load_pulumi_state(source, path))
            else:
                index.sources.append(IacClaims(source, error="terraform state is not read yet"))
        # CloudFormation and SAM provenance comes from stack tags on the resources themselves.
    return index
