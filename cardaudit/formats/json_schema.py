"""The published JSON Schema of the JSON report (`cardaudit-report/1`), generated from the Report model.

`python -m cardaudit.formats.json_schema > docs/report.schema.json` regenerates the file; a test
fails when the model and the file disagree, so the schema a consumer validates against is the one
this version writes.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from cardaudit.models.report import REPORT_SCHEMA, Report

SCHEMA_ID = "urn:cardaudit:schema:cardaudit-report:1"  # names the contract; nothing is fetched from it


def report_schema() -> dict[str, Any]:
    # The serialised shape (aliases: `schema`, not `schema_`), as `--format json` writes it.
    body = Report.model_json_schema(by_alias=True, mode="serialization")
    # The one value a reader must check before trusting the rest: pinned, not merely "a string".
    body["properties"]["schema"] = {"const": REPORT_SCHEMA, "title": "Schema", "type": "string"}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **body}


def render() -> str:
    return json.dumps(report_schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
