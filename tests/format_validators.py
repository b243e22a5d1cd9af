"""One validator per report format, each against the format's published schema where there is one.

Each returns a list of error lines (empty when the document is valid), so a test asserts `== []` and
a failure names the place. The format tests and the one-run-writes-everything test share them.
"""

from __future__ import annotations

import csv
import io
import json
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, Draft7Validator, Draft202012Validator

SCHEMAS = Path(__file__).parent / "schemas"
ROOT = Path(__file__).resolve().parents[1]
REPORT_SCHEMA = ROOT / "docs" / "report.schema.json"
CSV_DOC = ROOT / "docs" / "report-formats.md"

def _errors(validator: Draft4Validator | Draft7Validator | Draft202012Validator, doc: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"[:300] for e in validator.iter_errors(doc)]


# --- JSON (cardaudit-report/1): the schema published in docs/, generated from the Report model ---

@cache
def _report_validator() -> Draft202012Validator:
    schema = json.loads(REPORT_SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def report_errors(doc: Any) -> list[str]:
    return _errors(_report_validator(), doc)


# --- SARIF 2.1.0: OASIS's schema ---

@cache
def _sarif_validator() -> Draft4Validator:
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


def sarif_errors(doc: Any) -> list[str]:
    return _errors(_sarif_validator(), doc)


# --- OCSF 1.8.0 Compliance Finding and NIST OSCAL assessment results ---

@cache
def _oscal_validator() -> Draft7Validator:
    schema = json.loads((SCHEMAS / "oscal_assessment-results_schema.json").read_text(encoding="utf-8"))
    # NIST's token pattern uses \p{L} and \p{N}, which Python's `re` lacks: the same classes, spelt for `re`.
    text = json.dumps(schema).replace("\\\\p{L}", "[^\\\\W\\\\d_]").replace("\\\\p{N}", "\\\\d")
    return Draft7Validator(json.loads(text), format_checker=Draft7Validator.FORMAT_CHECKER)


@cache
def _ocsf_validator() -> Draft202012Validator:
    schema = json.loads((SCHEMAS / "ocsf-1.8.0-compliance_finding.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def oscal_errors(doc: Any) -> list[str]:
    return _errors(_oscal_validator(), doc)


def ocsf_errors(event: Any) -> list[str]:
    return _errors(_ocsf_validator(), event)


# --- ASFF: Security Hub's own API model (BatchImportFindings), as botocore ships it ---

@cache
def _asff_input() -> Any:
    import botocore.session

    model = botocore.session.get_session().get_service_model("securityhub")
    return model.operation_model("BatchImportFindings").input_shape


def _constraints(shape: Any, value: Any, where: str) -> list[str]:
    """The model's `enum` and `pattern` traits, which botocore's client-side check leaves to the service."""
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        return [e for key, item in value.items() if key in shape.members
                for e in _constraints(shape.members[key], item, f"{where}.{key}")]
    if kind == "list" and isinstance(value, list):
        return [e for i, item in enumerate(value) for e in _constraints(shape.member, item, f"{where}[{i}]")]
    if kind == "map" and isinstance(value, dict):
        return [e for key, item in value.items()
                for e in (*_constraints(shape.key, key, f"{where} key {key!r}"),
                          *_constraints(shape.value, item, f"{where}[{key!r}]"))]
    if kind == "string" and isinstance(value, str):
        errors = []
        if shape.enum and value not in shape.enum:
            errors.append(f"{where}: {value!r} is not one of {shape.enum}")
        # Smithy patterns are not anchored: the value must contain a match.
        pattern = shape.metadata.get("pattern")
        if pattern and not re.search(pattern, value):
            errors.append(f"{where}: {value!r} does not match {pattern!r}")
        return errors
    return []


def asff_errors(findings: Any) -> list[str]:
    """Each import call the file makes (100 findings a call, none for an empty file), as botocore sends it."""
    from botocore.validate import ParamValidator

    if not isinstance(findings, list):
        return [f"not a list of findings: {type(findings).__name__}"]
    shape, errors = _asff_input(), []
    for start in range(0, len(findings), 100):
        params = {"Findings": findings[start:start + 100]}
        report = ParamValidator().validate(params, shape)
        errors += report.generate_report().splitlines() if report.has_errors() else []
        errors += _constraints(shape, params, f"[{start}:]")
    return errors


# --- JUnit XML: the Jenkins xUnit plugin's junit-10.xsd ---

@cache
def _junit_schema() -> Any:
    import xmlschema

    return xmlschema.XMLSchema(str(SCHEMAS / "junit-10.xsd"))


def junit_errors(text: str) -> list[str]:
    return [str(e).splitlines()[0][:300] for e in _junit_schema().iter_errors(text)]


# --- CSV: no published schema; the columns documented in docs/report-formats.md ---

def documented_csv_columns() -> list[str]:
    """The column names of the table under '## CSV' in docs/report-formats.md, in order."""
    section = CSV_DOC.read_text(encoding="utf-8").split("\n## CSV", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.M)


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_errors(text: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return ["no header"]
    errors = [] if rows[0] == documented_csv_columns() else [f"header {rows[0]} is not the documented columns"]
    errors += [f"row {n}: {len(row)} fields, header has {len(rows[0])}"
               for n, row in enumerate(rows[1:], 2) if len(row) != len(rows[0])]
    errors += [f"row {n}: cell {cell[:40]!r} would run as a formula"
               for n, row in enumerate(rows[1:], 2) for cell in row if cell.startswith(_FORMULA)]
    errors += [f"row {n}: line break inside {cell[:40]!r}"
               for n, row in enumerate(rows[1:], 2) for cell in row if "\n" in cell or "\r" in cell]
    return errors


# --- Markdown (pull-request comment): GitHub's size cap ---

def markdown_errors(text: str) -> list[str]:
    from cardaudit.formats.markdown import LIMIT

    return [] if len(text) <= LIMIT else [f"{len(text)} characters, over GitHub's {LIMIT}"]


# --- HTML: parses, and its Content-Security-Policy allows exactly its own inline script and style ---

class InlineParts(HTMLParser):
    """The text of every inline <script> and <style>, the CSP meta, and every element's tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.csp = ""
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._in = tag
            (self.scripts if tag == "script" else self.styles).append("")
        if tag == "meta" and dict(attrs).get("http-equiv") == "Content-Security-Policy":
            self.csp = dict(attrs)["content"] or ""

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.scripts[-1] += data
        elif self._in == "style":
            self.styles[-1] += data


def parse_html(text: str) -> InlineParts:
    parser = InlineParts()
    parser.feed(text)
    parser.close()
    return parser


def html_errors(text: str) -> list[str]:
    from cardaudit.formats.html import csp_hash

    parsed = parse_html(text)
    if not parsed.csp:
        return ["no Content-Security-Policy meta"]
    policy = dict(part.strip().split(" ", 1) for part in parsed.csp.split(";"))
    errors = [] if policy.get("default-src") == "'none'" else [f"default-src is {policy.get('default-src')!r}"]
    if policy.get("script-src", "").split() != [csp_hash(s) for s in parsed.scripts]:
        errors.append("script-src does not list exactly the inline scripts' hashes")
    if policy.get("style-src", "").split() != [csp_hash(s) for s in parsed.styles]:
        errors.append("style-src does not list exactly the inline styles' hashes")
    return errors


# --- Every format by name ---

def console_errors(text: str) -> list[str]:
    return [] if text.strip() and "\x1b" not in text else ["empty, or raw terminal escapes"]


def errors_for(name: str, text: str) -> list[str]:
    """The errors of `text`, a report written in format `name`, by that format's validator."""
    if name in ("json", "sarif", "asff", "oscal"):
        doc = json.loads(text)
        return {"json": report_errors, "sarif": sarif_errors, "asff": asff_errors, "oscal": oscal_errors}[name](doc)
    if name == "ocsf":
        return [e for event in json.loads(text) for e in ocsf_errors(event)]
    checks = {"csv": csv_errors, "junit": junit_errors, "markdown": markdown_errors, "html": html_errors,
              "console": console_errors}
    return checks[name](text)
