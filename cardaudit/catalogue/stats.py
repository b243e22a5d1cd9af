"""Counts over a catalogue, one per counting rule, so nobody has to trust a number like "331"."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from cardaudit.catalogue.load import Catalogue
from cardaudit.catalogue.scope import load_profiles, profile_exclusion, profile_named
from cardaudit.models.control import CatalogueItem

ASSESSMENTS = ("automated", "partial", "manual", "inherited")
# The number of items an issuer's checklist was said to hold. Its counting rule is unknown; it is
# kept only to print each counting rule's distance to it (docs/catalogue.md).
ISSUER_CHECKLIST = 331


@dataclass(frozen=True)
class Rule:
    name: str
    core: int
    total: int


def counting_rules(catalogue: Catalogue) -> list[Rule]:
    items = catalogue.items
    requirements = [i for i in items if i.kind == "requirement"]
    leaves = [i for i in requirements if catalogue.is_leaf(i.id)]
    headings = [i for i in items if i.kind in ("section", "heading")]
    roots = [i for i in items if i.kind in ("principal", "appendix")]

    def split(rows: list[CatalogueItem]) -> tuple[int, int]:
        return sum(1 for r in rows if not r.appendix), len(rows)

    sp = [i for i in requirements if i.sp_only]
    return [
        Rule("principal requirements (1-12; +A1-A3 roots)", *split(roots)),
        Rule("section headings (X.Y without a requirement of their own)", *split(headings)),
        Rule("requirements (every numbered requirement item)", *split(requirements)),
        Rule("leaf requirements (lowest numbered items)", *split(leaves)),
        Rule("requirements excluding service-provider-only", *split([i for i in requirements if not i.sp_only])),
        Rule("all numbered nodes (roots + headings + requirements)", *split(items)),
        Rule("service-provider-only requirements", *split(sp)),
        Rule("issuer-only requirements", *split([i for i in requirements if i.issuer_only])),
    ]


def profile_counts(catalogue: Catalogue) -> dict[str, tuple[int, int]]:
    """Profile name -> (requirements in scope, leaves in scope), before default N/A items."""
    profiles = load_profiles()
    out: dict[str, tuple[int, int]] = {}
    for name in profiles.profiles:
        _, profile = profile_named(name, profiles)
        in_scope = [i for i in catalogue.items if i.kind == "requirement"
                    and profile_exclusion(catalogue, i.id, name, profile) is None]
        out[name] = (len(in_scope), sum(1 for i in in_scope if catalogue.is_leaf(i.id)))
    return out


def assessment_split(catalogue: Catalogue) -> dict[str, Counter[str]]:
    """Principal requirement -> counts per assessment class."""
    out: dict[str, Counter[str]] = {}
    for item in catalogue.items:
        if item.kind == "requirement" and item.assessment:
            out.setdefault(item.id.split(".", 1)[0], Counter())[item.assessment] += 1
    return out


def automated_coverage(catalogue: Catalogue) -> tuple[int, int]:
    """(core requirements with at least one automated check, core requirements)."""
    core = [i for i in catalogue.items if i.kind == "requirement" and not i.appendix]
    return sum(1 for i in core if i.checks), len(core)
