"""CSV: one row per finding, for spreadsheets and ticket imports (secret values never appear)."""

from __future__ import annotations

import csv
import io

from cardaudit.formats.base import Format
from cardaudit.formats.text import visible
from cardaudit.models.report import Report

COLUMNS = ("id", "status", "severity", "kind", "check_id", "owner", "supporting", "pci", "resource_type",
           "account", "region", "resource", "repo", "path", "line", "field", "reason", "owner_rule",
           "waiver", "waiver_state", "waiver_expires")
# Spreadsheet programs execute cells that start with these; AWS tags and file names can.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    # One line per cell: a bare CR or LF inside a value would let a spreadsheet start a new row whose
    # first cell is a formula the prefix below never saw.
    text = "" if value is None else visible(str(value), newlines=False)
    return "'" + text if text.startswith(_FORMULA) else text


def render(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for f in report.findings:
        r, w = f.resource, f.waiver
        writer.writerow([_cell(v) for v in (
            f.id, f.status.value, f.severity.value, f.kind, f.check_id, f.owner, " ".join(f.supporting),
            " ".join(f.pci), r.type, r.account, r.region, r.arn or r.name or r.id, r.repo, r.path, r.line, r.field,
            f.reason, f.owner_rule, w.id if w else None, w.state if w else None, w.expires if w else None)])
    return buffer.getvalue()


FORMAT = Format(name="csv", media_type="text/csv", suffix=".csv", render=render)
