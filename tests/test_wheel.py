"""What a real user gets from `pip install .`: the wheel, with its declared dependencies, in a venv of its own.

Nothing is borrowed from the test environment (no system site-packages, no path file), so a module
the package imports without declaring it fails here as it would for the user. The demo extra (moto)
is not installed, as in the README's real-account install.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from cardaudit.engine.registry import load_checks

ROOT = Path(__file__).resolve().parents[1]


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env, check=False)


@pytest.mark.slow
def test_plain_install_of_the_wheel_works_on_its_own(
        tmp_path: Path, demo_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    # Build from a copy of the tree: setuptools reuses ./build, where files deleted since would linger.
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "cardaudit-*"))
    dist = tmp_path / "dist"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(source)],
                           capture_output=True, text=True, timeout=600, check=False)
    assert build.returncode == 0, build.stderr
    wheel = next(dist.glob("cardaudit-*.whl"))

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env_dir)
    python, cardaudit = env_dir / "bin" / "python", env_dir / "bin" / "cardaudit"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MOTO_", "PYTHON", "VIRTUAL_ENV"))}
    env["COLUMNS"] = "200"
    work = tmp_path / "work"
    work.mkdir()
    install = _run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)], work, env,
                   timeout=900)
    assert install.returncode == 0, install.stderr

    # The venv sees only its own site-packages: cardaudit, its checks and its catalogue come from the wheel.
    where = _run([str(python), "-c", "import sys, cardaudit, cardaudit.checks, cardaudit.controls; "
                  "print(cardaudit.__file__); print(cardaudit.checks.__file__); print(*sys.path)"], work, env)
    assert where.returncode == 0, where.stderr
    assert str(ROOT) not in where.stdout and sys.prefix not in where.stdout, where.stdout

    help_ = _run([str(cardaudit), "--help"], work, env)
    assert help_.returncode == 0, help_.stderr
    assert "audit" in help_.stdout and "controls" in help_.stdout

    listed = _run([str(python), "-c", "from cardaudit.engine.registry import load_checks; "
                   "print(' '.join(sorted(load_checks())))"], work, env)
    assert listed.stdout.split() == sorted(load_checks()), listed.stderr  # every check module is in the wheel

    stats = _run([str(cardaudit), "controls", "stats"], work, env)
    assert stats.returncode == 0, stats.stderr
    assert "PCI DSS v4.0.1" in stats.stdout

    _, demo_out = demo_run
    again = _run([str(cardaudit), "audit", "--inventory", str(demo_out / "inventory.json"),
                  "--output-dir", str(work / "again"), "--fail-on", "critical"], work, env)
    assert again.returncode == 1, again.stderr  # the demo holds a critical finding
    report = json.loads((work / "again" / "report.json").read_text())
    assert {"PASS", "FAIL", "NOT_ASSESSED"} <= {f["status"] for f in report["findings"]}
    assert len(report["requirements"]) == 366
    assert (work / "again" / "report.html").exists()

    # The demo needs the [demo] extra; without it, one line says so.
    demo = _run([str(cardaudit), "demo", "--output-dir", str(work / "demo")], work, env)
    assert demo.returncode == 2, demo.stderr
    assert "pip install 'cardaudit[demo]'" in demo.stderr and "Traceback" not in demo.stderr


def test_every_package_of_the_tree_is_listed_for_the_wheel() -> None:
    """pyproject.toml lists packages by hand (checks/ maps to cardaudit.checks): a new one must be added."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "cardaudit").rglob("__init__.py")}
    for name, folder in config["package-dir"].items():
        if name != "cardaudit":
            found |= {".".join((name, *p.parent.relative_to(ROOT / folder).parts))
                      for p in (ROOT / folder).rglob("__init__.py")}
    assert found == listed, f"add to pyproject.toml: {sorted(found - listed)}; stale: {sorted(listed - found)}"
