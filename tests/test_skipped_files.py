"""Files named like an artifact kind but holding something else: listed in the report and shown by every format."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from cardaudit import audit
from cardaudit.formats import html, markdown
from cardaudit.formats.console import print_scope
from cardaudit.merging import Part, merge_reports
from cardaudit.models.report import AuditConfig, Report, SkippedFile

REPO = Path(__file__).parent / "fixtures" / "artifact-checks"
NAME = "acme/checks"
AMPLIFY = SkippedFile(repo=NAME, path="buildspecs/skip-amplify/buildspec.yml", kind="buildspec",
                      reason="an AWS Amplify build specification (frontend/backend), not a CodeBuild buildspec")
NOT_TASKDEF = SkippedFile(repo=NAME, path="taskdefs/skip-not-a-taskdef/taskdef.json", kind="taskdef",
                          reason="not a task definition: no containerDefinitions")
HOSTILE = SkippedFile(repo="acme/x", path="ci/<script>alert(1)</script>[bold]|`x`.yml", kind="buildspec",
                      reason="a Jinja template <b>{% if %}</b> [red]@team[/]")


@pytest.fixture(scope="module")
def report() -> Report:
    return audit.run(AuditConfig(no_aws=True, repos={NAME: REPO}, checks=["buildspec_*", "taskdef_*"]))


def test_the_report_lists_each_skipped_file_once(report: Report) -> None:
    assert report.skipped_files == [AMPLIFY, NOT_TASKDEF]
    # Additive to the JSON contract: the schema name is unchanged and a report without the field still loads.
    doc = json.loads(report.model_dump_json(by_alias=True))
    assert doc["schema"] == "cardaudit-report/1"
    assert doc["skipped_files"][0] == AMPLIFY.model_dump()
    del doc["skipped_files"]
    assert Report.model_validate(doc).skipped_files == []


def test_a_change_scope_keeps_the_skipped_files_it_touches() -> None:
    scoped = audit.run(AuditConfig(no_aws=True, repos={NAME: REPO}, checks=["taskdef_*"],
                                   changed_files={NAME: ["taskdefs/skip-not-a-taskdef/taskdef.json"]}))
    assert scoped.skipped_files == [NOT_TASKDEF]


def test_merged_reports_keep_the_union(report: Report) -> None:
    other = report.model_copy(update={"skipped_files": [NOT_TASKDEF, HOSTILE]})
    merged = merge_reports([Part("a.json", report), Part("b.json", other)])
    assert merged.skipped_files == [AMPLIFY, NOT_TASKDEF, HOSTILE]


def _console(report: Report) -> str:
    buffer = io.StringIO()
    print_scope(report, Console(file=buffer, width=400, no_color=True, force_terminal=False))
    return buffer.getvalue()


def test_console_prints_one_line_with_the_count_and_the_first_few(report: Report) -> None:
    lines = [line for line in _console(report).splitlines() if line.startswith("Not judged:")]
    assert lines == [
        "Not judged:    2 file(s) named like an artifact but holding something else: "
        f"{NAME}:{AMPLIFY.path} ({AMPLIFY.reason}); {NAME}:{NOT_TASKDEF.path} ({NOT_TASKDEF.reason})"]
    many = report.model_copy(update={"skipped_files": [HOSTILE, AMPLIFY, NOT_TASKDEF, AMPLIFY, NOT_TASKDEF]})
    line = next(line for line in _console(many).splitlines() if line.startswith("Not judged:"))
    assert line.startswith("Not judged:    5 file(s)") and line.endswith("; and 2 more (see the JSON report)")
    # Rich markup in a path or reason is printed as written, not interpreted.
    assert "[bold]" in line and "[red]@team[/]" in line


def test_nothing_skipped_prints_nothing(report: Report) -> None:
    assert "Not judged" not in _console(report.model_copy(update={"skipped_files": []}))


def test_markdown_folds_them_in_a_details_block(report: Report) -> None:
    text = markdown.render(report.model_copy(update={"skipped_files": [AMPLIFY, HOSTILE]}))
    block = text[text.index("<details>"):text.index("</details>")]
    assert block.startswith("<details><summary>2 file(s) named like an artifact but holding something else, "
                            "not judged</summary>")
    assert f"- {NAME}:buildspecs/skip-amplify/buildspec.yml (buildspec): an AWS Amplify" in block
    assert "<script>" not in block and "&lt;script&gt;" in block and "<b>" not in block
    assert "@team" not in block  # no mention
    assert "<details>" not in markdown.render(report.model_copy(update={"skipped_files": []}))


def test_html_lists_them_escaped_under_the_same_policy(report: Report) -> None:
    plain = html.render(report.model_copy(update={"skipped_files": []}))
    page = html.render(report.model_copy(update={"skipped_files": [AMPLIFY, HOSTILE]}))
    assert 'id="skipped"' not in plain and 'href="#skipped"' not in plain
    section = page[page.index('<section id="skipped">'):]
    section = section[:section.index("</section>")]
    assert "<h2>Files not judged (2)</h2>" in section
    assert section.count("<li>") == 2 and "skip-amplify" in section
    assert "<script>" not in section and "&lt;script&gt;" in section and "<b>" not in section
    csp = '<meta http-equiv="Content-Security-Policy"'
    assert page[page.index(csp):].split(">", 1)[0] == plain[plain.index(csp):].split(">", 1)[0]
