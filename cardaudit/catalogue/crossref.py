"""Cross-references an assessor reconciles: Security Hub's PCI DSS v4.0.1 standard, as data.

`controls/security-hub-pci-dss-4.0.1.yaml` lists every control of that standard with the
requirements AWS maps it to, and where the list comes from. The catalogue's `security_hub` fields
are tested against it: every reference exists in the standard, and every control is referenced
where AWS maps it.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import Field

from cardaudit.models.base import Frozen, PciId
from cardaudit.yamlfile import load_model

SECURITY_HUB_V4 = "security-hub-pci-dss-4.0.1.yaml"


class SecurityHubControl(Frozen):
    id: str
    title: str
    requirements: list[PciId] = Field(default_factory=list)


class SecurityHubStandard(Frozen):
    source: str
    controls: list[SecurityHubControl]

    def by_requirement(self) -> dict[str, list[str]]:
        """Requirement id -> the controls AWS maps to it."""
        out: dict[str, list[str]] = {}
        for control in self.controls:
            for requirement in control.requirements:
                out.setdefault(requirement, []).append(control.id)
        return out


@cache
def security_hub_v4() -> SecurityHubStandard:
    path = Path(str(resources.files("cardaudit.controls").joinpath(SECURITY_HUB_V4)))
    model, _ = load_model(SecurityHubStandard, path)
    return model
