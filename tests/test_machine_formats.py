"""OCSF and OSCAL: validated against their published schemas; `render` re-renders a saved report exactly."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator, Draft202012Validator
from typer.testing import CliRunner

from cardaudit import cli
from cardaudit.formats import FORMAT_NAMES, get_format
from cardaudit.models.report import Report
from tests.test_formats import report  # noqa: F401 -- the shared fixture report

SCHEMAS = Path(__file__).parent / "schemas"
runner = CliRunner()


@cache
def _oscal_validator() -> Draft7Validator:
    schema = json.loads((SCHEMAS / "oscal_assessment-results_schema.json").read_text())
    # NIST's token pattern uses \p{L} and \p{N}, which Python's `re` lacks: the same classes, spelt for `re`.
    text = json.dumps(schema).replace("\\\\p{L}", "[^\\\\W\\\\d_]").replace("\\\\p{N}", "\\\\d")
    return Draft7Validator(json.loads(text), format_checker=Draft7Validator.FORMAT_CHECKER)


@cache
def _ocsf_validator() -> Draft202012Validator:
    schema = json.loads((SCHEMAS / "ocsf-1.8.0-compliance_finding.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _errors(validator: Draft7Validator | Draft202012Validator, doc: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"[:300] for e in validator.iter_errors(doc)]


def test_ocsf_events_validate_and_map_statuses(report: Report) -> None:  # noqa: F811
    events = json.loads(get_format("ocsf").render(report))
    assert len(events) == len(report.findings)
    validator = _ocsf_validator()
    for event in events:
        assert _errors(validator, event) == []
    by_id = {e["finding_info"]["uid"]: e for e in events}
    statuses = {(by_id[f.id]["status_code"], by_id[f.id]["compliance"]["status_id"]) for f in report.findings}
    assert statuses == {("FAIL", 3), ("PASS", 1), ("NOT_ASSESSED", 0)}  # NOT_ASSESSED is Unknown, never Pass
    first = by_id[report.findings[0].id]
    assert first["class_uid"] == 2003 and first["type_uid"] == 200301
    assert first["compliance"]["standards"] == ["PCI DSS v4.0.1"]
    assert first["compliance"]["requirements"] == report.findings[0].pci
    assert first["metadata"]["product"]["name"] == "cardaudit"


def test_ocsf_schema_refuses_an_invented_field(report: Report) -> None:  # noqa: F811
    event = json.loads(get_format("ocsf").render(report))[0]
    event["compliance"]["verdict"] = "ok"
    event["severity_id"] = 7
    assert len(_errors(_ocsf_validator(), event)) == 2  # the schema is strict enough to catch mistakes


def test_oscal_validates_with_deterministic_uuids(report: Report) -> None:  # noqa: F811
    text = get_format("oscal").render(report)
    doc = json.loads(text)
    assert _errors(_oscal_validator(), doc) == []
    assert text == get_format("oscal").render(report)  # same report, same UUIDs
    result = doc["assessment-results"]["results"][0]
    states = {f["target"]["target-id"]: (f["target"]["status"]["state"],
                                         next(p["value"] for p in f["props"] if p["name"] == "status"))
              for f in result["findings"]}
    assert {s for s, status in states.values() if status in ("PASS", "ATTESTED", "INHERITED")} == {"satisfied"}
    assert {s for s, status in states.values() if status not in ("PASS", "ATTESTED", "INHERITED")} == {
        "not-satisfied"}
    assert states["pci-12.1.1"] == ("satisfied", "ATTESTED")
    assert states["pci-10.2.1"][0] == "not-satisfied"
    observation_ids = {o["uuid"] for o in result["observations"]}
    related = {r["observation-uuid"] for f in result["findings"] for r in f.get("related-observations", [])}
    assert related and related <= observation_ids


def test_oscal_schema_refuses_a_bad_state(report: Report) -> None:  # noqa: F811
    doc = json.loads(get_format("oscal").render(report))
    doc["assessment-results"]["results"][0]["findings"][0]["target"]["status"]["state"] = "passed"
    assert _errors(_oscal_validator(), doc)


def _saved(report: Report, tmp_path: Path) -> Path:  # noqa: F811
    path = tmp_path / "report.json"
    path.write_text(get_format("json").render(report), encoding="utf-8")
    return path


def test_render_round_trips_and_writes_every_format(report: Report, tmp_path: Path) -> None:  # noqa: F811
    saved = _saved(report, tmp_path)
    again = runner.invoke(cli.app, ["render", str(saved), "--format", "json", "--output", "-"])
    assert again.exit_code == 0, again.output
    assert again.stdout == saved.read_text(encoding="utf-8")
    out = tmp_path / "all"
    result = runner.invoke(cli.app, ["render", str(saved), "--format", ",".join(FORMAT_NAMES).upper(),
                                     "--output-dir", str(out)])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(f"report{get_format(n).suffix}" for n in FORMAT_NAMES)
    for name in FORMAT_NAMES:  # every format from the saved JSON equals the one from the live Report
        assert (out / f"report{get_format(name).suffix}").read_text(encoding="utf-8") == \
            get_format(name).render(report), name
    assert _errors(_oscal_validator(), json.loads((out / "report.oscal.json").read_text())) == []


def test_render_refuses_to_overwrite_its_source(report: Report, tmp_path: Path) -> None:  # noqa: F811
    saved = _saved(report, tmp_path)
    result = runner.invoke(cli.app, ["render", str(saved), "--format", "json"])
    assert result.exit_code == 2 and "would overwrite" in result.output


@pytest.mark.parametrize("name", ["ocsf", "oscal"])
def test_hostile_text_is_escaped(report: Report, name: str) -> None:  # noqa: F811
    text = get_format(name).render(report)
    assert "\u202e" not in text
    assert re.search(r"<script>alert", text)  # JSON carries the text as data; it is never markup here


def test_one_audit_run_writes_every_format(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from cardaudit.models.inventory import Inventory

    saved = tmp_path / "inv.json"
    saved.write_text(Inventory(collected_at=datetime.now(UTC), accounts=["111122223333"], regions=[]).model_dump_json())
    out = tmp_path / "out"
    result = runner.invoke(cli.app, ["audit", "--inventory", str(saved), "--output-dir", str(out), "-q",
                                     "--format", ",".join(FORMAT_NAMES)])
    assert result.exit_code == 3, result.output  # nothing assessed in an empty inventory; every report written
    assert sorted(p.name for p in out.iterdir()) == sorted(f"report{get_format(n).suffix}" for n in FORMAT_NAMES)
    assert _errors(_oscal_validator(), json.loads((out / "report.oscal.json").read_text())) == []
    events = json.loads((out / "report.ocsf.json").read_text())
    assert len(events) == len(json.loads((out / "report.json").read_text())["findings"])
    validator = _ocsf_validator()
    assert [error for e in events for error in _errors(validator, e)] == []
