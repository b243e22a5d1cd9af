"""One self-contained HTML file for assessors: opens offline, no script, everything escaped."""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from cardaudit.formats.base import Format
from cardaudit.formats.text import visible
from cardaudit.models.base import Severity, Status
from cardaudit.models.control import ITEM_STATUS_ORDER, RequirementStatus
from cardaudit.models.finding import Finding
from cardaudit.models.report import Report


def _finalize(value: object) -> object:
    if isinstance(value, Markup):  # already HTML; the escapes visible() writes are plain ASCII
        return Markup(visible(str(value)))  # noqa: S704 -- the input was Markup already
    return visible(value) if isinstance(value, str) else value


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("cardaudit.reports", ""),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # Every value printed goes through visible() before autoescape: no bidi override or control
        # character from a tag or file name reorders what the assessor reads.
        finalize=_finalize,
    )
    env.filters["evidence"] = lambda value: json.dumps(value, indent=1, sort_keys=True, default=str)
    return env


# Findings worst first: what to fix, what could not be seen, accepted exceptions, what passes.
_ORDER = [Status.FAIL, Status.ERROR, Status.NOT_ASSESSED, Status.WAIVED, Status.PASS]


def _tree(requirements: list[RequirementStatus]) -> tuple[list[RequirementStatus], dict[str, list[RequirementStatus]]]:
    children: dict[str, list[RequirementStatus]] = {}
    roots: list[RequirementStatus] = []
    for item in requirements:
        if item.parent is None:
            roots.append(item)
        else:
            children.setdefault(item.parent, []).append(item)
    return roots, children


def _leaf_counts(item: RequirementStatus, children: dict[str, list[RequirementStatus]]) -> Counter[str]:
    kids = children.get(item.id, [])
    if not kids:
        return Counter({item.status.value: 1}) if item.kind == "requirement" else Counter()
    total: Counter[str] = Counter()
    for kid in kids:
        total.update(_leaf_counts(kid, children))
    return total


def _ordered(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Status counts worst first, the order a reader triages in."""
    order = [s.value for s in ITEM_STATUS_ORDER]
    return sorted(counts.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))


def _blind(report: Report) -> list[dict[str, Any]]:
    """Collection errors grouped by where and why, so one disabled region is one row, not twelve."""
    groups: dict[tuple[str, str, str, str], list[str]] = {}
    for e in report.collection_errors:
        call = e.service if e.operation == "-" else f"{e.service}:{e.operation}"
        groups.setdefault((e.account, e.region, e.code, e.message), []).append(call)
    return [{"account": a, "region": r, "code": c, "message": m, "calls": sorted(set(calls))}
            for (a, r, c, m), calls in sorted(groups.items())]


def _teams(report: Report) -> list[dict[str, Any]]:
    """Per team: what it must fix now (failing findings it owns) and the PCI items it answers for."""
    rows: dict[str, dict[str, Any]] = {}

    def row(team: str) -> dict[str, Any]:
        return rows.setdefault(team, {"team": team, "failing": [], "items": Counter()})

    for f in report.findings:
        if f.status in (Status.FAIL, Status.ERROR) and f.kind == "control":
            row(f.owner or "(nobody)")["failing"].append(f)
    for item in report.requirements:
        if item.kind == "requirement":
            row(item.owner or "(nobody)")["items"][item.status.value] += 1
    for data in rows.values():
        data["failing"].sort(key=lambda f: (-Severity(f.severity).rank, f.check_id))
    return sorted(rows.values(), key=lambda d: (d["team"] == "(nobody)", -len(d["failing"]), d["team"]))


def _problems_by_item(report: Report) -> dict[str, list[Finding]]:
    """For each PCI item, the findings that keep it from passing (linked from the requirement tree)."""
    out: dict[str, list[Finding]] = {}
    for f in report.findings:
        if f.status != Status.PASS:
            for item in f.pci:
                out.setdefault(item, []).append(f)
    for findings in out.values():
        findings.sort(key=lambda f: (_ORDER.index(f.status),
                                     -Severity(f.severity).rank, f.check_id))
    return out


def context(report: Report) -> dict[str, Any]:
    roots, children = _tree(report.requirements)
    findings = sorted(report.findings, key=lambda f: (
        _ORDER.index(f.status),
        -Severity(f.severity).rank, f.check_id, f.resource.key))
    return {
        "report": report,
        "blind": _blind(report),
        "teams": _teams(report),
        "problems": _problems_by_item(report),
        "ordered": _ordered,
        "roots": roots,
        "children": children,
        "leaf_counts": {r.id: _leaf_counts(r, children) for r in roots},
        "control": [f for f in findings if f.kind == "control"],
        "ownership": [f for f in findings if f.kind == "ownership" and f.status != Status.PASS],
        "ownership_pass": sum(1 for f in findings if f.kind == "ownership" and f.status == Status.PASS),
        "css": resources.files("cardaudit.reports").joinpath("report.css").read_text(encoding="utf-8"),
    }


def render(report: Report) -> str:
    return _environment().get_template("report.html.j2").render(**context(report))


FORMAT = Format(name="html", media_type="text/html", suffix=".html", render=render)
