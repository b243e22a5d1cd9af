"""Small reports built in-process (no moto, no demo): SQS queues through the real audit stages."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cardaudit import audit
from cardaudit.models.inventory import Inventory, Scope, Slice, SqsQueue
from cardaudit.models.report import AuditConfig, Report

ACCOUNT = "111122223333"
REGION = "eu-west-1"
CHECK = "sqs_queue_kms_encrypted"
COLLECTED = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def arn(name: str) -> str:
    return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"


def queues(collected: datetime = COLLECTED, **encrypted: bool) -> Inventory:
    """An inventory of queues, each encrypted with a KMS key (PASS) or not (FAIL)."""
    items = [SqsQueue(arn=arn(name), account=ACCOUNT, region=REGION, name=name, url=f"https://sqs/{name}",
                      kms_key_id="alias/cards" if enc else None) for name, enc in encrypted.items()]
    return Inventory(collected_at=collected, accounts=[ACCOUNT], regions=[REGION],
                     sqs_queues=Slice(items=items, scopes=[Scope(account=ACCOUNT, region=REGION)]))


def report_of(inventory: Inventory, waivers: Path | None = None) -> Report:
    return audit.run(AuditConfig(checks=[CHECK], aws_verdicts=False, waivers=waivers), inventory=inventory)


def statuses(report: Report) -> set[tuple[str, str]]:
    return {(f.resource.name or f.resource.id, f.status.value) for f in report.findings}
