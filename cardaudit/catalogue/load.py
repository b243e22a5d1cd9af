"""Load a shipped PCI DSS catalogue and index its tree.

The YAML in `controls/` is the source people edit. Each run reads its compiled twin
(`controls/<name>.json`, written by `python -m cardaudit.catalogue.compile` and tested equal to the
YAML): parsing the YAML takes about half a second, the JSON a millisecond. A catalogue is read once
per process. A catalogue file given by path is read as YAML, with line numbers for its errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from cardaudit.catalogue.names import CATALOGUES, DEFAULT_CATALOGUE
from cardaudit.errors import ConfigError
from cardaudit.models.control import CatalogueFile, CatalogueItem

__all__ = ["CATALOGUES", "DEFAULT_CATALOGUE", "Catalogue", "catalogue_path", "compiled_path", "load_catalogue"]


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


def _known(name: str) -> str:
    if name not in CATALOGUES:
        raise ConfigError(f"unknown catalogue '{name}' (known: {', '.join(CATALOGUES)})")
    return CATALOGUES[name]


def catalogue_path(name: str) -> Path:
    return Path(str(resources.files("cardaudit.controls").joinpath(_known(name))))


def compiled_path(name: str) -> Path:
    return catalogue_path(name).with_suffix(".json")


def load_catalogue(name: str = DEFAULT_CATALOGUE, path: Path | None = None) -> Catalogue:
    if path is not None:
        return read_yaml_catalogue(path)
    return _shipped(name)


def read_yaml_catalogue(path: Path) -> Catalogue:
    from cardaudit.yamlfile import load_model  # ruamel only where a file's line numbers matter

    model, _ = load_model(CatalogueFile, path)
    return index(model, path)


@cache
def _shipped(name: str) -> Catalogue:
    path = compiled_path(name)
    try:
        model = CatalogueFile.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise ConfigError(f"cannot read the compiled catalogue: {exc.strerror}", path) from exc
    except ValidationError as exc:
        raise ConfigError(f"compiled catalogue does not validate ({exc.error_count()} errors); "
                          "run `python -m cardaudit.catalogue.compile`", path) from None
    return index(model, path)


def index(model: CatalogueFile, path: Path) -> Catalogue:
    by_id: dict[str, CatalogueItem] = {}
    children: dict[str, list[str]] = {}
    for item in model.items:
        if item.id in by_id:
            raise ConfigError(f"duplicate item id {item.id}", path)
        if item.parent is not None and item.parent not in by_id:
            raise ConfigError(f"item {item.id}: parent {item.parent} must come before it", path)
        by_id[item.id] = item
        if item.parent is not None:
            children.setdefault(item.parent, []).append(item.id)
    return Catalogue(f"pci-dss-{model.version}", model.version, model.items, by_id, children)
