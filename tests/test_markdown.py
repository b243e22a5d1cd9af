"""The Markdown pull-request comment: its structure, escaping of hostile data, and GitHub's size cap."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from cardaudit.catalogue.load import load_catalogue
from cardaudit.catalogue.rollup import roll_up, tag_findings
from cardaudit.formats import get_format
from cardaudit.formats.markdown import LIMIT, md, render
from cardaudit.models.base import Severity, Status
from cardaudit.models.finding import Finding, ResourceRef
from cardaudit.models.report import Report, RunInfo, RunScope, Summary, ToolInfo

HOSTILE_PATH = "deploy/<img src=x onerror=alert(1)>](javascript:alert(1))|x.json"
HOSTILE_OWNER = "@acme/everyone|<b>"


def _repo_finding(check_id: str, status: Status, path: str, line: int, reason: str, owner: str | None,
                  severity: Severity = Severity.HIGH) -> Finding:
    ref = ResourceRef(type="Repo::taskdef", id=f"acme/card-api:{path}", name=path, repo="acme/card-api",
                      path=path, line=line)
    return Finding(id=Finding.make_id(check_id, ref), check_id=check_id, status=status, severity=severity,
                   resource=ref, reason=reason, owner=owner)


def _report(findings: list[Finding], scope: RunScope | None = None) -> Report:
    catalogue = load_catalogue("pci-dss-4.0.1")
    tagged = tag_findings(findings, catalogue)
    requirements = roll_up(catalogue, tagged, today=date(2026, 11, 26))
    when = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    return Report(tool=ToolInfo(version="0.0.0-test"),
                  run=RunInfo(started_at=when, finished_at=when, accounts=[], regions=[], catalogue=catalogue.name,
                              pci_profile="issuer", inventory_source="repositories"),
                  findings=tagged, requirements=requirements, summary=Summary.of(tagged, requirements, []),
                  scope=scope or RunScope())


@pytest.fixture(scope="module")
def report() -> Report:
    return _report([
        _repo_finding("taskdef_no_plaintext_secrets", Status.FAIL, "deploy/prod/taskdef.json", 24,
                      "container ingest: plaintext secret-looking variable(s) DB_PASS", "app", Severity.CRITICAL),
        _repo_finding("taskdef_container_logging_configured", Status.FAIL, HOSTILE_PATH, 3,
                      "tag <script>alert(1)</script> | *bold* [x](javascript:alert(1))", HOSTILE_OWNER),
        _repo_finding("dockerfile_user_not_root", Status.PASS, "Dockerfile", 1, "USER app", "app"),
        _repo_finding("dockerfile_base_image_pinned", Status.NOT_ASSESSED, "Dockerfile", 1,
                      "base image comes from an ARG without default", None),
    ], RunScope(aws_skipped="--no-aws", skipped_checks=["kms_key_rotation_enabled", "s3_bucket_encrypted"],
                changed_files=["acme/card-api:Dockerfile", "acme/card-api:deploy/prod/taskdef.json"],
                changed_source="--base-ref origin/main", out_of_scope=7,
                file_links={"acme/card-api": "https://github.com/acme/card-api/blob/abc123"}))


def test_comment_structure(report: Report) -> None:
    text = render(report)
    lines = text.splitlines()
    assert lines[0] == "## cardaudit: **FAIL**: 2 failing finding(s) (1 critical, 1 high)"
    headings = [line for line in lines if line.startswith("### ")]
    assert [h.split(" (")[0] for h in headings] == [
        "### Failing PCI DSS items", "### Failing findings", "### By team", "### Not assessed"]
    assert ("In scope: 2 changed file(s), from --base-ref origin/main; 7 finding(s) on other files not reported."
            in lines)
    assert "AWS: not audited (--no-aws), by choice." in lines
    # Worst first, with a link to the line at the commit under test.
    first = next(line for line in lines if line.startswith("- **"))
    assert first == ("- **critical** taskdef\\_no\\_plaintext\\_secrets at "
                     "[acme/card-api:deploy/prod/taskdef.json:24]"
                     "(https://github.com/acme/card-api/blob/abc123/deploy/prod/taskdef.json#L24): "
                     "container ingest: plaintext secret-looking variable(s) DB\\_PASS; owner app (PCI 8.3.2, 8.6.2)")
    assert "| app | 1 | 1 | 0 |" in lines
    assert "| _unassigned_ | 0 | 0 | 1 |" in lines
    assert "- 2 AWS check(s) skipped by choice (--no-aws); PCI items that need them are NOT\\_ASSESSED." in lines
    assert "- 1 x base image comes from an ARG without default" in lines
    assert get_format("markdown").suffix == ".md"


def test_hostile_data_is_inert(report: Report) -> None:
    text = render(report)
    assert "<img" not in text and "<script" not in text and "<b>" not in text
    assert not re.search(r"(?<!\\)\]\(javascript", text)  # every ']' from data is escaped
    assert "\\](javascript:alert(1))" in text
    assert "@acme" not in text  # no mention: a zero-width space follows every @ from data
    # Links: only ours, with the hostile path percent-encoded so it cannot close the link early.
    targets = re.findall(r"\]\((https?://[^)\s]*)\)", text)
    assert targets and all(t.startswith("https://github.com/acme/card-api/blob/abc123/") for t in targets)
    assert "%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E%5D%28javascript%3Aalert%281%29%29%7Cx.json#L3" in text
    # Table rows keep their column count: a pipe in data is escaped.
    for line in text.splitlines():
        if line.startswith("| "):
            assert len(re.findall(r"(?<!\\)\|", line)) in (4, 5), line
    assert md("a|b\nc") == "a\\|b\\\\u000ac"  # renders as a|b\u000ac


def test_size_is_capped_with_a_truncation_line() -> None:
    many = [_repo_finding("taskdef_no_plaintext_secrets", Status.FAIL, f"svc{i:05d}/taskdef.json", i,
                          "container x: plaintext secret-looking variable(s) " + "A" * 80, "app")
            for i in range(3000)]
    text = render(_report(many))
    assert len(text) <= LIMIT
    truncation = [line for line in text.splitlines() if line.startswith("**Truncated**")]
    assert len(truncation) == 1 and "more line(s) not shown" in truncation[0]
    assert text.rstrip().endswith("check result(s) PASS.</sub>")
    small = render(_report(many[:3]))
    assert "**Truncated**" not in small


def test_nothing_failing_is_a_pass_headline() -> None:
    text = render(_report([_repo_finding("dockerfile_user_not_root", Status.PASS, "Dockerfile", 1, "USER app",
                                         "app")]))
    assert text.splitlines()[0] == "## cardaudit: **PASS**: no failing finding"
    assert "### Failing" not in text
