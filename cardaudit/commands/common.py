"""Pieces several commands share: option parsing, report writing, exit status."""

from __future__ import annotations

from pathlib import Path

from cardaudit.errors import ConfigError, RenderError
from cardaudit.exitcodes import ExitCode
from cardaudit.formats import FORMATS
from cardaudit.models.base import Severity, Status
from cardaudit.models.report import Report

DEFAULT_OWNERSHIP = Path("ownership.yaml")


def parse_repos(values: list[str] | None) -> dict[str, Path]:
    repos: dict[str, Path] = {}
    for value in values or []:
        name, sep, path = value.partition("=")
        if not sep or not name or not path:
            raise ConfigError(f"--repo expects NAME=PATH (e.g. acme/card-api=../card-api), got '{value}'")
        if not Path(path).is_dir():
            raise ConfigError(f"--repo {name}: {path} is not a directory")
        repos[name] = Path(path)
    return repos


def parse_csv(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [r.strip() for r in value.split(",") if r.strip()]


def parse_formats(value: str) -> list[str]:
    names = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in FORMATS]
    if unknown:
        raise ConfigError(f"unknown format(s) {', '.join(unknown)} (known: {', '.join(FORMATS)})")
    return names


def write_reports(report: Report, formats: list[str], out_dir: Path, stem: str = "report") -> list[Path]:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for name in formats:
            fmt = FORMATS[name]
            path = out_dir / f"{stem}{fmt.suffix}"
            path.write_text(fmt.render(report), encoding="utf-8")
            written.append(path)
        return written
    except OSError as exc:
        raise RenderError(f"cannot write reports to {out_dir}: {exc.strerror}") from exc


def exit_status(report: Report, fail_on: Severity | None) -> ExitCode:
    assessed = [f for f in report.findings if f.kind == "control" and f.status != Status.NOT_ASSESSED]
    if not assessed and any(f.kind == "control" for f in report.findings):
        return ExitCode.NOT_ASSESSED
    if fail_on is None:
        return ExitCode.OK
    failing = [f for f in report.findings
               if f.status in (Status.FAIL, Status.ERROR) and Severity(f.severity).rank >= fail_on.rank]
    return ExitCode.FINDINGS if failing else ExitCode.OK
