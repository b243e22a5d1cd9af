"""Progress events and how they are shown: JSON lines (for CloudWatch Logs Insights) and plain lines."""

from __future__ import annotations

import io
import json

from cardaudit import audit
from cardaudit.collect.aws import SERVICES, collect_aws
from cardaudit.logs import JsonLines, PlainLines, listener
from cardaudit.models.report import AuditConfig
from cardaudit.progress import Event
from tests.conftest import ACCOUNT, REGION, Aws

KEYS = {"ts", "level", "run_id", "phase", "step", "account", "region", "service", "counts", "duration_ms",
        "error_code", "message"}


def test_json_lines_of_an_audit(aws: Aws) -> None:
    aws.client("ecr").create_repository(repositoryName="card-api")
    aws.deny("sqs", "ListQueues")
    stream = io.StringIO()
    log = JsonLines(stream, "run-42")
    # Collection of three services only (the rest of the pipeline as `audit.run` runs it), to stay fast.
    services = [s for s in SERVICES if s.service in ("ecr", "sqs") or s.name == "iam_users"]
    inventory = collect_aws(aws.audit_session, [REGION], 4, services, on_event=log)
    config = AuditConfig(regions=[REGION], checks=["ecr_*", "sqs_*"], aws_verdicts=False)
    audit.run(config, inventory=inventory, on_event=log)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert all(set(line) == KEYS and line["run_id"] == "run-42" for line in lines)
    assert (lines[-1]["phase"], lines[-1]["step"]) == ("run", "end")
    assert [(line["phase"], line["step"]) for line in lines if line["phase"] != "collect"] == [
        ("account", "start"), ("account", "end"), ("run", "start"), ("evaluate", "start"),
        ("evaluate", "end"), ("rollup", "start"), ("rollup", "end"), ("run", "end")]
    collect = {(line["service"], line["region"]): line for line in lines if line["phase"] == "collect"}
    assert collect["ecr", REGION]["counts"] == {"resources": 2, "errors": 0}  # the repository and the registry
    assert collect["ecr", REGION]["account"] == ACCOUNT and collect["ecr", REGION]["error_code"] is None
    denied = collect["sqs", REGION]
    assert (denied["level"], denied["error_code"], denied["counts"]) == ("warning", "AccessDenied",
                                                                         {"resources": 0, "errors": 1})
    assert ("iam_users", "global") in collect  # global services are logged once, in the `global` scope
    assert all(isinstance(line["duration_ms"], int) for line in collect.values())
    end = lines[-1]
    assert end["counts"]["accounts"] == 1 and end["counts"]["fail"] >= 1 and end["counts"]["collection_errors"] >= 1


def test_plain_lines_say_one_line_per_account_and_stage() -> None:
    stream = io.StringIO()
    show = PlainLines(stream)
    show(Event("account", "start", account=ACCOUNT))
    show(Event("collect", account=ACCOUNT, region=REGION, service="ecr", counts={"resources": 3}))
    show(Event("account", account=ACCOUNT, counts={"regions": 1, "resources": 3, "errors": 0}, seconds=1.25))
    show(Event("account", account="444455556666", error_code="AccessDenied", counts={"errors": 1},
               message="sts:AssumeRole failed\x1b[31m"))
    assert stream.getvalue().splitlines() == [
        f"cardaudit: account {ACCOUNT}: 1 regions, 3 resources, 0 errors in 1.2 s",
        "cardaudit: account 444455556666: 1 errors [AccessDenied] (sts:AssumeRole failed\\u001b[31m)",
    ]


def test_text_is_plain_lines_off_a_terminal_and_json_on_request() -> None:
    with listener("text", io.StringIO()) as text:
        assert isinstance(text, PlainLines)
    with listener("json", io.StringIO(), run_id="r") as as_json:
        assert isinstance(as_json, JsonLines) and as_json.run_id == "r"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_progress_display_that_prints_data_as_written() -> None:
    stream = _Terminal()
    with listener("text", stream) as show:
        assert type(show).__name__ == "RichProgress"
        show(Event("account", "start", account=ACCOUNT, counts={"jobs": 2}))
        show(Event("collect", account=ACCOUNT, region=REGION, service="ecr", counts={"resources": 1}))
        show(Event("collect", account=ACCOUNT, region=REGION, service="sqs", error_code="[bold]Denied:secret:"))
        show(Event("account", account="444455556666", error_code="AccessDenied", message="sts:AssumeRole failed"))
    text = stream.getvalue()
    assert f"account {ACCOUNT}" in text and "account 444455556666: AccessDenied" in text
    assert "[bold]Denied:secret:" in text
