"""Load a shipped PCI DSS catalogue (controls/pci-dss-<version>.yaml) and index its tree."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from cardaudit.errors import ConfigError
from cardaudit.models.control import CatalogueFile, CatalogueItem
from cardaudit.yamlfile import load_model

CATALOGUES = {"pci-dss-4.0.1": "pci-dss-4.0.1.yaml", "pci-dss-3.2.1": "pci-dss-3.2.1.yaml"}
DEFAULT_CATALOGUE = "pci-dss-4.0.1"


@dataclass(frozen=True)
class Catalogue:
    name: str
    version: str
    items: list[CatalogueItem]
    by_id: dict[str, CatalogueItem] = field(repr=False)
    children: dict[str, list[str]] = field(repr=False)

    def is_leaf(self, item_id: str) -> bool:
        return not self.children.get(item_id)

    def items_for_check(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for item in self.items:
            for check_id in item.checks:
                out.setdefault(check_id, []).append(item.id)
        return out


def catalogue_path(name: str) -> Path:
    if name not in CATALOGUES:
        raise ConfigError(f"unknown catalogue '{name}' (known: {', '.join(CATALOGUES)})")
    return Path(str(resources.files("cardaudit.controls").joinpath(CATALOGUES[name])))


def load_catalogue(name: str = DEFAULT_CATALOGUE, path: Path | None = None) -> Catalogue:
    file_path = path or catalogue_path(name)
    model, _ = load_model(CatalogueFile, file_path)
    by_id: dict[str, CatalogueItem] = {}
    children: dict[str, list[str]] = {}
    for item in model.items:
        if item.id in by_id:
            raise ConfigError(f"duplicate item id {item.id}", file_path)
        if item.parent is not None and item.parent not in by_id:
            raise ConfigError(f"item {item.id}: parent {item.parent} must come before it", file_path)
        by_id[item.id] = item
        if item.parent is not None:
            children.setdefault(item.parent, []).append(item.id)
    return Catalogue(f"pci-dss-{model.version}", model.version, model.items, by_id, children)
