"""`cardaudit history list|show|prune`, and how `audit` and `demo` keep their runs in the history."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from cardaudit.commands.common import err, out, run_command, say
from cardaudit.errors import ConfigError, HistoryError
from cardaudit.exitcodes import ExitCode
from cardaudit.formats.text import escape
from cardaudit.models.enums import Status

if TYPE_CHECKING:
    from cardaudit.history.store import HistoryStore
    from cardaudit.models.report import Report

HistoryOpt = Annotated[str | None, typer.Option(
    "--history", show_default=False,
    help="Keep this run in a history and compare it with the previous run of the same scope: a SQLite file, "
         "a postgresql:// URL, or 'default' ($XDG_DATA_HOME/cardaudit/history.sqlite). Also $CARDAUDIT_HISTORY.")]
HistoryReadOpt = Annotated[str | None, typer.Option(
    "--history", show_default=False,
    help="The history to read: a SQLite file or a postgresql:// URL (default: $CARDAUDIT_HISTORY, else "
         "$XDG_DATA_HOME/cardaudit/history.sqlite).")]
FailOnNewOpt = Annotated[bool, typer.Option(
    "--fail-on-new", help="Exit 1 only for what got worse since the previous run of the same scope (new FAIL or "
                          "ERROR findings, regressed PCI items), instead of --fail-on. Needs --history.")]

app = typer.Typer(no_args_is_help=True, help="Past runs kept with --history: list, show, prune.")


def remember(report: Report, given: str | None, repos: list[str]) -> tuple[Report, HistoryError | None]:
    """The report with its diff against the previous run, stored; or the report as it was and the store's error.

    A store that cannot be used never costs the run its reports: the caller writes them, then exits 5.
    """
    from cardaudit.history import open_store, record_run, scope_of, target_of

    target = target_of(given)
    if target is None:
        return report, None
    try:
        store = open_store(target)
        try:
            return record_run(store, report, scope_of(report, repos))[0], None
        finally:
            store.close()
    except HistoryError as exc:
        return report, exc


def check_fail_on_new(fail_on_new: bool, given: str | None) -> None:
    from cardaudit.history import target_of

    if fail_on_new and target_of(given) is None:
        raise ConfigError("--fail-on-new compares with the previous run: give --history (or set CARDAUDIT_HISTORY)")


def new_failures_status(report: Report) -> ExitCode:
    """--fail-on-new: worse than the previous run? The first run of a scope has nothing before it, so every
    failure in it is new."""
    if report.diff is not None:
        return ExitCode.FINDINGS if report.diff.worse else ExitCode.OK
    failing = any(f.status in (Status.FAIL, Status.ERROR) for f in report.findings)
    return ExitCode.FINDINGS if failing else ExitCode.OK


def report_history_error(error: HistoryError | None) -> None:
    if error is not None:
        err.print(f"[red]{error.label}:[/] {escape(error.text)} (the reports above were written)",
                  highlight=False, soft_wrap=True)


def _store(history: str | None) -> HistoryStore:
    from cardaudit.history import open_store, target_of

    target = target_of(history, required=True)
    assert target is not None
    return open_store(target, create=False)


def _counts(counts: dict[str, int]) -> str:
    return " ".join(f"{k} {v}" for k, v in counts.items()) or "-"


@app.command("list")
def list_command(
    ctx: typer.Context,
    history: HistoryReadOpt = None,
    limit: Annotated[int, typer.Option(help="Show at most this many runs, newest first.", min=1)] = 50,
) -> None:
    """The runs kept in the history, newest first."""

    def body() -> int:
        store = _store(history)
        try:
            runs = store.runs()
        finally:
            store.close()
        say(f"{len(runs)} run(s) in {escape(store.location)}")
        for run in runs[:limit]:
            scope = run.scope
            say(f"{run.run_id}  {run.started_at:%Y-%m-%d %H:%M}  scope {run.scope_key}  "
                f"accounts {escape(','.join(scope.accounts)) or '-'}  {escape(scope.catalogue)}  "
                f"checks: {_counts(run.summary.get('findings', {}))}  "
                f"items: {_counts(run.summary.get('requirements', {}))}")
        return ExitCode.OK

    run_command(ctx, body)


@app.command("show")
def show_command(
    ctx: typer.Context,
    run_id: Annotated[str, typer.Argument(help="A run id (or a unique prefix of one, or 'latest').")],
    history: HistoryReadOpt = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the stored JSON report instead.")] = False,
) -> None:
    """One run: its scope and summary (and its diff against the run before it), or its JSON report."""

    def body() -> int:
        from cardaudit.formats import get_format
        from cardaudit.formats.console import print_summary
        from cardaudit.history import find_run

        store = _store(history)
        try:
            record = find_run(store, run_id)
            report = store.report(record.run_id)
        finally:
            store.close()
        if json_out:
            typer.echo(get_format("json").render(report), nl=False)
            return ExitCode.OK
        say(f"run {record.run_id} · scope {record.scope_key} · cardaudit {escape(record.tool_version)}")
        print_summary(report, out)
        return ExitCode.OK

    run_command(ctx, body)


_AGE = re.compile(r"^(\d+)([dhw])$")


def _age(value: str | None) -> timedelta | None:
    if value is None:
        return None
    match = _AGE.match(value.strip())
    if not match:
        raise ConfigError(f"--older-than expects a number of days, hours or weeks (90d, 12h, 4w), got '{value}'")
    n, unit = int(match.group(1)), match.group(2)
    return {"d": timedelta(days=n), "h": timedelta(hours=n), "w": timedelta(weeks=n)}[unit]


@app.command("prune")
def prune_command(
    ctx: typer.Context,
    history: HistoryReadOpt = None,
    older_than: Annotated[str | None, typer.Option(help="Delete runs older than this (90d, 12h, 4w).")] = None,
    keep: Annotated[int | None, typer.Option(help="Keep this many newest runs per scope.", min=1)] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would be deleted; delete nothing.")] = False,
) -> None:
    """Delete old runs. The newest run of each scope is always kept (the next run is compared with it)."""

    def body() -> int:
        from cardaudit.history import prune_plan

        if older_than is None and keep is None:
            raise ConfigError("say what to prune: --older-than AGE and/or --keep N")
        age = _age(older_than)
        store = _store(history)
        try:
            doomed = prune_plan(store.runs(), datetime.now(UTC), age, keep)
            if not dry_run:
                store.delete([r.run_id for r in doomed])
        finally:
            store.close()
        verb = "would delete" if dry_run else "deleted"
        say(f"{verb} {len(doomed)} run(s)")
        for run in doomed:
            say(f"  {run.run_id}  {run.started_at:%Y-%m-%d %H:%M}  scope {run.scope_key}")
        return ExitCode.OK

    run_command(ctx, body)
