"""PCI DSS catalogues as data (installed as cardaudit.controls)."""
