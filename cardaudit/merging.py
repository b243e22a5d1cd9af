"""`cardaudit merge`: per-account or per-shard JSON reports -> one report, rolled up again.

The reports must come from the same audit set-up: the same cardaudit version, catalogue, PCI
profile, checks and requirement owners; anything else is refused, since their findings would not
mean the same thing. Then:

- **Findings** are joined by id. The same finding twice (a report given twice, an account in two
  overlapping shards) is kept once.
- **Conflicts.** An account that two reports both audited must have the same findings in both.
  When they differ, the merge stops with every such account named, and writes nothing: keeping
  "the newest" would silently pick one of two audits of the same account, and which one is right
  is for a person to say (run that shard again, or leave one file out).
- **Run-wide findings** (no account: ownership rules that judge the matrix as a whole) that the
  reports judge differently cannot be decided from parts: they become NOT_ASSESSED with each
  report's verdict in the reason. Identical ones are kept once.
- **PCI items** are rolled up again with the catalogue's own roll-up (`catalogue.rollup.roll_up`)
  over the joined findings, with the owners, scope decisions and attestations the reports carry,
  and the checks that ran. The clock is the earliest report's start.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from cardaudit.catalogue.attest import Attestation, Attested
from cardaudit.catalogue.awsverdicts import attach_verdicts
from cardaudit.catalogue.load import CATALOGUES, Catalogue, load_catalogue
from cardaudit.catalogue.rollup import roll_up
from cardaudit.errors import ConfigError
from cardaudit.models.attribution import RequirementOwner
from cardaudit.models.awsverdicts import AwsVerdicts
from cardaudit.models.base import Status
from cardaudit.models.control import ItemStatus, RequirementStatus
from cardaudit.models.finding import Finding
from cardaudit.models.report import Report, RunInfo, Summary

_CONFLICTS_SHOWN = 10
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Part:
    """One report to merge, and the file it came from (for messages)."""

    where: str
    report: Report


# What must be equal in every report for their findings to mean the same thing.
_SET_UP: tuple[tuple[str, Callable[[Report], object]], ...] = (
    ("cardaudit versions", lambda r: r.tool.version),
    ("catalogues", lambda r: r.run.catalogue),
    ("PCI profiles", lambda r: r.run.pci_profile),
    ("check selections", lambda r: sorted(c.id for c in r.checks)),
    ("requirement owners", lambda r: sorted((q.id, q.owner, tuple(q.supporting), q.owner_rule)
                                            for q in r.requirements)),
)


def _same_set_up(parts: Sequence[Part]) -> None:
    for what, value_of in _SET_UP:
        values = {part.where: value_of(part.report) for part in parts}
        if len({repr(v) for v in values.values()}) > 1:
            listed = "; ".join(f"{where}: {_short(v)}" for where, v in values.items())
            raise ConfigError(f"cannot merge reports of different {what} ({listed})", parts[0].where)


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 60 else f"{len(value) if isinstance(value, list) else '?'} entries"


def _requirement_inputs(report: Report) -> tuple[dict[str, RequirementOwner], dict[str, str], dict[str, Attested]]:
    """What the roll-up took besides findings, read back from one report's requirement statuses."""
    owners: dict[str, RequirementOwner] = {}
    out_of_scope: dict[str, str] = {}
    attested: dict[str, Attested] = {}
    for r in report.requirements:
        if r.owner is not None or r.owner_rule is not None:
            owners[r.id] = RequirementOwner(status="owned" if r.owner else "unowned", primary=r.owner,
                                            supporting=list(r.supporting), rule=r.owner_rule)
        if r.attestation is not None:
            a = r.attestation
            attested[r.id] = Attested(Attestation(item=r.id, status=a.status,
                                                  evidence=a.evidence, attested_by=a.attested_by, date=a.date,
                                                  expires=a.expires), a.where)
        by_attestation = r.attestation is not None and r.reason.startswith("attested not applicable")
        if r.status == ItemStatus.NOT_APPLICABLE and not by_attestation and r.kind == "requirement":
            out_of_scope[r.id] = r.reason
    return owners, out_of_scope, attested


def _catalogue(name: str, path: Path | None) -> Catalogue:
    if path is not None:
        catalogue = load_catalogue(path=path)
        if catalogue.name != name:
            raise ConfigError(f"the reports were rolled up against {name}, not {catalogue.name}", path)
        return catalogue
    if name not in CATALOGUES:
        raise ConfigError(f"the reports use the catalogue {name}: give its file with --catalogue")
    return load_catalogue(name)


def _join_findings(parts: Sequence[Part]) -> list[Finding]:
    # Accounts audited by more than one report: their findings must agree, or the merge stops.
    by_account: dict[str, dict[str, set[str]]] = {}
    for part in parts:
        for account in part.report.run.accounts:
            dumps = {f.model_dump_json() for f in part.report.findings if f.resource.account == account}
            by_account.setdefault(account, {})[part.where] = dumps
    conflicts = [(account, sorted(seen)) for account, seen in sorted(by_account.items())
                 if len(seen) > 1 and len({frozenset(d) for d in seen.values()}) > 1]
    if conflicts:
        shown = "; ".join(f"{account} in {' and '.join(files)}" for account, files in conflicts[:_CONFLICTS_SHOWN])
        more = f" (and {len(conflicts) - _CONFLICTS_SHOWN} more)" if len(conflicts) > _CONFLICTS_SHOWN else ""
        raise ConfigError(f"{len(conflicts)} account(s) audited in more than one report with different results: "
                          f"{shown}{more}. Audit them again, or leave one report out.")
    joined: dict[str, Finding] = {}
    verdicts: dict[str, dict[str, Finding]] = {}
    for part in parts:
        for finding in part.report.findings:
            verdicts.setdefault(finding.id, {}).setdefault(part.where, finding)
            joined.setdefault(finding.id, finding)
    for finding_id, seen in verdicts.items():
        if len({f.model_dump_json() for f in seen.values()}) > 1:
            first = joined[finding_id]
            said = ", ".join(f"{f.status.value} in {where}" for where, f in sorted(seen.items()))
            joined[finding_id] = first.model_copy(update={
                "status": Status.NOT_ASSESSED, "evidence": {},
                "reason": f"judged per report and differently ({said}); a run-wide verdict cannot be combined "
                          "from parts: audit the accounts in one run to decide it"})
    return sorted(joined.values(), key=lambda f: (f.kind, f.check_id, f.resource.key))


def _union(lists: Sequence[Sequence[M]]) -> list[M]:
    """Each entry as many times as the report holding it most often: a report given twice adds nothing,
    and equal entries of one report (an error repeated for each slice it blinds) are all kept."""
    most: Counter[str] = Counter()
    first: dict[str, M] = {}
    for entries in lists:
        most |= Counter(e.model_dump_json() for e in entries)
        first.update({e.model_dump_json(): e for e in entries})
    return [first[key] for key in most.elements()]


def merge_reports(parts: Sequence[Part], catalogue_path: Path | None = None) -> Report:
    if not parts:
        raise ConfigError("give at least one report to merge")
    _same_set_up(parts)
    first = parts[0].report
    catalogue = _catalogue(first.run.catalogue, catalogue_path)
    findings = _join_findings(parts)
    owners, out_of_scope, attested = _requirement_inputs(first)
    started = min(p.report.run.started_at for p in parts)
    finished = max(p.report.run.finished_at for p in parts)
    requirements: list[RequirementStatus] = roll_up(catalogue, findings, owners, out_of_scope, attested,
                                                    started.date(), {c.id for c in first.checks})
    errors = _union([p.report.collection_errors for p in parts])
    imported = AwsVerdicts(verdicts=_union([p.report.aws_verdicts.verdicts for p in parts]),
                           reads=_union([p.report.aws_verdicts.reads for p in parts]))
    accounts = list(dict.fromkeys(a for p in parts for a in p.report.run.accounts))
    return Report(
        tool=first.tool,
        run=RunInfo(started_at=started, finished_at=finished, accounts=accounts,
                    regions=sorted({r for p in parts for r in p.report.run.regions}), catalogue=catalogue.name,
                    pci_profile=first.run.pci_profile, inventory_source=f"merge of {len(parts)} reports",
                    ownership_file=first.run.ownership_file),
        findings=findings, requirements=requirements, collection_errors=errors,
        summary=Summary.of(findings, requirements, errors),
        aws_verdicts=attach_verdicts(imported, catalogue, findings), checks=first.checks,
        skipped_files=sorted({f.model_dump_json(): f for p in parts for f in p.report.skipped_files}.values(),
                             key=lambda f: (f.repo, f.path)),
    )


__all__ = ["Part", "merge_reports"]
