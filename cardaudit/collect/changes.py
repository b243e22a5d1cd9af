"""Which files a pull request touches: a list given by the user, or `git diff` against a base ref.

Paths are repo-relative POSIX paths, as `git diff --name-only` prints them. Git runs read-only
(`diff`, `rev-parse`), in each checkout, with `--relative` so that a checkout inside a larger
work tree gets paths relative to itself.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path, PurePosixPath

from cardaudit.errors import ConfigError

_GIT_TIMEOUT = 60.0


def normalise(line: str) -> str | None:
    """One listed path as a repo-relative POSIX path, or None for a blank line or a comment."""
    text = line.strip().replace("\\", "/")
    if not text or text.startswith("#"):
        return None
    parts = [p for p in PurePosixPath(text).parts if p not in (".", "/")]
    return "/".join(parts) or None


def read_list(text: str) -> list[str]:
    """The paths of a `--changed-files` list, one per line, without duplicates, in order."""
    out: list[str] = []
    for line in text.splitlines():
        path = normalise(line)
        if path is not None and path not in out:
            out.append(path)
    return out


def git_changed(name: str, root: Path, base_ref: str) -> list[str]:
    """Files changed on HEAD since it left `base_ref` (`git diff --name-only REF...HEAD`) in one checkout."""
    git = shutil.which("git")
    if git is None:
        raise ConfigError("--base-ref needs git on PATH (or give the list with --changed-files)")
    if base_ref.startswith("-"):
        raise ConfigError(f"--base-ref: '{base_ref}' is not a ref")
    command = [git, "-C", str(root), "diff", "--name-only", "--relative", "--no-renames", f"{base_ref}...HEAD", "--"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=_GIT_TIMEOUT, check=False)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ConfigError(f"--base-ref: git diff could not run in {name} ({root}): {exc}") from exc
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or ["no message"])[0]
        hint = " (in CI, check out with fetch-depth: 0 so the base is there)" if "unknown revision" in first \
            or "bad revision" in first or "no merge base" in first else ""
        raise ConfigError(f"--base-ref {base_ref}: git diff failed in {name} ({root}): {first}{hint}")
    return read_list(done.stdout)
