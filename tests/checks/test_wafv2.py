"""WAFv2 checks against moto."""

from __future__ import annotations

from tests.conftest import Aws, outcomes, run_check


def test_web_acl_logging(aws: Aws) -> None:
    waf = aws.client("wafv2")
    arns = {name: waf.create_web_acl(Name=name, Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig={
        "SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": name})["Summary"]["ARN"]
        for name in ("edge", "spare")}
    waf.put_logging_configuration(LoggingConfiguration={
        "ResourceArn": arns["edge"], "LogDestinationConfigs": [
            "arn:aws:logs:eu-west-1:111122223333:log-group:aws-waf-logs-edge"]})
    # moto 5.2 does not emulate ListResourcesForWebACL: answered as the API reference shapes it.
    aws.answer("wafv2", "ListResourcesForWebACL", {"ResourceArns": []})
    inventory = aws.collect("wafv2")
    assert outcomes(run_check("wafv2_web_acl_logging_enabled", inventory)) == {("edge", "PASS"), ("spare", "FAIL")}
    assert inventory.collection_errors() == []
    aws.deny("wafv2", "ListLoggingConfigurations")
    assert outcomes(run_check("wafv2_web_acl_logging_enabled", aws.collect("wafv2"))) == {
        ("edge", "NOT_ASSESSED"), ("spare", "NOT_ASSESSED")}
    aws.deny("wafv2", "ListWebACLs")
    assert outcomes(run_check("wafv2_web_acl_logging_enabled", aws.collect("wafv2"))) == {
        ("*@eu-west-1", "NOT_ASSESSED")}
