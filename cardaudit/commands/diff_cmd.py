"""`cardaudit diff`: what changed between two runs, given as report files or run ids of the history."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cardaudit.commands.common import out, run_command
from cardaudit.commands.history_cmd import HistoryReadOpt
from cardaudit.errors import ConfigError
from cardaudit.exitcodes import ExitCode

if TYPE_CHECKING:
    from cardaudit.models.report import Report


def _load(ref: str, history: str | None) -> tuple[Report, str]:
    """A report file when `ref` names one, else a run of the history (id, unique prefix, or 'latest')."""
    from cardaudit.readback import load_report

    if Path(ref).exists():
        return load_report(Path(ref)), ref
    if ref.endswith(".json") or "/" in ref:
        raise ConfigError(f"{ref}: no such report file")
    from cardaudit.history import find_run, open_store, target_of

    target = target_of(history, required=True)
    assert target is not None
    store = open_store(target, create=False)
    try:
        record = find_run(store, ref)
        return store.report(record.run_id), record.run_id
    finally:
        store.close()


def diff_command(
    ctx: typer.Context,
    before: Annotated[str, typer.Argument(help="The earlier run: a report.json, or a run id of the history.")],
    after: Annotated[str, typer.Argument(help="The later run: a report.json, or a run id of the history.")],
    history: HistoryReadOpt = None,
) -> None:
    """Compare two runs; exit 1 when the later one has new failures or regressed PCI items."""

    def body() -> int:
        from cardaudit.diffing import diff_reports
        from cardaudit.formats.console import print_diff

        earlier, name = _load(before, history)
        later, _ = _load(after, history)
        diff = diff_reports(earlier, later, against=name)
        print_diff(diff, out, limit=None)
        return ExitCode.FINDINGS if diff.worse else ExitCode.OK

    run_command(ctx, body)
