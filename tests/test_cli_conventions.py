"""The command-line conventions (docs/cli.md): output options, validation, names, defaults, pipes, help."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from cardaudit import cli
from cardaudit.commands.common import WIDE, exit_status, make_console, run_command
from cardaudit.commands.options import fail_threshold
from cardaudit.demo.run import demo_dir
from cardaudit.exitcodes import ExitCode
from cardaudit.formats import get_format
from cardaudit.formats.console import print_summary
from cardaudit.models.base import Severity, Status
from cardaudit.models.finding import Finding, ResourceRef
from cardaudit.models.inventory import Inventory
from cardaudit.models.report import Report
from tests.conftest import cli_env
from tests.test_formats import report  # noqa: F401 -- the shared fixture report

runner = CliRunner()
OWNERSHIP = str(demo_dir() / "ownership.yaml")


@pytest.fixture(scope="module")
def empty_inventory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("inv") / "inv.json"
    path.write_text(Inventory(collected_at=datetime.now(UTC), accounts=["111122223333"], regions=[]).model_dump_json())
    return path


@pytest.fixture
def saved_report(report: Report, tmp_path: Path) -> Path:  # noqa: F811
    path = tmp_path / "report.json"
    path.write_text(get_format("json").render(report), encoding="utf-8")
    return path


def test_bare_commands_print_help_and_exit_0() -> None:
    for args in ([], ["checks"], ["owners"], ["controls"]):
        result = runner.invoke(cli.app, args)
        assert result.exit_code == 0, (args, result.output)
        assert "Usage:" in result.output


def test_help_names_values_not_python_types() -> None:
    for args in (["--help"], ["audit", "--help"], ["diff", "--help"], ["render", "--help"],
                 ["controls", "show", "--help"], ["owners", "gaps", "--help"]):
        text = runner.invoke(cli.app, args, env={"COLUMNS": "200"}).output
        for internal in ("<bool>", "<str>", "<path>", "<int>", "list[", "{before}", "<float"):
            assert internal not in text, (args, internal)
    audit_help = runner.invoke(cli.app, ["audit", "--help"], env={"COLUMNS": "200"}).output
    assert "--aws-profile" in audit_help and "--output" in audit_help and "-o" in audit_help
    assert "--profile " not in audit_help  # the old spelling is hidden
    assert "DIFF" not in runner.invoke(cli.app, ["diff", "--help"]).output
    assert "BEFORE" in runner.invoke(cli.app, ["diff", "--help"]).output
    assert "--install-completion" in runner.invoke(cli.app, ["--help"], env={"COLUMNS": "200"}).output


@pytest.mark.parametrize(("args", "message"), [
    (["audit", "--format", "jsn"], "--format: 'jsn' is not one of json, html"),
    (["audit", "--format", "jsn"], "(did you mean json?)"),
    (["audit", "--fail-on", "hgih"], "(did you mean high?)"),
    (["audit", "--regions", "eu-wset-1"], "(did you mean eu-west-1?)"),
    (["audit", "--catalogue", "pci-dss-4.0"], "(did you mean pci-dss-4.0.1?)"),
    (["audit", "--output-dir", "-"], "--output-dir needs a directory"),
    (["audit", "--format", "json,sarif", "--output", "x"], "--output takes one format"),
    (["controls", "list", "--assessment", "manul"], "(did you mean manual?)"),
    (["controls", "list", "--pci-profile", "isuer"], "(did you mean issuer?)"),
    (["controls", "show", "10.2.11"], "did you mean"),
    (["checks", "list", "--format", "yaml"], "--format: 'yaml' is not one of table, json"),
    (["owners", "list", "--team", "secop", "--ownership", OWNERSHIP], "(did you mean secops?)"),
])
def test_enumerated_values_are_validated_with_a_suggestion(args: list[str], message: str) -> None:
    result = runner.invoke(cli.app, args)
    assert result.exit_code == ExitCode.CONFIG, result.output
    assert message in result.output
    assert "Value error" not in result.output and "Traceback" not in result.output


def test_formats_are_case_insensitive_and_one_goes_to_stdout(empty_inventory: Path, tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["audit", "--inventory", str(empty_inventory), "--format", "SARIF", "-o", "-"])
    assert result.exit_code == ExitCode.NOT_ASSESSED  # nothing assessed in an empty inventory
    assert json.loads(result.stdout)["version"] == "2.1.0"  # stdout holds the SARIF alone: no summary
    named = tmp_path / "sub" / "out.json"
    result = runner.invoke(cli.app, ["audit", "--inventory", str(empty_inventory), "--format", "Json",
                                     "--output", str(named), "--quiet"])
    assert result.output == "" and json.loads(named.read_text())["schema"] == "cardaudit-report/1"
    assert not Path("-").exists()


def test_quiet_and_summary(empty_inventory: Path, tmp_path: Path) -> None:
    loud = runner.invoke(cli.app, ["audit", "--inventory", str(empty_inventory), "--output-dir", str(tmp_path)])
    assert "Checks:" in loud.stdout and "wrote" in loud.output
    quiet = runner.invoke(cli.app, ["audit", "--inventory", str(empty_inventory), "--output-dir", str(tmp_path),
                                    "-q"])
    assert quiet.output == ""
    assert (tmp_path / "report.json").is_file() and (tmp_path / "report.html").is_file()


def test_fail_on_none_is_a_soft_fail(report: Report) -> None:  # noqa: F811
    assert exit_status(report, fail_threshold("high")) == ExitCode.FINDINGS
    assert exit_status(report, fail_threshold("NONE")) == ExitCode.OK
    assert fail_threshold("Critical") == Severity.CRITICAL


def test_old_profile_spelling_is_a_hidden_alias(empty_inventory: Path) -> None:
    result = runner.invoke(cli.app, ["controls", "list", "--profile", "issuer", "--requirement", "12.5.2"])
    assert result.exit_code == 0
    assert "--profile is deprecated" in result.stderr and "--pci-profile" in result.stderr
    both = runner.invoke(cli.app, ["controls", "list", "--profile", "issuer", "--pci-profile", "issuer"])
    assert both.exit_code == ExitCode.CONFIG and "give only --pci-profile" in both.output
    audit = runner.invoke(cli.app, ["audit", "--profile", "x", "--aws-profile", "y", "--inventory",
                                    str(empty_inventory)])
    assert audit.exit_code == ExitCode.CONFIG and "give only --aws-profile" in audit.output


def test_every_list_show_explain_command_speaks_json(saved_report: Path) -> None:
    cases = [
        (["checks", "list", "--json"], list),
        (["checks", "list", "--format", "JSON"], list),
        (["checks", "explain", "kms_key_rotation_enabled", "--json"], dict),
        (["controls", "list", "--json", "--requirement", "10.2"], list),
        (["controls", "show", "10.2.1", "--json", "--report", str(saved_report)], dict),
        (["owners", "list", "--team", "secops", "--ownership", OWNERSHIP, "--json"], dict),
        (["owners", "explain", "10.2.1", "--ownership", OWNERSHIP, "--json"], dict),
        (["owners", "matrix", "--ownership", OWNERSHIP, "--json"], list),
        (["owners", "gaps", "--report", str(saved_report), "--json"], list),
    ]
    for args, kind in cases:
        result = runner.invoke(cli.app, args)
        assert result.exit_code in (0, 1), (args, result.output)
        assert isinstance(json.loads(result.stdout), kind), args
    owned = json.loads(runner.invoke(cli.app, cases[5][0]).stdout)
    assert len(owned["requirements"]) > 12  # every PCI id, not the first 12
    wide = runner.invoke(cli.app, ["owners", "list", "--team", "secops", "--ownership", OWNERSHIP, "--wide"]).stdout
    assert all(item in wide for item in owned["requirements"]) and "…" not in wide
    explained = json.loads(runner.invoke(cli.app, cases[2][0]).stdout)
    assert explained["How to fix"].startswith("`aws kms enable-key-rotation")


def test_controls_show_names_the_findings_behind_a_status(report: Report, saved_report: Path) -> None:  # noqa: F811
    shown = runner.invoke(cli.app, ["controls", "show", "10.2.1", "--report", str(saved_report)])
    assert shown.exit_code == 0, shown.output
    failing = [f for f in report.findings if "10.2.1" in f.pci and f.status == Status.FAIL]
    assert failing
    for f in failing:
        assert f"FAIL {f.severity.value} {f.check_id} {f.resource.arn or f.resource.display}" in shown.stdout
    data = json.loads(runner.invoke(cli.app, ["controls", "show", "10.2.1", "--report", str(saved_report),
                                              "--json"]).stdout)
    assert data["last_status"] == "FAIL"
    assert {(f["check_id"], f["status"]) for f in data["findings"]} == {
        (f.check_id, f.status.value) for f in report.findings if "10.2.1" in f.pci}


def test_checks_explain_keeps_the_docstring_line_breaks() -> None:
    from cardaudit.engine.registry import load_checks

    text = runner.invoke(cli.app, ["checks", "explain", "kms_key_rotation_enabled"],
                         env={"COLUMNS": "50"}).stdout
    for line in load_checks()["kms_key_rotation_enabled"].doc_section("What it checks").splitlines():
        assert line.strip() in text.splitlines()


def _arn_report(report: Report) -> Report:  # noqa: F811
    arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/card-db/[bold]master-credentials-AbCdEf"
    ref = ResourceRef(type="AWS::SecretsManager::Secret", id=arn, arn=arn, name="prod/card-db/[bold]master:secret:",
                      account="111122223333", region="eu-west-1")
    extra = Finding(id="secret0000000001", check_id="secretsmanager_rotation_enabled_with_a_long_identifier",
                    status=Status.FAIL, severity=Severity.CRITICAL, resource=ref,
                    reason=":secret: rotation is off [red]not markup[/red]")
    return report.model_copy(update={"findings": [*report.findings, extra]})


def test_console_outside_a_terminal_keeps_ids_whole_and_data_literal(report: Report,  # noqa: F811
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    assert make_console().width == WIDE  # stdout is not a terminal here
    buffer = io.StringIO()
    print_summary(_arn_report(report), Console(file=buffer, width=WIDE, emoji=False, no_color=True))
    text = buffer.getvalue()
    row = next(line for line in text.splitlines() if "secretsmanager_rotation_enabled_with_a_long_identifier" in line)
    assert "prod/card-db/[bold]master:secret:" in row  # whole, on the row, no emoji and no markup eaten
    assert ":secret: rotation is off [red]not markup[/red]" in row
    assert "㊙" not in text


def test_environment_and_config_file_defaults(empty_inventory: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("cardaudit.toml").write_text(f'[audit]\nformat = "csv"\ninventory = "{empty_inventory}"\nquiet = true\n'
                                      'output-dir = "from-file"\n')
    assert runner.invoke(cli.app, ["audit"]).exit_code == ExitCode.NOT_ASSESSED
    assert [p.name for p in Path("from-file").iterdir()] == ["report.csv"]
    env = {"CARDAUDIT_FORMAT": "junit", "CARDAUDIT_OUTPUT_DIR": "from-env"}
    runner.invoke(cli.app, ["audit"], env=env)  # environment over file
    assert [p.name for p in Path("from-env").iterdir()] == ["report.xml"]
    runner.invoke(cli.app, ["audit", "--format", "json", "--output-dir", "from-flag"], env=env)  # flags over all
    assert [p.name for p in Path("from-flag").iterdir()] == ["report.json"]
    Path("cardaudit.toml").write_text('[audit]\nformat = "csv"\n\nfial-on = "low"\n')
    bad = runner.invoke(cli.app, ["audit"])
    assert bad.exit_code == ExitCode.CONFIG
    assert "cardaudit.toml:4: [audit] unknown key 'fial-on' (did you mean fail-on?)" in bad.output
    Path("cardaudit.toml").write_text('[audti]\nformat = "csv"\n')
    assert "cardaudit.toml:1: unknown table [audti]" in runner.invoke(cli.app, ["audit"]).output


def test_a_closed_pipe_exits_141_quietly() -> None:
    env = cli_env()
    env.pop("COLUMNS", None)
    # The reader is gone before the first write: Rich's table (controls list), a plain write (checks
    # reference) and Typer's own help, printed by a Rich console cardaudit does not make.
    for args in (["controls", "list"], ["checks", "reference"], ["--help"]):
        proc = subprocess.Popen([sys.executable, "-m", "cardaudit", *args], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        assert proc.wait(timeout=120) == ExitCode.BROKEN_PIPE, args
        assert proc.stderr.read() == b"", args


def test_a_broken_pipe_inside_a_command_is_not_a_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    import typer

    def body() -> int:
        raise BrokenPipeError

    with pytest.raises(typer.Exit) as exited:
        run_command(typer.Context(typer.main.get_command(cli.app)), body)
    assert exited.value.exit_code == ExitCode.BROKEN_PIPE


def test_demo_serve_says_what_to_export_and_which_extra_it_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    from cardaudit.demo import run

    line = run.serve_line("http://127.0.0.1:5000")
    assert "\n" not in line and line.startswith("export AWS_ENDPOINT_URL=http://127.0.0.1:5000 ")
    assert "AWS_ACCESS_KEY_ID=" in line and "AWS_SECRET_ACCESS_KEY=" in line and "AWS_DEFAULT_REGION=" in line
    assert line.rsplit(" ", 1)[-1] == "http://127.0.0.1:5000"
    monkeypatch.setitem(sys.modules, "flask", None)  # an install without the demo-server extra
    result = runner.invoke(cli.app, ["demo", "--serve", "0"])
    assert result.exit_code == ExitCode.CONFIG and "pip install 'cardaudit[demo-server]'" in result.output


def test_shell_completion_completes_commands_and_options() -> None:
    def complete(words: str) -> str:
        env = {"_CARDAUDIT_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1)}
        return runner.invoke(cli.app, [], env=env, prog_name="cardaudit").output

    assert complete("cardaudit aud").split() == ["audit"]
    assert complete("cardaudit audit --fo").split() == ["--format"]


def test_console_on_an_80_column_terminal_never_breaks_an_id(report: Report) -> None:  # noqa: F811
    from cardaudit.formats.console import _short

    rich_report = _arn_report(report)
    buffer = io.StringIO()
    print_summary(rich_report, Console(file=buffer, width=80, force_terminal=True, no_color=True, emoji=False))
    lines = buffer.getvalue().splitlines()
    for f in rich_report.findings:
        if f.status == Status.FAIL:
            assert any(f.check_id in line for line in lines), f.check_id
            assert any(_short(f) in line for line in lines), _short(f)  # whole, even past 80 columns
    assert "㊙" not in buffer.getvalue() and "[red]not markup[/red]" in buffer.getvalue()
