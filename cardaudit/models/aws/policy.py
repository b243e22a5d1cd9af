"""One IAM policy statement, as identity policies (IAM) and resource policies (KMS, Lambda, ECR) have it.

Lists are normalised (a single string becomes a list). Principals are `"*"` or `<kind>:<value>`
(`AWS:*`, `AWS:arn:aws:iam::111122223333:root`, `Service:logs.amazonaws.com`). Conditions keep
operator, key and values, which is what deciding "open to anyone" needs.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from cardaudit.models.base import Frozen

# Condition keys that tie a request to an account, organization, principal, source resource or
# network, so that a statement naming Principal "*" no longer admits anyone at all.
RESTRICTING_KEYS = frozenset({
    "aws:principalaccount", "aws:principalarn", "aws:principalorgid", "aws:principalorgpaths", "aws:userid",
    "aws:username", "aws:sourceaccount", "aws:sourcearn", "aws:sourceowner", "aws:sourceorgid",
    "aws:sourceorgpaths", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceip", "kms:calleraccount",
})
# Operators that hold only when the key is present and equal to (or like) a value. The negated
# forms, `...IfExists` and `ForAllValues:` also hold when the key is missing, so they restrict nothing.
_POSITIVE_OPERATORS = frozenset({"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike",
                                 "ipaddress"})
_EVERYWHERE = frozenset({"*", "0.0.0.0/0", "::/0"})
ANYONE = frozenset({"*", "AWS:*"})


def _strings(value: Any, field: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, bool):
        return [str(value).lower()]
    if isinstance(value, str | int):
        return [str(value)]
    if isinstance(value, list) and all(isinstance(v, str | int | bool) for v in value):
        return [str(v).lower() if isinstance(v, bool) else str(v) for v in value]
    raise TypeError(f"{field} is neither a string nor a list of strings")


def _principals(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]  # the bare "*"
    if not isinstance(value, dict):
        raise TypeError("Principal is neither \"*\" nor an object")
    return sorted(f"{kind}:{p}" for kind, ps in value.items() for p in _strings(ps, "Principal"))


class PolicyCondition(Frozen):
    """One condition of a statement: `{"StringEquals": {"kms:CallerAccount": ["111122223333"]}}`."""

    operator: str  # StringEquals, ForAnyValue:StringLike, ArnLikeIfExists...
    key: str  # as written; condition keys are case-insensitive
    values: list[str] = Field(default_factory=list)

    @property
    def restricts(self) -> bool:
        """Narrows who may act to an account, organization, principal, source or network."""
        operator = self.operator.lower().removeprefix("foranyvalue:")
        return (operator in _POSITIVE_OPERATORS and self.key.lower() in RESTRICTING_KEYS
                and bool(self.values) and not any(v in _EVERYWHERE for v in self.values))


class PolicyStatement(Frozen):
    sid: str = ""
    effect: str
    principals: list[str] = Field(default_factory=list)
    not_principal: bool = False  # `principals` are a NotPrincipal
    actions: list[str] = Field(default_factory=list)
    not_actions: list[str] = Field(default_factory=list)
    resources: list[str] = Field(default_factory=list)
    not_resources: list[str] = Field(default_factory=list)
    conditions: list[PolicyCondition] = Field(default_factory=list)

    @property
    def conditional(self) -> bool:
        """Has a Condition block."""
        return bool(self.conditions)

    @property
    def public(self) -> bool:
        """Allows any AWS principal (Principal "*", or a NotPrincipal) without a condition that restricts it."""
        return (self.effect == "Allow" and (self.not_principal or bool(ANYONE & set(self.principals)))
                and not any(c.restricts for c in self.conditions))

    @classmethod
    def parse(cls, raw: Any) -> PolicyStatement:
        """One statement; TypeError when it is not shaped as IAM documents it."""
        if not isinstance(raw, dict):
            raise TypeError("policy statement is not an object")
        condition = raw.get("Condition") or {}
        if not isinstance(condition, dict) or not all(isinstance(t, dict) for t in condition.values()):
            raise TypeError("Condition is not an object of objects")
        return cls(
            sid=str(raw.get("Sid", "")), effect=str(raw.get("Effect", "")),
            principals=_principals(raw.get("NotPrincipal", raw.get("Principal"))), not_principal="NotPrincipal" in raw,
            actions=_strings(raw.get("Action"), "Action"), not_actions=_strings(raw.get("NotAction"), "NotAction"),
            resources=_strings(raw.get("Resource"), "Resource"),
            not_resources=_strings(raw.get("NotResource"), "NotResource"),
            conditions=[PolicyCondition(operator=str(op), key=str(key), values=_strings(values, "Condition"))
                        for op, tests in condition.items() for key, values in tests.items()],
        )


def parse_policy(document: Any) -> list[PolicyStatement]:
    """Every statement of a policy document."""
    if not isinstance(document, dict):
        raise TypeError("policy document is not an object")
    statements = document.get("Statement", [])
    return [PolicyStatement.parse(s) for s in ([statements] if isinstance(statements, dict) else statements)]
