"""The JSON report: the stable, versioned contract (`"schema": "cardaudit-report/1"`)."""

from __future__ import annotations

from cardaudit.formats.base import Format
from cardaudit.formats.text import visible
from cardaudit.models.report import Report


def render(report: Report) -> str:
    # Control characters are already JSON escapes; bidi controls become `\u202e`-style escapes too,
    # which read back as the same characters: the data is exact, the text shows nothing hidden.
    return visible(report.model_dump_json(by_alias=True, indent=2)) + "\n"


FORMAT = Format(name="json", media_type="application/json", suffix=".json", render=render)
