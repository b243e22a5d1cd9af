"""A wheel built from the repository carries checks/, controls/ and reports/ and audits on its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from cardaudit.engine.registry import load_checks

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_installed_wheel_audits_a_saved_inventory(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
                           capture_output=True, text=True, timeout=600, check=False)
    assert build.returncode == 0, build.stderr
    wheel = next(dist.glob("cardaudit-*.whl"))

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # Dependencies come from this environment's site-packages, added as a plain path: its .pth
    # files (the editable install of the source tree among them) are not processed there.
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
                              str(wheel)], capture_output=True, text=True, timeout=300, check=False)
    assert install.returncode == 0, install.stderr

    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MOTO_", "PYTHON"))}
    where = subprocess.run([str(python), "-c", "import cardaudit, cardaudit.checks, cardaudit.controls; "
                            "print(cardaudit.__file__); print(cardaudit.checks.__file__)"],
                           cwd=work, capture_output=True, text=True, env=env, check=True).stdout
    assert all(line.startswith(str(env_dir)) for line in where.split()), where
    # Every check module of the source tree made it into the wheel.
    listed = subprocess.run([str(python), "-c", "from cardaudit.engine.registry import load_checks; "
                             "print(' '.join(sorted(load_checks())))"],
                            cwd=work, capture_output=True, text=True, env=env, check=True).stdout.split()
    assert listed == sorted(load_checks())

    demo = subprocess.run([str(env_dir / "bin" / "cardaudit"), "demo", "--output-dir", str(work / "demo")],
                          cwd=work, capture_output=True, text=True, timeout=300, env=env, check=False)
    assert demo.returncode == 0, demo.stderr
    again = subprocess.run([str(env_dir / "bin" / "cardaudit"), "audit",
                            "--inventory", str(work / "demo/inventory.json"),
                            "--output-dir", str(work / "again"), "--fail-on", "critical"],
                           cwd=work, capture_output=True, text=True, timeout=300, env=env, check=False)
    assert again.returncode == 1, again.stderr  # the demo holds a critical finding
    assert (work / "again" / "report.html").exists()
    report = json.loads((work / "again" / "report.json").read_text())
    assert {"PASS", "FAIL", "NOT_ASSESSED"} <= {f["status"] for f in report["findings"]}
    assert len(report["requirements"]) == 366
