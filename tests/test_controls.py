"""Profiles, default N/A items, attestations, and the `controls` CLI."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from cardaudit.catalogue.attest import load_attestations
from cardaudit.catalogue.load import load_catalogue
from cardaudit.catalogue.rollup import roll_up, tag_findings
from cardaudit.catalogue.scope import not_applicable
from cardaudit.catalogue.stats import automated_coverage, counting_rules
from cardaudit.errors import ConfigError
from cardaudit.models.base import Severity, Status
from cardaudit.models.control import ItemStatus
from cardaudit.models.finding import Finding, ResourceRef, Result
from cardaudit.ownership.iac import IacIndex
from cardaudit.ownership.load import load_ownership
from cardaudit.ownership.resolve import Resolver
from cardaudit.ownership.stage import attribute_requirements

V4 = load_catalogue("pci-dss-4.0.1")


def test_profiles_decide_sp_only_issuer_only_and_appendices() -> None:
    issuer = not_applicable(V4, "issuer")
    provider = not_applicable(V4, "service-provider")
    merchant = not_applicable(V4, "merchant")
    assert "12.4.1" in issuer and "12.4.1" not in provider  # service-provider only
    assert "3.3.3" not in issuer and "3.3.3" in merchant and "3.3.3" in provider  # issuer only
    assert "A1.1.1" in issuer and "A1.1.1" not in provider
    assert "A2.1.1" in issuer and "A2.1.1" not in merchant
    assert issuer["1.3.3"].startswith("No wireless network")  # cloud-only default
    assert "A3.1.1" in issuer and "designates" in issuer["A3.1.1"]


def test_ownership_overrides_applicability(tmp_path: Path) -> None:
    path = tmp_path / "ownership.yaml"
    path.write_text(
        "version: 1\nteams: {secops: {name: Security}}\nrequirements:\n"
        "  - {id: \"9.*\", primary: secops}\n"
        "  - {id: \"11.6.1\", primary: secops}\n"
        "  - {id: \"10.7.*\", responsibility: not_applicable, note: \"no security control systems of our own\"}\n")
    resolver = Resolver(load_ownership(path), IacIndex())
    ids = [i.id for i in V4.items if i.kind == "requirement"]
    na = not_applicable(V4, "issuer", attribute_requirements(resolver, ids).applicability)
    assert "9.5.1" in na  # a broad ownership rule does not bring a default N/A item back
    assert "11.6.1" not in na  # a rule naming the item does
    assert na["10.7.2"] == f"no security control systems of our own ({path}:6)"


def _attestations(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "attestations.yaml"
    path.write_text("version: 1\nattestations:\n" + body)
    return path


GOOD = """\
  - {item: "12.1.1", status: in_place, evidence: "ISP v4", attested_by: ciso, date: 2026-03-01, expires: 2027-03-01}
  - {item: "12.10.1", status: in_place, evidence: "IR plan", attested_by: ciso, date: 2025-06-01, expires: 2026-06-01}
  - {item: "11.4.1", status: not_in_place, evidence: "booked for January", attested_by: secops, date: 2026-10-01}
  - {item: "3.2.1", status: in_place, evidence: "retention schedule", attested_by: dpo, date: 2026-10-01}
"""


def test_attestations_roll_up(tmp_path: Path) -> None:
    attested = load_attestations(_attestations(tmp_path, GOOD), V4)
    statuses = {r.id: r for r in roll_up(V4, [], None, not_applicable(V4), attested, date(2026, 11, 26))}
    assert statuses["12.1.1"].status.value == "ATTESTED"
    assert statuses["12.10.1"].status.value == "ATTESTATION_EXPIRED"
    assert statuses["11.4.1"].status.value == "FAIL"
    assert statuses["3.2.1"].status.value == "ATTESTED"  # partial, no check
    assert statuses["12.1.2"].status.value == "MANUAL"  # nobody attested it
    assert statuses["12.1.1"].attestation is not None
    assert statuses["12.1.1"].attestation.where.endswith("attestations.yaml:3")
    assert statuses["12.10"].status.value == "ATTESTATION_EXPIRED"  # the section shows the worst child


@pytest.mark.parametrize(("body", "line", "message"), [
    ("  - {item: \"99.1\", status: in_place, evidence: x, attested_by: y, date: 2026-01-01}\n", 3,
     "item 99.1 is not in pci-dss-4.0.1"),
    ("  - {item: \"12.1.1\", status: done, evidence: x, attested_by: y, date: 2026-01-01}\n", 3,
     "status: Input should be 'in_place', 'not_in_place' or 'not_applicable'"),
    ("  - {item: \"12.1.1\", status: in_place, evidence: x, attested_by: y, date: 2026-01-01, expires: 2025-01-01}\n",
     3, "expires (2025-01-01) must be after date (2026-01-01)"),
    ("  - {item: \"12.1.1\", status: in_place, evidence: x, attested_by: y, date: 2026-01-01, by: z}\n", 3,
     "unknown key 'by'"),
    ("  - {item: 12.1, status: in_place, evidence: x, attested_by: y, date: 2026-01-01}\n", 3, "quote PCI DSS ids"),
    ("  - {item: \"12.1.1\", status: in_place, evidence: x, attested_by: y, date: 2026-01-01}\n"
     "  - {item: \"12.1.1\", status: in_place, evidence: x, attested_by: y, date: 2026-02-01}\n", 4,
     "attested twice"),
    ("  - {item: \"12.1.1\", status: in_place evidence: x}\n", 3, "YAML syntax error"),
])
def test_bad_attestations_are_file_line_messages(tmp_path: Path, body: str, line: int, message: str) -> None:
    path = _attestations(tmp_path, body)
    with pytest.raises(ConfigError) as info:
        load_attestations(path, V4)
    assert info.value.text.startswith(f"{path}:{line}: "), info.value.text
    assert message in info.value.text


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cardaudit", *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"}, check=False)


def test_bad_attestations_exit_2_from_audit(tmp_path: Path) -> None:
    path = _attestations(tmp_path, "  - {item: \"99.1\", status: in_place, evidence: x, attested_by: y, "
                                   "date: 2026-01-01}\n")
    result = _cli("audit", "--inventory", "none.json", "--attestations", str(path), cwd=tmp_path)
    assert result.returncode == 2
    assert f"{path}:3: item 99.1 is not in pci-dss-4.0.1" in result.stderr
    assert "Traceback" not in result.stderr


def test_stats_figures() -> None:
    rules = {r.name.split(" (")[0]: (r.core, r.total) for r in counting_rules(V4)}
    assert rules["principal requirements"] == (12, 15)
    assert rules["section headings"] == (63, 71)
    assert rules["requirements"] == (250, 280)
    assert rules["leaf requirements"] == (225, 251)
    v3 = {r.name.split(" (")[0]: (r.core, r.total) for r in counting_rules(load_catalogue("pci-dss-3.2.1"))}
    assert v3["principal requirements"] == (12, 15)
    assert v3["requirements"] == (251, 278)
    covered, core = automated_coverage(V4)
    assert core == 250 and 0 < covered < core


def test_stats_cli() -> None:
    result = _cli("controls", "stats")
    assert result.returncode == 0, result.stderr
    assert "│ requirements (every numbered requirement item)            │  250 │             280 │    -51 │" in (
        result.stdout)
    assert "of 250 core requirements have at least one cardaudit check" in result.stdout
    v3 = _cli("controls", "stats", "--catalogue", "pci-dss-3.2.1")
    assert "│  251 │             278 │" in v3.stdout


def test_list_and_show_cli(tmp_path: Path) -> None:
    manual = _cli("controls", "list", "--requirement", "12.10", "--assessment", "manual")
    assert manual.returncode == 0
    assert "12.10.2" in manual.stdout and "12.1.1 " not in manual.stdout
    show = _cli("controls", "show", "10.2.1")
    assert show.returncode == 0
    assert "check: cloudtrail_multi_region_enabled" in show.stdout
    assert "evidence:" in show.stdout and "Security Hub:" in show.stdout
    missing = _cli("controls", "show", "10.99")
    assert missing.returncode == 2 and "no item 10.99" in missing.stderr


@pytest.mark.parametrize(("text", "line", "message"), [
    ("catalogue: pci-dss\nversion: \"4.0.1\"\nitems:\n  - {id: \"1\", kind: principal, title: T, owner: x}\n", 4,
     "unknown key 'owner'"),
    ("catalogue: pci-dss\nversion: \"4.0.1\"\nitems:\n  - {id: \"1.1\", parent: \"1\", kind: section, title: T}\n",
     None, "item 1.1: parent 1 must come before it"),
    ("catalogue: pci-dss\nversion: \"4.0.1\"\nitems:\n  - {id: \"1\", kind: chapter, title: T}\n", 4,
     "kind: Input should be"),
])
def test_bad_catalogue_files(tmp_path: Path, text: str, line: int | None, message: str) -> None:
    path = tmp_path / "pci-dss-4.0.1.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_catalogue("pci-dss-4.0.1", path)
    prefix = f"{path}:{line}: " if line else f"{path}: "
    assert info.value.text.startswith(prefix), info.value.text
    assert message in info.value.text


@pytest.mark.parametrize(("text", "message"), [
    ('{"kind": "cardaudit-inventory/1",\n "accounts": [1,\n', ":3: not a cardaudit inventory: invalid JSON"),
    ('{"kind": "something-else"}', ": not a cardaudit inventory: kind: Input should be 'cardaudit-inventory/1'"),
])
def test_bad_inventory_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "inventory.json"
    path.write_text(text)
    result = _cli("audit", "--inventory", str(path), cwd=tmp_path)
    assert result.returncode == 2
    assert f"{path}{message}" in result.stderr.replace("\n", "")
    assert "Traceback" not in result.stderr


# --- What PASS means for an item (docs/catalogue.md) ------------------------------------------

def _findings_for(item_checks: list[str], status: Status) -> list[Finding]:
    out = []
    for check_id in item_checks:
        ref = ResourceRef(type="AWS::S3::Bucket", id=f"r-{check_id}", arn=f"arn:aws:s3:::r-{check_id}")
        out.append(Finding.of(check_id, Severity.HIGH, "control", Result(resource=ref, status=status, reason="x")))
    return out


@pytest.mark.parametrize("name", ["pci-dss-4.0.1", "pci-dss-3.2.1"])
def test_no_item_reaches_pass_unless_automated(name: str) -> None:
    """Every check of every item PASSes: only `automated` items may then be PASS, the rest never are."""
    catalogue = load_catalogue(name)
    checks = sorted({c for item in catalogue.items for c in item.checks})
    findings = tag_findings(_findings_for(checks, Status.PASS), catalogue)
    statuses = {r.id: r for r in roll_up(catalogue, findings, None, {}, {}, date(2026, 11, 30), set(checks))}
    for item in catalogue.items:
        if item.kind == "requirement" and statuses[item.id].status == ItemStatus.PASS:
            assert item.assessment == "automated", item.id
        if item.kind == "requirement" and item.checks and item.assessment == "partial":
            assert statuses[item.id].status != ItemStatus.PASS, item.id
            if catalogue.is_leaf(item.id):
                assert statuses[item.id].status == ItemStatus.MANUAL, item.id
                assert statuses[item.id].reason.startswith("automated part passes"), statuses[item.id].reason


@pytest.mark.parametrize("name", ["pci-dss-4.0.1", "pci-dss-3.2.1"])
def test_a_fail_in_any_mapped_check_fails_the_item(name: str) -> None:
    catalogue = load_catalogue(name)
    checks = sorted({c for item in catalogue.items for c in item.checks})
    for item in (i for i in catalogue.items if i.kind == "requirement" and i.checks):
        failing = item.checks[-1]
        findings = tag_findings(_findings_for([c for c in checks if c != failing], Status.PASS)
                                + _findings_for([failing], Status.FAIL), catalogue)
        statuses = {r.id: r.status for r in roll_up(catalogue, findings, None, {}, {}, date(2026, 11, 30),
                                                      set(checks))}
        assert statuses[item.id] == ItemStatus.FAIL, item.id


@pytest.mark.parametrize("name", ["pci-dss-4.0.1", "pci-dss-3.2.1"])
def test_every_shared_item_honours_an_attestation(name: str, tmp_path: Path) -> None:
    """The provider's share is inherited; the customer's share is attestable, and `not_in_place` fails it."""
    catalogue = load_catalogue(name)
    shared = [i for i in catalogue.items if i.kind == "requirement" and i.responsibility == "shared"
              and not catalogue.children.get(i.id)]
    assert shared
    for status, expected in (("not_in_place", ItemStatus.FAIL), ("in_place", ItemStatus.ATTESTED)):
        body = "".join(f'  - {{item: "{i.id}", status: {status}, evidence: e, attested_by: p, date: 2026-11-01}}\n'
                       for i in shared)
        attested = load_attestations(_attestations(tmp_path, body), catalogue)
        rolled = {r.id: r.status for r in roll_up(catalogue, [], None, {}, attested, date(2026, 11, 30))}
        for item in shared:
            if item.checks:
                continue  # its checks found nothing: NOT_ASSESSED is settled the same way below
            assert rolled[item.id] == expected, (item.id, item.assessment, rolled[item.id])
        unattested = {r.id: r for r in roll_up(catalogue, [], None, {}, {}, date(2026, 11, 30))}
        for item in shared:
            if item.assessment == "inherited":
                assert unattested[item.id].status == ItemStatus.MANUAL
                assert "customer's share" in unattested[item.id].reason


def test_an_automated_item_passes_only_when_every_check_saw_something(tmp_path: Path) -> None:
    """An automated item: PASS needs each of its checks to have run and judged at least one resource."""
    path = tmp_path / "cat.yaml"
    path.write_text(
        'catalogue: pci-dss\nversion: "9.9"\nitems:\n'
        '  - {id: "1", kind: principal, title: t}\n'
        '  - {id: "1.1", parent: "1", kind: requirement, title: t, assessment: automated, responsibility: entity,\n'
        '     checks: [kms_key_rotation_enabled, sqs_queue_kms_encrypted], automates: all of it,\n'
        '     why: {kms_key_rotation_enabled: a, sqs_queue_kms_encrypted: b}}\n')
    catalogue = load_catalogue(path=path)
    both = {"kms_key_rotation_enabled", "sqs_queue_kms_encrypted"}
    one = tag_findings(_findings_for(["kms_key_rotation_enabled"], Status.PASS), catalogue)
    rolled = {r.id: r for r in roll_up(catalogue, one, None, {}, {}, date(2026, 11, 30), both)}
    assert rolled["1.1"].status == ItemStatus.NOT_ASSESSED
    assert rolled["1.1"].reason == "sqs_queue_kms_encrypted found nothing in scope"
    rolled = {r.id: r for r in roll_up(catalogue, one, None, {}, {}, date(2026, 11, 30), {"kms_key_rotation_enabled"})}
    assert rolled["1.1"].reason == "sqs_queue_kms_encrypted did not run in this audit"
    every = tag_findings(_findings_for(sorted(both), Status.PASS), catalogue)
    assert {r.id: r.status for r in roll_up(catalogue, every, None, {}, {}, date(2026, 11, 30), both)}["1.1"] == (
        ItemStatus.PASS)
    attest = tmp_path / "att.yaml"
    attest.write_text('version: 1\nattestations:\n'
                      '  - {item: "1.1", status: in_place, evidence: x, attested_by: y, date: 2026-01-01}\n')
    with pytest.raises(ConfigError, match="automated: its checks decide it"):
        load_attestations(attest, catalogue)


def test_every_mapping_gives_its_reason(tmp_path: Path) -> None:
    path = tmp_path / "cat.yaml"
    path.write_text(
        'catalogue: pci-dss\nversion: "9.9"\nitems:\n'
        '  - {id: "1", kind: principal, title: t}\n'
        '  - {id: "1.1", parent: "1", kind: requirement, title: t, assessment: partial, responsibility: entity,\n'
        '     checks: [kms_key_rotation_enabled], automates: rotation, evidence: e}\n')
    with pytest.raises(ConfigError, match="`why` must give one reason per check"):
        load_catalogue(path=path)
