"""Every failure of one AWS call is contained: a blind slice or an Unknown detail, never a crash or 'no resources'."""

from __future__ import annotations

import threading
import time
from typing import Any
from xml.etree.ElementTree import ParseError

import pytest
from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError
from botocore.parsers import ResponseParserError

from cardaudit import audit
from cardaudit.collect.deadline import Deadline
from cardaudit.collect.session import CLIENT_CONFIG
from cardaudit.errors import ReadOnlyViolation
from cardaudit.models.inventory import Unknown
from cardaudit.models.report import AuditConfig
from tests.conftest import REGION, Aws, outcomes, run_check


def _raise(aws: Aws, service: str, operation: str, exc: BaseException) -> None:
    def hook(**_: Any) -> None:
        raise exc

    aws.audit_session.events.register(f"before-call.{service}.{operation}", hook, unique_id=f"raise-{operation}")
    aws._denials.append((f"before-call.{service}.{operation}", f"raise-{operation}"))


_RAISED = [
    ResponseParserError("Unable to parse response (syntax error), invalid XML received"),
    ParseError("not well-formed (invalid token): line 1, column 0"),
    UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
    KeyError("KeyMetadata"),
    TypeError("string indices must be integers"),
    ReadTimeoutError(endpoint_url="https://kms.eu-west-1.amazonaws.com/"),
    ConnectTimeoutError(endpoint_url="https://kms.eu-west-1.amazonaws.com/"),
]


@pytest.mark.parametrize("exc", _RAISED, ids=lambda e: type(e).__name__)
def test_any_exception_of_a_list_call_blinds_its_slice(aws: Aws, exc: BaseException) -> None:
    aws.client("kms").create_key()
    _raise(aws, "kms", "ListKeys", exc)
    inventory = aws.collect("kms")
    [error] = inventory.kms_keys.errors
    assert (error.service, error.operation, error.region) == ("kms", "ListKeys", REGION)
    assert error.code in (type(exc).__name__, "BadResponse")
    assert outcomes(run_check("kms_key_rotation_enabled", inventory)) == {(f"*@{REGION}", "NOT_ASSESSED")}


@pytest.mark.parametrize("exc", _RAISED, ids=lambda e: type(e).__name__)
def test_any_exception_of_a_detail_call_is_unknown(aws: Aws, exc: BaseException) -> None:
    kms = aws.client("kms")
    kms.create_alias(AliasName="alias/cards-data", TargetKeyId=kms.create_key()["KeyMetadata"]["KeyId"])
    _raise(aws, "kms", "GetKeyRotationStatus", exc)
    [key] = aws.collect("kms").kms_keys.items
    assert isinstance(key.rotation_enabled, Unknown)
    assert key.rotation_enabled.operation == "kms:GetKeyRotationStatus"


def test_a_list_answer_without_its_key_is_an_error_not_an_empty_account(aws: Aws) -> None:
    aws.client("kms").create_key()
    aws.answer("kms", "ListKeys", {})
    [error] = aws.collect("kms").kms_keys.errors
    assert (error.operation, error.code, error.message) == ("ListKeys", "BadResponse", "response without Keys")


def test_a_collector_misreading_an_answer_blinds_that_job(aws: Aws) -> None:
    ecs = aws.client("ecs")
    ecs.register_task_definition(family="card-api", containerDefinitions=[{"name": "app", "image": "x", "memory": 64}])
    aws.answer("ecs", "DescribeTaskDefinition", {"tags": []})  # no taskDefinition: the collector's KeyError
    [error] = aws.collect("ecs").ecs_task_definitions.errors
    assert (error.operation, error.code) == ("DescribeTaskDefinition", "BadResponse")
    assert "KeyError" in error.message


@pytest.mark.parametrize(("body", "why"), [
    (b"<html><body>Gateway</body></html>", "<html>"), (b"", "empty"), (b"\xff\xfe\x00binary", "not UTF-8"),
    (b'{"Keys": [{"KeyId"', "not JSON"),
])
def test_a_body_that_cannot_be_aws_is_refused(aws: Aws, body: bytes, why: str) -> None:
    from botocore.awsrequest import AWSResponse

    class Raw:
        def stream(self, **_: Any) -> Any:
            yield body

    def answer(request: Any, **_: Any) -> AWSResponse:
        return AWSResponse(request.url, 200, {}, Raw())

    aws.audit_session.events.register("before-send.kms.ListKeys", answer, unique_id="garbage")
    aws._denials.append(("before-send.kms.ListKeys", "garbage"))
    [error] = aws.collect("kms").kms_keys.errors
    assert error.code == "BadResponse" or why == "<html>"  # JSON protocol: HTML is "not JSON"
    assert error.operation == "ListKeys"


def test_read_only_violation_still_stops_the_run(aws: Aws) -> None:
    _raise(aws, "kms", "ListKeys", ReadOnlyViolation("refused kms:CreateKey"))
    with pytest.raises(ReadOnlyViolation):
        aws.collect("kms")


# --- regions ------------------------------------------------------------------------------------------


def test_regions_unverified_when_describe_regions_fails(aws: Aws) -> None:
    """Requested regions are all read; a failure in one is NOT_ASSESSED, never 'not enabled'."""
    aws.client("kms").create_key()
    aws.deny("ec2", "DescribeRegions")
    # What an opt-in region the account has not enabled answers: the credentials are not valid there.
    aws.deny("kms", "ListKeys", code="UnrecognizedClientException", region="eu-central-2")
    inventory = aws.collect("kms", regions=[REGION, "eu-central-2"])
    assert {s.region for s in inventory.kms_keys.scopes} == {REGION, "eu-central-2"}
    [error] = inventory.kms_keys.errors
    assert error.region == "eu-central-2"
    assert error.code == "UnrecognizedClientException (region not verified)"
    assert "ec2:DescribeRegions failed: AccessDenied" in error.message
    findings = run_check("kms_key_rotation_enabled", inventory)
    [blind] = [f for f in findings if f.status.value == "NOT_ASSESSED"]
    assert "region not verified" in blind.reason and blind.resource.region == "eu-central-2"


# --- deadlines ------------------------------------------------------------------------------------------


def _hang(aws: Aws, event: str, release: threading.Event) -> None:
    def hook(request: Any, **_: Any) -> None:
        release.wait(10)  # bounded: the test releases it as soon as it has its answer
        raise ReadTimeoutError(endpoint_url=request.url)

    aws.audit_session.events.register(event, hook, unique_id="hang")
    aws._denials.append((event, "hang"))


def test_a_hanging_list_call_is_cut_at_the_deadline(aws: Aws) -> None:
    aws.client("kms").create_key()
    aws.client("sqs").create_queue(QueueName="card-events")
    release = threading.Event()
    _hang(aws, "before-send.kms.ListKeys", release)
    from cardaudit.collect.aws import SERVICES, collect_aws

    started = time.monotonic()
    try:
        inventory = collect_aws(aws.audit_session, [REGION], services=[s for s in SERVICES
                                                                       if s.service in ("kms", "sqs")],
                                # Long enough for the region look-up on a busy machine; the hang outlasts it.
                                deadline=Deadline.after(3.0))
    finally:
        release.set()
    assert time.monotonic() - started < 8
    [error] = inventory.kms_keys.errors
    assert error.code == "DeadlineReached"
    assert error.reason == f"deadline reached before kms was read in 111122223333/{REGION}"
    assert [q.name for q in inventory.sqs_queues.items] == ["card-events"]  # the rest was read


def test_no_call_starts_after_the_deadline(aws: Aws) -> None:
    kms = aws.client("kms")
    kms.create_alias(AliasName="alias/cards-data", TargetKeyId=kms.create_key()["KeyMetadata"]["KeyId"])
    from cardaudit.collect.api import Api
    from cardaudit.collect.session import client

    api = Api(client(aws.audit_session, "kms", REGION), "111122223333", REGION, deadline=Deadline.after(0.0))
    value = api.detail("get_key_rotation_status", lambda r: bool(r["KeyRotationEnabled"]), KeyId="x")
    assert isinstance(value, Unknown)
    assert value.reason == "deadline reached before kms:GetKeyRotationStatus was read"


def test_audit_timeout_still_writes_the_report(aws: Aws) -> None:
    aws.client("kms").create_key()
    release = threading.Event()
    _hang(aws, "before-send.iam.ListUsers", release)
    started = time.monotonic()
    try:
        # Long enough for the other sixty-odd collect functions of one region to finish on a busy machine.
        report = audit.run(AuditConfig(regions=[REGION], timeout=5), session=aws.audit_session)
    finally:
        release.set()
    assert time.monotonic() - started < 15
    blind = [f for f in report.findings if f.check_id == "iam_console_user_mfa_enabled"]
    assert [(f.status.value, f.reason) for f in blind] == [
        ("NOT_ASSESSED", "deadline reached before iam was read in 111122223333/global")]
    assert any(f.check_id == "kms_key_rotation_enabled" and f.status.value != "NOT_ASSESSED"
               for f in report.findings)


def test_timeouts_and_retries_are_sized_for_an_audit() -> None:
    retries: dict[str, Any] = CLIENT_CONFIG.retries or {}
    attempts = int(retries["total_max_attempts"])
    assert retries["mode"] == "standard"
    # A hanging endpoint costs at most attempts x (connect or read timeout): under a minute.
    assert attempts * max(CLIENT_CONFIG.connect_timeout, CLIENT_CONFIG.read_timeout) <= 60  # type: ignore[operator]
