"""API Gateway checks against moto."""

from __future__ import annotations

from tests.conftest import Aws, outcomes, run_check


def _estate(aws: Aws) -> None:
    """cards (REGIONAL): prod logged and behind WAF, dev neither; internal (PRIVATE): live, logged;
    domains: api (TLS_1_2), old (TLS_1_0)."""
    apigw = aws.client("apigateway")
    for name, kind in (("cards", "REGIONAL"), ("internal", "PRIVATE")):
        api = apigw.create_rest_api(name=name, endpointConfiguration={"types": [kind]})["id"]
        root = apigw.get_resources(restApiId=api)["items"][0]["id"]
        apigw.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
        apigw.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
        deployment = apigw.create_deployment(restApiId=api)["id"]
        stages = ("prod", "dev") if name == "cards" else ("live",)
        for stage in stages:
            apigw.create_stage(restApiId=api, stageName=stage, deploymentId=deployment)
        for stage in stages[:1]:
            apigw.update_stage(restApiId=api, stageName=stage, patchOperations=[
                {"op": "replace", "path": "/accessLogSettings/destinationArn",
                 "value": "arn:aws:logs:eu-west-1:111122223333:log-group:api"},
                {"op": "replace", "path": "/accessLogSettings/format", "value": "$context.requestId"}])
        if name == "cards":
            waf = aws.client("wafv2")
            acl = waf.create_web_acl(Name="api", Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig={
                "SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "api"})["Summary"]
            waf.associate_web_acl(WebACLArn=acl["ARN"],
                                  ResourceArn=f"arn:aws:apigateway:eu-west-1::/restapis/{api}/stages/prod")
    cert = aws.client("acm").request_certificate(DomainName="api.example.com")["CertificateArn"]
    for domain, policy in (("api.example.com", "TLS_1_2"), ("old.example.com", "TLS_1_0")):
        apigw.create_domain_name(domainName=domain, regionalCertificateArn=cert, securityPolicy=policy,
                                 endpointConfiguration={"types": ["REGIONAL"]})


def test_stage_checks(aws: Aws) -> None:
    _estate(aws)
    inventory = aws.collect("apigateway")
    assert outcomes(run_check("apigateway_stage_access_logging_enabled", inventory)) == {
        ("cards/prod", "PASS"), ("cards/dev", "FAIL"), ("internal/live", "PASS")}
    # PRIVATE APIs are reached through VPC endpoints only: not judged for WAF.
    assert outcomes(run_check("apigateway_stage_waf_protected", inventory)) == {
        ("cards/prod", "PASS"), ("cards/dev", "FAIL")}
    assert outcomes(run_check("apigateway_domain_tls12", inventory)) == {
        ("api.example.com", "PASS"), ("old.example.com", "FAIL")}
    # GetStages lists the stages of an API: refused, the stages are blind in the region; domains are not.
    aws.deny("api-gateway", "GetStages")
    inventory = aws.collect("apigateway")
    for check in ("apigateway_stage_access_logging_enabled", "apigateway_stage_waf_protected"):
        assert outcomes(run_check(check, inventory)) == {("*@eu-west-1", "NOT_ASSESSED")}, check
    assert outcomes(run_check("apigateway_domain_tls12", inventory)) == {
        ("api.example.com", "PASS"), ("old.example.com", "FAIL")}
    aws.deny("api-gateway", "GetRestApis")
    aws.deny("api-gateway", "GetDomainNames")
    inventory = aws.collect("apigateway")
    for check in ("apigateway_stage_access_logging_enabled", "apigateway_domain_tls12"):
        assert outcomes(run_check(check, inventory)) == {("*@eu-west-1", "NOT_ASSESSED")}, check


def test_enhanced_security_policies(aws: Aws) -> None:
    """Enhanced policy names, answered as the GetDomainNames API reference shapes them."""
    aws.answer("api-gateway", "GetDomainNames", {"items": [
        {"domainName": "a.example.com", "securityPolicy": "SecurityPolicy_TLS13_1_2_2021_06"},
        {"domainName": "b.example.com", "securityPolicy": "SecurityPolicy_TLS13_1_0_2021_06"},
        {"domainName": "c.example.com", "securityPolicy": "SecurityPolicy_Future"}]})
    assert outcomes(run_check("apigateway_domain_tls12", aws.collect("apigateway"))) == {
        ("a.example.com", "PASS"), ("b.example.com", "FAIL"), ("c.example.com", "NOT_ASSESSED")}
