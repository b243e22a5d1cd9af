"""ELBv2 checks against moto."""

from __future__ import annotations

from typing import Any

from tests.conftest import Aws, outcomes, run_check

POLICY_12 = "ELBSecurityPolicy-TLS13-1-2-2021-06"
POLICY_10 = "ELBSecurityPolicy-2016-08"


def _estate(aws: Aws) -> dict[str, str]:
    """public (HTTPS TLS 1.2 + HTTP forward, logs off), shop (HTTP redirect only, logs on, headers dropped),
    internal (HTTPS on the 2016-08 policy)."""
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"eu-west-1{z}")[
        "Subnet"]["SubnetId"] for i, z in ((1, "a"), (2, "b"))]
    cert = aws.client("acm").request_certificate(DomainName="cards.example.com")["CertificateArn"]
    elb = aws.client("elbv2")
    tg = elb.create_target_group(Name="api", Protocol="HTTP", Port=8080, VpcId=vpc)["TargetGroups"][0]["TargetGroupArn"]
    forward = [{"Type": "forward", "TargetGroupArn": tg}]
    redirect = [{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}]
    arns: dict[str, str] = {}
    for name, scheme in (("public", "internet-facing"), ("shop", "internet-facing"), ("internal", "internal")):
        arns[name] = elb.create_load_balancer(Name=name, Subnets=subnets, Scheme=scheme, Type="application")[
            "LoadBalancers"][0]["LoadBalancerArn"]

    def listener(lb: str, protocol: str, port: int, actions: list[dict[str, Any]], policy: str | None = None) -> None:
        extra = {"SslPolicy": policy, "Certificates": [{"CertificateArn": cert}]} if policy else {}
        elb.create_listener(LoadBalancerArn=arns[lb], Protocol=protocol, Port=port, DefaultActions=actions, **extra)

    listener("public", "HTTPS", 443, forward, POLICY_12)
    listener("public", "HTTP", 80, forward)
    listener("shop", "HTTP", 80, redirect)
    listener("internal", "HTTPS", 443, forward, POLICY_10)
    elb.modify_load_balancer_attributes(LoadBalancerArn=arns["shop"], Attributes=[
        {"Key": "access_logs.s3.enabled", "Value": "true"}, {"Key": "access_logs.s3.bucket", "Value": "logs"},
        {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"}])
    return arns


def test_listener_tls_policy(aws: Aws) -> None:
    _estate(aws)
    assert outcomes(run_check("elbv2_listener_tls12_or_later", aws.collect("elbv2"))) == {
        ("public", "PASS"), ("internal", "FAIL")}  # shop has no TLS listener: not judged
    aws.deny("elastic-load-balancing-v2", "DescribeSSLPolicies")
    assert outcomes(run_check("elbv2_listener_tls12_or_later", aws.collect("elbv2"))) == {
        ("public", "NOT_ASSESSED"), ("internal", "NOT_ASSESSED")}
    aws.deny("elastic-load-balancing-v2", "DescribeLoadBalancers")
    assert outcomes(run_check("elbv2_listener_tls12_or_later", aws.collect("elbv2"))) == {
        ("*@eu-west-1", "NOT_ASSESSED")}


def test_http_redirects_to_https(aws: Aws) -> None:
    arns = _estate(aws)
    assert outcomes(run_check("elbv2_http_redirects_to_https", aws.collect("elbv2"))) == {
        ("public", "FAIL"), ("shop", "PASS")}  # internal ALBs are not judged
    # A rule that forwards on the redirecting listener serves HTTP all the same.
    elb = aws.client("elbv2")
    http = next(x for x in elb.describe_listeners(LoadBalancerArn=arns["shop"])["Listeners"])
    tg = elb.describe_target_groups()["TargetGroups"][0]["TargetGroupArn"]
    elb.create_rule(ListenerArn=http["ListenerArn"], Priority=10, Actions=[{"Type": "forward", "TargetGroupArn": tg}],
                    Conditions=[{"Field": "path-pattern", "Values": ["/health"]}])
    assert outcomes(run_check("elbv2_http_redirects_to_https", aws.collect("elbv2"))) == {
        ("public", "FAIL"), ("shop", "FAIL")}
    aws.deny("elastic-load-balancing-v2", "DescribeRules")
    assert outcomes(run_check("elbv2_http_redirects_to_https", aws.collect("elbv2"))) == {
        ("public", "FAIL"), ("shop", "NOT_ASSESSED")}
    aws.deny("elastic-load-balancing-v2", "DescribeListeners")
    assert outcomes(run_check("elbv2_http_redirects_to_https", aws.collect("elbv2"))) == {
        ("public", "NOT_ASSESSED"), ("shop", "NOT_ASSESSED")}


def test_access_logs_and_headers(aws: Aws) -> None:
    _estate(aws)
    inventory = aws.collect("elbv2")
    assert outcomes(run_check("elbv2_access_logging_enabled", inventory)) == {
        ("public", "FAIL"), ("shop", "PASS"), ("internal", "FAIL")}
    assert outcomes(run_check("elbv2_alb_drops_invalid_headers", inventory)) == {
        ("public", "FAIL"), ("shop", "PASS"), ("internal", "FAIL")}
    aws.deny("elastic-load-balancing-v2", "DescribeLoadBalancerAttributes")
    inventory = aws.collect("elbv2")
    for check in ("elbv2_access_logging_enabled", "elbv2_alb_drops_invalid_headers"):
        assert outcomes(run_check(check, inventory)) == {
            ("public", "NOT_ASSESSED"), ("shop", "NOT_ASSESSED"), ("internal", "NOT_ASSESSED")}
    aws.deny("elastic-load-balancing-v2", "DescribeLoadBalancers")
    assert outcomes(run_check("elbv2_access_logging_enabled", aws.collect("elbv2"))) == {
        ("*@eu-west-1", "NOT_ASSESSED")}


def test_tags_in_batches(aws: Aws) -> None:
    _estate(aws)
    elb = aws.client("elbv2")
    lb = elb.describe_load_balancers(Names=["public"])["LoadBalancers"][0]["LoadBalancerArn"]
    elb.add_tags(ResourceArns=[lb], Tags=[{"Key": "team", "Value": "infra"}])
    tags = {b.name: b.tags for b in aws.collect("elbv2").elbv2_load_balancers.items}
    assert tags == {"public": {"team": "infra"}, "shop": {}, "internal": {}}
    aws.deny("elastic-load-balancing-v2", "DescribeTags")
    assert all(getattr(b.tags, "unknown", False) for b in aws.collect("elbv2").elbv2_load_balancers.items)


def test_waf_protects_internet_facing_albs(aws: Aws) -> None:
    arns = _estate(aws)
    waf = aws.client("wafv2")
    acl = waf.create_web_acl(Name="edge", Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig={
        "SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "edge"})["Summary"]["ARN"]
    waf.associate_web_acl(WebACLArn=acl, ResourceArn=arns["public"])
    # moto 5.2 does not emulate ListResourcesForWebACL: answered as the API reference shapes it.
    aws.answer("wafv2", "ListResourcesForWebACL", {"ResourceArns": [arns["public"]]})
    check = "elbv2_internet_facing_alb_waf_protected"
    assert outcomes(run_check(check, aws.collect("elbv2", "wafv2"))) == {("public", "PASS"), ("shop", "FAIL")}
    aws.audit_session.events.unregister("before-call.wafv2.ListResourcesForWebACL",
                                        unique_id="answer-wafv2-ListResourcesForWebACL")
    aws.deny("wafv2", "ListResourcesForWebACL")
    assert outcomes(run_check(check, aws.collect("elbv2", "wafv2"))) == {
        ("public", "NOT_ASSESSED"), ("shop", "NOT_ASSESSED")}
    aws.deny("wafv2", "ListWebACLs")
    assert outcomes(run_check(check, aws.collect("elbv2", "wafv2"))) == {("*@eu-west-1", "NOT_ASSESSED")}
