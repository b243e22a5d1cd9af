"""Classic Load Balancer checks against moto."""

from __future__ import annotations

from tests.conftest import Aws, outcomes, run_check


def _estate(aws: Aws) -> None:
    """web: internet-facing HTTP+HTTPS (TLS 1.2 policy), logs on; vault: internal SSL on the 2016-08 policy;
    proxy: internal SSL on TLS 1.2, with a plain TCP listener inside the VPC."""
    cert = aws.client("acm").request_certificate(DomainName="cards.example.com")["CertificateArn"]
    elb = aws.client("elb")
    tls = {"InstancePort": 8443, "SSLCertificateId": cert}
    for name, scheme, listeners, policy in (
        ("web", "internet-facing", [{"Protocol": "HTTPS", "LoadBalancerPort": 443, "InstanceProtocol": "HTTP", **tls},
                                    {"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 8080}],
         "ELBSecurityPolicy-TLS-1-2-2017-01"),
        ("vault", "internal", [{"Protocol": "SSL", "LoadBalancerPort": 443, "InstanceProtocol": "SSL", **tls}],
         "ELBSecurityPolicy-2016-08"),
        ("proxy", "internal", [{"Protocol": "SSL", "LoadBalancerPort": 443, "InstanceProtocol": "SSL", **tls},
                               {"Protocol": "TCP", "LoadBalancerPort": 3128, "InstancePort": 3128}],
         "ELBSecurityPolicy-TLS-1-2-2017-01"),
    ):
        elb.create_load_balancer(LoadBalancerName=name, Listeners=listeners, AvailabilityZones=["eu-west-1a"],
                                 Scheme=scheme)
        elb.create_load_balancer_policy(
            LoadBalancerName=name, PolicyName="tls", PolicyTypeName="SSLNegotiationPolicyType",
            PolicyAttributes=[{"AttributeName": "Reference-Security-Policy", "AttributeValue": policy}])
        elb.set_load_balancer_policies_of_listener(LoadBalancerName=name, LoadBalancerPort=443, PolicyNames=["tls"])
    elb.modify_load_balancer_attributes(LoadBalancerName="web", LoadBalancerAttributes={
        "AccessLog": {"Enabled": True, "S3BucketName": "logs", "EmitInterval": 5}})


def test_classic_listener_tls(aws: Aws) -> None:
    _estate(aws)
    findings = run_check("elb_classic_listener_tls", aws.collect("elb"))
    assert outcomes(findings) == {("web", "FAIL"), ("vault", "FAIL"), ("proxy", "PASS")}
    reasons = {f.resource.name: f.reason for f in findings}
    assert "HTTP:80" in reasons["web"] and "TLSv1, TLSv1.1" in reasons["vault"]
    aws.deny("elastic-load-balancing", "DescribeLoadBalancerPolicies")
    # web still FAILs on its plain internet-facing listener, whatever its policy says.
    assert outcomes(run_check("elb_classic_listener_tls", aws.collect("elb"))) == {
        ("web", "FAIL"), ("vault", "NOT_ASSESSED"), ("proxy", "NOT_ASSESSED")}
    aws.deny("elastic-load-balancing", "DescribeLoadBalancers")
    assert outcomes(run_check("elb_classic_listener_tls", aws.collect("elb"))) == {("*@eu-west-1", "NOT_ASSESSED")}


def test_classic_access_logs(aws: Aws) -> None:
    _estate(aws)
    inventory = aws.collect("elb")
    assert outcomes(run_check("elb_classic_access_logging_enabled", inventory)) == {
        ("web", "PASS"), ("vault", "FAIL"), ("proxy", "FAIL")}
    assert inventory.elb_load_balancers.items[0].arn.startswith("arn:aws:elasticloadbalancing:eu-west-1:")
    aws.deny("elastic-load-balancing", "DescribeLoadBalancerAttributes")
    assert outcomes(run_check("elb_classic_access_logging_enabled", aws.collect("elb"))) == {
        ("web", "NOT_ASSESSED"), ("vault", "NOT_ASSESSED"), ("proxy", "NOT_ASSESSED")}
    aws.deny("elastic-load-balancing", "DescribeLoadBalancers")
    assert outcomes(run_check("elb_classic_access_logging_enabled", aws.collect("elb"))) == {
        ("*@eu-west-1", "NOT_ASSESSED")}


def test_protocol_attributes_win_over_the_reference_table(aws: Aws) -> None:
    """AWS lists each Protocol-* attribute of a policy; those decide (answered as the API reference shapes it)."""
    _estate(aws)
    aws.answer("elastic-load-balancing", "DescribeLoadBalancerPolicies", {"PolicyDescriptions": [{
        "PolicyName": "tls", "PolicyTypeName": "SSLNegotiationPolicyType", "PolicyAttributeDescriptions": [
            {"AttributeName": "Reference-Security-Policy", "AttributeValue": "ELBSecurityPolicy-TLS-1-2-2017-01"},
            {"AttributeName": "Protocol-TLSv1", "AttributeValue": "true"},
            {"AttributeName": "Protocol-TLSv1.2", "AttributeValue": "true"}]}]})
    assert outcomes(run_check("elb_classic_listener_tls", aws.collect("elb"))) == {
        ("web", "FAIL"), ("vault", "FAIL"), ("proxy", "FAIL")}
