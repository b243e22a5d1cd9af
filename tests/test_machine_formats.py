"""OCSF and OSCAL: validated against their published schemas; `render` re-renders a saved report exactly."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cardaudit import cli
from cardaudit.formats import FORMAT_NAMES, get_format
from cardaudit.models.report import Report
from tests.format_validators import ocsf_errors, oscal_errors
from tests.test_formats import report  # noqa: F401 -- the shared fixture report

runner = CliRunner()


def test_ocsf_events_validate_and_map_statuses(report: Report) -> None:  # noqa: F811
    events = json.loads(get_format("ocsf").render(report))
    assert len(events) == len(report.findings)
    for event in events:
        assert ocsf_errors(event) == []
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
    assert len(ocsf_errors(event)) == 2  # the schema is strict enough to catch mistakes


def test_oscal_validates_with_deterministic_uuids(report: Report) -> None:  # noqa: F811
    text = get_format("oscal").render(report)
    doc = json.loads(text)
    assert oscal_errors(doc) == []
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
    assert oscal_errors(doc)


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
    assert oscal_errors(json.loads((out / "report.oscal.json").read_text())) == []


def test_render_refuses_to_overwrite_its_source(report: Report, tmp_path: Path) -> None:  # noqa: F811
    saved = _saved(report, tmp_path)
    result = runner.invoke(cli.app, ["render", str(saved), "--format", "json"])
    assert result.exit_code == 2 and "would overwrite" in result.output


@pytest.mark.parametrize("name", ["ocsf", "oscal"])
def test_hostile_text_is_escaped(report: Report, name: str) -> None:  # noqa: F811
    text = get_format(name).render(report)
    assert "\u202e" not in text
    assert re.search(r"<script>alert", text)  # JSON carries the text as data; it is never markup here
