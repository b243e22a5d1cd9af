"""Compare two JSON reports: what failed since last time, what got fixed, what cardaudit stopped seeing.

Finding ids are hashes of the check and the resource, so the same resource keeps its id across
runs; PCI item ids are the catalogue's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cardaudit.errors import ConfigError
from cardaudit.models.report import REPORT_SCHEMA

_BAD = ("FAIL", "ERROR")


@dataclass
class ReportDiff:
    new_failures: list[dict[str, Any]] = field(default_factory=list)
    fixed: list[dict[str, Any]] = field(default_factory=list)
    still_failing: list[dict[str, Any]] = field(default_factory=list)
    newly_blind: list[dict[str, Any]] = field(default_factory=list)  # seen before, NOT_ASSESSED now
    gone: list[dict[str, Any]] = field(default_factory=list)  # failing before, absent now (deleted?)
    items: list[tuple[str, str, str]] = field(default_factory=list)  # (item id, before, after)


def load_report(path: Path) -> dict[str, Any]:
    try:
        doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read report: {exc.strerror}", path) from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(f"invalid JSON: {exc.msg}", path, exc.lineno) from None
    if not isinstance(doc, dict) or doc.get("schema") != REPORT_SCHEMA:
        raise ConfigError(f"not a {REPORT_SCHEMA} document", path)
    return doc


def diff_reports(before: dict[str, Any], after: dict[str, Any]) -> ReportDiff:
    old = {f["id"]: f for f in before["findings"]}
    new = {f["id"]: f for f in after["findings"]}
    out = ReportDiff()
    for fid, f in new.items():
        was = old.get(fid)
        if f["status"] in _BAD:
            (out.still_failing if was and was["status"] in _BAD else out.new_failures).append(f)
        elif was and was["status"] in _BAD and f["status"] == "PASS":
            out.fixed.append(f)
        elif was and was["status"] != "NOT_ASSESSED" and f["status"] == "NOT_ASSESSED":
            out.newly_blind.append(f)
    out.gone = [f for fid, f in old.items() if fid not in new and f["status"] in _BAD]
    before_items = {r["id"]: r["status"] for r in before.get("requirements", [])}
    out.items = [(r["id"], before_items[r["id"]], r["status"]) for r in after.get("requirements", [])
                 if r["id"] in before_items and before_items[r["id"]] != r["status"]]
    return out
