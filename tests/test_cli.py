"""CLI behaviour every command shares: errors are one line and a documented exit code."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cardaudit import cli
from cardaudit.errors import CollectionSetupError, ConfigError, ReadOnlyViolation, RenderError
from cardaudit.exitcodes import ExitCode

runner = CliRunner()


@pytest.mark.parametrize(("error", "code", "text"), [
    (RuntimeError("boom"), ExitCode.INTERNAL, "internal error: RuntimeError: boom"),
    (ReadOnlyViolation("refused s3:PutObject"), ExitCode.INTERNAL, "refused s3:PutObject"),
])
def test_unexpected_errors_are_one_line(monkeypatch: pytest.MonkeyPatch, error: Exception, code: int,
                                        text: str) -> None:
    def explode(*_: object, **__: object) -> None:
        raise error

    monkeypatch.setattr("cardaudit.audit.run", explode)
    result = runner.invoke(cli.app, ["audit", "--inventory", "x.json"])
    assert result.exit_code == code
    assert text in result.output
    assert "Traceback" not in result.output


def test_unknown_format_and_bad_repo_are_config_errors() -> None:
    result = runner.invoke(cli.app, ["audit", "--format", "pdf", "--inventory", "x.json"])
    assert result.exit_code == ExitCode.CONFIG
    assert "--format: 'pdf' is not one of" in result.output
    result = runner.invoke(cli.app, ["audit", "--repo", "acme/card-api", "--inventory", "x.json"])
    assert result.exit_code == ExitCode.CONFIG
    assert "--repo expects NAME=PATH" in result.output


def test_checks_commands() -> None:
    listed = runner.invoke(cli.app, ["checks", "list"])
    assert listed.exit_code == 0
    explained = runner.invoke(cli.app, ["checks", "explain", "kms_key_rotation_enabled"])
    assert explained.exit_code == 0
    assert "How to fix" in explained.output and "enable-key-rotation" in explained.output
    assert runner.invoke(cli.app, ["checks", "explain", "nope"]).exit_code == ExitCode.CONFIG


def test_accounts_need_a_role() -> None:
    result = runner.invoke(cli.app, ["audit", "--accounts", "444455556666"])
    assert result.exit_code == ExitCode.CONFIG
    assert "--accounts needs --role-name" in result.output


def test_nothing_assessed_exits_3(tmp_path: object) -> None:
    from datetime import UTC, datetime
    from pathlib import Path

    from cardaudit.models.inventory import Inventory

    assert isinstance(tmp_path, Path)
    saved = tmp_path / "blind.json"
    saved.write_text(Inventory(collected_at=datetime.now(UTC), accounts=["111122223333"], regions=[]).model_dump_json())
    result = runner.invoke(cli.app, ["audit", "--inventory", str(saved), "--output-dir", str(tmp_path / "out"),
                                     "--ownership", str(tmp_path / "none.yaml"), "--format", "json"])
    assert result.exit_code == ExitCode.CONFIG  # the ownership file does not exist
    result = runner.invoke(cli.app, ["audit", "--inventory", str(saved), "--output-dir", str(tmp_path / "out"),
                                     "--format", "json"])
    assert result.exit_code == ExitCode.NOT_ASSESSED, result.output


def test_checks_selection(tmp_path: object) -> None:
    import json
    from datetime import UTC, datetime
    from pathlib import Path

    from cardaudit.models.inventory import Inventory

    assert isinstance(tmp_path, Path)
    saved = tmp_path / "inv.json"
    saved.write_text(Inventory(collected_at=datetime.now(UTC), accounts=["111122223333"], regions=[]).model_dump_json())
    out = tmp_path / "out"
    result = runner.invoke(cli.app, ["audit", "--inventory", str(saved), "--output-dir", str(out), "--format", "json",
                                     "--checks", "ecr_*,kms_key_rotation_enabled"])
    doc = json.loads((out / "report.json").read_text())
    from cardaudit.engine.registry import all_checks

    ecr = {s.id for s in all_checks("evaluate") if s.id.startswith("ecr_")}
    assert len(ecr) >= 2
    assert {f["check_id"] for f in doc["findings"] if f["kind"] == "control"} == ecr | {
        "kms_key_rotation_enabled"}, result.output
    bad = runner.invoke(cli.app, ["audit", "--inventory", str(saved), "--checks", "nope_*"])
    assert bad.exit_code == ExitCode.CONFIG and "no check matches nope_*" in bad.output
    items = {r["id"]: r for r in doc["requirements"]}
    assert items["10.3.4"]["status"] == "NOT_ASSESSED"  # its CloudTrail check did not run
    assert items["10.3.4"]["reason"].startswith("none of its checks ran in this audit")


@pytest.mark.parametrize(("error", "code"), [
    (ConfigError("bad", "ownership.yaml", 3), ExitCode.CONFIG),
    (CollectionSetupError("no credentials"), ExitCode.NOT_ASSESSED),
    (RenderError("cannot write"), ExitCode.CONFIG),
    (ReadOnlyViolation("refused"), ExitCode.INTERNAL),
])
def test_each_error_class_carries_its_exit_code(monkeypatch: pytest.MonkeyPatch, error: Exception,
                                                code: int) -> None:
    def explode(*_: object, **__: object) -> None:
        raise error

    monkeypatch.setattr("cardaudit.audit.run", explode)
    result = runner.invoke(cli.app, ["audit", "--inventory", "x.json"])
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output


def test_debug_flag_lives_in_the_context_and_shows_the_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*_: object, **__: object) -> None:
        raise ConfigError("bad value", "x.yaml", 2)

    monkeypatch.setattr("cardaudit.audit.run", explode)
    quiet = runner.invoke(cli.app, ["audit", "--inventory", "x.json"])
    loud = runner.invoke(cli.app, ["--debug", "audit", "--inventory", "x.json"])
    assert quiet.exit_code == ExitCode.CONFIG
    assert quiet.exception is None or isinstance(quiet.exception, SystemExit)
    assert loud.exit_code == ExitCode.CONFIG  # --debug adds the traceback, keeps the exit code
    assert "Traceback" in loud.output and "x.yaml:2: bad value" in loud.output
    # The flag belongs to one invocation, not to the process.
    again = runner.invoke(cli.app, ["audit", "--inventory", "x.json"])
    assert again.exit_code == ExitCode.CONFIG


def test_help_imports_neither_boto3_nor_the_catalogue() -> None:
    import subprocess
    import sys

    probe = ("import sys\n"
             "from cardaudit import cli\n"
             "try:\n    cli.app(['--help'])\nexcept SystemExit:\n    pass\n"
             "try:\n    cli.app(['audit', '--help'])\nexcept SystemExit:\n    pass\n"
             "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore', 'moto', 'jinja2')\n"
             "               or m in ('cardaudit.catalogue.load', 'cardaudit.engine.registry', 'ruamel.yaml'))\n"
             "print('HEAVY', heavy)\n")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert "HEAVY []" in run.stdout, run.stdout


def test_report_folders_are_made_and_an_unwritable_one_is_a_config_error(tmp_path: object) -> None:
    """The README's own example (`--save-inventory reports/inventory.json --output-dir reports/`) works on
    a fresh folder; an output folder that cannot be written is exit 2 with one line, not 3."""
    import json
    from datetime import UTC, datetime
    from pathlib import Path

    from cardaudit.models.inventory import Inventory

    assert isinstance(tmp_path, Path)
    saved = tmp_path / "inv.json"
    saved.write_text(Inventory(collected_at=datetime.now(UTC), accounts=["111122223333"], regions=[]).model_dump_json())
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    result = runner.invoke(cli.app, ["audit", "--inventory", str(saved), "--output-dir", str(blocked / "reports"),
                                     "--format", "json"])
    assert result.exit_code == ExitCode.CONFIG, result.output
    assert "cannot write reports to" in result.output and "Traceback" not in result.output

    from cardaudit.readback import save_inventory

    target = tmp_path / "reports" / "inventory.json"
    save_inventory(Inventory.model_validate(json.loads(saved.read_text())), target)
    assert target.exists()


def test_debug_keeps_the_internal_error_exit_code(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("cardaudit.audit.run", explode)
    result = runner.invoke(cli.app, ["--debug", "audit", "--inventory", "x.json"])
    assert result.exit_code == ExitCode.INTERNAL
    assert "Traceback" in result.output and "internal error: RuntimeError: boom" in result.output
