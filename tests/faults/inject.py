"""A fault-injecting layer made of botocore event hooks on the audit session.

`before-send` answers one operation with a canned HTTP response instead of sending it, so the
answer goes through botocore's real parsers, retry handler and cardaudit's response check:
an AWS error in the service's own protocol (AccessDenied, throttling on every attempt, an opt-in
region's refusal in one region), no connection to the endpoint, a plain-text 500, an HTML page
with status 200, an empty, binary or truncated body, or a socket that answers nothing until after
the run's deadline.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError

from cardaudit.collect.awsverdicts import VERDICT_OPERATIONS
from cardaudit.collect.policy import SETUP_OPERATIONS
from cardaudit.models.inventory import resource_types

# The faults every operation gets: refused, throttled past its retries, no connection to the
# endpoint, a malformed answer, and an opt-in region's refusal in one region only.
EVERY_OPERATION = ("denied", "throttled", "connection", "malformed", "optin")
# The malformed answers, one per operation in turn (each reaches botocore's parsers differently).
MALFORMED = ("http500", "html200", "empty", "binary", "truncated")
# The region whose calls the "optin" fault refuses; the other audited region must not change.
OPTIN_REGION = "us-east-1"

_BOTO = boto3.session.Session(region_name="us-east-1")


@dataclass(frozen=True)
class Operation:
    """One declared operation, with what a hook needs to fake its answers."""

    declared: str  # states:DescribeStateMachine
    service: str  # the boto3 service: stepfunctions
    service_id: str  # botocore's event name part: sfn
    name: str  # DescribeStateMachine
    protocol: str

    @property
    def event(self) -> str:
        return f"before-send.{self.service_id}.{self.name}"


def scenarios(ops: list[Operation]) -> list[tuple[Operation, str]]:
    """(operation, mode) pairs: the five faults for every operation, the malformed kind in turn,
    and a hang past the deadline for every third operation (each costs the deadline's wait)."""
    out: list[tuple[Operation, str]] = []
    for index, op in enumerate(ops):
        for mode in EVERY_OPERATION:
            out.append((op, MALFORMED[index % len(MALFORMED)] if mode == "malformed" else mode))
        if index % 3 == 0:
            out.append((op, "hang"))
    return out


def operations() -> list[Operation]:
    """Every operation cardaudit declares: resource types', set-up calls and AWS verdict reads."""
    pairs = {(t.service, op) for t in resource_types() for op in t.operations}
    pairs |= {(op.split(":")[0], op) for op in SETUP_OPERATIONS}
    pairs |= {(op.split(":")[0], op) for op in VERDICT_OPERATIONS}
    out: list[Operation] = []
    for service, declared in sorted(pairs, key=lambda p: (p[1], p[0])):  # a total order: xdist workers must agree
        model = _BOTO.client(service).meta.service_model
        protocol = str(getattr(model, "resolved_protocol", None) or model.protocol)
        out.append(Operation(declared, service, model.service_id.hyphenize(), declared.split(":")[1], protocol))
    return out


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.body


def _error(op: Operation, code: str, status: int) -> tuple[int, dict[str, str], bytes]:
    message = f"injected {code} for {op.declared}"
    if op.protocol == "json":
        return status, {"Content-Type": "application/x-amz-json-1.1"}, \
            f'{{"__type":"{code}","message":"{message}"}}'.encode()
    if op.protocol == "rest-json":
        return status, {"x-amzn-ErrorType": code, "Content-Type": "application/json"}, \
            f'{{"Message":"{message}"}}'.encode()
    if op.protocol == "ec2":
        return status, {}, (f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error>"
                            "</Errors><RequestID>fault</RequestID></Response>").encode()
    if op.protocol == "rest-xml":
        return status, {}, f"<Error><Code>{code}</Code><Message>{message}</Message></Error>".encode()
    return status, {}, (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>"
                        "</Error><RequestId>fault</RequestId></ErrorResponse>").encode()


_OPTIN = {"json": "UnrecognizedClientException", "rest-json": "UnrecognizedClientException", "ec2": "AuthFailure"}
_DENIED = {"json": "AccessDeniedException", "rest-json": "AccessDeniedException", "ec2": "UnauthorizedOperation"}
_THROTTLED = {"json": "ThrottlingException", "rest-json": "TooManyRequestsException", "ec2": "RequestLimitExceeded",
              "rest-xml": "SlowDown"}


def canned(op: Operation, mode: str) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of one faulty answer in the operation's protocol."""
    json_like = op.protocol in ("json", "rest-json")
    if mode == "denied":
        return _error(op, _DENIED.get(op.protocol, "AccessDenied"), 403)
    if mode == "throttled":
        return _error(op, _THROTTLED.get(op.protocol, "Throttling"), 503 if op.protocol in ("ec2", "rest-xml")
                      else 429 if op.protocol == "rest-json" else 400)
    if mode == "optin":  # what AWS answers in a region the account has not enabled
        return _error(op, _OPTIN.get(op.protocol, "InvalidClientTokenId"), 403)
    if mode == "http500":
        return 500, {"Content-Type": "text/plain"}, b"Internal Server Error"
    if mode == "html200":
        return 200, {"Content-Type": "text/html"}, b"<html><body><h1>Gateway</h1><p>try again</p></body></html>"
    if mode == "empty":
        return 200, {}, b""
    if mode == "binary":
        return 200, {"Content-Type": "application/octet-stream"}, bytes(range(128, 256)) * 8
    if mode == "truncated":
        if json_like:
            return 200, {}, b'{"items": [{"name": "card-api", "arn": "arn:aws:'
        return 200, {}, f'<?xml version="1.0"?><{op.name}Response><{op.name}Result><member><Name>card'.encode()
    raise ValueError(mode)


@dataclass
class Fault:
    """One operation answered with one kind of fault, on one session, while the context is open."""

    op: Operation
    mode: str
    hang_seconds: float = 0.0  # "hang": how long the first attempt hears nothing (past the deadline)
    calls: int = 0
    _release: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, request: Any, **_: Any) -> AWSResponse | None:
        with self._lock:
            self.calls += 1
            first = self.calls == 1
        if self.mode == "optin" and (getattr(request, "context", None) or {}).get("client_region") != OPTIN_REGION:
            return None  # sent as usual: only the one region refuses
        if self.mode == "connection":
            raise EndpointConnectionError(endpoint_url=request.url)
        if self.mode == "hang":
            if first:
                self._release.wait(self.hang_seconds)
            raise ReadTimeoutError(endpoint_url=request.url)
        status, headers, body = canned(self.op, self.mode)
        return AWSResponse(request.url, status, headers, _Raw(body))

    @contextmanager
    def on(self, session: boto3.session.Session) -> Iterator[Fault]:
        uid = f"fault-{self.op.declared}-{self.mode}"
        session.events.register(self.op.event, self, unique_id=uid)
        try:
            yield self
        finally:
            session.events.unregister(self.op.event, unique_id=uid)
            self._release.set()  # a hung call still in flight ends now
