"""`cardaudit diff`: new failures, fixes, blind spots and item changes between two runs."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

from cardaudit.diffing import diff_reports
from cardaudit.readback import load_report

GOLDEN = Path(__file__).parent / "golden" / "report.json"


def _pair(tmp_path: Path) -> tuple[Path, Path]:
    before = json.loads(GOLDEN.read_text())
    after = copy.deepcopy(before)
    by_check = {f["check_id"] + f["status"]: f for f in after["findings"]}
    by_check["ecs_task_definition_logging_configuredFAIL"]["status"] = "PASS"  # fixed
    by_check["ecs_task_definition_logging_configuredPASS"]["status"] = "NOT_ASSESSED"  # now blind
    after["findings"].remove(by_check["taskdef_no_plaintext_secretsFAIL"])  # gone
    new = copy.deepcopy(by_check["ecs_task_definition_no_plaintext_secretsNOT_ASSESSED"])
    new.update(id="feedfacefeedface", status="FAIL", reason="plaintext DB_PASS")
    after["findings"].append(new)  # a new failure
    item = next(r for r in after["requirements"] if r["id"] == "10.2.1")
    item["status"] = "MANUAL"
    (tmp_path / "before.json").write_text(json.dumps(before))
    (tmp_path / "after.json").write_text(json.dumps(after))
    return tmp_path / "before.json", tmp_path / "after.json"


def test_diff_classifies_changes(tmp_path: Path) -> None:
    before, after = _pair(tmp_path)
    diff = diff_reports(load_report(before), load_report(after))
    assert [f.id for f in diff.new_failures] == ["feedfacefeedface"]
    assert [f.check_id for f in diff.fixed] == ["ecs_task_definition_logging_configured"]
    assert [f.status.value for f in diff.newly_blind] == ["NOT_ASSESSED"]
    assert [f.check_id for f in diff.gone] == ["taskdef_no_plaintext_secrets"]
    assert ("10.2.1", "FAIL", "MANUAL") in diff.items


def test_diff_cli(tmp_path: Path) -> None:
    before, after = _pair(tmp_path)
    run = subprocess.run([sys.executable, "-m", "cardaudit", "diff", str(before), str(after)], capture_output=True,
                         text=True, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"}, check=False)
    assert run.returncode == 1  # a new failure
    assert "new failures: 1" in run.stdout and "fixed: 1" in run.stdout
    assert "10.2.1: FAIL -> MANUAL" in run.stdout
    same = subprocess.run([sys.executable, "-m", "cardaudit", "diff", str(before), str(before)],
                          capture_output=True, text=True, check=False)
    assert same.returncode == 0 and "new failures: 0" in same.stdout
    bad = subprocess.run([sys.executable, "-m", "cardaudit", "diff", str(before), str(GOLDEN.with_suffix(".sarif"))],
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and "not a cardaudit report: schema: Input should be 'cardaudit-report/1'" in bad.stderr
