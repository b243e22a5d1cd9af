"""The demo platform repository's Pulumi state export, for the estate the platform stack builds.

The hand-written head of `acme/platform/iac/infra-prod.json` holds the core stack (keys, buckets,
roles, the trail, the cluster...). The rest of the estate that Pulumi builds for infra (network,
edge, data stores, monitoring, build projects) sits under one component resource,
`acme:platform:Estate`, and is generated here from a seeded account: moto's ids are seeded, so the
ids and ARNs are the same on every run, and a test keeps the committed file equal to this output.
Regenerate it with:

    python -m cardaudit.demo.pulumi_state
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cardaudit.models.inventory import AwsResource, Inventory

STATE_FILE = Path(__file__).resolve().parent / "repos" / "acme" / "platform" / "iac" / "infra-prod.json"
COMPONENT = "acme:platform:Estate"
_STAMP = "2026-11-24T16:42:58.902Z"

# What infra's tagging standard marks as its own but Pulumi never built: made by hand, or by AWS.
# The demo reports them as unmanaged on purpose.
BY_HAND = frozenset({
    "legacy-bastion", "legacy-bastion-sg", "legacy-bastion-root", "partner-sftp-sg", "acme-payments-debug",
    "legacy-admin", "break-glass", "statements-legacy-elb", "partners-legacy.acme-card.example",
    "settlement-report-build", "codebuild-settlement-reports", "ops-vault", "alias/partner-settlement-share",
})
# Account and region settings, snapshots and registrations: never in a stack (ownership.yaml allows it).
_NEVER_IN_A_STACK = frozenset({
    "AWS::IAM::RootAccount", "AWS::IAM::AccountPasswordPolicy", "AWS::S3::AccountPublicAccessBlock",
    "AWS::EC2::EBSEncryptionByDefault", "AWS::Config::ConfigurationRecorder", "AWS::GuardDuty::Detector",
    "AWS::SecurityHub::Hub", "AWS::InspectorV2::AccountStatus", "AWS::ECR::RegistryScanningConfiguration",
    "AWS::EC2::Snapshot", "AWS::RDS::DBSnapshot", "AWS::RDS::DBClusterSnapshot", "AWS::SSM::ManagedInstance",
    "AWS::Logs::MetricFilter", "AWS::Backup::ProtectedResources",
})


def _pulumi_type(resource: AwsResource) -> str:
    declared = resource.resource_type
    named = [t for t in declared.iac_name_types if t.startswith("aws:")]
    if named:
        return named[0]
    service, kind = declared.cfn_type.split("::")[1:]
    return f"aws:{service.lower()}/{kind[0].lower()}{kind[1:]}:{kind}"


def estate_resources(inventory: Inventory, claimed: set[str]) -> list[dict[str, Any]]:
    """Pulumi state entries for infra's resources of the estate that the hand-written head does not hold
    (by ARN or by name); the default VPCs and their groups and ACLs are AWS's, not the stack's."""
    out: list[dict[str, Any]] = []
    for resource in sorted(inventory.resources(), key=lambda r: (r.cfn_type, r.arn)):
        tags = resource.tags if isinstance(resource.tags, dict) else {}
        shown = tags.get("Name", resource.name)
        if (tags.get("team") != "infra" or {resource.arn, resource.name} & claimed
                or resource.cfn_type in _NEVER_IN_A_STACK or {resource.name, shown} & BY_HAND
                or shown == "default" or resource.aws_managed):
            continue
        kind = _pulumi_type(resource)
        out.append({
            "urn": f"urn:pulumi:prod::infra::{COMPONENT}${kind}::{shown}",
            "custom": True, "id": resource.name, "type": kind, "outputs": {"arn": resource.arn},
            "parent": f"urn:pulumi:prod::infra::{COMPONENT}::estate", "created": _STAMP, "modified": _STAMP,
        })
    return out


def render(inventory: Inventory, current: dict[str, Any]) -> str:
    """The state file: the hand-written head unchanged, then the component and its generated children."""
    head = [r for r in current["deployment"]["resources"] if COMPONENT not in r.get("urn", "")]
    claimed = {str((r.get("outputs") or {}).get("arn")) for r in head} | {str(r.get("id")) for r in head}
    component = {"urn": f"urn:pulumi:prod::infra::{COMPONENT}::estate", "custom": False, "type": COMPONENT,
                 "parent": "urn:pulumi:prod::infra::pulumi:pulumi:Stack::infra-prod", "created": _STAMP,
                 "modified": _STAMP}
    document = {**current, "deployment": {**current["deployment"],
                                          "resources": [*head, component, *estate_resources(inventory, claimed)]}}
    return json.dumps(document, indent=1) + "\n"


def seeded_inventory() -> Inventory:
    """The demo account, seeded in-process and collected like any account (no repositories)."""
    import boto3
    from moto import mock_aws

    from cardaudit import audit
    from cardaudit.collect.session import audit_session
    from cardaudit.demo.run import _demo_env
    from cardaudit.demo.seed import DEMO_REGIONS, HOME_REGION, seed_aws
    from cardaudit.models.report import AuditConfig

    with _demo_env(), mock_aws():
        seed_aws(boto3.session.Session(region_name=HOME_REGION))
        return audit.collect(AuditConfig(regions=list(DEMO_REGIONS), aws_verdicts=False),
                             session=audit_session(region=HOME_REGION))


def main() -> None:
    current = json.loads(STATE_FILE.read_text(encoding="utf-8"))
    STATE_FILE.write_text(render(seeded_inventory(), current), encoding="utf-8")
    print(f"wrote {STATE_FILE}")


if __name__ == "__main__":
    main()
