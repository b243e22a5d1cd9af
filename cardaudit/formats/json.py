"""The JSON report: the stable, versioned contract (`"schema": "cardaudit-report/1"`)."""

from __future__ import annotations

from cardaudit.formats.base import Format
from cardaudit.models.report import Report


def render(report: Report) -> str:
    return report.model_dump_json(by_alias=True, indent=2) + "\n"


FORMAT = Format(name="json", media_type="application/json", suffix=".json", render=render)
