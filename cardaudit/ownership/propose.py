"""`owners init`: propose an ownership.yaml from the evidence a company already has.

It reads, from an inventory (saved or collected live): the tag keys that look like owner or team
tags and their values; the CloudFormation/SAM stacks the resources carry as
`aws:cloudformation:stack-name` tags; the Pulumi state exports and Terraform state files (v4)
given, read as the ownership evidence reads them; and, in the repository checkouts given, CODEOWNERS
files, read by the same reader as the CODEOWNERS evidence (`cardaudit.ownership.codeowners`).
Where the evidence agrees it writes a rule; where it cannot decide (a stack whose resources are
tagged for several teams, a CODEOWNERS line naming people rather than a team, resources with
no owner tag and no stack) it writes a `# TODO` comment with what it saw, and leaves the rule
commented out, so that the proposal loads and `owners lint` accepts it as it is.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cardaudit.models.inventory import AwsResource, Inventory, Unknown
from cardaudit.models.ownership import IacSource
from cardaudit.ownership.codeowners import Codeowners, load_codeowners
from cardaudit.ownership.iac import IacClaims, IacIndex, load_pulumi_state
from cardaudit.ownership.resolve import CFN_STACK_TAG
from cardaudit.ownership.tfstate import load_terraform_state

# Tag keys read as owner claims: the usual spellings of owner, team and squad tags.
OWNER_KEY = re.compile(r"^(owner|owners|owning[-_:]?team|team|team[-_:]?name|squad|tribe|service[-_:]?owner|"
                       r"technical[-_:]?owner|business[-_:]?owner|owner[-_:]?team)$", re.IGNORECASE)
_EXAMPLES = 3
# Control characters, line separators and bidirectional controls (which make text display as other text).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")


def _q(text: str) -> str:
    """A YAML scalar: JSON strings are valid double-quoted YAML, and quote whatever came from AWS or a repo."""
    return json.dumps(text, ensure_ascii=False)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


@dataclass
class Proposal:
    """What `owners init` found, before it is written out."""

    tag_keys: list[str] = field(default_factory=list)
    teams: dict[str, set[str]] = field(default_factory=dict)  # team -> CODEOWNERS handles
    lines: list[str] = field(default_factory=list)


def _owner_claims(resource: AwsResource, keys: list[str]) -> set[str]:
    tags = resource.tags if not isinstance(resource.tags, Unknown) else {}
    return {tags[k] for k in keys if tags.get(k)}


def _team_of_handle(handle: str) -> str | None:
    """`@org/team` names a team; a user or an e-mail address does not."""
    match = re.fullmatch(r"@[\w.-]+/([\w.-]+)", handle)
    return match.group(1).lower() if match else None


def propose(inventory: Inventory, repos: dict[str, Path], pulumi: dict[str, Path], base: Path = Path(),
            terraform: dict[str, Path] | None = None) -> str:
    """The proposed ownership.yaml, as text with TODO comments; state files are written relative to `base`,
    the folder the proposal goes to (ownership.yaml's own paths are relative to it)."""
    states = {"pulumi": pulumi, "terraform": terraform or {}}
    resources = [r for r in inventory.resources() if not r.aws_managed]
    key_counts: Counter[str] = Counter(k for r in resources if not isinstance(r.tags, Unknown)
                                       for k in r.tags if OWNER_KEY.match(k))
    keys = sorted(key_counts)
    teams: dict[str, set[str]] = defaultdict(set)
    for r in resources:
        for value in _owner_claims(r, keys):
            teams[value]
    files = [c for c in load_codeowners(repos).values() if not c.absent]
    notes = [c.error for c in files if c.error]
    for rule in (r for c in files for r in c.rules):
        for owner in rule.owners:
            team = _team_of_handle(owner)
            if team is not None:
                teams[team].add(owner)

    out: list[str] = [
        "# ownership.yaml proposed by `cardaudit owners init`: review every rule and each `# TODO`.",
        f"# Evidence: {len(resources)} resources; owner tag keys {', '.join(keys) or 'none found'}; "
        f"{sum(len(c.rules) for c in files)} CODEOWNERS lines; {len(pulumi)} Pulumi state file(s)"
        + (f"; {len(terraform)} Terraform state file(s)." if terraform else "."),
        "version: 1", "", "teams:",
    ]
    if not teams:
        out[-1] = "teams: {}  # TODO: no owner tag or CODEOWNERS team found; declare the teams"
    tagged_roles: dict[str, list[str]] = defaultdict(list)
    for r in resources:
        if r.cfn_type == "AWS::IAM::Role":
            for value in _owner_claims(r, keys):
                tagged_roles[value].append(r.name)
    for team in sorted(teams):
        handles = sorted(teams[team])
        handle_text = f", handles: [{', '.join(_q(h) for h in handles)}]" if handles else ""
        out.append(f"  {_q(team)}: {{name: {_q(team)}{handle_text}}}  # TODO: full name and contacts")
        # Roles tagged for a team are often its workloads' roles, not the roles its people act through.
        roles = sorted(tagged_roles.get(team, []))
        seen = f" (roles tagged for it: {', '.join(roles[:_EXAMPLES])}{' ...' if len(roles) > _EXAMPLES else ''})"
        out.append(f"  # TODO: principals: {{roles: [...], sso_permission_sets: [...]}} that {team} acts through"
                   f"{seen if roles else ''}")

    sources = [f"    - {{tool: {tool}, stack: {_q(stack)}, state: {_q(os.path.relpath(path, base))}}}"
               for tool, given in states.items() for stack, path in sorted(given.items())]
    stacks = _stacks(resources)
    if stacks:
        sources.append("    - {tool: cloudformation}  # stacks read from the aws:cloudformation:stack-name tags")
    out += ["", "settings:", f"  owner_tag_keys: [{', '.join(_q(k) for k in keys)}]"]
    out += ["  iac_sources:", *sources] if sources else ["  iac_sources: []"]

    rules = _tag_rules(resources, keys) + _stack_rules(stacks, keys) + [
        line for tool, given in states.items() for line in _state_rules(tool, resources, given, keys)]
    out += ["", *_section("resources", rules + _untagged(resources, keys, stacks))]
    out += ["", *_section("artifacts", _codeowners_rules(files))]
    out += ["", "requirements: []",
            "# TODO: name a team for each PCI DSS principal requirement, e.g.",
            '#  - {id: "10.*", responsibility: entity, primary: <team>}']
    out += [f"# TODO: {note}" for note in notes]
    # Comments quote tag values, ARNs and CODEOWNERS text as they are: no control character may end
    # a comment early or reach a terminal, and no bidirectional control may make a line read as another.
    return "\n".join(_CONTROL.sub("?", line) for line in out) + "\n"


def _section(name: str, lines: list[str]) -> list[str]:
    """`name:` with its rules, or `name: []` when every line is a comment (so that the file still loads)."""
    if any(line.startswith("  - ") for line in lines):
        return [f"{name}:", *lines]
    return [f"{name}: []", *(line.strip() for line in lines)]


def _stacks(resources: list[AwsResource]) -> dict[tuple[str, str], list[AwsResource]]:
    """(tool, stack) -> resources, from the CloudFormation stack tags (SAM by `lambda:createdBy`)."""
    out: dict[tuple[str, str], list[AwsResource]] = defaultdict(list)
    for r in resources:
        if isinstance(r.tags, Unknown) or CFN_STACK_TAG not in r.tags:
            continue
        # As the resolver reads them: SAM marks its functions and roles `lambda:createdBy: SAM`.
        tool = "sam" if r.tags.get("lambda:createdBy") == "SAM" else "cloudformation"
        out[(tool, r.tags[CFN_STACK_TAG])].append(r)
    return dict(out)


def _decided(claims: Iterable[set[str]]) -> tuple[str | None, Counter[str]]:
    counts: Counter[str] = Counter(v for c in claims for v in c)
    return (next(iter(counts)) if len(counts) == 1 else None), counts


def _rule(rule_id: str, match: str, primary: str | None, counts: Counter[str], what: str) -> list[str]:
    if primary is not None:
        return [f"  - {{id: {_q(rule_id)}, match: {match}, primary: {_q(primary)}}}"]
    seen = ", ".join(f"{team} {n}" for team, n in counts.most_common()) or "no owner tags"
    return [f"  # TODO: who owns {what}? owner tags on its resources: {seen}",
            f"  # - {{id: {_q(rule_id)}, match: {match}, primary: <team>}}"]


def _tag_rules(resources: list[AwsResource], keys: list[str]) -> list[str]:
    out: list[str] = []
    for key in keys:
        values = sorted({r.tags[key] for r in resources if not isinstance(r.tags, Unknown) and r.tags.get(key)})
        if values:
            out.append(f"  # Owner tag {_q(key)}: a resource tagged for a team is that team's.")
        for value in values:
            out.append(f"  - {{id: {_q(f'tag-{_slug(key)}-{_slug(value)}')}, match: {{tags: {{{_q(key)}: "
                       f"{_q(value)}}}}}, primary: {_q(value)}}}")
    return out


def _stack_rules(stacks: dict[tuple[str, str], list[AwsResource]], keys: list[str]) -> list[str]:
    out: list[str] = []
    for (tool, stack), members in sorted(stacks.items()):
        primary, counts = _decided(_owner_claims(r, keys) for r in members)
        out += _rule(f"stack-{_slug(stack)}", f"{{iac: {{tool: {tool}, stack: {_q(stack)}}}}}", primary, counts,
                     f"{'SAM' if tool == 'sam' else 'CloudFormation'} stack {stack} ({len(members)} resources)")
    return out


_TOOL_NAMES = {"pulumi": "Pulumi", "terraform": "Terraform"}


def _load_state(tool: str, stack: str, path: Path) -> IacClaims:
    source = IacSource(tool=tool, stack=stack, state=str(path))
    return load_pulumi_state(source, path) if tool == "pulumi" else load_terraform_state(source, path, str(path))


def _state_rules(tool: str, resources: list[AwsResource], states: dict[str, Path], keys: list[str]) -> list[str]:
    """A rule for each Pulumi or Terraform stack whose resources are tagged for one team; a TODO otherwise."""
    out: list[str] = []
    for stack, path in sorted(states.items()):
        claims = _load_state(tool, stack, path)
        if claims.error:
            out.append(f"  # TODO: {_TOOL_NAMES[tool]} stack {stack}: {claims.error}")
            continue
        index = IacIndex([claims])
        members = [r for r in resources if index.claimants(r.arn, r.cfn_type, r.name)]
        primary, counts = _decided(_owner_claims(r, keys) for r in members)
        out += _rule(f"{tool}-{_slug(stack)}", f"{{iac: {{tool: {tool}, stack: {_q(stack)}}}}}", primary, counts,
                     f"{_TOOL_NAMES[tool]} stack {stack} ({len(members)} resources in this inventory)")
    return out


def _untagged(resources: list[AwsResource], keys: list[str],
              stacks: dict[tuple[str, str], list[AwsResource]]) -> list[str]:
    in_stack = {r.arn for members in stacks.values() for r in members}
    by_type: dict[str, list[str]] = defaultdict(list)
    for r in resources:
        if not _owner_claims(r, keys) and r.arn not in in_stack:
            by_type[r.cfn_type].append(r.arn)
    out: list[str] = []
    for kind, arns in sorted(by_type.items()):
        examples = ", ".join(arns[:_EXAMPLES]) + (" ..." if len(arns) > _EXAMPLES else "")
        out += [f"  # TODO: {len(arns)} {kind} with no owner tag and no stack (e.g. {examples})",
                f"  # - {{id: {_q(_slug(kind))}, match: {{type: {kind}}}, primary: <team>}}"]
    return out


def _codeowners_rules(files: list[Codeowners]) -> list[str]:
    if not any(c.rules for c in files):
        return []
    out = ["  # From CODEOWNERS. There the last matching line wins; here the most specific pattern does:",
           "  # check each file whose lines overlap (`cardaudit owners explain repo:path`)."]
    for codeowners, co in ((c, r) for c in files for r in c.rules):
        teams = [t for t in (_team_of_handle(o) for o in co.owners) if t is not None]
        rule_id = f"codeowners-{_slug(codeowners.repo)}-{co.line}"
        path = co.pattern.lstrip("/") if co.pattern != "/" else "**"
        path = f"{path}**" if path.endswith("/") else path
        where = codeowners.where(co)
        if not co.owners:
            out.append(f"  # TODO: {where} leaves {_q(co.pattern)} explicitly unowned")
        elif not teams:
            out += [f"  # TODO: {where} names no team for {_q(co.pattern)} ({', '.join(co.owners)}): "
                    "which team owns it?",
                    f"  # - {{id: {_q(rule_id)}, repo: {_q(codeowners.repo)}, path: {_q(path)}, primary: <team>}}"]
        else:
            support = f", supporting: [{', '.join(_q(t) for t in teams[1:])}]" if len(teams) > 1 else ""
            out.append(f"  - {{id: {_q(rule_id)}, repo: {_q(codeowners.repo)}, path: {_q(path)}, "
                       f"primary: {_q(teams[0])}{support}}}  # {where}")
    return out
