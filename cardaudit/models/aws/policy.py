"""One IAM policy statement, as identity policies (IAM) and resource policies (Lambda, ECR, S3, KMS) have it.

Lists are normalised (a single string becomes a list); condition keys are kept by name, lower case,
which is what deciding "open to everyone" needs; their values are not.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from cardaudit.models.base import Frozen

# Condition keys that tie a `"Principal": "*"` grant to a known caller (an account, an organization,
# a source ARN or network): with one of them the statement is not open to everyone.
SOURCE_CONDITION_KEYS = frozenset({
    "aws:sourcearn", "aws:sourceaccount", "aws:sourceowner", "aws:principalorgid", "aws:principalorgpaths",
    "aws:principalaccount", "aws:principalarn", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceip",
    "aws:sourceorgid", "aws:sourceorgpaths",
})


def _strings(value: Any, field: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise TypeError(f"{field} is neither a string nor a list of strings")


class PolicyStatement(Frozen):
    sid: str = ""
    effect: str
    principals: list[str] = Field(default_factory=list)  # "*" for everyone, else ARNs, account ids, services
    actions: list[str] = Field(default_factory=list)
    not_actions: list[str] = Field(default_factory=list)
    resources: list[str] = Field(default_factory=list)
    not_resources: list[str] = Field(default_factory=list)
    condition_keys: list[str] = Field(default_factory=list)  # lower case, e.g. aws:sourcearn

    @property
    def conditional(self) -> bool:
        """Has a Condition block."""
        return bool(self.condition_keys)

    @property
    def public(self) -> bool:
        """Allows anyone (principal `*`) with no condition that names the caller's account, org or source."""
        return (self.effect == "Allow" and "*" in self.principals
                and not SOURCE_CONDITION_KEYS & set(self.condition_keys))

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> PolicyStatement:
        """One statement; TypeError when it is not shaped as IAM documents it."""
        if not isinstance(raw, dict):
            raise TypeError("policy statement is not an object")
        principal = raw.get("Principal")
        principals: list[str] = []
        if isinstance(principal, str):
            principals = [principal]
        elif isinstance(principal, dict):
            for value in principal.values():
                principals += [value] if isinstance(value, str) else [str(v) for v in value or []]
        condition = raw.get("Condition") or {}
        keys = sorted({str(k).lower() for block in condition.values() if isinstance(block, dict) for k in block})
        if condition and not keys:
            keys = ["(unreadable condition)"]  # a Condition is there: never treat the statement as unconditional
        return cls(sid=str(raw.get("Sid", "")), effect=str(raw.get("Effect", "")), principals=principals,
                   actions=_strings(raw.get("Action"), "Action"),
                   not_actions=_strings(raw.get("NotAction"), "NotAction"),
                   resources=_strings(raw.get("Resource"), "Resource"),
                   not_resources=_strings(raw.get("NotResource"), "NotResource"), condition_keys=keys)


def parse_policy(document: dict[str, Any]) -> list[PolicyStatement]:
    """Every statement of a policy document."""
    statements = document.get("Statement", [])
    return [PolicyStatement.parse(s) for s in ([statements] if isinstance(statements, dict) else statements)]
