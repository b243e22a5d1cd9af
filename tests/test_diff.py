"""`cardaudit diff`: every category of change between two runs, on reports built in-process."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cardaudit import cli
from cardaudit.diffing import diff_reports
from cardaudit.exitcodes import ExitCode
from cardaudit.formats import get_format
from cardaudit.models.base import Status
from cardaudit.models.control import ItemStatus
from cardaudit.models.report import Report
from tests.smallreports import arn, queues, report_of

GOLDEN = Path(__file__).parent / "golden" / "report.json"
runner = CliRunner()


def _owned(report: Report, owners: dict[str, str | None]) -> Report:
    findings = [f.with_owner(owners.get(f.resource.name or "", f.owner), [], "test") for f in report.findings]
    return report.model_copy(update={"findings": findings})


def _set(report: Report, name: str, status: Status) -> Report:
    findings = [f.model_copy(update={"status": status}) if f.resource.name == name else f for f in report.findings]
    return report.model_copy(update={"findings": findings})


def _item(report: Report, item_id: str, status: ItemStatus) -> Report:
    items = [r.model_copy(update={"status": status}) if r.id == item_id else r for r in report.requirements]
    return report.model_copy(update={"requirements": items})


def _pair() -> tuple[Report, Report]:
    # before: ok PASS, broken FAIL, stays FAIL, blind PASS, waived FAIL, deleted FAIL, moved PASS, orphan PASS
    before = report_of(queues(ok=True, broken=False, stays=False, blind=True, waived=False, deleted=False,
                              moved=True, orphan=True))
    before = _owned(before, {"moved": "payments", "orphan": "ledger", "ok": "ledger"})
    # after: ok FAIL (new), broken PASS (fixed), stays FAIL, blind NOT_ASSESSED, waived WAIVED, deleted gone,
    # moved owned by another team, orphan unowned, fresh FAIL (a new resource)
    after = report_of(queues(ok=False, broken=True, stays=False, blind=True, waived=False, moved=True, orphan=True,
                             fresh=False))
    after = _set(_set(after, "blind", Status.NOT_ASSESSED), "waived", Status.WAIVED)
    after = _owned(after, {"moved": "risk", "orphan": None, "ok": "ledger"})
    before = _item(before, "3.5.1.1", ItemStatus.PASS)
    after = _item(_item(after, "3.5.1.1", ItemStatus.FAIL), "3.5.1.2", ItemStatus.MANUAL)
    before = _item(before, "3.5.1.2", ItemStatus.FAIL)
    return before, after


def test_every_category_of_change() -> None:
    before, after = _pair()
    diff = diff_reports(before, after, against="run-1")
    assert {c.resource for c in diff.new_failures} == {arn("ok"), arn("fresh")}
    assert {(c.before, c.after) for c in diff.new_failures} == {(Status.PASS, Status.FAIL), (None, Status.FAIL)}
    assert [c.resource for c in diff.fixed] == [arn("broken")]
    assert [c.resource for c in diff.still_failing] == [arn("stays")]
    assert [c.resource for c in diff.newly_blind] == [arn("blind")]
    assert [c.resource for c in diff.newly_waived] == [arn("waived")]
    assert ("3.5.1.1", "PASS", "FAIL") in {(i.id, i.before, i.after) for i in diff.regressions}
    assert ("3.5.1.2", "FAIL", "MANUAL") in {(i.id, i.before, i.after) for i in diff.improvements}
    assert {(o.resource, o.before, o.after) for o in diff.ownership_changes} == {
        (arn("moved"), "payments", "risk"), (arn("orphan"), "ledger", None)}
    assert [(g.resource, g.failing_before) for g in diff.gone] == [(arn("deleted"), ["sqs_queue_kms_encrypted"])]
    assert diff.worse and diff.against == "run-1"
    assert not diff_reports(after, after).worse
    html = get_format("html").render(after.model_copy(update={"diff": diff}))
    assert '<section id="since-last-run">' in html and "<td>payments</td><td>risk</td>" in html
    assert '<section id="since-last-run">' not in get_format("html").render(after)


def test_a_waiver_that_expires_is_a_new_failure() -> None:
    waived = _set(report_of(queues(q=False)), "q", Status.WAIVED)
    diff = diff_reports(waived, report_of(queues(q=False)))
    assert [(c.resource, c.before) for c in diff.new_failures] == [(arn("q"), Status.WAIVED)]


def test_diff_command_on_files(tmp_path: Path) -> None:
    before, after = _pair()
    (tmp_path / "before.json").write_text(before.model_dump_json(by_alias=True))
    (tmp_path / "after.json").write_text(after.model_dump_json(by_alias=True))
    result = runner.invoke(cli.app, ["diff", str(tmp_path / "before.json"), str(tmp_path / "after.json")])
    assert result.exit_code == ExitCode.FINDINGS
    for line in ("new failures: 2", "fixed: 1", "still failing: 1", "3.5.1.1: PASS -> FAIL",
                 "ownership changes: 2", f"{arn('orphan')}: ledger -> unowned", "resources gone: 1",
                 f"+ medium   sqs_queue_kms_encrypted {arn('ok')} [ledger]: messages are not encrypted"):
        assert line in result.output, line
    same = runner.invoke(cli.app, ["diff", str(tmp_path / "before.json"), str(tmp_path / "before.json")])
    assert same.exit_code == ExitCode.OK and "new failures: 0" in same.output
    bad = runner.invoke(cli.app, ["diff", str(tmp_path / "before.json"), str(GOLDEN.with_suffix(".sarif"))])
    assert bad.exit_code == ExitCode.CONFIG
    assert "not a cardaudit report: schema: Input should be 'cardaudit-report/1'" in bad.output
    assert json.loads((tmp_path / "after.json").read_text())["diff"] is None
