"""Demo estate, identity: IAM: account summary, password policy, policies, groups.

People get their permissions from groups (card-api-developers, platform-operators) through scoped
customer managed policies. The gaps: a password policy that a 2019 audit left at 8 characters
without reuse prevention, an unattached `legacy-admin` policy allowing everything, an empty
`break-glass` group with an inline administrator policy, an analyst with a policy attached to
her directly, and a contractor whose console password was never used.

The root user has MFA and no access keys, as an issuer's would. moto cannot express that (its
account summary says 0 for both), so `seed` sets it in moto's backend when that backend is in
this process, as `seed.backdate` does for key ages; against a moto elsewhere the root user shows
no MFA.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3

from cardaudit.demo.seed import (
    DEMO_ACCOUNT,
    GLOBAL_REGION,
    Seeded,
    _allow,
    _arn,
    _client,
    _policy,
    _tag_list,
    _tags,
    _trust,
)

_IAM = f"arn:aws:iam::{DEMO_ACCOUNT}"

# What the identity part of the demo report must show, keyed by ARN.
DOMAIN_GAPS: dict[str, str] = {
    f"{_IAM}:account-password-policy": "minimum length 8 (12 required) and no password reuse prevention",
    f"{_IAM}:policy/legacy-admin": "customer managed policy allowing * on * (not attached, one step from use)",
    f"{_IAM}:group/break-glass": "inline policy allowing * on *",
    f"{_IAM}:user/dana.analyst": "managed policy statements-read attached to the user, not through a group",
    f"{_IAM}:user/ci-deployer": "inline policy on the user (core estate)",
    f"{_IAM}:user/svc-reporting": "inline policy on the user (core estate)",
    f"{_IAM}:user/carol.contractor": "console password never used; user created 150 days ago (set in moto's backend)",
}

# The ownership gap of the demo's identity part (an ownership finding, not a control): role ARN -> what it shows.
ACCESS_GAPS: dict[str, str] = {
    f"{_IAM}:role/card-api-deploy": "app's deploy role can modify infra's database (rds:ModifyDBInstance on *, "
                                    "Sid SchemaMigrations of card-api-deploy-access)",
}

# Who can change vs who owns: the app team's roles as ownership.yaml declares them (teams.app.principals).
# The deploy role was given database rights "for migrations"; the read-and-run role is what the
# app team should hold. infra acts through its Identity Center permission set.
APP_DEPLOY_ROLE = "card-api-deploy"
APP_OPERATOR_ROLE = "card-api-operator"
INFRA_SSO_ROLE = "AWSReservedSSO_PlatformAdmin_4f1c2b9d8e7a6b5c"
_SSO_PATH = "/aws-reserved/sso.amazonaws.com/eu-west-1/"

CONTRACTOR_AGE = timedelta(days=150)

_STATEMENTS_BUCKET = "arn:aws:s3:::acme-card-statements-prod"


def seed(session: boto3.session.Session, seeded: Seeded) -> None:
    """Create this domain's resources: compliant ones and the gaps listed in DOMAIN_GAPS."""
    del seeded  # nothing of the core estate is referred to by ARN here
    iam = _client(session, "iam", GLOBAL_REGION)
    # Replaces the core estate's policy: the settings a 2019 audit left behind (complexity and
    # 90-day expiry kept, length and history not raised for v4.0.1).
    iam.update_account_password_policy(
        MinimumPasswordLength=8, RequireSymbols=True, RequireNumbers=True, RequireUppercaseCharacters=True,
        RequireLowercaseCharacters=True, AllowUsersToChangePassword=True, MaxPasswordAge=90,
    )
    policies = _seed_policies(iam)
    _seed_groups(iam, policies)
    _seed_people(iam, policies)
    _seed_team_roles(iam, policies)
    _age_in_moto()


def _seed_policies(iam: Any) -> dict[str, str]:
    """Customer managed policies by name -> ARN."""
    specs = {
        "card-api-developer-access": (_tags("app", "card-api"), _policy(
            _allow(["ecs:Describe*", "ecs:List*", "logs:GetLogEvents", "logs:FilterLogEvents"], "*"),
            _allow(["ecr:DescribeImages", "ecr:DescribeImageScanFindings"], [_arn("ecr", "repository/card-api")]),
        )),
        "platform-operations": (_tags("infra", "platform"), _policy(
            _allow(["ec2:Describe*", "ecs:*", "cloudwatch:*", "logs:*"], "*"),
        )),
        "statements-read": (_tags("app", "reporting"), _policy(
            _allow(["s3:GetObject", "s3:ListBucket"], [_STATEMENTS_BUCKET, f"{_STATEMENTS_BUCKET}/*"]),
        )),
        # The app team's pipeline role: deploys the service, and (the gap) may modify any database.
        "card-api-deploy-access": (_tags("app", "card-api"), _policy(
            {**_allow(["ecs:UpdateService", "ecs:DescribeServices"], [_arn("ecs", "service/cards-prod/*")]),
             "Sid": "DeployService"},
            {**_allow(["rds:ModifyDBInstance", "rds:RebootDBInstance", "rds:DescribeDBInstances"], "*"),
             "Sid": "SchemaMigrations"},
        )),
        # What the app team needs day to day: read everything it runs on, start its own pipeline.
        "card-api-operator-access": (_tags("app", "card-api"), _policy(
            {**_allow(["ecs:Describe*", "ecs:List*", "rds:DescribeDBInstances", "logs:GetLogEvents",
                       "logs:FilterLogEvents", "cloudwatch:GetMetricData"], "*"), "Sid": "Read"},
            {**_allow(["codepipeline:StartPipelineExecution", "codepipeline:GetPipelineState"],
                      [_arn("codepipeline", "card-api-deploy")]), "Sid": "RunPipeline"},
        )),
        # Made for the 2019 migration and never deleted: nothing is attached to it today.
        "legacy-admin": (_tags("infra", "platform", purpose="2019 data-centre migration"), _policy(
            _allow(["*"], "*"),
        )),
    }
    return {
        name: str(iam.create_policy(PolicyName=name, PolicyDocument=document, Tags=_tag_list(tags),
                                    Description=f"Acme Card: {name}")["Policy"]["Arn"])
        for name, (tags, document) in specs.items()
    }


def _seed_groups(iam: Any, policies: dict[str, str]) -> None:
    for group, policy, members in (
        ("card-api-developers", "card-api-developer-access", ["bob.dev"]),
        ("platform-operators", "platform-operations", ["alice.ops"]),
    ):
        iam.create_group(GroupName=group)
        iam.attach_group_policy(GroupName=group, PolicyArn=policies[policy])
        for user in members:
            iam.add_user_to_group(GroupName=group, UserName=user)
    # An emergency group kept empty until an incident; its inline policy grants everything.
    iam.create_group(GroupName="break-glass")
    iam.put_group_policy(GroupName="break-glass", PolicyName="everything", PolicyDocument=_policy(_allow(["*"], "*")))


def _seed_people(iam: Any, policies: dict[str, str]) -> None:
    """An analyst with a policy of her own (gap) and a contractor who never signed in (gap)."""
    for name, team, app in (("dana.analyst", "app", "reporting"), ("carol.contractor", "infra", "platform")):
        iam.create_user(UserName=name, Tags=_tag_list(_tags(team, app)))
        iam.create_login_profile(UserName=name, Password="Initial-Passw0rd!2025", PasswordResetRequired=True)
        mfa = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
        iam.enable_mfa_device(UserName=name, SerialNumber=mfa["SerialNumber"], AuthenticationCode1="318604",
                              AuthenticationCode2="905127")
    iam.attach_user_policy(UserName="dana.analyst", PolicyArn=policies["statements-read"])


def _seed_team_roles(iam: Any, policies: dict[str, str]) -> None:
    """The roles teams act through: app's deploy and operator roles, infra's Identity Center role."""
    for name, service, policy in ((APP_DEPLOY_ROLE, "codebuild.amazonaws.com", "card-api-deploy-access"),
                                  (APP_OPERATOR_ROLE, "codepipeline.amazonaws.com", "card-api-operator-access")):
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=_trust(service),
                        Tags=_tag_list(_tags("app", "card-api")), Description=f"Acme Card: {name}")
        iam.attach_role_policy(RoleName=name, PolicyArn=policies[policy])
    # Identity Center creates this role in each account for the PlatformAdmin permission set.
    iam.create_role(RoleName=INFRA_SSO_ROLE, Path=_SSO_PATH, AssumeRolePolicyDocument=_trust("sso.amazonaws.com"))
    iam.put_role_policy(RoleName=INFRA_SSO_ROLE, PolicyName="AwsSSOInlinePolicy", PolicyDocument=_policy(
        {**_allow(["rds:*", "kms:*", "cloudtrail:*"], "*"), "Sid": "PlatformServices"},
        {"Sid": "NoDataDeletion", "Effect": "Deny", "Action": ["rds:DeleteDBInstance"], "Resource": "*"},
    ))


def _age_in_moto() -> None:
    """Set what no API can: the root user's MFA, and the contractor's creation date (moto, this process)."""
    try:
        from moto.iam.models import iam_backends
    except ImportError:  # moto elsewhere: the root user shows no MFA, the contractor is new
        return
    backend = iam_backends[DEMO_ACCOUNT]["aws"]
    contractor = backend.users.get("carol.contractor")
    if contractor is None:  # this process's moto is not the one that was seeded
        return
    contractor.create_date = datetime.now(UTC).replace(tzinfo=None) - CONTRACTOR_AGE  # moto keeps naive UTC
    backend.account_summary._account_mfa_enabled = 1  # no API sets the root user's MFA
