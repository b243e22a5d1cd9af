"""The history store on SQLite and on a real PostgreSQL server: runs, migrations, failure modes, commands.

PostgreSQL tests use the server named by CARDAUDIT_TEST_POSTGRES (`.ci/run` starts one with
`.ci/services/postgres.sh`). Without one they skip with that reason, except under CI, where a
missing server is a failure.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cardaudit import cli
from cardaudit.errors import HistoryError
from cardaudit.exitcodes import ExitCode
from cardaudit.history import default_location, open_store, prune_plan, record_run, scope_of, target_of
from cardaudit.history.store import SCHEMA_VERSION
from cardaudit.models.history import RunRecord, Scope
from tests.smallreports import COLLECTED, arn, queues, report_of

runner = CliRunner()
PG_ENV = "CARDAUDIT_TEST_POSTGRES"


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false")


def _postgres_dsn() -> str:
    dsn = os.environ.get(PG_ENV)
    reason = None
    if not dsn:
        reason = f"no PostgreSQL server: {PG_ENV} is not set (.ci/services/postgres.sh starts one)"
    else:
        try:
            import psycopg  # noqa: F401
        except ImportError:
            reason = "psycopg is not installed (pip install -e '.[test]')"
    if reason:
        if _in_ci():
            pytest.fail(f"CI must run the PostgreSQL tests: {reason}")
        pytest.skip(reason)
    assert dsn is not None
    return dsn


@pytest.fixture
def postgres() -> Iterator[str]:
    """A DSN whose tables live in a schema of their own, dropped afterwards."""
    import psycopg

    dsn = _postgres_dsn()
    schema = f"t_{secrets.token_hex(4)}"
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in dsn else "?"
    yield f"{dsn}{sep}options=-csearch_path%3D{schema}"
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgres"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "history.sqlite")
    return str(request.getfixturevalue("postgres"))


def _later(hours: int) -> datetime:
    return COLLECTED + timedelta(hours=hours)


def test_runs_are_kept_and_compared_with_the_previous_run_of_their_scope(target: str) -> None:
    store = open_store(target)
    try:
        first = report_of(queues(a=True, b=False))
        first = first.model_copy(update={"run": first.run.model_copy(update={"started_at": _later(0)})})
        scope = scope_of(first, [])
        kept, record = record_run(store, first, scope)
        assert kept.diff is None  # nothing before it
        second = report_of(queues(a=False, b=True))
        second = second.model_copy(update={"run": second.run.model_copy(update={"started_at": _later(1)})})
        compared, record2 = record_run(store, second, scope)
        assert compared.diff is not None and compared.diff.against == record.run_id
        assert [c.resource for c in compared.diff.new_failures] == [arn("a")]
        assert [c.resource for c in compared.diff.fixed] == [arn("b")]
        # Another scope is compared with nothing of this one.
        other = scope.model_copy(update={"repos": ["acme/card-api"]})
        assert store.previous(other.key, _later(5)) is None
        assert [r.run_id for r in store.runs()] == [record2.run_id, record.run_id]
        assert store.get(record.run_id) == record
        assert store.report(record2.run_id) == compared  # the stored report carries its diff
        assert record2.summary["findings"] == {"FAIL": 1, "PASS": 1}
    finally:
        store.close()


def test_an_unreadable_previous_run_is_an_error_once(target: str) -> None:
    store = open_store(target)
    try:
        scope = Scope()
        first = report_of(queues(a=True))
        _, damaged = record_run(store, first, scope)
        store._execute("UPDATE cardaudit_runs SET report = ?", (b"not zlib",))  # type: ignore[attr-defined]
        store._conn.commit()  # type: ignore[attr-defined]
        second = first.model_copy(update={"run": first.run.model_copy(update={"started_at": _later(24 * 400)})})
        with pytest.raises(HistoryError, match=f"the stored report of run {damaged.run_id} cannot be read"):
            record_run(store, second, scope)
        third = first.model_copy(update={"run": first.run.model_copy(update={"started_at": _later(24 * 401)})})
        compared, _ = record_run(store, third, scope)  # compared with the second run, which was kept
        assert compared.diff is not None and compared.diff.against == store.runs()[1].run_id
    finally:
        store.close()


def _write_v1_row(store: object, run_id: str) -> None:
    report = report_of(queues(a=True))
    blob = zlib.compress(report.model_dump_json(by_alias=True).encode())
    ts = store._ts_in(COLLECTED)  # type: ignore[attr-defined]
    store._execute(  # type: ignore[attr-defined]
        "INSERT INTO cardaudit_runs (run_id, started_at, finished_at, scope_key, scope, tool_version, report) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)", (run_id, ts, ts, Scope().key, Scope().model_dump_json(), "0.0.1", blob))
    store._conn.commit()  # type: ignore[attr-defined]


def test_a_version_1_store_is_migrated_to_the_current_schema(target: str) -> None:
    old = open_store(target, migrate_to=1)
    assert old.version() == 1  # type: ignore[attr-defined]
    _write_v1_row(old, "20260601T120000Z-abcdef")
    old.close()
    store = open_store(target)
    try:
        assert store.version() == SCHEMA_VERSION == 2  # type: ignore[attr-defined]
        [run] = store.runs()
        assert (run.run_id, run.summary, run.tool_version) == ("20260601T120000Z-abcdef", {}, "0.0.1")
        assert store.report(run.run_id).findings[0].resource.arn == arn("a")
    finally:
        store.close()


def test_tasks_starting_together_migrate_a_new_store_once(target: str) -> None:
    """Scheduled tasks of one organisation run start at the same minute against one empty store."""
    from concurrent.futures import ThreadPoolExecutor

    def open_and_save(_: int) -> int:
        store = open_store(target)
        try:
            store.save(report_of(queues(a=True)), Scope())
            return int(store.version())  # type: ignore[attr-defined]
        finally:
            store.close()

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(open_and_save, range(4))) == [SCHEMA_VERSION] * 4
    store = open_store(target)
    assert len(store.runs()) == 4
    store.close()


def test_a_store_newer_than_cardaudit_is_refused(target: str) -> None:
    store = open_store(target)
    store._execute("UPDATE cardaudit_schema SET version = 99")  # type: ignore[attr-defined]
    store._conn.commit()  # type: ignore[attr-defined]
    store.close()
    with pytest.raises(HistoryError, match=r"schema version 99, newer than this cardaudit knows \(2\)"):
        open_store(target)


def test_a_locked_store_is_an_error_not_a_wait(target: str) -> None:
    store = open_store(target, lock_timeout=0.1)
    report = report_of(queues(a=True))
    if target.startswith("postgresql"):
        import psycopg

        with psycopg.connect(target) as other:
            other.execute("LOCK TABLE cardaudit_runs IN ACCESS EXCLUSIVE MODE")
            with pytest.raises(HistoryError, match="lock"):
                store.save(report, Scope())
    else:
        other = sqlite3.connect(target)
        other.execute("BEGIN EXCLUSIVE")
        try:
            with pytest.raises(HistoryError, match="database is locked"):
                store.save(report, Scope())
            with pytest.raises(HistoryError, match="database is locked"):
                open_store(target, lock_timeout=0.1)
        finally:
            other.rollback()
            other.close()
    # Once the lock is gone the same store works again.
    store.save(report, Scope())
    assert len(store.runs()) == 1
    store.close()


def test_a_corrupt_sqlite_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    path.write_bytes(b"this is not a database\n" * 100)
    with pytest.raises(HistoryError, match=r"history.sqlite: cannot .* file is not a database \(the file is damaged"):
        open_store(str(path))
    with pytest.raises(HistoryError, match="is a directory"):
        open_store(str(tmp_path))


def test_an_unreachable_postgresql_server_is_a_clear_error() -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(HistoryError, match=r"postgresql://cardaudit:\*\*\*@127.0.0.1:1/x: cannot reach"):
        open_store("postgresql://cardaudit:s3cret@127.0.0.1:1/x")


def test_postgresql_without_psycopg_says_which_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from cardaudit.errors import ConfigError

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if it were not installed
    with pytest.raises(ConfigError, match=r"pip install 'cardaudit\[postgres\]'"):
        open_store("postgresql://h/db")


def test_where_history_lives(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("CARDAUDIT_HISTORY", raising=False)
    assert default_location() == tmp_path / "cardaudit" / "history.sqlite"
    assert target_of(None) is None  # opt-in: an audit keeps no history unless asked
    assert target_of(None, required=True) == str(default_location())  # `history list` reads the default
    assert target_of("default") == str(default_location())
    monkeypatch.setenv("CARDAUDIT_HISTORY", "postgresql://h/db")
    assert target_of(None) == "postgresql://h/db"
    assert target_of("other.sqlite") == "other.sqlite"


def _record(run_id: str, scope: str, age_days: int, now: datetime) -> RunRecord:
    return RunRecord(run_id=run_id, started_at=now - timedelta(days=age_days), finished_at=now, scope_key=scope,
                     scope=Scope(), tool_version="0")


def test_prune_by_age_and_count_keeps_the_newest_run_of_each_scope() -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    runs = [_record("a0", "A", 0, now), _record("a1", "A", 10, now), _record("a2", "A", 100, now),
            _record("b0", "B", 200, now)]
    assert [r.run_id for r in prune_plan(runs, now, timedelta(days=90), None)] == ["a2"]  # b0 is B's newest
    assert [r.run_id for r in prune_plan(runs, now, None, 2)] == ["a2"]
    assert [r.run_id for r in prune_plan(runs, now, None, 1)] == ["a2", "a1"]
    assert prune_plan(runs, now, timedelta(days=365), 5) == []


def _audit(inventory_file: Path, out: Path, *extra: str) -> tuple[int, str]:
    result = runner.invoke(cli.app, ["audit", "--inventory", str(inventory_file), "--checks", "sqs_queue_kms_encrypted",
                                     "--no-aws-verdicts", "--format", "json", "--output-dir", str(out), *extra])
    return result.exit_code, result.output


def test_audit_history_fail_on_new_and_the_history_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            target: str) -> None:
    monkeypatch.chdir(tmp_path)  # no ./ownership.yaml or ./waivers.yaml of the developer's
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("CARDAUDIT_HISTORY", raising=False)
    history = target
    inv = tmp_path / "inv.json"
    inv.write_text(queues(a=True, b=False).model_dump_json())

    code, _ = _audit(inv, tmp_path / "o", "--fail-on-new")
    assert code == ExitCode.CONFIG  # --fail-on-new needs a history
    code, output = _audit(inv, tmp_path / "o1", "--history", history, "--fail-on-new")
    assert code == ExitCode.FINDINGS, output  # the first run of a scope: every failure is new
    code, output = _audit(inv, tmp_path / "o2", "--history", history, "--fail-on-new")
    assert code == ExitCode.OK, output  # the same failure again: nothing new
    assert "new failures: 0" in output and "still failing: 1" in output
    inv.write_text(queues(a=True, b=False, c=False).model_dump_json())
    code, output = _audit(inv, tmp_path / "o3", "--history", history, "--fail-on-new")
    assert code == ExitCode.FINDINGS and "new failures: 1" in output
    saved = json.loads((tmp_path / "o3" / "report.json").read_text())
    assert [c["resource"] for c in saved["diff"]["new_failures"]] == [arn("c")]

    listed = runner.invoke(cli.app, ["history", "list", "--history", history])
    assert listed.exit_code == 0 and "3 run(s)" in listed.output
    ids = [line.split()[0] for line in listed.output.splitlines()[1:]]
    shown = runner.invoke(cli.app, ["history", "show", "latest", "--history", history, "--json"])
    assert shown.exit_code == 0 and json.loads(shown.output)["diff"]["against"] == ids[1]
    diffed = runner.invoke(cli.app, ["diff", ids[2], str(tmp_path / "o3" / "report.json"), "--history", history])
    assert diffed.exit_code == ExitCode.FINDINGS and "new failures: 1" in diffed.output
    missing = runner.invoke(cli.app, ["diff", "nope", ids[0], "--history", history])
    assert missing.exit_code == ExitCode.CONFIG and "run 'nope' is not in it" in missing.output

    dry = runner.invoke(cli.app, ["history", "prune", "--keep", "1", "--dry-run", "--history", history])
    assert dry.exit_code == 0 and "would delete 2 run(s)" in dry.output
    assert "3 run(s)" in runner.invoke(cli.app, ["history", "list", "--history", history]).output
    pruned = runner.invoke(cli.app, ["history", "prune", "--keep", "1", "--history", history])
    assert pruned.exit_code == 0 and "deleted 2 run(s)" in pruned.output
    assert runner.invoke(cli.app, ["history", "list", "--history", history]).output.startswith("1 run(s)")
    assert runner.invoke(cli.app, ["history", "prune", "--history", history]).exit_code == ExitCode.CONFIG
    nothing = runner.invoke(cli.app, ["history", "list"])  # the default location, which holds nothing
    assert nothing.exit_code == ExitCode.CONFIG and "no history there yet" in nothing.output
    assert runner.invoke(cli.app, ["diff", "missing.json", ids[0]]).exit_code == ExitCode.CONFIG
    assert not (tmp_path / "xdg").exists()  # nothing was written to the default location


def _corrupt(tmp_path: Path) -> str:
    path = tmp_path / "h.sqlite"
    path.write_bytes(b"garbage" * 200)
    return str(path)


def _too_new(tmp_path: Path) -> str:
    path = tmp_path / "h.sqlite"
    store = open_store(str(path))
    store._execute("UPDATE cardaudit_schema SET version = 7")  # type: ignore[attr-defined]
    store._conn.commit()  # type: ignore[attr-defined]
    store.close()
    return str(path)


BROKEN = {
    "corrupt file": (_corrupt, "file is not a database"),
    "newer schema": (_too_new, "schema version 7, newer than this cardaudit knows"),
    "unreachable server": (lambda _: "postgresql://cardaudit:pw@127.0.0.1:1/x", "127.0.0.1:1/x: cannot reach"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_store_still_gets_the_reports_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      case: str) -> None:
    if case == "unreachable server":
        pytest.importorskip("psycopg")
    monkeypatch.chdir(tmp_path)
    make, message = BROKEN[case]
    history = make(tmp_path)
    inv = tmp_path / "inv.json"
    inv.write_text(queues(a=True).model_dump_json())
    code, output = _audit(inv, tmp_path / "out", "--history", history)
    assert code == ExitCode.HISTORY == 5
    assert message in output and "the reports above were written" in output
    assert "pw@" not in output  # a password in the URL is never printed
    assert (tmp_path / "out" / "report.json").is_file()
    listed = runner.invoke(cli.app, ["history", "list", "--history", history])
    assert listed.exit_code == ExitCode.HISTORY and message in listed.output


def test_the_demo_keeps_its_run(demo_run: tuple[object, Path]) -> None:
    _, out = demo_run
    store = open_store(str(out / "history.sqlite"), create=False)
    try:
        [run] = store.runs()
        stored = store.report(run.run_id)
    finally:
        store.close()
    written = json.loads((out / "report.json").read_text())
    assert stored.diff is None and written["diff"] is None  # its first run
    assert len(stored.findings) == len(written["findings"]) and run.scope.accounts == written["run"]["accounts"]
    assert run.scope.repos  # the demo's repositories are part of its scope
