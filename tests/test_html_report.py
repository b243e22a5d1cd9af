"""The HTML report without a browser: headline, demo banner, CSP hashes, escaping, data-driven statuses."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from cardaudit.diffing import diff_reports
from cardaudit.formats import html as html_format
from cardaudit.models.base import Status
from cardaudit.models.control import ItemStatus
from cardaudit.models.report import Report
from tests import html_support
from tests.format_validators import parse_html


@pytest.fixture(scope="module")
def report() -> Report:
    return html_support.report(demo=True)


@pytest.fixture(scope="module")
def page(report: Report) -> str:
    return html_format.render(report)


_parse = parse_html


def test_csp_allows_exactly_the_inline_script_and_style(page: str) -> None:
    parsed = _parse(page)
    assert len(parsed.scripts) == 2 and len(parsed.styles) == 1
    policy = dict(part.strip().split(" ", 1) for part in parsed.csp.split(";"))
    assert policy["default-src"] == "'none'"
    assert policy["script-src"].split() == [html_format.csp_hash(s) for s in parsed.scripts]
    assert policy["style-src"].split() == [html_format.csp_hash(parsed.styles[0])]
    assert "unsafe-inline" not in parsed.csp and "http://" not in page and "https://" not in page
    assert not any("style" in attrs for _, attrs in parsed.tags)  # a style attribute would be refused


def test_hostile_text_is_only_text(page: str) -> None:
    parsed = _parse(page)
    assert [t for t, _ in parsed.tags].count("script") == 2  # ours, nothing injected
    assert "img" not in [t for t, _ in parsed.tags]
    assert not any(k.startswith("on") for _, attrs in parsed.tags for k in attrs)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    teams = {attrs.get("data-team") for t, attrs in parsed.tags if t == "tr" and "data-team" in attrs}
    assert teams == {"app", "infra", "data", "(nobody)"}


def test_headline_counts_in_scope_requirements(report: Report, page: str) -> None:
    items = [r for r in report.requirements if r.kind == "requirement"]
    in_scope = [r for r in items if r.status != ItemStatus.NOT_APPLICABLE]
    failing = [r for r in in_scope if r.status in (ItemStatus.FAIL, ItemStatus.ERROR)]
    evidence = [r for r in in_scope
                if r.status in (ItemStatus.MANUAL, ItemStatus.ATTESTATION_EXPIRED, ItemStatus.NOT_ASSESSED)]
    assert failing and evidence
    assert (f"<b>{len(failing)}</b> of {len(in_scope)} in-scope PCI DSS requirements failing; "
            f"<b>{len(evidence)}</b> need evidence") in page


def test_demo_banner_only_for_the_demo(report: Report, page: str) -> None:
    assert 'class="demo"' in page and "<title>DEMO" in page
    real = report.model_copy(update={"run": report.run.model_copy(update={"demo": False})})
    assert 'class="demo"' not in html_format.render(real)


def test_every_status_has_a_colour_rule() -> None:
    """Badge rules come from the enums: a status added to either renders without other edits."""
    css = html_format._status_css()
    for status in [*Status, *ItemStatus]:
        assert f".s-{status.value}{{background:" in css
    assert html_format.status_colour("WAIVED") == html_format.FALLBACK_COLOUR
    assert html_format.ordered({"WAIVED": 2, "FAIL": 1, "PASS": 3})[0] == ("FAIL", 1)


def test_arns_break_after_separators() -> None:
    assert str(html_format.breakable("arn:aws:s3:::b/<k>")) == (
        "arn:<wbr>aws:<wbr>s3:<wbr>:<wbr>:<wbr>b/<wbr>&lt;k&gt;")


def test_sections_for_both_readers(report: Report, page: str) -> None:
    for anchor in ("summary", "act", "nobody", "blind", "aws", "requirements", "findings"):
        assert f'<section id="{anchor}"' in page
    assert page.count('<svg class="bar"') > 15  # the summary, every team and every requirement with children
    rows = re.findall(r'<tr id="f-([0-9a-z]+)" data-status="', page)
    assert set(rows) == {f.id for f in report.findings if f.kind == "control"}
    assert 'id="changed"' not in page  # no previous report given


def test_what_changed_when_the_report_carries_a_diff(report: Report) -> None:
    # The previous run: two of today's failures passed then, so they are new failures now.
    failing = [f for f in report.findings if f.status == Status.FAIL][:2]
    earlier = report.model_copy(update={"findings": [
        f.model_copy(update={"status": Status.PASS}) if f in failing else f for f in report.findings]})
    diff = diff_reports(earlier, report, against="run-1")
    out = html_format.render(report.model_copy(update={"diff": diff}))
    assert '<section id="since-last-run">' in out and '<a href="#since-last-run">What changed</a>' in out
    assert "<b>2</b>new failures" in out
    assert all(f.check_id in out.split('id="since-last-run"')[1].split("</section>")[0] for f in failing)
    assert 'id="since-last-run"' not in html_format.render(report)


def test_table_cap_keeps_the_worst_and_counts_the_rest(report: Report) -> None:
    control = [f for f in report.findings if f.kind == "control"]
    page = html_format.render(report, max_rows=5)
    rows = re.findall(r'<tr id="f-[0-9a-z]+" data-status="([A-Z_]+)"', page)
    assert rows == ["FAIL"] * 5
    left = Counter(f.status.value for f in control)
    left["FAIL"] -= 5
    note = ", ".join(f"{n} {s}" for s, n in html_format.ordered_findings(left))
    assert (f"This table holds the 5 worst of {len(control)} check results; "
            f"the other {len(control) - 5} ({note})") in page
    assert "This table holds" not in html_format.render(report)
