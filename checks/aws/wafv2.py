"""AWS WAF web ACLs: logging of what they see."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import Unknown, WafV2WebAcl


@check(
    title="AWS WAF web ACLs log the requests they inspect",
    severity=Severity.MEDIUM, category="logging", resource_type="AWS::WAFv2::WebACL", needs=("wafv2_web_acls",),
)
def wafv2_web_acl_logging_enabled(acls: list[WafV2WebAcl]) -> Iterator[Result]:
    """What it checks:
    Each regional web ACL has a logging configuration (ListLoggingConfigurations) with a
    destination: a CloudWatch Logs group, an S3 bucket or a Firehose stream.

    Why it matters:
    The web ACL's log is the record of the attacks it blocked and of the requests it let
    through; without it, nobody can review what reached the public application.

    How to fix:
    `aws wafv2 put-logging-configuration --logging-configuration
    ResourceArn=<acl>,LogDestinationConfigs=<aws-waf-logs-... destination ARN>`.
    """
    for acl in acls:
        if isinstance(acl.log_destinations, Unknown):
            yield Result.not_assessed(acl.ref(), f"logging configurations could not be read "
                                                 f"({acl.log_destinations.reason})")
        elif acl.log_destinations:
            yield Result.passed(acl.ref(), "logging on", destinations=acl.log_destinations)
        else:
            yield Result.failed(acl.ref(), "no logging configuration")
