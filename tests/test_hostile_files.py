"""Hostile files: every repository file is one ERROR finding, every config file `file:line` exit 2.

Each case runs in its own process, under a timeout (no hang), and reports that process's peak RSS
(VmHWM, or `resource.getrusage` where there is no /proc), which must stay under 300 MB. Static
files live in tests/fixtures/hostile; FIFOs, symlinks and huge (sparse) files are made at test time.

`pytest tests/test_hostile_files.py -s` prints the table: case, result, peak RSS, time.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from cardaudit import limits
from cardaudit.collect.artifacts import parse_artifacts
from cardaudit.collect.artifacts.discover import discover
from tests.conftest import cli_env

FIXTURES = Path(__file__).parent / "fixtures" / "hostile"
PEAK_RSS_MB = 300
TIMEOUT_S = 120

# Runs in the child: a repository's artifacts through discovery, parsing and every repository check,
# or one CLI command; then writes what happened and the peak RSS as JSON to the file in argv[1].
PROBE = """
import json, resource, sys
out_path, mode, *rest = sys.argv[1:]
out = {}
if mode == "repo":
    from datetime import UTC, datetime
    from pathlib import Path
    from cardaudit.collect.artifacts import parse_artifacts
    from cardaudit.collect.artifacts.discover import discover
    from cardaudit.engine.registry import load_checks
    from cardaudit.engine.runner import evaluate
    from cardaudit.models.inventory import REPO_SLICES, Inventory
    repos = {"acme/hostile": Path(rest[0])}
    files = discover(repos)
    inventory = Inventory.model_validate({
        "collected_at": datetime.now(UTC), "accounts": ["111122223333"], "regions": ["eu-west-1"],
        "repos": list(repos), "repo_files": files, **parse_artifacts(repos, files)})
    checks = [c for c in load_checks().values() if any(n in REPO_SLICES for n in c.needs)]
    out["findings"] = [[f.check_id, f.status.value, f.reason, f.resource.path, f.resource.line]
                       for f in evaluate(inventory, checks)]
    out["rc"] = 0
else:
    from cardaudit.cli import app  # main() ends in os._exit, before this probe could write
    sys.argv = ["cardaudit", *rest]
    try:
        app()
        out["rc"] = 0
    except SystemExit as exc:
        out["rc"] = exc.code if isinstance(exc.code, int) else 1
# VmHWM is this program's own peak; ru_maxrss on Linux keeps the parent's peak across exec.
try:
    with open("/proc/self/status") as status:
        out["rss_mb"] = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:")) / 1024
except (OSError, StopIteration):
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
with open(out_path, "w") as handle:
    json.dump(out, handle)
"""


@dataclass
class Probe:
    rc: int
    rss_mb: float
    seconds: float
    stdout: str
    stderr: str
    findings: list[tuple[str, str, str, str, int | None]]

    def errors_for(self, path: str) -> list[tuple[str, str, str, str, int | None]]:
        return [f for f in self.findings if f[3] == path and f[1] == "ERROR"]


TABLE: list[tuple[str, str, float, float]] = []


def _probe(tmp_path: Path, mode: str, *args: str, cwd: Path | None = None) -> Probe:
    out = tmp_path / "probe.json"
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", PROBE, str(out), mode, *args], capture_output=True, text=True,
                            timeout=TIMEOUT_S, cwd=cwd or tmp_path, env={**cli_env(), "PYTHONPATH": str(Path.cwd())},
                            check=False)
    seconds = time.monotonic() - started
    assert out.exists(), result.stderr[-2000:]
    data = json.loads(out.read_text())
    return Probe(data["rc"], data["rss_mb"], seconds, result.stdout, result.stderr,
                 [tuple(f) for f in data.get("findings", [])])


@pytest.fixture(scope="module", autouse=True)
def _print_table() -> Iterator[None]:
    yield
    if TABLE:
        print("\n\ncase | result | peak RSS | time")
        for case, result, rss, seconds in TABLE:
            print(f"{case} | {result} | {rss:.0f} MB | {seconds:.1f} s")


def _record(case: str, result: str, probe: Probe) -> None:
    TABLE.append((case, result, probe.rss_mb, probe.seconds))
    assert probe.rss_mb < PEAK_RSS_MB, f"{case}: peak RSS {probe.rss_mb:.0f} MB"


# --- repository files ----------------------------------------------------------------------------

def _static(name: str) -> Callable[[Path], str]:
    def make(repo: Path) -> str:
        source = FIXTURES / "repo" / name
        for file in source.iterdir():
            shutil.copy(file, repo / file.name)
        return next(source.iterdir()).name
    return make


def _dev_zero(repo: Path) -> str:
    (repo / "Dockerfile").symlink_to("/dev/zero")
    return "Dockerfile"


def _fifo(repo: Path) -> str:
    os.mkfifo(repo / "Dockerfile")
    return "Dockerfile"


def _fifo_template(repo: Path) -> str:
    os.mkfifo(repo / "template.yaml")  # sniffed for its kind by name: must not block either
    return "template.yaml"


def _passwd(repo: Path) -> str:
    (repo / "taskdef.json").symlink_to("/etc/passwd")
    return "taskdef.json"


def _sibling(repo: Path) -> str:
    outside = repo.parent / "outside"
    outside.mkdir()
    (outside / "Dockerfile").write_text("FROM alpine\nUSER app\n")
    (repo / "Dockerfile").symlink_to(outside / "Dockerfile")
    return "Dockerfile"


def _oversized(repo: Path) -> str:
    (repo / "Dockerfile").write_text("FROM alpine\n" + "# padding\n" * (limits.MAX_REPO_FILE_BYTES // 10 + 1))
    return "Dockerfile"


def _sparse_template(repo: Path) -> str:
    with (repo / "template.yaml").open("wb") as handle:  # 200 MB, sparse: costs no disk
        handle.write(b"AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n")
        handle.truncate(200_000_000)
    return "template.yaml"


REPO_CASES: dict[str, tuple[Callable[[Path], str], str]] = {
    "YAML alias bomb (397-byte buildspec)": (_static("alias-bomb"), "YAML nodes once aliases are expanded"),
    "recursive YAML alias": (_static("recursive-alias"), "recursive document"),
    "deeply nested YAML template (5,000 levels)": (_static("deep-yaml"), "nested deeper than 64 levels"),
    "deeply nested JSON taskdef (20,000 levels)": (_static("deep-json"), "nested deeper than 64 levels"),
    "taskdef environment given as a string": (_static("wrong-env-type"), "environment must be a list of objects"),
    "taskdef secrets given as a string": (_static("wrong-secrets-type"), "secrets must be a list of objects"),
    "taskdef user given as an object": (_static("wrong-user-type"), "user must be a string"),
    "buildspec date 2026-02-30": (_static("impossible-date"), ":4: not a valid date or time"),
    "buildspec integer of 6,000 digits": (_static("huge-int"), ":4: a value YAML cannot build"),
    "Dockerfile symlinked to /dev/zero": (_dev_zero, "outside the repository; not followed"),
    "FIFO named Dockerfile": (_fifo, "a FIFO, not a regular file"),
    "FIFO named template.yaml": (_fifo_template, "a FIFO, not a regular file"),
    "taskdef.json symlinked to /etc/passwd": (_passwd, "outside the repository; not followed"),
    "Dockerfile symlinked to a sibling directory": (_sibling, "outside the repository; not followed"),
    "Dockerfile over the size cap": (_oversized, f"larger than {limits.MAX_REPO_FILE_BYTES} bytes"),
    "template.yaml of 200 MB (sparse)": (_sparse_template, f"larger than {limits.MAX_REPO_FILE_BYTES} bytes"),
}


@pytest.mark.parametrize("case", list(REPO_CASES))
def test_hostile_repository_file_is_one_error_per_check(tmp_path: Path, case: str) -> None:
    make, expected = REPO_CASES[case]
    repo = tmp_path / "repo"
    repo.mkdir()
    path = make(repo)
    probe = _probe(tmp_path, "repo", str(repo))
    errors = probe.errors_for(path)
    assert errors, probe.findings
    assert all(expected in reason for _, _, reason, _, _ in errors), errors
    # One ERROR per check that reads the kind, and nothing else about that file.
    assert len({check for check, *_ in errors}) == len(errors)
    assert not [f for f in probe.findings if f[3] == path and f[1] != "ERROR"]
    assert "root:x:0:0" not in json.dumps(probe.findings) + probe.stdout + probe.stderr
    assert "hostile-canary" not in json.dumps(probe.findings) + probe.stdout + probe.stderr
    _record(case, "ERROR: " + errors[0][2].split(": ", 1)[1], probe)


def test_bounded_anchors_and_real_dates_still_parse(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _static("pass-anchors")(repo)
    inside = repo / "deploy"
    inside.mkdir()
    (inside / "Dockerfile").write_text("FROM alpine\nUSER app\n")
    (repo / "Dockerfile").symlink_to(inside / "Dockerfile")  # a symlink inside the checkout is followed
    probe = _probe(tmp_path, "repo", str(repo))
    statuses = {(f[0], f[3]): f[1] for f in probe.findings}
    assert statuses[("buildspec_image_scan_gates_push", "buildspec.yml")] == "PASS"
    assert statuses[("dockerfile_user_not_root", "Dockerfile")] == "PASS"
    _record("anchors, a real date, an in-tree symlink (pass)", "PASS", probe)


def test_time_budget_stops_a_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "PARSE_SECONDS", -1.0)
    repo = tmp_path / "repo"
    repo.mkdir()
    _static("pass-anchors")(repo)
    (repo / "taskdef.json").write_text('{"containerDefinitions": [{"name": "a"}]}')
    files = discover({"r": repo})
    parsed = parse_artifacts({"r": repo}, files)
    problems = [doc.problem.message for docs in parsed.values() for doc in docs if doc.problem]
    assert problems == ["took longer than -1 s to parse; stopped"] * 2


# --- config files and files read back ------------------------------------------------------------

def _inventory_cmd(name: str) -> Callable[[Path], tuple[list[str], str]]:
    def make(tmp_path: Path) -> tuple[list[str], str]:
        path = tmp_path / "attestations.yaml"
        shutil.copy(FIXTURES / "config" / name, path)
        return ["audit", "--inventory", "none.json", "--attestations", str(path)], str(path)
    return make


def _waivers_cmd(name: str) -> Callable[[Path], tuple[list[str], str]]:
    def make(tmp_path: Path) -> tuple[list[str], str]:
        path = tmp_path / "waivers.yaml"
        shutil.copy(FIXTURES / "config" / name, path)
        return ["audit", "--inventory", "none.json", "--waivers", str(path)], str(path)
    return make


def _ownership_cmd(name: str) -> Callable[[Path], tuple[list[str], str]]:
    def make(tmp_path: Path) -> tuple[list[str], str]:
        path = tmp_path / "ownership.yaml"
        shutil.copy(FIXTURES / "config" / name, path)
        return ["owners", "lint", "--ownership", str(path)], str(path)
    return make


def _ownership_fifo(tmp_path: Path) -> tuple[list[str], str]:
    os.mkfifo(tmp_path / "ownership.yaml")
    return ["owners", "lint", "--ownership", str(tmp_path / "ownership.yaml")], str(tmp_path / "ownership.yaml")


def _ownership_dev_zero(tmp_path: Path) -> tuple[list[str], str]:
    (tmp_path / "ownership.yaml").symlink_to("/dev/zero")
    return ["owners", "lint", "--ownership", str(tmp_path / "ownership.yaml")], str(tmp_path / "ownership.yaml")


def _attestations_oversized(tmp_path: Path) -> tuple[list[str], str]:
    path = tmp_path / "attestations.yaml"
    path.write_text("version: 1\nattestations: []\n" + "# padding\n" * (limits.MAX_CONFIG_FILE_BYTES // 10 + 1))
    return ["audit", "--inventory", "none.json", "--attestations", str(path)], str(path)


def _ownership_at_node_bound(tmp_path: Path) -> tuple[list[str], str]:
    """Just past the node bound with no alias at all: the most memory a refused file can cost."""
    path = tmp_path / "ownership.yaml"
    path.write_text("version: 1\nx-pad:\n" + "  - 0\n" * limits.MAX_YAML_NODES)
    return ["owners", "lint", "--ownership", str(path)], str(path)


def _deep_inventory(tmp_path: Path) -> tuple[list[str], str]:
    path = tmp_path / "inventory.json"
    path.write_text('{"kind": "cardaudit-inventory/1", "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    return ["audit", "--inventory", str(path)], str(path)


def _report(tmp_path: Path, body: str) -> tuple[list[str], str]:
    path = tmp_path / "report.json"
    path.write_text(body)
    return ["diff", str(path), str(path)], str(path)


def _wrong_report(tmp_path: Path) -> tuple[list[str], str]:
    """The golden report, its first finding's status replaced by what could be a pasted secret."""
    report = json.loads((Path(__file__).parent / "golden" / "report.json").read_text())
    report["findings"][0]["status"] = "hostile-canary"
    # Findings first: the line of the bad value does not move when the report gains other fields.
    report = {"schema": report.pop("schema"), "findings": report.pop("findings"), **report}
    text = json.dumps(report, indent=1)
    return _report(tmp_path, text)


CONFIG_CASES: dict[str, tuple[Callable[[Path], tuple[list[str], str]], str]] = {
    "ownership.yaml alias bomb (owners lint)": (_ownership_cmd("alias-bomb-ownership.yaml"),
                                                ":7: more than 100000 YAML nodes"),
    "attestations.yaml alias bomb (audit)": (_inventory_cmd("alias-bomb-attestations.yaml"),
                                             ":8: more than 100000 YAML nodes"),
    "waivers.yaml alias bomb (audit)": (_waivers_cmd("alias-bomb-attestations.yaml"),
                                        ":8: more than 100000 YAML nodes"),
    "attestations.yaml date 2026-02-30": (_inventory_cmd("impossible-date-attestations.yaml"),
                                          ":7: not a valid date or time"),
    "ownership.yaml nested 3,000 levels": (_ownership_cmd("deep-ownership.yaml"), ":2: nested deeper than 64"),
    "ownership.yaml of 100,000 plain nodes": (_ownership_at_node_bound, ":100000: more than 100000 YAML nodes"),
    "ownership.yaml as a FIFO": (_ownership_fifo, ": a FIFO, not a regular file"),
    "ownership.yaml symlinked to /dev/zero": (_ownership_dev_zero, ": a character device, not a regular file"),
    "attestations.yaml over the size cap": (_attestations_oversized,
                                            f": larger than {limits.MAX_CONFIG_FILE_BYTES} bytes"),
    "inventory nested 100,000 levels": (_deep_inventory, ": not a cardaudit inventory: nested too deeply"),
    "report with a 5,000-digit number (diff)": (
        lambda p: _report(p, '{"schema": "cardaudit-report/1", "n": ' + "9" * 5000 + "}"),
        ": not a cardaudit report: a number too large"),
    "report nested 100,000 levels (diff)": (
        lambda p: _report(p, '{"schema": "cardaudit-report/1", "n": ' + "[" * 100_000 + "]" * 100_000 + "}"),
        ": not a cardaudit report: nested too deeply"),
    "report of the wrong shape (diff)": (_wrong_report,
                                         ":7: not a cardaudit report: findings.0.status: Input should be"),
}


@pytest.mark.parametrize("case", list(CONFIG_CASES))
def test_hostile_config_file_is_file_line_exit_2(tmp_path: Path, case: str) -> None:
    make, expected = CONFIG_CASES[case]
    args, path = make(tmp_path)
    probe = _probe(tmp_path, "cli", *args)
    assert probe.rc == 2, probe.stderr[-2000:]
    assert f"{path}{expected}" in probe.stderr.replace("\n", ""), probe.stderr[-2000:]
    assert "Traceback" not in probe.stderr
    assert "hostile-canary" not in probe.stdout + probe.stderr
    _record(case, "exit 2: " + probe.stderr.strip().splitlines()[0].split(": ", 2)[-1][:70], probe)


def test_a_valid_date_still_loads(tmp_path: Path) -> None:
    args, _ = _inventory_cmd("pass-attestations.yaml")(tmp_path)
    probe = _probe(tmp_path, "cli", *args)
    # The attestations are accepted; the run then stops on the missing inventory.
    assert "attestations.yaml" not in probe.stderr and "none.json" in probe.stderr, probe.stderr
