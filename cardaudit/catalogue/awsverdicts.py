"""Attach AWS's own verdicts to catalogue items and find where they contradict cardaudit's checks.

A Security Hub control maps to the items whose `security_hub` list names it (for the v4.0.1
catalogue these are AWS's own mappings, tested against the standard); a Config rule of a
conformance pack to the items whose `config_rules` hold its managed-rule identifier (conformance
packs name their rules after it, sometimes with a suffix); an Inspector finding to the items that
cardaudit's own vulnerability check evidences. Nothing here changes an item's status.
"""

from __future__ import annotations

from cardaudit.catalogue.load import Catalogue
from cardaudit.models.awsverdicts import AwsVerdict, AwsVerdicts, Disagreement
from cardaudit.models.enums import Status
from cardaudit.models.finding import Finding, ResourceRef

# cardaudit's check for the same thing Inspector reports: its items are Inspector's.
VULNERABILITY_CHECK = "ecr_image_critical_vulnerabilities_patched"


def _items_of(verdict: AwsVerdict, catalogue: Catalogue) -> list[str]:
    items = [i for i in catalogue.items if i.kind == "requirement"]
    if verdict.source == "securityhub":
        return [i.id for i in items if verdict.control in i.security_hub]
    if verdict.source == "config":
        rule = verdict.control.lower()
        return [i.id for i in items if any(rule == r or rule.startswith(f"{r}-") for r in i.config_rules)]
    return [i.id for i in items if VULNERABILITY_CHECK in i.checks]


def _same_resource(ref: ResourceRef, verdict: AwsVerdict) -> bool:
    if verdict.resource_id.startswith("arn:"):
        # An image's ARN extends its repository's: a finding on the image is about the repository too.
        return bool(ref.arn) and (verdict.resource_id == ref.arn or verdict.resource_id.startswith(f"{ref.arn}/"))
    return ref.type == verdict.resource_type and verdict.resource_id in (ref.id, ref.name)


def _opposed(ours: Status, theirs: str) -> bool:
    return (ours == Status.PASS and theirs == "FAILED") or (ours == Status.FAIL and theirs == "PASSED")


def attach_verdicts(imported: AwsVerdicts, catalogue: Catalogue, findings: list[Finding]) -> AwsVerdicts:
    """The verdicts with their items, and every (item, resource) where AWS and a check disagree."""
    verdicts = [v.model_copy(update={"items": _items_of(v, catalogue)}) for v in imported.verdicts]
    judged = [f for f in findings if f.kind == "control" and f.status in (Status.PASS, Status.FAIL)]
    by_arn: dict[str, list[Finding]] = {}
    for f in judged:
        by_arn.setdefault(f.resource.arn or f.resource.id, []).append(f)
    disagreements: dict[tuple[str, str, str, str], Disagreement] = {}
    for v in verdicts:
        if v.status not in ("PASSED", "FAILED") or not v.items:
            continue
        if v.resource_id.startswith("arn:"):
            # the resource itself, or the repository an image ARN extends
            keys = [v.resource_id, *(v.resource_id[:i] for i, c in enumerate(v.resource_id) if c == "/")]
            candidates = [f for key in keys for f in by_arn.get(key, [])]
        else:
            candidates = judged
        for f in candidates:
            if not _opposed(f.status, v.status) or not _same_resource(f.resource, v):
                continue
            for item in sorted(set(f.pci) & set(v.items)):
                key = (item, f.resource.key, f.check_id, v.control)
                disagreements.setdefault(key, Disagreement(
                    item=item, resource=f.resource.arn or f.resource.id, check_id=f.check_id, ours=f.status,
                    source=v.source, control=v.control, theirs=v.status))
    return AwsVerdicts(verdicts=verdicts, reads=imported.reads,
                       disagreements=sorted(disagreements.values(), key=lambda d: (d.item, d.resource, d.check_id)))
