"""Infrastructure-as-code provenance: which resources each declared IaC source manages.

Every source is read only, and each answers with claims that say where they were read
(`repo:file:line`, or a live stack's name), or with the reason it could not be read:

- Pulumi and Terraform leave no tag on what they create; their state is the truth (`pulumi stack
  export` JSON, Terraform state v4 JSON: `cardaudit.ownership.tfstate`).
- SAM and CloudFormation templates in a repository declare functions, queues, state machines,
  tables and buckets, with their physical names when the template sets them; `samconfig.toml`
  names the stack, which predicts the names CloudFormation generates (`cardaudit.ownership.templates`).
- Live CloudFormation stacks list their resources' physical ids (`cardaudit.ownership.live`), and
  stack tags on a resource (`aws:cloudformation:stack-name`) are read where the resource is.

An unread source is never "claims nothing": the gaps that depend on it are NOT_ASSESSED.
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cardaudit.limits import LimitExceeded
from cardaudit.models.evidence import EvidenceFile, EvidenceStatus
from cardaudit.models.inventory import resource_types
from cardaudit.models.ownership import IacSource

if TYPE_CHECKING:
    from cardaudit.models.inventory import Inventory

# IaC resource types whose `id` is the AWS resource's name, keyed to CloudFormation types, from the
# resource types' declarations.
NAME_IDS = {iac_type: t.cfn_type for t in resource_types() for iac_type in t.iac_name_types}
# Tools that deploy through CloudFormation: one stack is one source, whichever of them described it.
CFN_FAMILY = frozenset({"cloudformation", "sam", "cdk"})


@dataclass(frozen=True)
class Claim:
    """One IaC source's claim on one resource, and where it was read."""

    tool: str
    stack: str | None
    where: str  # acme/card-api:template.yaml:31, stack card-events (live), or the tag that says so
    predicted: bool = False  # a generated name predicted from `<stack>-<LogicalId>-`, not read

    @property
    def label(self) -> str:
        return f"{self.tool}:{self.stack}" if self.stack else self.tool

    @property
    def family(self) -> tuple[str, str | None]:
        return ("cloudformation", self.stack) if self.tool in CFN_FAMILY else (self.tool, self.stack or self.where)


@dataclass(frozen=True, eq=False)
class IacClaims:
    """What one IaC source manages, or why it could not be read."""

    source: IacSource
    label: str
    arns: Mapping[str, Claim] = field(default_factory=dict)
    names: Mapping[tuple[str, str], Claim] = field(default_factory=dict)  # (cfn type, name)
    prefixes: tuple[tuple[str, str, Claim], ...] = ()  # (cfn type, generated-name prefix, claim)
    error: str | None = None
    files: tuple[EvidenceFile, ...] = ()
    note: str | None = None  # something read but partial (no samconfig.toml: stack unknown)
    # Types it declares without a name whose generated names cannot be predicted: blind for them.
    unknown_types: frozenset[str] = frozenset()

    def claims(self, arn: str, cfn_type: str, name: str) -> list[Claim]:
        found = [c for c in (self.arns.get(arn), self.names.get((cfn_type, name))) if c is not None]
        if not found:
            found = [c for t, prefix, c in self.prefixes if t == cfn_type and name.startswith(prefix)]
        return found[:1]

    def status(self) -> EvidenceStatus:
        if self.unknown_types and not self.error:
            # Read, but the names it would generate are unknown: the gaps on those types are NOT_ASSESSED.
            return EvidenceStatus(source=self.label, kind="iac", read=False, detail=self.note or "partly read",
                                  fix="set `stack:` on this source in ownership.yaml, or stack_name in samconfig.toml")
        return EvidenceStatus(source=self.label, kind="iac", read=self.error is None,
                              detail=self.error or self.note or "read", fix=_fix(self.source) if self.error else None)


def not_read(source: IacSource, error: str, *files: EvidenceFile) -> IacClaims:
    """A source that could not be read, with why, and the files it did read."""
    return IacClaims(source, source_label(source), error=error, files=files)


def _fix(source: IacSource) -> str:
    if source.repo is not None:
        return f"pass --repo {source.repo}=PATH (a checkout of that repository)"
    if source.state is not None:
        return f"put the {source.tool} state at {source.state}, relative to ownership.yaml"
    return "audit the account again (live CloudFormation stacks are read by `cardaudit audit`)"


@dataclass
class IacIndex:
    sources: list[IacClaims] = field(default_factory=list)

    @property
    def errors(self) -> list[IacClaims]:
        return [s for s in self.sources if s.error]

    @property
    def read(self) -> list[IacClaims]:
        return [s for s in self.sources if not s.error]

    def claimants(self, arn: str, cfn_type: str, name: str) -> list[Claim]:
        return [c for s in self.sources if not s.error for c in s.claims(arn, cfn_type, name)]

    def unread_for(self, cfn_type: str) -> list[str]:
        """Why a claim on a resource of this type could be missing: unread sources, unpredictable names."""
        return [str(s.error) if s.error else f"{s.label}: {s.note}" for s in self.sources
                if s.error or cfn_type in s.unknown_types]

    @property
    def files(self) -> list[EvidenceFile]:
        return [f for s in self.sources for f in s.files]


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def source_label(source: IacSource) -> str:
    what = source.tool + (f" {source.stack}" if source.stack else "")
    where = source.state or source.template
    if where:
        return f"{what} ({source.repo + ':' if source.repo else ''}{where})"
    return f"{what} (live stacks and stack tags)" if source.tool in CFN_FAMILY else what


def source_path(source: IacSource, relative: str, repos: dict[str, Path], base: Path) -> Path | None:
    """Where a source's file is: in its repository checkout, else relative to ownership.yaml."""
    if source.repo is not None:
        root = repos.get(source.repo)
        return None if root is None else root / relative
    return base / relative


def shown(source: IacSource, relative: str) -> str:
    return f"{source.repo}:{relative}" if source.repo else relative


def read_evidence(path: Path, shown_as: str) -> tuple[bytes, EvidenceFile] | str:
    """The bytes of an evidence file and its record, or why it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"cannot read {shown_as}: {exc.strerror or type(exc).__name__}"
    return data, EvidenceFile(path=str(path.resolve()), shown=shown_as, sha256=sha256_of(data))


def read_text_evidence(source: IacSource, path: Path, shown_as: str) -> tuple[str, EvidenceFile] | IacClaims:
    """The text of a source's file and its record, or the claims that say why it cannot be read."""
    got = read_evidence(path, shown_as)
    if isinstance(got, str):
        return not_read(source, got)
    data, record = got
    try:
        return data.decode("utf-8"), record
    except UnicodeDecodeError:
        return not_read(source, f"{shown_as}: not UTF-8 text", record)


_URN = re.compile(r'"urn"\s*:\s*"((?:[^"\\]|\\.)*)"')


def _urn_lines(text: str) -> dict[str, int]:
    """The line of each resource's `"urn": ...` key: one regular-expression pass, as fast as json.loads.

    (Decoding with line numbers costs about 40 times more, which counts on state files of 100,000 resources.)
    """
    starts = [m.end() for m in re.finditer("\n", text)]
    out: dict[str, int] = {}
    for m in _URN.finditer(text):
        urn = json.loads(f'"{m.group(1)}"')
        out.setdefault(urn, bisect_right(starts, m.start()) + 1)
    return out


def read_json_evidence(source: IacSource, path: Path, shown_as: str, loads: Callable[[str], Any] = json.loads,
                       ) -> tuple[Any, str, EvidenceFile] | IacClaims:
    """A JSON state file decoded (by `loads`), with its text and record, or the claims that say why it cannot be."""
    got = read_text_evidence(source, path, shown_as)
    if isinstance(got, IacClaims):
        return got
    text, record = got
    try:
        return loads(text), text, record
    except json.JSONDecodeError as exc:
        return not_read(source, f"{shown_as}:{exc.lineno}: invalid JSON: {exc.msg}", record)
    except RecursionError:
        return not_read(source, f"{shown_as}: nested too deeply", record)
    except LimitExceeded as exc:
        return not_read(source, f"{shown_as}:{exc.line or 1}: {exc.message}", record)


def load_pulumi_state(source: IacSource, path: Path, shown_as: str | None = None) -> IacClaims:
    shown_as = shown_as or str(path)
    got = read_json_evidence(source, path, shown_as)
    if isinstance(got, IacClaims):
        return got
    doc, text, record = got
    label = source_label(source)
    try:
        resources = doc["deployment"]["resources"]
    except (KeyError, TypeError):
        return not_read(source, f"{shown_as}: not a `pulumi stack export` document "
                                "(no deployment.resources)", record)
    lines = _urn_lines(text)
    arns: dict[str, Claim] = {}
    names: dict[tuple[str, str], Claim] = {}
    for res in resources if isinstance(resources, list) else []:
        if not isinstance(res, dict):
            continue
        claim = Claim("pulumi", source.stack, f"{shown_as}:{lines.get(str(res.get('urn')), 1)}")
        outputs = res.get("outputs") or {}
        if isinstance(outputs, dict) and isinstance(outputs.get("arn"), str):
            arns.setdefault(outputs["arn"], claim)
        cfn_type = NAME_IDS.get(str(res.get("type")))
        if cfn_type and isinstance(res.get("id"), str):
            names.setdefault((cfn_type, res["id"]), claim)
    return IacClaims(source, label, arns, names, files=(record,))


def load_iac(sources: list[IacSource], repos: dict[str, Path], base: Path,
             inventory: Inventory | None = None) -> IacIndex:
    from cardaudit.ownership.live import load_live_stacks
    from cardaudit.ownership.templates import load_template
    from cardaudit.ownership.tfstate import load_terraform_state

    index = IacIndex()
    for source in sources:
        relative = source.state or source.template
        if relative is None:
            if source.tool in CFN_FAMILY and source.tool != "cdk":
                index.sources.append(load_live_stacks(source, inventory))
            continue  # a tool named without a file: its resources carry no evidence cardaudit reads
        path = source_path(source, relative, repos, base)
        if path is None:
            index.sources.append(not_read(source, f"repository {source.repo} is not configured, so "
                                                  f"{shown(source, relative)} was not read"))
        elif source.template is not None and source.tool in CFN_FAMILY:
            index.sources.append(load_template(source, path, shown(source, relative)))
        elif source.tool == "pulumi":
            index.sources.append(load_pulumi_state(source, path, shown(source, relative)))
        elif source.tool == "terraform":
            index.sources.append(load_terraform_state(source, path, shown(source, relative)))
        else:
            index.sources.append(not_read(source, f"{source.tool} state is not read by cardaudit"))
    return index
