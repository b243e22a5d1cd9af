"""Resolve a subject (AWS resource, repo artifact, PCI requirement) to its owning team.

Precedence never depends on file order. Every matching rule is ranked by tier (how specific the
kind of match is) and, within a tier, by specificity; the best rank wins. Different primaries at
the best rank make the subject contested unless one rule lists the others in `overrides`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

import pathspec

from cardaudit.models.evidence import EvidenceStatus
from cardaudit.models.inventory import AwsResource, Unknown
from cardaudit.models.ownership import FieldRule, RequirementRule, ResourceMatch
from cardaudit.ownership.iac import Claim, IacIndex
from cardaudit.ownership.load import Ownership

if TYPE_CHECKING:
    from cardaudit.ownership.codeowners import Codeowners

TIER_ARN_EXACT = 100
TIER_ARN_GLOB = 80
TIER_IAC = 60
TIER_TAGS = 40
TIER_TYPE = 20
TIER_SCOPE = 0
TIER_ARTIFACT_EXACT = 100
TIER_ARTIFACT_GLOB = 50

CFN_STACK_TAG = "aws:cloudformation:stack-name"

Status = Literal["owned", "unowned", "contested"]


@dataclass(frozen=True)
class Candidate:
    rule_id: str
    primary: str
    supporting: tuple[str, ...]
    tier: int
    specificity: int
    where: str
    matched_on: tuple[str, ...]
    overrides: tuple[str, ...] = ()

    @property
    def rank(self) -> tuple[int, int]:
        return (self.tier, self.specificity)


@dataclass(frozen=True)
class Resolution:
    subject: str
    status: Status
    primary: str | None
    supporting: tuple[str, ...]
    winners: tuple[Candidate, ...]
    candidates: tuple[Candidate, ...]
    caveat: str | None = None  # something that could change the answer (unreadable tags or IaC state)

    @property
    def rule_where(self) -> str | None:
        return self.winners[0].where if self.status == "owned" and self.winners else None


@dataclass(frozen=True)
class ResourceFacts:
    arn: str | None
    account: str | None
    region: str | None
    type: str
    name: str
    tags: dict[str, str] | None  # None: the tags could not be read
    iac: tuple[Claim, ...] = ()

    @property
    def subject(self) -> str:
        return self.arn or f"{self.type} {self.name} ({self.account}/{self.region})"

    @property
    def key(self) -> tuple[object, ...]:
        tags = None if self.tags is None else tuple(sorted(self.tags.items()))
        return (self.arn, self.account, self.region, self.type, self.name, tags, self.iac)


def facts_of(resource: AwsResource, iac: IacIndex) -> ResourceFacts:
    tags = None if isinstance(resource.tags, Unknown) else resource.tags
    claims = list(iac.claimants(resource.arn, resource.cfn_type, resource.name))
    if tags and CFN_STACK_TAG in tags:
        tool: Literal["sam", "cloudformation"] = "sam" if tags.get("lambda:createdBy") == "SAM" else "cloudformation"
        claims.append(Claim(tool, tags[CFN_STACK_TAG], f"tag {CFN_STACK_TAG}={tags[CFN_STACK_TAG]} on the resource"))
    return ResourceFacts(resource.arn, resource.account, resource.region, resource.cfn_type, resource.name,
                         tags, tuple(claims))


def _as_list(value: str | list[str] | None) -> list[str]:
    return [] if value is None else [value] if isinstance(value, str) else value


@lru_cache(maxsize=4096)
def _arn_regex(pattern: str) -> re.Pattern[str]:
    # `*` and `?` stay inside one colon-separated segment, except in the resource part, as IAM.
    head = pattern.split(":", 5)
    parts = []
    for index, segment in enumerate(head):
        any_char = "." if index == len(head) - 1 and len(head) == 6 else "[^:]"
        parts.append("".join(f"{any_char}*" if ch == "*" else any_char if ch == "?" else re.escape(ch)
                             for ch in segment))
    return re.compile(":".join(parts) + r"\Z")


def _literal_len(pattern: str) -> int:
    return len(pattern.split("*", 1)[0].split("?", 1)[0])


# IaC tools whose claims are read from stack tags on the resource itself.
TAG_TOOLS = frozenset({"cloudformation", "sam"})


def match_resource(match: ResourceMatch, facts: ResourceFacts, unknown_tags: bool = False,
                   unknown_iac: frozenset[str] = frozenset()) -> tuple[int, int, tuple[str, ...]] | None:
    """(tier, specificity, keys) when every key of the match holds, else None.

    With `unknown_tags`, a tag condition on a resource whose tags could not be read is taken to
    hold; with `unknown_iac`, so is an `iac` condition naming one of those tools. That answers
    "could this rule have matched?", which decides whether missing evidence can change an owner.
    """
    keys: list[str] = []
    tier = TIER_SCOPE
    specificity = 0
    if match.account is not None:
        if facts.account not in _as_list(match.account):
            return None
        keys.append("account")
    if match.region is not None:
        if facts.region not in _as_list(match.region):
            return None
        keys.append("region")
    if match.type is not None:
        if facts.type not in _as_list(match.type):
            return None
        keys.append("type")
        tier = max(tier, TIER_TYPE)
    if match.tags is not None:
        if facts.tags is None:
            if not unknown_tags:
                return None
        else:
            for key, wanted in match.tags.items():
                if facts.tags.get(key) not in _as_list(wanted):
                    return None
        keys.append("tags")
        tier = max(tier, TIER_TAGS)
    if match.iac is not None:
        wanted_iac = match.iac
        if wanted_iac.tool not in unknown_iac and not any(
                c.tool == wanted_iac.tool and (wanted_iac.stack is None or c.stack == wanted_iac.stack)
                for c in facts.iac):
            return None
        keys.append("iac")
        tier = max(tier, TIER_IAC)
    if match.arn is not None:
        if facts.arn is None:
            return None
        hits = [p for p in _as_list(match.arn) if _arn_regex(p).match(facts.arn)]
        if not hits:
            return None
        exact = [p for p in hits if "*" not in p and "?" not in p]
        keys.append("arn")
        if exact:
            tier = TIER_ARN_EXACT
        else:
            tier = max(tier, TIER_ARN_GLOB)
            specificity = max(_literal_len(p) for p in hits)
    return tier, specificity, tuple(keys)


def decide(subject: str, candidates: Sequence[Candidate], caveat: str | None = None) -> Resolution:
    ranked = tuple(sorted(candidates, key=lambda c: (c.rank, c.rule_id), reverse=True))
    if not ranked:
        return Resolution(subject, "unowned", None, (), (), (), caveat)
    best = ranked[0].rank
    top = [c for c in ranked if c.rank == best]
    primaries = {c.primary for c in top}
    if len(primaries) > 1:
        overriding = [c for c in top
                      if all(other.rule_id in c.overrides for other in top if other.primary != c.primary)]
        if len(overriding) == 1:
            top = [c for c in top if c.primary == overriding[0].primary]
        else:
            return Resolution(subject, "contested", None, (), tuple(top), ranked, caveat)
    primary = top[0].primary
    supporting = tuple(sorted({team for c in top for team in c.supporting} - {primary}))
    return Resolution(subject, "owned", primary, supporting, tuple(top), ranked, caveat)


class RuleIndex:
    """Which resource rules could match a resource, found without trying every rule.

    Each rule is filed under one key every resource it matches must have: an exact ARN, the
    literal prefix of an ARN glob, a tag value, an IaC stack, a type, an IaC tool, or "any" for
    account and region rules. A resource then tries only the rules filed under its own keys; `match_resource` still
    decides, so the answer is the one trying every rule gives.
    """

    def __init__(self, rules: Sequence[ResourceMatch]) -> None:
        self.exact: dict[str, list[int]] = {}
        self.prefixes: dict[int, dict[str, list[int]]] = {}  # literal prefix length -> prefix -> rules
        self.types: dict[str, list[int]] = {}
        self.tags: dict[tuple[str, str], list[int]] = {}
        self.iac: dict[tuple[str, str | None], list[int]] = {}  # (tool, stack or None for any stack)
        self.any: list[int] = []
        for index, match in enumerate(rules):
            if match.arn is not None:
                for pattern in _as_list(match.arn):
                    if "*" in pattern or "?" in pattern:
                        prefix = pattern[:_literal_len(pattern)]
                        self.prefixes.setdefault(len(prefix), {}).setdefault(prefix, []).append(index)
                    else:
                        self.exact.setdefault(pattern, []).append(index)
            elif match.tags:  # a tag value is rarer than a type
                key, wanted = next(iter(match.tags.items()))
                for value in _as_list(wanted):
                    self.tags.setdefault((key, value), []).append(index)
            elif match.iac is not None and match.iac.stack is not None:
                self.iac.setdefault((match.iac.tool, match.iac.stack), []).append(index)
            elif match.type is not None:
                for kind in _as_list(match.type):
                    self.types.setdefault(kind, []).append(index)
            elif match.iac is not None:
                self.iac.setdefault((match.iac.tool, None), []).append(index)
            else:
                self.any.append(index)

    def candidates(self, facts: ResourceFacts) -> list[int]:
        found: set[int] = set(self.any)
        if facts.arn is not None:
            found.update(self.exact.get(facts.arn, ()))
            for length, by_prefix in self.prefixes.items():
                found.update(by_prefix.get(facts.arn[:length], ()))
        found.update(self.types.get(facts.type, ()))
        for item in (facts.tags or {}).items():
            found.update(self.tags.get(item, ()))
        for claim in facts.iac:
            found.update(self.iac.get((claim.tool, claim.stack), ()))
            found.update(self.iac.get((claim.tool, None), ()))
        return sorted(found)


class Resolver:
    """Answers "who owns this?" for resources, artifacts and requirements from one ownership file."""

    def __init__(self, ownership: Ownership, iac: IacIndex, *, codeowners: dict[str, Codeowners] | None = None,
                 evidence: list[EvidenceStatus] | None = None, warnings: list[str] | None = None) -> None:
        self.ownership = ownership
        self.iac = iac
        self.codeowners = codeowners or {}
        self.evidence = evidence or []  # every evidence source and whether it was read
        self.warnings = warnings or []  # recorded evidence missing or changed since the inventory was saved
        self._artifact_specs = [
            pathspec.PathSpec.from_lines("gitignore", [rule.path]) for rule in ownership.model.artifacts
        ]
        self._artifact_index = {rule.id: i for i, rule in enumerate(ownership.model.artifacts)}
        self._resource_cache: dict[tuple[object, ...], Resolution] = {}
        self._requirement_cache: dict[str, Resolution] = {}
        self._possible_cache: dict[tuple[object, ...], dict[str, int]] = {}
        self._index = RuleIndex([rule.match for rule in ownership.model.resources])
        # A rule matching many resources matches them the same way: its candidate is built once.
        self._candidates: dict[tuple[int, tuple[int, int, tuple[str, ...]]], Candidate] = {}

    def _candidate(self, index: int, hit: tuple[int, int, tuple[str, ...]]) -> Candidate:
        key = (index, hit)
        found = self._candidates.get(key)
        if found is None:
            rule = self.ownership.model.resources[index]
            tier, specificity, keys = hit
            found = self._candidates[key] = Candidate(
                rule.id, rule.primary, tuple(rule.supporting),
                rule.priority if rule.priority is not None else tier, specificity,
                self.ownership.resource_rule_line(index), keys, tuple(rule.overrides))
        return found

    def attach_evidence(self, iac: IacIndex, codeowners: dict[str, Codeowners], evidence: list[EvidenceStatus],
                        warnings: list[str]) -> None:
        """Evidence read after the file (the audit reads the file before collecting, to fail fast)."""
        self.iac, self.codeowners, self.evidence, self.warnings = iac, codeowners, evidence, warnings
        self._resource_cache.clear()  # requirement answers do not depend on evidence: they are kept
        self._possible_cache.clear()

    def resource(self, facts: ResourceFacts) -> Resolution:
        # The attribute stage asks about each resource more than once (its findings, then its gaps).
        key = facts.key
        if key not in self._resource_cache:
            self._resource_cache[key] = self._resource(facts)
        return self._resource_cache[key]

    def _resource(self, facts: ResourceFacts) -> Resolution:
        candidates: list[Candidate] = []
        rules = self.ownership.model.resources
        for index in self._index.candidates(facts):
            hit = match_resource(rules[index].match, facts)
            if hit is not None:
                candidates.append(self._candidate(index, hit))
        return decide(facts.subject, candidates, self._caveat(facts, candidates))

    def possible_rules(self, facts: ResourceFacts) -> dict[str, int]:
        """Rules that do not match, but would if the unread evidence (tags, IaC state) said so: id -> rank."""
        # Asked twice per resource (its caveat, then the stale-rule bookkeeping): computed once.
        key = facts.key
        if key not in self._possible_cache:
            self._possible_cache[key] = self._possible_rules(facts)
        return self._possible_cache[key]

    def _possible_rules(self, facts: ResourceFacts) -> dict[str, int]:
        unknown_iac: set[str] = {s.source.tool for s in self.iac.errors}
        if facts.tags is None:
            unknown_iac |= TAG_TOOLS
        if facts.tags is not None and not unknown_iac:
            return {}
        out: dict[str, int] = {}
        for rule in self.ownership.model.resources:
            if match_resource(rule.match, facts) is not None:
                continue
            hit = match_resource(rule.match, facts, facts.tags is None, frozenset(unknown_iac))
            if hit is not None:
                out[rule.id] = rule.priority if rule.priority is not None else hit[0]
        return out

    def _caveat(self, facts: ResourceFacts, candidates: list[Candidate]) -> str | None:
        """What unread evidence could change the answer: a rule that might have matched at the winner's rank."""
        best = max((c.tier for c in candidates), default=None)
        could = [rule_id for rule_id, rank in self.possible_rules(facts).items() if best is None or rank >= best]
        if not could:
            return None
        why = []
        if facts.tags is None:
            why.append("tags could not be read")
        if self.iac.errors:
            why.append("IaC source unreadable: " + "; ".join(str(s.error) for s in self.iac.errors))
        return f"{'; '.join(why)} (rule(s) {', '.join(could)} could match)"

    def artifact(self, repo: str, path: str, field: str | None = None) -> Resolution:
        """Owner of a repository file, or of one field inside it (`$.containerDefinitions[0].secrets`).

        A field takes the owner of the deepest `fields:` entry of the winning rule that covers it,
        and otherwise inherits the file's owner.
        """
        resolution = self._artifact_file(repo, path)
        if field is None or resolution.status != "owned":
            return resolution
        best: tuple[int, FieldRule, str] | None = None
        for win in resolution.winners:
            index = self._artifact_index[win.rule_id]
            for j, fld in enumerate(self.ownership.model.artifacts[index].fields):
                depth = _field_covers(fld.path, field)
                if depth is not None and (best is None or depth > best[0]):
                    best = (depth, fld, self.ownership.where("artifacts", index, "fields", j))
        if best is None:
            return resolution
        _, fld, where = best
        winner = Candidate(f"{resolution.winners[0].rule_id}{fld.path}", fld.primary, tuple(fld.supporting),
                           TIER_ARTIFACT_EXACT + 1, best[0], where, ("field",))
        return Resolution(f"{repo}:{path}#{field}", "owned", fld.primary,
                          tuple(sorted(set(fld.supporting) - {fld.primary})), (winner,),
                          (winner, *resolution.candidates))

    def _artifact_file(self, repo: str, path: str) -> Resolution:
        candidates: list[Candidate] = []
        for index, rule in enumerate(self.ownership.model.artifacts):
            if not glob_match(rule.repo, repo) or not self._artifact_specs[index].match_file(path):
                continue
            wildcards = sum(rule.path.count(ch) for ch in "*?[") + sum(rule.repo.count(ch) for ch in "*?[")
            exact = wildcards == 0 and "/" in rule.path and rule.path.lstrip("/") == path
            tier = TIER_ARTIFACT_EXACT if exact else TIER_ARTIFACT_GLOB
            specificity = len(rule.path) + len(rule.repo) - 10 * wildcards
            candidates.append(Candidate(
                rule.id, rule.primary, tuple(rule.supporting),
                rule.priority if rule.priority is not None else tier, specificity,
                self.ownership.artifact_rule_line(index), ("repo", "path"), tuple(rule.overrides),
            ))
        return decide(f"{repo}:{path}", candidates)

    def requirement_rule(self, item_id: str) -> tuple[RequirementRule, str] | None:
        """The most specific requirements rule covering an item (with file:line), owner or not."""
        best: tuple[int, int] | None = None
        found: tuple[RequirementRule, str] | None = None
        for index, rule in enumerate(self.ownership.model.requirements):
            rank = _requirement_rank(rule.id, item_id)
            if rank is not None and (best is None or rank > best):
                best, found = rank, (rule, self.ownership.requirement_rule_line(index))
        return found

    def requirement(self, item_id: str) -> Resolution:
        # Scoping, the requirement gaps and the roll-up all ask about every item.
        if item_id not in self._requirement_cache:
            self._requirement_cache[item_id] = self._requirement(item_id)
        return self._requirement_cache[item_id]

    def _requirement(self, item_id: str) -> Resolution:
        candidates: list[Candidate] = []
        for index, rule in enumerate(self.ownership.model.requirements):
            rank = _requirement_rank(rule.id, item_id)
            if rank is None or rule.primary is None:
                continue
            candidates.append(Candidate(
                rule.id, rule.primary, tuple(rule.supporting), rank[0] * 10 + rank[1] * 5, 0,
                self.ownership.requirement_rule_line(index), ("id",),
            ))
        return decide(item_id, candidates)


_FIELD_TOKEN = re.compile(r"\[(\*|\d+)\]|\.?([A-Za-z0-9_\-]+)")


def _field_tokens(path: str) -> list[str]:
    body = path[1:] if path.startswith("$") else path
    return [m.group(1) or m.group(2) for m in _FIELD_TOKEN.finditer(body)]


def _field_covers(pattern: str, field: str) -> int | None:
    """Depth of `pattern` when it covers `field` (itself or a parent of it); `[*]` matches any index."""
    want, have = _field_tokens(pattern), _field_tokens(field)
    if len(want) > len(have):
        return None
    for w, h in zip(want, have, strict=False):
        if w != h and not (w == "*" and h.isdigit()):
            return None
    return len(want)


def _requirement_rank(pattern: str, item_id: str) -> tuple[int, int] | None:
    """(literal depth, exact) when `pattern` ("10.*", "10.2", "10.2.1") covers the item, else None.

    A rule covers its own id and every descendant, so children inherit from their parents.
    """
    parts = pattern.split(".")
    literal = parts[:-1] if parts[-1] == "*" else parts
    target = item_id.split(".")
    if target[: len(literal)] != literal:
        return None
    exact = len(literal) == len(target) and parts[-1] != "*"
    return len(literal), int(exact)


def glob_match(pattern: str, value: str) -> bool:
    return bool(re.fullmatch(re.escape(pattern).replace(r"\*", "[^/]*").replace(r"\?", "[^/]"), value))
