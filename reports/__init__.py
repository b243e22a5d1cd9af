"""HTML report templates and assets (installed as cardaudit.reports)."""
