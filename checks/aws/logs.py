"""CloudWatch Logs: how long log groups keep their events, the key they are encrypted with, and a
reader of metric filter patterns that the alarm checks use to tell which events a filter counts.

The pattern reader follows the CloudWatch Logs filter syntax, for the part of it monitoring rules
use:

- JSON patterns, `{ ... }`: comparisons `$.a.b = value`, `!=`, `<`, `<=`, `>`, `>=`, `IS TRUE`,
  `IS FALSE`, `IS NULL`, `NOT EXISTS`, combined with `&&`, `||` (`&&` binds first) and parentheses.
  A value is quoted or bare; `*` in a string value matches any run of characters. A comparison on
  a field the event does not have is false (for `!=` too); `NOT EXISTS` is true there.
- Term patterns: every plain term must occur in the event's text, a `-term` must not, and a
  pattern of `?term`s needs one of them. The empty pattern matches every event.

Anything else (space-delimited `[...]` patterns, regular expressions `%...%`, `IN` lists) raises
`PatternError`, so a check can say it cannot read the pattern rather than guess.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import LogGroup

# PCI DSS 10.5.1: a year of audit log history.
RETENTION_DAYS = 365

Record = Mapping[str, Any]
Matcher = Callable[[Record], bool]


class PatternError(ValueError):
    """A filter pattern that cardaudit does not read."""


# --------------------------------------------------------------------------------------------
# filter patterns

_TOKEN = re.compile(r"""
    \s*(?:
      (?P<op>&&|\|\||!=|<=|>=|=|<|>|\(|\))
    | (?P<selector>\$(?:\.[^\s=!<>()&|\[\].]+|\[\d+\])*)
    | "(?P<quoted>(?:[^"\\]|\\.)*)"
    | (?P<word>[^\s=!<>()&|"]+)
    )""", re.VERBOSE)


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        if not text[pos:].strip():
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise PatternError(f"cannot read the pattern at {text[pos:pos + 20]!r}")
        kind = m.lastgroup or ""
        value = m.group(kind)
        out.append((kind, re.sub(r"\\(.)", r"\1", value) if kind == "quoted" else value))
        pos = m.end()
    return out


def _wildcard(value: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in value.split("*")), re.DOTALL)


def _resolve(selector: str, record: Record) -> tuple[bool, Any]:
    current: Any = record
    for part in re.findall(r"\.([^.\[]+)|\[(\d+)\]", selector[1:]):
        key, index = part
        if key and isinstance(current, Mapping) and key in current:
            current = current[key]
        elif index and isinstance(current, list) and int(index) < len(current):
            current = current[int(index)]
        else:
            return False, None
    return True, current


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _compare(selector: str, op: str, value: str, quoted: bool) -> Matcher:
    if not quoted and value.startswith("%"):
        raise PatternError("regular expressions in filter patterns are not read")
    number = None if quoted else _number(value)
    pattern = _wildcard(value)

    def equal(field: Any) -> bool:
        if number is not None and isinstance(field, int | float) and not isinstance(field, bool):
            return float(field) == number
        return isinstance(field, str) and pattern.fullmatch(field) is not None

    def match(record: Record) -> bool:
        found, field = _resolve(selector, record)
        if not found:
            return False
        if op == "=":
            return equal(field)
        if op == "!=":
            return not equal(field)
        if number is None or not isinstance(field, int | float) or isinstance(field, bool):
            return False
        return {"<": field < number, "<=": field <= number, ">": field > number, ">=": field >= number}[op]

    return match


class _Json:
    """Recursive descent over the tokens of one `{ ... }` pattern."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("end", "")

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token[0] == "end":
            raise PatternError("the pattern ends too early")
        self.pos += 1
        return token

    def parse(self) -> Matcher:
        matcher = self.either()
        if self.peek()[0] != "end":
            raise PatternError(f"unexpected {self.peek()[1]!r} in the pattern")
        return matcher

    def either(self) -> Matcher:
        parts = [self.both()]
        while self.peek() == ("op", "||"):
            self.take()
            parts.append(self.both())
        return parts[0] if len(parts) == 1 else (lambda r: any(p(r) for p in parts))

    def both(self) -> Matcher:
        parts = [self.unary()]
        while self.peek() == ("op", "&&"):
            self.take()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else (lambda r: all(p(r) for p in parts))

    def unary(self) -> Matcher:
        kind, value = self.take()
        if (kind, value) == ("op", "("):
            inner = self.either()
            if self.take() != ("op", ")"):
                raise PatternError("unbalanced parentheses in the pattern")
            return inner
        if kind != "selector":
            raise PatternError(f"expected a $.field, found {value!r}")
        selector = value
        kind, value = self.take()
        if kind == "op" and value in ("=", "!=", "<", "<=", ">", ">="):
            vkind, operand = self.take()
            if vkind not in ("quoted", "word"):
                raise PatternError(f"expected a value after {value}")
            return _compare(selector, value, operand, vkind == "quoted")
        if (kind, value.upper()) == ("word", "IS"):
            what = self.take()[1].upper()
            expected: dict[str, Any] = {"TRUE": True, "FALSE": False, "NULL": None}
            if what not in expected:
                raise PatternError(f"IS {what} is not read")

            def is_value(record: Record) -> bool:
                found, field = _resolve(selector, record)
                return found and field is expected[what]
            return is_value
        if (kind, value.upper()) == ("word", "NOT") and self.take()[1].upper() == "EXISTS":
            return lambda r: not _resolve(selector, r)[0]
        raise PatternError(f"{value!r} after {selector} is not read")


def _terms(text: str) -> Matcher:
    words = [m.group(1) if m.group(1) is not None else m.group(2)
             for m in re.finditer(r'([?-]?"(?:[^"\\]|\\.)*")|(\S+)', text)]
    alternatives = [w[1:].strip('"') for w in words if w.startswith("?")]
    excluded = [w[1:].strip('"') for w in words if w.startswith("-")]
    required = [w.strip('"') for w in words if not w.startswith(("?", "-"))]
    if alternatives and (required or excluded):
        raise PatternError("a term pattern mixing ?terms with other terms is not read")

    def match(record: Record) -> bool:
        line = json.dumps(record, separators=(",", ":"))
        if alternatives:
            return any(t in line for t in alternatives)
        return all(t in line for t in required) and not any(t in line for t in excluded)

    return match


def pattern_matcher(pattern: str) -> Matcher:
    """A function telling whether one log event (a CloudTrail record) matches the filter pattern."""
    text = pattern.strip()
    if not text:
        return lambda _: True
    if text.startswith("{"):
        if not text.endswith("}"):
            raise PatternError("a JSON pattern must end with }")
        return _Json(_tokens(text[1:-1])).parse()
    if text.startswith("["):
        raise PatternError("space-delimited patterns are not read")
    return _terms(text)


# --------------------------------------------------------------------------------------------
# log groups


@check(
    title="CloudWatch Logs log groups keep their events for at least a year",
    severity=Severity.MEDIUM, category="logging", resource_type="AWS::Logs::LogGroup", needs=("logs_log_groups",),
)
def logs_log_group_retention_12_months(groups: list[LogGroup]) -> Iterator[Result]:
    """What it checks:
    Each log group's retention (`retentionInDays`) is at least 365 days, or unset, which means
    the events never expire.

    Why it matters:
    Audit logs must be kept for at least twelve months so that an incident found late can still
    be traced back; a log group that expires its events after 30 or 90 days loses that history,
    unless the events are also exported elsewhere (which cardaudit does not read).

    How to fix:
    `aws logs put-retention-policy --log-group-name <group> --retention-in-days 400` (or more),
    in the infrastructure code that creates the group.
    """
    for group in groups:
        if group.retention_days is None:
            yield Result.passed(group.ref(), "events never expire (no retention set)", retention_days=None)
        elif group.retention_days >= RETENTION_DAYS:
            yield Result.passed(group.ref(), f"events are kept {group.retention_days} days",
                                retention_days=group.retention_days)
        else:
            yield Result.failed(group.ref(), f"events expire after {group.retention_days} days, less than the "
                                f"{RETENTION_DAYS} days of history required", retention_days=group.retention_days)


@check(
    title="CloudWatch Logs log groups are encrypted with a KMS key",
    severity=Severity.LOW, category="encryption", resource_type="AWS::Logs::LogGroup", needs=("logs_log_groups",),
)
def logs_log_group_kms_encrypted(groups: list[LogGroup]) -> Iterator[Result]:
    """What it checks:
    Each log group names a KMS key (`kmsKeyId`). Without one, CloudWatch Logs encrypts the events
    with keys of its own: that is reported as a FAIL with that reason.

    Why it matters:
    Logs hold what applications and AWS services wrote, sometimes more than intended. With a
    customer managed key, reading them also needs `kms:Decrypt` under a key policy the account
    controls, and every use of the key is recorded in CloudTrail; with the service's own keys,
    anyone allowed to read the log group reads the events.

    How to fix:
    Give the CloudWatch Logs service principal of the region use of a customer managed key in its
    key policy, then `aws logs associate-kms-key --log-group-name <group> --kms-key-id <key ARN>`
    (new events are encrypted with it).
    """
    for group in groups:
        if group.kms_key_id:
            yield Result.passed(group.ref(), "encrypted with a KMS key", kms_key=group.kms_key_id)
        else:
            yield Result.failed(group.ref(), "no KMS key: events are encrypted with CloudWatch Logs' own keys only")
