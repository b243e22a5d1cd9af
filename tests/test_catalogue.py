"""Meta-lint of the shipped catalogues against the reference ID trees and the check registry."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from cardaudit.catalogue.load import CATALOGUES, load_catalogue
from cardaudit.engine.registry import load_checks

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"
needs_reference = pytest.mark.skipif(not REFERENCE.is_dir(), reason="../shared/reference not beside the repo")


def _reference(version: str) -> list[dict[str, Any]]:
    text = (REFERENCE / f"pci-dss-{version}-requirements.yaml").read_text()
    rows: list[dict[str, Any]] = YAML(typ="safe").load(text)["requirements"]
    return rows


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _copied_run(ours: str, theirs: str, n: int = 6) -> str | None:
    a, b = _words(ours), _words(theirs)
    grams = {tuple(b[i:i + n]) for i in range(len(b) - n + 1)}
    for i in range(len(a) - n + 1):
        if tuple(a[i:i + n]) in grams:
            return " ".join(a[i:i + n])
    return None


@needs_reference
@pytest.mark.parametrize("version", ["4.0.1", "3.2.1"])
def test_same_tree_as_reference(version: str) -> None:
    catalogue = load_catalogue(f"pci-dss-{version}")
    reference = _reference(version)
    assert [i.id for i in catalogue.items] == [r["id"] for r in reference]
    for item, ref in zip(catalogue.items, reference, strict=True):
        assert (item.parent, item.kind, item.sp_only) == (ref["parent"], ref["kind"], ref["sp_only"]), item.id
        assert item.issuer_only == ref.get("issuer_only", False), item.id


@needs_reference
@pytest.mark.parametrize("version", ["4.0.1", "3.2.1"])
def test_titles_are_our_own_words(version: str) -> None:
    catalogue = load_catalogue(f"pci-dss-{version}")
    for item, ref in zip(catalogue.items, _reference(version), strict=True):
        if not ref["title"]:
            continue
        ratio = difflib.SequenceMatcher(None, item.title.lower(), ref["title"].lower()).ratio()
        assert ratio < 0.6, (item.id, item.title, ratio)
        assert _copied_run(item.title, ref["title"]) is None, item.id


def test_v4_counts() -> None:
    catalogue = load_catalogue("pci-dss-4.0.1")
    items = catalogue.items
    requirements = [i for i in items if i.kind == "requirement"]
    leaves = [i for i in requirements if catalogue.is_leaf(i.id)]
    assert sum(i.kind == "principal" for i in items) == 12
    assert sum(i.kind == "section" and not i.appendix for i in items) == 63
    assert sum(i.kind == "section" and i.appendix for i in items) == 8
    assert (sum(not i.appendix for i in requirements), sum(i.appendix for i in requirements)) == (250, 30)
    assert (sum(not i.appendix for i in leaves), len(leaves)) == (225, 251)


def test_v321_counts() -> None:
    catalogue = load_catalogue("pci-dss-3.2.1")
    requirements = [i for i in catalogue.items if i.kind == "requirement"]
    assert sum(i.kind == "principal" for i in catalogue.items) == 12
    assert sum(not i.appendix for i in requirements) == 251
    assert len(requirements) == 278


@pytest.mark.parametrize("name", sorted(CATALOGUES))
def test_mapping_is_sound(name: str) -> None:
    catalogue = load_catalogue(name)
    known = set(load_checks())
    referenced = {c for item in catalogue.items for c in item.checks}
    assert referenced <= known, referenced - known
    assert known <= referenced, f"checks no {name} item references: {known - referenced}"
    for item in catalogue.items:
        if item.kind == "requirement":
            assert item.assessment and item.responsibility, item.id
            assert item.assessment != "automated" or item.checks, f"{item.id} automated without checks"
            assert item.assessment == "automated" or item.evidence, f"{item.id} needs evidence guidance"
        else:
            assert item.assessment is None and not item.checks, item.id


def test_checks_reference_page_is_current() -> None:
    import os

    from cardaudit.docsgen import checks_reference

    page = Path(__file__).parents[1] / "docs" / "checks.md"
    if os.environ.get("CARDAUDIT_UPDATE_GOLDEN") == "1":
        page.write_text(checks_reference(), encoding="utf-8")
    assert page.read_text(encoding="utf-8") == checks_reference(), "run: cardaudit checks reference > docs/checks.md"


def test_every_check_documents_its_sections() -> None:
    from cardaudit.engine.registry import DOC_SECTIONS

    for spec in load_checks().values():
        for heading in DOC_SECTIONS:
            assert spec.doc_section(heading), (spec.id, heading)


def test_security_hub_references_exist_in_its_pci_dss_standard() -> None:
    """Every `security_hub` id on a v4.0.1 item is a control of Security Hub's PCI DSS v4.0.1 standard,
    and each item carries exactly the controls AWS maps to it, so all 142 are reconciled."""
    from cardaudit.catalogue.crossref import security_hub_v4

    standard = security_hub_v4()
    ids = {c.id for c in standard.controls}
    assert len(ids) == len(standard.controls) == 142
    assert "docs.aws.amazon.com/securityhub" in standard.source
    catalogue = load_catalogue("pci-dss-4.0.1")
    referenced = {ref: item.id for item in catalogue.items for ref in item.security_hub}
    assert set(referenced) <= ids, sorted(set(referenced) - ids)
    expected = standard.by_requirement()
    assert set(expected) <= set(catalogue.by_id), sorted(set(expected) - set(catalogue.by_id))
    for item in catalogue.items:
        assert sorted(item.security_hub) == sorted(expected.get(item.id, [])), item.id
    assert {ref for item in catalogue.items for ref in item.security_hub} == ids
