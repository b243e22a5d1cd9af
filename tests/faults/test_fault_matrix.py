"""Every declared operation x every fault mode, on the demo account: a report, and never a false PASS.

A scenario answers one operation with one fault (tests/faults/inject.py) and runs the audit. The
resource operations are collected again for their service only and spliced into the clean
inventory (the other services' answers are unchanged by construction), then the whole audit
runs on it; the set-up operations run the whole audit, collection included. Each report is
compared with the clean run: no finding and no PCI item may become PASS, and every finding that
changed is NOT_ASSESSED with a reason.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from cardaudit import audit
from cardaudit.collect.aws import SERVICES, ServiceCollector, collect_aws
from cardaudit.collect.awsverdicts import VERDICT_OPERATIONS
from cardaudit.collect.deadline import Deadline
from cardaudit.models.base import Status
from cardaudit.models.control import ItemStatus
from cardaudit.models.inventory import Inventory
from cardaudit.models.report import AuditConfig, Report
from tests.faults.conftest import Demo
from tests.faults.inject import OPTIN_REGION, Fault, Operation, operations, scenarios

pytestmark = pytest.mark.faults

DEADLINE = 0.6  # seconds: the run's --timeout in "hang" scenarios; the hung call answers nothing until after it
OPERATIONS = operations()
SCENARIOS = scenarios(OPERATIONS)
# One operation name can be called through two clients (s3:GetPublicAccessBlock: s3 and s3control).
_SHARED_NAMES = {o.declared for o in OPERATIONS if sum(p.declared == o.declared for p in OPERATIONS) > 1}


def _label(op: Operation) -> str:
    return f"{op.service}/{op.declared}" if op.declared in _SHARED_NAMES else op.declared
_COLLECTORS: dict[str, list[ServiceCollector]] = {}
for _c in SERVICES:
    _COLLECTORS.setdefault(_c.service, []).append(_c)


@dataclass
class Outcome:
    report: bool
    flips_to_pass: list[str]
    other_problems: list[str]
    changed: int
    seconds: float
    unflagged: list[str]  # ownership findings gone without a NOT_ASSESSED of their kind (the ownership stage's)


RESULTS: dict[tuple[str, str], Outcome] = {}


def _key(f: object) -> tuple[str, ...]:
    from cardaudit.models.finding import Finding

    assert isinstance(f, Finding)
    r = f.resource
    # A resource is itself wherever it is (by ARN: a per-region setting has one name in every region);
    # a scope finding (`*`) is one per region.
    return (f.check_id, r.type, r.arn or r.name or r.id, r.account or "", r.region or "" if r.id == "*" else "")


def compare(clean: Report, faulted: Report) -> tuple[list[str], list[str], int, list[str]]:
    """(flips to PASS, other broken rules, number of changed findings, ownership findings gone unflagged)."""
    before = {_key(f): f for f in clean.findings}
    after = {_key(f): f for f in faulted.findings}
    flips: list[str] = []
    problems: list[str] = []
    changed = 0
    for key, f in after.items():
        old = before.get(key)
        if old is not None and old.status == f.status:
            continue
        changed += 1
        if f.status == Status.PASS:
            flips.append(f"finding {key}: {old.status.value if old else 'absent'} -> PASS")
        elif f.status != Status.NOT_ASSESSED:
            problems.append(f"finding {key}: {old.status.value if old else 'absent'} -> {f.status.value}")
        elif not f.reason:
            problems.append(f"finding {key}: NOT_ASSESSED without a reason")
    blind_checks = {f.check_id for f in faulted.findings if f.status == Status.NOT_ASSESSED}
    unflagged: list[str] = []
    for key, f in before.items():
        # A finding that said nothing (NOT_ASSESSED) may go; one that judged must leave a NOT_ASSESSED.
        if key not in after and f.status != Status.NOT_ASSESSED and f.check_id not in blind_checks:
            gone = f"finding {key} ({f.status.value}) gone with no NOT_ASSESSED for its check"
            problems.append(gone)
            if f.kind == "ownership":
                unflagged.append(gone)
    items_before = {r.id: r.status for r in clean.requirements}
    for r in faulted.requirements:
        old = items_before.get(r.id)
        if old == r.status:
            continue
        if r.status == ItemStatus.PASS:
            flips.append(f"item {r.id}: {old} -> PASS")
        elif r.status != ItemStatus.NOT_ASSESSED and r.kind == "requirement":
            # A section shows its worst child: when a failing child goes blind, the next worst shows.
            problems.append(f"item {r.id}: {old} -> {r.status.value}")
    return flips, problems, changed, unflagged


def _splice(clean: Inventory, faulted: Inventory, slices: tuple[str, ...]) -> Inventory:
    return clean.model_copy(update={name: getattr(faulted, name) for name in slices})


def _run(demo: Demo, op: Operation, mode: str) -> tuple[Report, Report]:
    """(clean report, faulted report) of one scenario."""
    session = demo.aws.audit_session
    timeout = DEADLINE if mode == "hang" else None
    with Fault(op, mode, hang_seconds=DEADLINE + 0.3).on(session):
        if op.service in _COLLECTORS:
            collectors = _COLLECTORS[op.service]
            faulted = collect_aws(session, demo.config.regions, workers=8, services=collectors,
                                  deadline=Deadline.after(timeout))
            inventory = _splice(demo.inventory, faulted, tuple(n for c in collectors for n in c.slices))
            return demo.report, audit.run(demo.config, inventory=inventory)
        if op.declared in VERDICT_OPERATIONS:
            # AWS's verdicts are read after the slices; only they are read again under the fault.
            faulted = collect_aws(session, demo.config.regions, workers=8, services=[], verdicts=True,
                                  deadline=Deadline.after(timeout))
            inventory = demo.inventory.model_copy(update={"aws_verdicts": faulted.aws_verdicts})
            return demo.report, audit.run(demo.config, inventory=inventory)
        config: AuditConfig
        clean: Report
        if op.declared == "sts:AssumeRole":
            config, clean = demo.accounts_config, demo.accounts_report
        elif op.declared == "organizations:ListAccounts":
            config, clean = demo.organization_config, demo.organization_report
        else:
            config, clean = demo.config, demo.report
        return clean, audit.run(config.model_copy(update={"timeout": timeout}), session=session)


@pytest.mark.parametrize(("op", "mode"), SCENARIOS, ids=[f"{_label(o)}-{m}" for o, m in SCENARIOS])
def test_fault_gives_a_report_and_no_false_pass(demo: Demo, op: Operation, mode: str) -> None:
    started = time.monotonic()
    try:
        clean, faulted = _run(demo, op, mode)
    except Exception:
        RESULTS[(_label(op), mode)] = Outcome(False, [], ["raised"], 0, time.monotonic() - started, [])
        raise
    flips, problems, changed, unflagged = compare(clean, faulted)
    RESULTS[(_label(op), mode)] = Outcome(True, flips, problems, changed, time.monotonic() - started, unflagged)
    assert isinstance(faulted, Report)
    assert not flips, flips
    assert not problems, problems
    if op.declared in VERDICT_OPERATIONS:
        # AWS's verdicts never change a result; a source that could not be read says why. A hang
        # holds the run to its whole deadline (0.6 s here): on a busy machine another read of the
        # same service may still be pending then and is NOT_ASSESSED, which the rules above judge.
        if mode != "hang":
            assert [(f.check_id, f.status) for f in faulted.findings] == [
                (f.check_id, f.status) for f in clean.findings]
        assert all(r.reason for r in faulted.aws_verdicts.unread())
    if mode == "optin" and op.service in _COLLECTORS and _COLLECTORS[op.service][0].regional:
        # Exactly the refusing region goes blind: a finding elsewhere may change only when it
        # depends on that region, and then it says so. (A global service's one client lives in
        # that region: its whole scope goes blind, which the checks above cover.)
        before = {_key(f): f.status for f in clean.findings}
        elsewhere = [f"{_key(f)}: {f.reason}" for f in faulted.findings
                     if f.kind == "control" and f.resource.region not in (OPTIN_REGION, "global", "", None)
                     and before.get(_key(f)) != f.status and OPTIN_REGION not in f.reason]
        assert not elsewhere, elsewhere
    if mode == "hang" and changed:
        # The report says what ran out: the deadline, or (for a set-up call) the call's own timeout.
        # Under load a detail may be cut before it starts, so the reason can sit on the finding only.
        codes = {e.code for e in faulted.collection_errors}
        reasons = {f.reason for f in faulted.findings if f.status == Status.NOT_ASSESSED}
        # A code can carry a qualifier ("DeadlineReached (region not verified)") when the machine is slow
        # enough for the deadline to catch the region look-up too.
        assert any(c.startswith(("DeadlineReached", "ReadTimeoutError")) for c in codes) or any(
            "deadline" in r.lower() or "ReadTimeoutError" in r for r in reasons), (codes, sorted(reasons))


# One CLI run per mode, on an operation of another service each time: the report is written and the
# exit code is the README's (1: the demo's critical FAILs are still seen elsewhere).
# The malformed kinds share one code path once botocore has parsed them: one of them stands for all here.
_CLI = {"denied": "ecr:GetRegistryScanningConfiguration", "throttled": "iam:ListUsers",
        "connection": "kms:DescribeKey", "optin": "ecs:ListClusters", "html200": "s3:ListBuckets",
        "hang": "states:ListStateMachines"}


@pytest.mark.parametrize("mode", list(_CLI))
def test_cli_writes_the_report_and_exits_per_the_readme(demo: Demo, mode: str, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from cardaudit import cli

    op = next(o for o in OPERATIONS if o.declared == _CLI[mode])
    monkeypatch.setattr("cardaudit.collect.session.audit_session", lambda *_, **__: demo.aws.audit_session)
    config = demo.config
    args = ["audit", "--regions", ",".join(config.regions or []), "--ownership", str(config.ownership),
            "--attestations", str(config.attestations), "--output-dir", str(tmp_path), "--format", "json"]
    args += [a for name, path in config.repos.items() for a in ("--repo", f"{name}={path}")]
    if mode == "hang":
        # Long enough for the caller and region look-ups on a busy machine; the hung call outlasts it.
        args += ["--timeout", "4"]
    with Fault(op, mode, hang_seconds=5).on(demo.aws.audit_session):
        result = CliRunner().invoke(cli.app, args)
    assert result.exit_code == 1, result.output
    written = Report.model_validate_json((tmp_path / "report.json").read_text())
    assert any(e.service == op.service for e in written.collection_errors) or any(
        f.status == Status.NOT_ASSESSED and op.declared in f.reason for f in written.findings)


def test_matrix_summary(capsys: pytest.CaptureFixture[str]) -> None:
    """The counts for the record: operations x modes, runs without a report, flips to PASS."""
    expected = len(SCENARIOS)
    if len(RESULTS) != expected:
        pytest.skip(f"only {len(RESULTS)} of {expected} scenarios ran in this session")
    without_report = sum(not o.report for o in RESULTS.values())
    broken = sorted(f"{op}/{mode}" for (op, mode), o in RESULTS.items() if o.other_problems)
    flips = sum(len(o.flips_to_pass) for o in RESULTS.values())
    by_mode = Counter(mode for (_, mode), o in RESULTS.items() if o.changed)
    unflagged = sorted({(op, line) for (op, _), o in RESULTS.items() for line in o.unflagged})
    with capsys.disabled():
        print(f"\nfault matrix: {len(OPERATIONS)} operations, {expected} scenarios "
              f"({dict(sorted(Counter(mode for _, mode in SCENARIOS).items()))}); "
              f"runs without a report: {without_report}; flips to PASS: {flips}; "
              f"scenarios with a false FAIL: {len(broken)} {broken}; "
              f"scenarios that changed the report, by mode: {dict(sorted(by_mode.items()))}; "
              f"scenario time: {sum(o.seconds for o in RESULTS.values()):.0f} s; ownership findings gone without "
              f"a NOT_ASSESSED of their kind: {len(unflagged)} (in {len({op for op, _ in unflagged})} operations)")
    assert without_report == 0 and flips == 0 and not broken
