"""waivers.yaml: approved, dated exceptions for failing findings (the waiver stage, before the roll-up).

A waiver matches findings on every selector it gives (check id or glob, resource ARN or glob,
repository file path or glob, PCI requirement). A matching FAIL becomes WAIVED while the waiver is
current and carries it; after `expires` it stays FAIL and says `waiver_expired`. PASS, ERROR and
NOT_ASSESSED are never waived: an exception covers a known gap, not what cardaudit could not see.
Every waiver is listed in the report (active, expired or stale) for the assessor.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from pydantic import Field, model_validator

from cardaudit.errors import ConfigError
from cardaudit.models.base import Frozen, PciId, Status
from cardaudit.models.finding import Finding
from cardaudit.models.waiver import WaiverRef, WaiverStatus
from cardaudit.yamlfile import line_of, load_model

DEFAULT_WAIVERS = Path("waivers.yaml")
_GLOB = set("*?[")


class Waiver(Frozen):
    id: str | None = None
    check: str | None = None
    resource: str | None = None  # an ARN (or resource key), or a glob of them
    path: str | None = None  # a repository file: `repo:path` or `path`, or a glob
    requirement: PciId | None = None  # a PCI DSS item: matches it and the items under it
    reason: str = Field(min_length=1)
    approved_by: str = Field(min_length=1)
    team: str = Field(min_length=1)
    expires: dt.date | None = None

    @model_validator(mode="after")
    def _selects_something(self) -> Waiver:
        if not (self.check or self.resource or self.path or self.requirement):
            raise ValueError("a waiver needs at least one of check, resource, path, requirement")
        return self


class WaiversFile(Frozen):
    version: int = Field(default=1, ge=1, le=1)
    allow_permanent: bool = False  # waivers without `expires`; refused unless this is true
    waivers: list[Waiver] = Field(default_factory=list)


@dataclass(frozen=True)
class LoadedWaiver:
    waiver: Waiver
    id: str
    where: str  # file:line


def waivers_file(given: Path | None) -> Path | None:
    """The file a run uses: the one given, else ./waivers.yaml when there is one."""
    if given is not None:
        return given
    return DEFAULT_WAIVERS if DEFAULT_WAIVERS.is_file() else None


def load_waivers(path: Path, known_checks: set[str], catalogue_items: set[str] | None = None,
                 catalogue: str = "") -> list[LoadedWaiver]:
    """The waivers of `path`, checked against the registered checks and the catalogue's item ids."""
    model, raw = load_model(WaiversFile, path)
    out: list[LoadedWaiver] = []
    seen: dict[str, str] = {}
    for index, waiver in enumerate(model.waivers):
        line = line_of(raw, ("waivers", index)) or 1
        where = f"{path}:{line}"
        if waiver.expires is None and not model.allow_permanent:
            raise ConfigError("waiver has no `expires` date (set `allow_permanent: true` at the top of the file "
                              "to allow waivers that never expire)", path, line)
        check = waiver.check
        if check and not _GLOB & set(check) and check not in known_checks:
            raise ConfigError(f"no check named '{check}' (see `cardaudit checks list`)", path, line)
        if waiver.requirement and catalogue_items is not None and waiver.requirement not in catalogue_items:
            raise ConfigError(f"item {waiver.requirement} is not in {catalogue}", path, line)
        ident = waiver.id or where
        if ident in seen:
            raise ConfigError(f"waiver id '{ident}' is used twice (first at {seen[ident]})", path, line)
        seen[ident] = where
        out.append(LoadedWaiver(waiver, ident, where))
    return out


def _under(item: str, requirement: str) -> bool:
    return item == requirement or item.startswith(requirement + ".")


def matches(waiver: Waiver, finding: Finding) -> bool:
    ref = finding.resource
    if waiver.check and not fnmatchcase(finding.check_id, waiver.check):
        return False
    if waiver.resource and not any(fnmatchcase(k, waiver.resource) for k in {ref.arn or "", ref.key} if k):
        return False
    if waiver.path:
        if not ref.path:
            return False
        names = {ref.path, f"{ref.repo}:{ref.path}" if ref.repo else ref.path}
        if not any(fnmatchcase(n, waiver.path) for n in names):
            return False
    return not waiver.requirement or any(_under(item, waiver.requirement) for item in finding.pci)


def apply_waivers(findings: list[Finding], waivers: list[LoadedWaiver],
                  today: dt.date) -> tuple[list[Finding], list[WaiverStatus]]:
    """Findings with their waivers applied (first matching waiver wins), and every waiver's state."""
    matched: dict[str, list[str]] = {w.id: [] for w in waivers}
    out: list[Finding] = []
    for finding in findings:
        if finding.status != Status.FAIL:
            out.append(finding)
            continue
        loaded = next((w for w in waivers if matches(w.waiver, finding)), None)
        if loaded is None:
            out.append(finding)
            continue
        matched[loaded.id].append(finding.id)
        out.append(finding.with_waiver(_ref(loaded, today)))
    return out, [_status(w, matched[w.id], today) for w in waivers]


def _expired(waiver: Waiver, today: dt.date) -> bool:
    return waiver.expires is not None and waiver.expires < today


def _ref(loaded: LoadedWaiver, today: dt.date) -> WaiverRef:
    w = loaded.waiver
    return WaiverRef(id=loaded.id, state="expired" if _expired(w, today) else "active", reason=w.reason,
                     approved_by=w.approved_by, team=w.team, expires=w.expires, where=loaded.where)


def _status(loaded: LoadedWaiver, finding_ids: list[str], today: dt.date) -> WaiverStatus:
    w = loaded.waiver
    state = "expired" if _expired(w, today) else ("active" if finding_ids else "stale")
    return WaiverStatus(id=loaded.id, where=loaded.where, state=state, check=w.check, resource=w.resource,
                        path=w.path, requirement=w.requirement, reason=w.reason, approved_by=w.approved_by,
                        team=w.team, expires=w.expires, findings=sorted(finding_ids))
