"""One self-contained HTML file for two readers: an assessor (verdict, requirement tree, evidence
guidance) and an engineering manager (who must act, by severity; what nobody owns).

It opens offline and makes no request. A small inline script enhances a table that reads fine with
scripts off; the Content-Security-Policy allows exactly that script and stylesheet by their sha256,
computed here from the text written. Everything from AWS or a repository is autoescaped.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from cardaudit.formats.base import Format
from cardaudit.formats.text import visible
from cardaudit.models.base import Severity, Status
from cardaudit.models.control import ITEM_STATUS_ORDER, ItemStatus, RequirementStatus
from cardaudit.models.finding import Finding
from cardaudit.models.report import Report

NOBODY = "(nobody)"
# Colours of the statuses known today; a status added later gets FALLBACK_COLOUR until it is named
# here, and renders everywhere (badges, bars, filters) without any other change.
STATUS_COLOURS = {
    "FAIL": "#b42318", "ERROR": "#9e1f63", "ATTESTATION_EXPIRED": "#dc6803", "NOT_ASSESSED": "#b54708",
    "MANUAL": "#175cd3", "ATTESTED": "#099250", "PASS": "#067647", "INHERITED": "#475467",
    "NOT_APPLICABLE": "#98a2b3",
}
FALLBACK_COLOUR = "#6941c6"
SEVERITY_COLOURS = {"critical": "#7a271a", "high": "#d92d20", "medium": "#f79009", "low": "#fdb022",
                    "info": "#98a2b3"}
# Finding statuses worst first; one not listed (a later addition) sorts after ERROR.
_FINDING_ORDER = [Status.FAIL.value, Status.ERROR.value, Status.NOT_ASSESSED.value, Status.PASS.value]
_ACTION = {Status.FAIL.value, Status.ERROR.value}  # what somebody must fix
# How the headline groups PCI item statuses; any other status is listed by name beside them.
_ITEM_FAILING = {ItemStatus.FAIL.value, ItemStatus.ERROR.value}
_ITEM_EVIDENCE = {ItemStatus.MANUAL.value, ItemStatus.ATTESTATION_EXPIRED.value, ItemStatus.NOT_ASSESSED.value}
_OUT_OF_SCOPE = {ItemStatus.NOT_APPLICABLE.value}


def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, FALLBACK_COLOUR)


def _finding_rank(status: str) -> float:
    return _FINDING_ORDER.index(status) if status in _FINDING_ORDER else 1.5


def _item_rank(status: str) -> int:
    order = [s.value for s in ITEM_STATUS_ORDER]
    return order.index(status) if status in order else len(order)


def _value(status: object) -> str:
    return str(getattr(status, "value", status))


def _finalize(value: object) -> object:
    if isinstance(value, Markup):  # already HTML; the escapes visible() writes are plain ASCII
        return Markup(visible(str(value)))  # noqa: S704 -- the input was Markup already
    return visible(value) if isinstance(value, str) else value


def breakable(value: object) -> Markup:
    """Escaped text with a line-break opportunity after every `:` and `/`, so an ARN wraps at its
    separators on a phone instead of mid-token."""
    # Escaping writes no `:` or `/`, so the separators are found in the escaped text as written.
    text = str(escape(visible(str(value))))
    return Markup(text.replace(":", ":<wbr>").replace("/", "/<wbr>"))  # noqa: S704 -- escaped here


def breakable_id(value: object) -> Markup:
    """A check id that may wrap after each `_` in a narrow column, never inside a word."""
    return Markup(str(escape(visible(str(value)))).replace("_", "_<wbr>"))  # noqa: S704 -- escaped here


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
    env.filters["evidence"] = lambda value: json.dumps(value, sort_keys=True, default=str)
    env.filters["breakable"] = breakable
    env.filters["breakable_id"] = breakable_id
    env.filters["colour"] = status_colour
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


def _leaf_counts(requirements: list[RequirementStatus],
                 children: dict[str, list[RequirementStatus]]) -> dict[str, Counter[str]]:
    """For every item, the statuses of the requirements under it (itself if it is one)."""
    out: dict[str, Counter[str]] = {}

    def walk(item: RequirementStatus) -> Counter[str]:
        total: Counter[str] = Counter()
        if item.kind == "requirement":
            total[_value(item.status)] += 1
        for kid in children.get(item.id, []):
            total.update(walk(kid))
        out[item.id] = total
        return total

    for item in requirements:
        if item.parent is None:
            walk(item)
    return out


def ordered(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Item status counts worst first, the order a reader triages in."""
    return sorted(((k, n) for k, n in counts.items() if n), key=lambda kv: (_item_rank(kv[0]), kv[0]))


def ordered_findings(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(((k, n) for k, n in counts.items() if n), key=lambda kv: (_finding_rank(kv[0]), kv[0]))


def bar(counts: Counter[str] | dict[str, int], colours: dict[str, str] | None = None,
        order: list[str] | None = None) -> list[dict[str, Any]]:
    """Segments of a stacked bar (x, width in counts; the SVG's viewBox is the total)."""
    keys = order if order is not None else [k for k, _ in ordered(dict(counts))]
    x, out = 0, []
    for key in keys:
        n = counts.get(key, 0)
        if n:
            colour = (colours or {}).get(key) or status_colour(key)
            out.append({"key": key, "n": n, "x": x, "colour": colour})
            x += n
    return out


def _blind(report: Report) -> list[dict[str, Any]]:
    """Collection errors grouped by where and why, so one disabled region is one row, not twelve."""
    groups: dict[tuple[str, str, str, str], list[str]] = {}
    for e in report.collection_errors:
        call = e.service if e.operation == "-" else f"{e.service}:{e.operation}"
        groups.setdefault((e.account, e.region, e.code, e.message), []).append(call)
    return [{"account": a, "region": r, "code": c, "message": m, "calls": sorted(set(calls))}
            for (a, r, c, m), calls in sorted(groups.items())]


def _by_severity(findings: Iterable[Finding]) -> Counter[str]:
    return Counter(_value(f.severity) for f in findings)


def _severity_sorted(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (-Severity(f.severity).rank, _finding_rank(_value(f.status)), f.check_id))


def _teams(report: Report) -> list[dict[str, Any]]:
    """Per team: what it must fix now (failing findings it owns, by severity) and the PCI items it answers for."""
    rows: dict[str, dict[str, Any]] = {}

    def row(team: str) -> dict[str, Any]:
        return rows.setdefault(team, {"team": team, "failing": [], "items": Counter()})

    for f in report.findings:
        if _value(f.status) in _ACTION and f.kind == "control":
            row(f.owner or NOBODY)["failing"].append(f)
    for item in report.requirements:
        if item.kind == "requirement":
            row(item.owner or NOBODY)["items"][_value(item.status)] += 1
    for data in rows.values():
        data["failing"] = _severity_sorted(data["failing"])
        data["severity"] = _by_severity(data["failing"])
    return sorted(rows.values(), key=lambda d: (d["team"] == NOBODY, -len(d["failing"]), d["team"]))


def _problems_by_item(findings: list[Finding]) -> dict[str, list[Finding]]:
    """For each PCI item, the findings that keep it from passing (linked from the requirement tree)."""
    out: dict[str, list[Finding]] = {}
    for f in findings:
        if f.kind == "control" and f.status != Status.PASS:
            for item in f.pci:
                out.setdefault(item, []).append(f)
    return out


def headline(report: Report) -> dict[str, Any]:
    """The verdict in one sentence, computed from the item statuses (never typed by hand)."""
    counts = Counter(_value(r.status) for r in report.requirements if r.kind == "requirement")
    in_scope = sum(n for s, n in counts.items() if s not in _OUT_OF_SCOPE)
    failing = sum(counts[s] for s in _ITEM_FAILING)
    evidence = sum(counts[s] for s in _ITEM_EVIDENCE)
    rest = [(s, n) for s, n in ordered(counts)
            if s not in _ITEM_FAILING | _ITEM_EVIDENCE | _OUT_OF_SCOPE]
    control = [f for f in report.findings if f.kind == "control"]
    failing_findings = [f for f in control if _value(f.status) in _ACTION]
    return {"in_scope": in_scope, "failing": failing, "evidence": evidence, "rest": rest,
            "out_of_scope": sum(counts[s] for s in _OUT_OF_SCOPE),
            "text": f"{failing} of {in_scope} in-scope PCI DSS requirements failing; {evidence} need evidence",
            "findings_failing": len(failing_findings), "findings": len(control),
            "critical": sum(1 for f in failing_findings if f.severity == Severity.CRITICAL)}


def _options(values: Iterable[str | None], key: Any = None) -> list[str]:
    return sorted({v for v in values if v}, key=key)


def _filters(control: list[Finding], roots: list[RequirementStatus]) -> dict[str, list[str]]:
    items = {p for f in control for p in f.pci}
    return {
        "status": _options((_value(f.status) for f in control), key=_finding_rank),
        "severity": _options((_value(f.severity) for f in control), key=lambda s: -Severity(s).rank),
        "team": _options(f.owner or NOBODY for f in control),
        "req": [r.id for r in roots] + sorted(items - {r.id for r in roots}, key=_pci_sort),
        "account": _options(f.resource.account or "-" for f in control),
        "region": _options(f.resource.region or "-" for f in control),
        "check": _options(f.check_id for f in control),
    }


def _pci_sort(item: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in item.split("."))


def _status_css() -> str:
    """Badge colours, one rule per status of both enums: a new status gets a rule without edits."""
    names = dict.fromkeys([*(s.value for s in ItemStatus), *(s.value for s in Status)])
    rules = [f".s-{n}{{background:{status_colour(n)}}}" for n in names]
    rules += [f".v-{n}{{background:{c}}}" for n, c in SEVERITY_COLOURS.items()]
    return "\n".join(rules) + "\n"


def _asset(name: str) -> str:
    return resources.files("cardaudit.reports").joinpath(name).read_text(encoding="utf-8")


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


# Set before the body is parsed, so the findings table is laid out one page at a time from the
# start; the filter script clears it again if it fails, and then every row shows.
HEAD_SCRIPT = 'document.documentElement.className+=" js";'


# The findings table holds at most this many rows, worst first; the rest are counted in a note and
# are in the JSON and CSV reports. Beyond it a browser takes tens of seconds to open the file (see
# bench/html_scale.py and docs/html-report.md). Every count, chart and the requirement tree use all.
MAX_TABLE_ROWS = 10_000


def context(report: Report, max_rows: int | None = MAX_TABLE_ROWS) -> dict[str, Any]:
    roots, children = _tree(report.requirements)
    findings = sorted(report.findings, key=lambda f: (
        _finding_rank(_value(f.status)), -Severity(f.severity).rank, f.check_id, f.resource.key))
    control = [f for f in findings if f.kind == "control"]
    table = control if max_rows is None else control[:max_rows]
    left_out = Counter(_value(f.status) for f in control[len(table):])
    ownership = [f for f in findings if f.kind == "ownership" and f.status != Status.PASS]
    css = _asset("report.css") + _status_css()
    script = _asset("report.js")
    csp = (f"default-src 'none'; style-src {csp_hash(visible(css))}; "
           f"script-src {csp_hash(HEAD_SCRIPT)} {csp_hash(visible(script))}; img-src data:; "
           "base-uri 'none'; form-action 'none'")
    teams = _teams(report)
    unowned_failing: list[Finding] = next((t["failing"] for t in teams if t["team"] == NOBODY), [])
    return {
        "report": report,
        "demo": bool(getattr(report.run, "demo", False)),
        "headline": headline(report),
        "blind": _blind(report),
        "teams": teams,
        "team_max": max((len(t["failing"]) for t in teams), default=0),
        "severities": [s.value for s in Severity],
        "severity_colours": SEVERITY_COLOURS,
        "unowned_failing": unowned_failing,
        "unowned_severity": _by_severity(unowned_failing),
        "unowned_items": [r for r in report.requirements if r.kind == "requirement" and not r.owner
                          and _value(r.status) not in _OUT_OF_SCOPE],
        "problems": _problems_by_item(control),
        "ordered": ordered,
        "ordered_findings": ordered_findings,
        "bar": bar,
        "roots": roots,
        "children": children,
        "leaf_counts": _leaf_counts(report.requirements, children),
        "control": control,
        "table": table,
        "in_table": {f.id for f in table},
        "left_out": ordered_findings(left_out),
        "ownership": _severity_sorted(ownership),
        "ownership_pass": sum(1 for f in findings if f.kind == "ownership" and f.status == Status.PASS),
        "filters": _filters(table, roots),
        "nobody": NOBODY,
        "css": Markup(css),  # noqa: S704 -- the package's own stylesheet, not data
        "script": Markup(script),  # noqa: S704 -- the package's own script, not data
        "head_script": Markup(HEAD_SCRIPT),  # noqa: S704 -- a constant
        "csp": csp,
    }


def render(report: Report, max_rows: int | None = MAX_TABLE_ROWS) -> str:
    return _environment().get_template("report.html.j2").render(**context(report, max_rows))


FORMAT = Format(name="html", media_type="text/html", suffix=".html", render=render)
