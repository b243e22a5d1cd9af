"""Answers that cannot be AWS's: refused before botocore parses them into something plausible.

botocore reads a JSON-protocol body that is not JSON (an HTML page from a proxy, a truncated or
binary body) as `{"message": <the body>}`, and an empty XML body as `{}`: a list call would then
look like an account with nothing in it. A 2xx answer whose operation has a body must have a
well-formed one; otherwise the call fails with `BadResponse`, and its slice is blind.
"""

from __future__ import annotations

import json
import re
from typing import Any

from cardaudit.collect.contain import BadResponse

_JSON_PROTOCOLS = frozenset({"json", "rest-json"})
# Query and EC2 answers are wrapped in `<{Operation}Response>`; anything else (an HTML error page
# that happens to be well-formed, another operation's answer) would parse into empty defaults.
_WRAPPED_PROTOCOLS = frozenset({"query", "ec2"})
_ROOT = re.compile(r"^\s*(?:<\?[^>]*\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<([A-Za-z_][\w.:-]*)", re.S | re.I)
_BODY_LOCATIONS = frozenset({None, "", "body"})


def _has_body(operation_model: Any) -> bool:
    """Whether the operation's answer carries anything in its body (not only headers or status)."""
    shape = operation_model.output_shape
    if shape is None:
        return False
    return any(member.serialization.get("location") in _BODY_LOCATIONS for member in shape.members.values())


def _raw_payload(operation_model: Any) -> bool:
    """The body is one string value itself, not a document (S3 GetBucketPolicy: the policy's JSON text)."""
    shape = operation_model.output_shape
    payload = shape.serialization.get("payload") if shape is not None else None
    return payload is not None and shape.members[payload].type_name in ("string", "blob")


def _protocol(operation_model: Any) -> str:
    model = operation_model.service_model
    return str(getattr(model, "resolved_protocol", None) or model.protocol)


def check_body(operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
    """botocore's `before-parse` hook: refuse a 2xx body that is empty, not UTF-8, or not JSON/XML."""
    if not 200 <= int(response_dict.get("status_code", 0)) < 300 or not _has_body(operation_model):
        return
    body = response_dict.get("body")
    if not isinstance(body, bytes | bytearray):
        return  # a stream: none of the operations cardaudit calls answers with one
    name = operation_model.name
    if not body.strip():
        raise BadResponse(f"{name}: empty response body")
    try:
        text = bytes(body).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadResponse(f"{name}: response body is not UTF-8 ({len(body)} bytes)") from exc
    if _raw_payload(operation_model):
        # Its reader parses it; only a page from something in between is refused here.
        if re.match(r"\s*(?:<!DOCTYPE\s+html|<html)", text[:512], re.I):
            raise BadResponse(f"{name}: response body is an HTML page, not {name}'s answer")
        return
    if _protocol(operation_model) in _JSON_PROTOCOLS:
        try:
            parsed = json.loads(text)
        except ValueError as exc:
            raise BadResponse(f"{name}: response body is not JSON ({text[:40]!r}...)") from exc
        if not isinstance(parsed, dict):
            raise BadResponse(f"{name}: response body is JSON but not an object")
        return
    root = _ROOT.match(text[:4096])
    if root is None:
        raise BadResponse(f"{name}: response body is not XML ({text[:40]!r}...)")
    tag = root.group(1).rpartition(":")[2]
    if tag.lower() == "html" or (_protocol(operation_model) in _WRAPPED_PROTOCOLS and tag != f"{name}Response"):
        raise BadResponse(f"{name}: response body is <{tag}>, not {name}'s answer")
