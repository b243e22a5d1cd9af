"""Demo estate, edge: ELB, CloudFront, API Gateway, WAF, ACM.

Acme Card's public entry points: the card API behind an internet-facing ALB (HTTPS on a TLS 1.2
policy, but its port 80 still forwards, and nobody turned its access logs on), an internal ALB
for back-office tools on the console's old TLS policy, two Classic Load Balancers left from the
first statements platform, the statements site and the marketing site on CloudFront, the partner
REST API with a logged, WAF-protected `prod` stage and a forgotten `sandbox` stage, and the
certificates they use: one imported statements certificate expires in 12 days.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3

from cardaudit.demo.seed import GLOBAL_REGION, HOME_REGION, Seeded, _arn, _client, _tag_list, _tags

DOMAIN = "acme-card.example"

# The deliberate gaps of this domain, by ARN where it is fixed, else by the resource's name in the
# report (ALB, API and distribution ids are random; distributions by their Comment).
DOMAIN_GAPS: dict[str, str] = {
    "cards-public-alb": "HTTP:80 listener forwards to card-api instead of redirecting to HTTPS; access logs off",
    "backoffice-internal-alb": "HTTPS listener on ELBSecurityPolicy-2016-08 (TLS 1.0 and 1.1 accepted); "
                               "invalid HTTP header fields not dropped",
    _arn("elasticloadbalancing", "loadbalancer/statements-legacy-elb"): (
        "internet-facing Classic Load Balancer with a plain HTTP:80 listener"),
    _arn("elasticloadbalancing", "loadbalancer/hsm-proxy-elb"): "Classic Load Balancer without access logs",
    "marketing-site": "default *.cloudfront.net certificate (TLS 1.0), no access logs, no web ACL",
    "statements-site": "behaviour /legacy/* allows plain HTTP",
    "partner-api/sandbox": "no access logs, no web ACL",
    f"arn:aws:apigateway:{HOME_REGION}::/domainnames/partners-legacy.{DOMAIN}": "security policy TLS_1_0",
    "partner-api-acl": "web ACL without a logging configuration",
    f"statements.{DOMAIN}": "imported certificate expiring in 12 days",
}

_VALID_DAYS = 397  # the longest validity public CAs issue
_EXPIRING_DAYS = 12


def seed(session: boto3.session.Session, seeded: Seeded) -> None:
    """Create this domain's resources: compliant ones and the gaps listed in DOMAIN_GAPS."""
    _teach_moto_list_resources_for_web_acl()
    certs = _seed_certificates(session)
    public_alb = _seed_load_balancers(session, seeded, certs)
    _seed_classic(session, seeded, certs)
    stage_arn = _seed_api_gateway(session, certs)
    cdn_acl = _seed_waf(session, [public_alb, stage_arn])
    _seed_cloudfront(session, certs, cdn_acl)


# --------------------------------------------------------------------------------------------
# ACM


def _seed_certificates(session: boto3.session.Session) -> dict[str, str]:
    """Import the certificates (ACM-issued ones stay PENDING_VALIDATION in an emulator): name -> ARN."""
    # cryptography comes with moto, which the demo needs anyway; one EC key signs all, quickly.
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    now = datetime.now(UTC)

    def certificate(name: str, days: int) -> bytes:
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=30))
                .not_valid_after(now + timedelta(days=days))
                .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
                .sign(key, hashes.SHA256()))
        return cert.public_bytes(serialization.Encoding.PEM)

    out: dict[str, str] = {}
    for label, name, days, region in (
        ("cards", f"cards.{DOMAIN}", _VALID_DAYS, HOME_REGION),
        ("api", f"api.{DOMAIN}", _VALID_DAYS, HOME_REGION),
        # Bought for the statements relaunch; the renewal ticket sits in the backlog (gap).
        ("statements", f"statements.{DOMAIN}", _EXPIRING_DAYS, HOME_REGION),
        ("cdn", f"www.{DOMAIN}", _VALID_DAYS, GLOBAL_REGION),  # CloudFront takes certificates from us-east-1
    ):
        acm = _client(session, "acm", region)
        out[label] = acm.import_certificate(Certificate=certificate(name, days), PrivateKey=key_pem,
                                            Tags=_tag_list(_tags("infra", "edge")))["CertificateArn"]
    return out


# --------------------------------------------------------------------------------------------
# Elastic Load Balancing


def _seed_load_balancers(session: boto3.session.Session, seeded: Seeded, certs: dict[str, str]) -> str:
    """The public card API ALB and the internal back-office ALB; returns the public ALB's ARN."""
    elbv2 = _client(session, "elbv2", HOME_REGION)
    subnets = list(seeded.network.subnet_ids)
    target_group = elbv2.create_target_group(
        Name="card-api", Protocol="HTTP", Port=8080, VpcId=seeded.network.vpc_id, TargetType="ip",
        HealthCheckPath="/health", Tags=_tag_list(_tags("infra", "card-api")),
    )["TargetGroups"][0]["TargetGroupArn"]
    forward = [{"Type": "forward", "TargetGroupArn": target_group}]

    public = elbv2.create_load_balancer(
        Name="cards-public-alb", Subnets=subnets, Scheme="internet-facing", Type="application",
        SecurityGroups=[seeded.network.security_groups["card-api"]],
        Tags=_tag_list(_tags("infra", "card-api", **{"pci-scope": "cde"})),
    )["LoadBalancers"][0]["LoadBalancerArn"]
    elbv2.create_listener(LoadBalancerArn=public, Protocol="HTTPS", Port=443,
                          SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
                          Certificates=[{"CertificateArn": certs["cards"]}], DefaultActions=forward)
    # Left from the load test, "temporarily" (gap): port 80 serves the API in clear text.
    elbv2.create_listener(LoadBalancerArn=public, Protocol="HTTP", Port=80, DefaultActions=forward)
    elbv2.modify_load_balancer_attributes(LoadBalancerArn=public, Attributes=[
        {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"}])

    internal = elbv2.create_load_balancer(
        Name="backoffice-internal-alb", Subnets=subnets, Scheme="internal", Type="application",
        Tags=_tag_list(_tags("infra", "backoffice")),
    )["LoadBalancers"][0]["LoadBalancerArn"]
    # Created in the console years ago with its default policy of the time (gap).
    elbv2.create_listener(LoadBalancerArn=internal, Protocol="HTTPS", Port=443, SslPolicy="ELBSecurityPolicy-2016-08",
                          Certificates=[{"CertificateArn": certs["cards"]}], DefaultActions=forward)
    elbv2.modify_load_balancer_attributes(LoadBalancerArn=internal, Attributes=[
        {"Key": "access_logs.s3.enabled", "Value": "true"},
        {"Key": "access_logs.s3.bucket", "Value": "acme-elb-access-logs"},
        {"Key": "access_logs.s3.prefix", "Value": "backoffice"}])
    return str(public)


def _seed_classic(session: boto3.session.Session, seeded: Seeded, certs: dict[str, str]) -> None:
    """Two Classic Load Balancers from the first statements platform."""
    elb = _client(session, "elb", HOME_REGION)
    subnets = list(seeded.network.subnet_ids)
    tls12 = [{"AttributeName": "Reference-Security-Policy", "AttributeValue": "ELBSecurityPolicy-TLS-1-2-2017-01"}]
    for name, scheme, listeners, logs in (
        # Still answers on port 80 for old bookmarks (gap).
        ("statements-legacy-elb", "internet-facing", [
            {"Protocol": "HTTPS", "LoadBalancerPort": 443, "InstanceProtocol": "HTTP", "InstancePort": 8080,
             "SSLCertificateId": certs["statements"]},
            {"Protocol": "HTTP", "LoadBalancerPort": 80, "InstanceProtocol": "HTTP", "InstancePort": 8080}], True),
        # Nobody enabled its access logs (gap).
        ("hsm-proxy-elb", "internal", [
            {"Protocol": "SSL", "LoadBalancerPort": 443, "InstanceProtocol": "SSL", "InstancePort": 1792,
             "SSLCertificateId": certs["cards"]}], False),
    ):
        elb.create_load_balancer(LoadBalancerName=name, Listeners=listeners, Subnets=subnets, Scheme=scheme,
                                 Tags=_tag_list(_tags("infra", "statements")))
        elb.create_load_balancer_policy(LoadBalancerName=name, PolicyName="tls-1-2",
                                        PolicyTypeName="SSLNegotiationPolicyType", PolicyAttributes=tls12)
        elb.set_load_balancer_policies_of_listener(LoadBalancerName=name, LoadBalancerPort=443,
                                                   PolicyNames=["tls-1-2"])
        if logs:
            elb.modify_load_balancer_attributes(LoadBalancerName=name, LoadBalancerAttributes={"AccessLog": {
                "Enabled": True, "S3BucketName": "acme-elb-access-logs", "S3BucketPrefix": name, "EmitInterval": 5}})


# --------------------------------------------------------------------------------------------
# API Gateway


def _seed_api_gateway(session: boto3.session.Session, certs: dict[str, str]) -> str:
    """The partner REST API: `prod` logged (and behind WAF), `sandbox` not; returns prod's stage ARN."""
    apigw = _client(session, "apigateway", HOME_REGION)
    api_id = apigw.create_rest_api(name="partner-api", description="Card status and limits for partners",
                                   endpointConfiguration={"types": ["REGIONAL"]},
                                   tags=_tags("infra", "partner-api"))["id"]
    root = apigw.get_resources(restApiId=api_id)["items"][0]["id"]
    apigw.put_method(restApiId=api_id, resourceId=root, httpMethod="GET", authorizationType="AWS_IAM")
    apigw.put_integration(restApiId=api_id, resourceId=root, httpMethod="GET", type="MOCK")
    deployment = apigw.create_deployment(restApiId=api_id)["id"]
    for stage in ("prod", "sandbox"):
        apigw.create_stage(restApiId=api_id, stageName=stage, deploymentId=deployment,
                           tags=_tags("infra", "partner-api", stage=stage))
    log_group = _arn("logs", "log-group:/aws/apigateway/partner-api-prod")
    access_format = json.dumps({"requestId": "$context.requestId", "ip": "$context.identity.sourceIp",
                                "caller": "$context.identity.caller", "time": "$context.requestTime",
                                "resource": "$context.resourcePath", "status": "$context.status"})
    apigw.update_stage(restApiId=api_id, stageName="prod", patchOperations=[
        {"op": "replace", "path": "/accessLogSettings/destinationArn", "value": log_group},
        {"op": "replace", "path": "/accessLogSettings/format", "value": access_format},
        {"op": "replace", "path": "/*/*/logging/loglevel", "value": "ERROR"},
    ])
    for name, policy in ((f"api.{DOMAIN}", "TLS_1_2"), (f"partners-legacy.{DOMAIN}", "TLS_1_0")):
        apigw.create_domain_name(domainName=name, regionalCertificateArn=certs["api"], securityPolicy=policy,
                                 endpointConfiguration={"types": ["REGIONAL"]}, tags=_tags("infra", "partner-api"))
    return f"arn:aws:apigateway:{HOME_REGION}::/restapis/{api_id}/stages/prod"


# --------------------------------------------------------------------------------------------
# WAF


def _seed_waf(session: boto3.session.Session, protected: list[str]) -> str:
    """cards-edge-acl protects the public ALB and the partner API's prod stage, and logs; the
    partner-api-acl prepared for a migration protects nothing yet and logs nowhere (gap). Returns
    the ARN of the CloudFront web ACL."""
    waf = _client(session, "wafv2", HOME_REGION)
    visibility = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True}
    core_rules = [{"Name": "aws-common", "Priority": 0, "OverrideAction": {"None": {}},
                   "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS",
                                                               "Name": "AWSManagedRulesCommonRuleSet"}},
                   "VisibilityConfig": {**visibility, "MetricName": "aws-common"}}]
    acls: dict[str, str] = {}
    for name in ("cards-edge-acl", "partner-api-acl"):
        acls[name] = waf.create_web_acl(Name=name, Scope="REGIONAL", DefaultAction={"Allow": {}}, Rules=core_rules,
                                        VisibilityConfig={**visibility, "MetricName": name},
                                        Tags=_tag_list(_tags("infra", "edge")))["Summary"]["ARN"]
    for resource in protected:
        waf.associate_web_acl(WebACLArn=acls["cards-edge-acl"], ResourceArn=resource)
    waf.put_logging_configuration(LoggingConfiguration={
        "ResourceArn": acls["cards-edge-acl"],
        "LogDestinationConfigs": [_arn("logs", "log-group:aws-waf-logs-cards-edge")]})
    # CloudFront's web ACLs live in us-east-1, in the CLOUDFRONT scope.
    return str(_client(session, "wafv2", GLOBAL_REGION).create_web_acl(
        Name="statements-cdn-acl", Scope="CLOUDFRONT", DefaultAction={"Allow": {}}, Rules=core_rules,
        VisibilityConfig={**visibility, "MetricName": "statements-cdn-acl"},
        Tags=_tag_list(_tags("infra", "edge")))["Summary"]["ARN"])


def _teach_moto_list_resources_for_web_acl() -> None:
    """Answer wafv2:ListResourcesForWebACL, which moto (5.2) does not emulate, from moto's own records.

    moto keeps each web ACL's associations (AssociateWebACL, GetWebACLForResource work); only the
    listing call is missing. Installed once, and only while moto lacks it, so that the demo reads
    the association the way it reads AWS.
    """
    from moto.wafv2.models import wafv2_backends
    from moto.wafv2.responses import WAFV2Response

    if hasattr(WAFV2Response, "list_resources_for_web_acl"):
        return
    # ResourceType -> the ARN fragment that resource type carries.
    fragments = {"APPLICATION_LOAD_BALANCER": ":loadbalancer/app/", "API_GATEWAY": ":apigateway:",
                 "APPSYNC": ":appsync:", "COGNITO_USER_POOL": ":userpool/"}

    def list_resources_for_web_acl(self: Any) -> tuple[int, dict[str, str], str]:
        body = json.loads(self.body)
        fragment = fragments.get(body.get("ResourceType", "APPLICATION_LOAD_BALANCER"), "\0")
        backend = wafv2_backends[self.current_account][self.region]
        acl = next((a for a in backend.wacls.values() if a.arn == body["WebACLArn"]), None)
        if acl is None:
            error = {"__type": "WAFNonexistentItemException", "message": "AWS WAF couldn't find the web ACL"}
            return 400, {"Content-Type": "application/json"}, json.dumps(error)
        arns = [arn for arn in acl.associated_resources if fragment in arn]
        return 200, {"Content-Type": "application/json"}, json.dumps({"ResourceArns": arns})

    WAFV2Response.list_resources_for_web_acl = list_resources_for_web_acl  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------------------
# CloudFront


def _seed_cloudfront(session: boto3.session.Session, certs: dict[str, str], waf_acl: str) -> None:
    """statements-site (custom certificate, TLS 1.2, logs, WAF; one legacy behaviour allows HTTP)
    and marketing-site (default certificate, no logs, no WAF)."""
    cloudfront = _client(session, "cloudfront", GLOBAL_REGION)

    def behaviour(policy: str, path: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"TargetOriginId": "origin", "ViewerProtocolPolicy": policy, "MinTTL": 0,
                               "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}}}
        return {"PathPattern": path, **out} if path else out

    for name, origin, extra in (
        ("statements-site", f"statements-origin.{DOMAIN}", {
            "Aliases": {"Quantity": 1, "Items": [f"www.{DOMAIN}"]},
            # Old statement links still use http:// (gap).
            "CacheBehaviors": {"Quantity": 1, "Items": [behaviour("allow-all", "/legacy/*")]},
            "Logging": {"Enabled": True, "IncludeCookies": False, "Bucket": "acme-cdn-logs.s3.amazonaws.com",
                        "Prefix": "statements/"},
            "ViewerCertificate": {"ACMCertificateArn": certs["cdn"], "SSLSupportMethod": "sni-only",
                                  "MinimumProtocolVersion": "TLSv1.2_2021"},
            "WebACLId": waf_acl}),
        # Launched by an agency on the default certificate, without logs or WAF (gap).
        ("marketing-site", f"marketing-origin.{DOMAIN}", {"ViewerCertificate": {"CloudFrontDefaultCertificate": True}}),
    ):
        config = {
            "CallerReference": name, "Comment": name, "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [{"Id": "origin", "DomainName": origin, "CustomOriginConfig": {
                "HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"}}]},
            "DefaultCacheBehavior": behaviour("redirect-to-https"), **extra,
        }
        cloudfront.create_distribution_with_tags(DistributionConfigWithTags={
            "DistributionConfig": config, "Tags": {"Items": _tag_list(_tags("infra", name))}})

