"""Names of the shipped catalogues: cheap to import, for option help and choices."""

from __future__ import annotations

CATALOGUES = {"pci-dss-4.0.1": "pci-dss-4.0.1.yaml", "pci-dss-3.2.1": "pci-dss-3.2.1.yaml"}
DEFAULT_CATALOGUE = "pci-dss-4.0.1"
