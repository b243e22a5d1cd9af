"""JUnit XML, for CI dashboards: one test case per finding; FAIL is a failure, ERROR an error,
NOT_ASSESSED a skip with its reason, WAIVED a skip naming its waiver."""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

from cardaudit.formats.base import Format
from cardaudit.formats.text import visible
from cardaudit.models.base import Status
from cardaudit.models.report import Report

# XML 1.0 cannot carry most control characters, and tag values or file names from AWS can.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    return _INVALID_XML.sub("\ufffd", visible(value))


def render(report: Report) -> str:
    suites = ET.Element("testsuites", name="cardaudit")
    by_check: dict[str, list[int]] = {}
    for index, finding in enumerate(report.findings):
        by_check.setdefault(finding.check_id, []).append(index)
    for check_id, indexes in sorted(by_check.items()):
        findings = [report.findings[i] for i in indexes]
        suite = ET.SubElement(suites, "testsuite", name=check_id, tests=str(len(findings)),
                              failures=str(sum(f.status == Status.FAIL for f in findings)),
                              errors=str(sum(f.status == Status.ERROR for f in findings)),
                              skipped=str(sum(f.status in (Status.NOT_ASSESSED, Status.WAIVED) for f in findings)))
        for f in findings:
            case = ET.SubElement(suite, "testcase", classname=check_id, name=_text(f.resource.display))
            message = _text(f"{f.reason} (owner: {f.owner or 'unassigned'}; PCI {', '.join(f.pci) or '-'})")
            if f.status == Status.FAIL:
                ET.SubElement(case, "failure", message=message, type=f.severity.value)
            elif f.status == Status.ERROR:
                ET.SubElement(case, "error", message=message)
            elif f.status == Status.NOT_ASSESSED:
                ET.SubElement(case, "skipped", message=message)
            elif f.status == Status.WAIVED and f.waiver is not None:
                w = f.waiver
                ET.SubElement(case, "skipped", message=_text(
                    f"WAIVED: {w.reason} (approved by {w.approved_by}, expires {w.expires or 'never'}; {w.where}) "
                    f"- {f.reason}"))
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


FORMAT = Format(name="junit", media_type="application/xml", suffix=".xml", render=render)
