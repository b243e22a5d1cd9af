"""One seeding of the demo account for the whole fault suite, and its clean run to compare against."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.retries import standard

from cardaudit import audit
from cardaudit.demo.run import DISABLED_REGION, demo_config
from cardaudit.demo.seed import backdate, seed_aws
from cardaudit.models.inventory import Inventory
from cardaudit.models.report import AuditConfig, Report
from tests.conftest import ACCOUNT, Aws

OTHER_ACCOUNT = "444455556666"  # a second account, reached through the audit role
ROLE = "cardaudit-audit"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "faults: the fault-injection suite (runs by default)")


@dataclass
class Demo:
    aws: Aws
    config: AuditConfig
    inventory: Inventory  # the clean collection
    report: Report  # the clean run
    accounts_config: AuditConfig  # the demo account and a second one, through the role
    accounts_report: Report
    organization_config: AuditConfig
    organization_report: Report


@pytest.fixture(scope="module")
def no_backoff() -> Iterator[None]:
    """Retries stay real (each attempt is answered by the fault), but without sleeping between them."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0.0)
        yield


@dataclass
class _Http:
    status_code: int = 403
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""


def _not_enabled(context: dict[str, Any] | None = None, **_: Any) -> tuple[Any, dict[str, Any]] | None:
    """The demo's opt-in region answers as AWS does for a region the account has not enabled.

    Only reached when ec2:DescribeRegions failed and the region is read unverified; moto itself
    would answer there as in any region.
    """
    if (context or {}).get("client_region") != DISABLED_REGION:
        return None
    return _Http(), {"Error": {"Code": "UnrecognizedClientException",
                               "Message": "The security token included in the request is invalid"},
                     "ResponseMetadata": {"HTTPStatusCode": 403}}


@pytest.fixture(scope="module")
def demo(_aws_session: Aws, tmp_path_factory: pytest.TempPathFactory, no_backoff: None) -> Iterator[Demo]:
    aws = _aws_session
    aws.reset()
    aws.audit_session.events.register("before-call.*.*", _not_enabled, unique_id="fault-disabled-region")
    seed_aws(aws.seed_session)
    backdate(ACCOUNT)
    aws.client("organizations", "us-east-1").create_organization(FeatureSet="ALL")
    config = demo_config(tmp_path_factory.mktemp("faults")).model_copy(update={"save_inventory": None})
    inventory = audit.collect(config, session=aws.audit_session)
    accounts = config.model_copy(update={"accounts": [ACCOUNT, OTHER_ACCOUNT], "role_name": ROLE})
    organization = config.model_copy(update={"accounts": ["organization"], "role_name": ROLE})
    yield Demo(aws, config, inventory, audit.run(config, inventory=inventory),
               accounts, audit.run(accounts, session=aws.audit_session),
               organization, audit.run(organization, session=aws.audit_session))
    aws.audit_session.events.unregister("before-call.*.*", unique_id="fault-disabled-region")
    aws.reset()
