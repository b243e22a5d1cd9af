"""Compile the shipped catalogues' YAML to the JSON each run reads: `python -m cardaudit.catalogue.compile`.

A test fails when a compiled file and its YAML disagree, naming this command.
"""

from __future__ import annotations

import sys

from cardaudit.catalogue.load import CATALOGUES, catalogue_path, compiled_path, read_yaml_catalogue
from cardaudit.models.control import CatalogueFile


def compiled_text(name: str) -> str:
    # Read as any YAML catalogue is, so the tree's checks (ids, parent order) run before compiling.
    catalogue = read_yaml_catalogue(catalogue_path(name))
    model = CatalogueFile(catalogue="pci-dss", version=catalogue.version, items=catalogue.items)
    return model.model_dump_json(indent=1, exclude_defaults=True) + "\n"


def main() -> int:
    for name in CATALOGUES:
        path = compiled_path(name)
        path.write_text(compiled_text(name), encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
