"""IAM checks against moto: the root user, the password policy, administrator rights, direct policies and
credentials."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from freezegun import freeze_time

from cardaudit.models.inventory import Inventory
from tests.conftest import Aws, outcomes, run_check

MFA = "iam_console_user_mfa_enabled"
KEYS = "iam_access_key_rotated_90_days"


def _console_user(aws: Aws, name: str, mfa: bool) -> None:
    iam = aws.client("iam")
    iam.create_user(UserName=name)
    iam.create_login_profile(UserName=name, Password="Correct-Horse-9-Battery")
    if mfa:
        serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]["SerialNumber"]
        iam.enable_mfa_device(UserName=name, SerialNumber=serial, AuthenticationCode1="123456",
                              AuthenticationCode2="654321")


def test_console_users_mfa(aws: Aws) -> None:
    _console_user(aws, "alice.ops", mfa=True)
    _console_user(aws, "bob.dev", mfa=False)
    aws.client("iam").create_user(UserName="ci-deployer")  # no console password: not judged
    assert outcomes(run_check(MFA, aws.collect("iam"))) == {("alice.ops", "PASS"), ("bob.dev", "FAIL")}


def test_unreadable_login_profile_or_mfa(aws: Aws) -> None:
    _console_user(aws, "bob.dev", mfa=False)
    aws.deny("iam", "ListMFADevices")
    assert outcomes(run_check(MFA, aws.collect("iam"))) == {("bob.dev", "NOT_ASSESSED")}


def test_denied_user_listing(aws: Aws) -> None:
    _console_user(aws, "bob.dev", mfa=False)
    aws.deny("iam", "ListUsers")
    assert outcomes(run_check(MFA, aws.collect("iam"))) == {("*@global", "NOT_ASSESSED")}


def test_key_age(aws: Aws) -> None:
    iam = aws.client("iam")
    for name in ("ci-deployer", "svc-reporting", "retired-bot"):
        iam.create_user(UserName=name)
    with freeze_time(datetime.now(UTC) - timedelta(days=200)):
        iam.create_access_key(UserName="ci-deployer")
        old = iam.create_access_key(UserName="retired-bot")["AccessKey"]["AccessKeyId"]
    iam.update_access_key(UserName="retired-bot", AccessKeyId=old, Status="Inactive")  # inactive: not judged
    iam.create_access_key(UserName="svc-reporting")
    findings = run_check(KEYS, aws.collect("iam"))
    assert outcomes(findings) == {("ci-deployer", "FAIL"), ("svc-reporting", "PASS")}
    ages = next(f for f in findings if f.status.value == "FAIL").evidence["key_ages_days"]
    assert isinstance(ages, dict) and next(iter(ages.values())) in (199, 200)


def test_denied_key_listing(aws: Aws) -> None:
    aws.client("iam").create_user(UserName="ci-deployer")
    aws.client("iam").create_access_key(UserName="ci-deployer")
    aws.deny("iam", "ListAccessKeys")
    assert outcomes(run_check(KEYS, aws.collect("iam"))) == {("ci-deployer", "NOT_ASSESSED")}


def test_key_age_is_judged_at_collection_time(aws: Aws) -> None:
    aws.client("iam").create_user(UserName="ci-deployer")
    with freeze_time(datetime.now(UTC) - timedelta(days=80)):
        aws.client("iam").create_access_key(UserName="ci-deployer")
    inventory = aws.collect("iam")
    assert outcomes(run_check(KEYS, inventory)) == {("ci-deployer", "PASS")}
    # An 80-day-old key at collection stays PASS when the saved inventory is re-audited later...
    with freeze_time(inventory.collected_at + timedelta(days=30)):
        assert outcomes(run_check(KEYS, inventory)) == {("ci-deployer", "PASS")}
    # ...and is 100 days old in an inventory collected 20 days later.
    later = inventory.model_copy(update={"collected_at": inventory.collected_at + timedelta(days=20)})
    assert outcomes(run_check(KEYS, later)) == {("ci-deployer", "FAIL")}


# --- the root user ------------------------------------------------------------------------------

ROOT_MFA = "iam_root_mfa_enabled"
ROOT_KEYS = "iam_root_no_access_keys"


def _summary(mfa: int, keys: int) -> dict[str, object]:
    # moto hard-codes AccountMFAEnabled and AccountAccessKeysPresent to 0: this is GetAccountSummary's
    # answer as the IAM API reference shows it (SummaryMap, trimmed to the two keys read).
    return {"SummaryMap": {"AccountMFAEnabled": mfa, "AccountAccessKeysPresent": keys, "Users": 3}}


def test_root_mfa_and_keys(aws: Aws) -> None:
    # moto as it is: no MFA, no keys.
    inventory = aws.collect("iam")
    assert outcomes(run_check(ROOT_MFA, inventory)) == {("root", "FAIL")}
    assert outcomes(run_check(ROOT_KEYS, inventory)) == {("root", "PASS")}
    root = inventory.iam_root_accounts.items[0]
    assert root.arn == "arn:aws:iam::111122223333:root"
    aws.answer("iam", "GetAccountSummary", _summary(mfa=1, keys=1))
    inventory = aws.collect("iam")
    assert outcomes(run_check(ROOT_MFA, inventory)) == {("root", "PASS")}
    assert outcomes(run_check(ROOT_KEYS, inventory)) == {("root", "FAIL")}


def test_unreadable_account_summary(aws: Aws) -> None:
    aws.answer("iam", "GetAccountSummary", {"SummaryMap": {"Users": 3}})  # the two keys missing: misread
    inventory = aws.collect("iam")
    assert outcomes(run_check(ROOT_MFA, inventory)) == {("root", "NOT_ASSESSED")}
    aws.reset()
    aws.deny("iam", "GetAccountSummary")
    inventory = aws.collect("iam")
    findings = run_check(ROOT_MFA, inventory) + run_check(ROOT_KEYS, inventory)
    assert {(f.resource.name, f.status.value) for f in findings} == {("root", "NOT_ASSESSED")}
    assert all("AccessDenied" in f.reason for f in findings)


# --- the password policy ------------------------------------------------------------------------

MIN_LENGTH = "iam_password_policy_min_length"
COMPLEXITY = "iam_password_policy_complexity"
REUSE = "iam_password_policy_reuse_prevention"
MAX_AGE = "iam_password_policy_max_age"
POLICY = "account-password-policy"


def _statuses(inventory: Inventory) -> dict[str, str]:
    return {check: next(iter(outcomes(run_check(check, inventory))))[1]
            for check in (MIN_LENGTH, COMPLEXITY, REUSE, MAX_AGE)}


def test_no_password_policy_fails(aws: Aws) -> None:
    _console_user(aws, "bob.dev", mfa=False)
    inventory = aws.collect("iam")
    assert inventory.iam_password_policies.items[0].arn == "arn:aws:iam::111122223333:account-password-policy"
    for check in (MIN_LENGTH, COMPLEXITY, REUSE, MAX_AGE):
        findings = run_check(check, inventory)
        assert outcomes(findings) == {(POLICY, "FAIL")}, check
        assert "no IAM password policy" in findings[0].reason


def test_weak_and_strong_password_policy(aws: Aws) -> None:
    iam = aws.client("iam")
    _console_user(aws, "bob.dev", mfa=False)
    iam.update_account_password_policy(MinimumPasswordLength=8, RequireNumbers=True, PasswordReusePrevention=2,
                                       MaxPasswordAge=180)
    weak = aws.collect("iam")
    assert _statuses(weak) == {MIN_LENGTH: "FAIL", COMPLEXITY: "FAIL", REUSE: "FAIL", MAX_AGE: "FAIL"}
    assert run_check(COMPLEXITY, weak)[0].reason == "does not require letters"
    assert "bob.dev" in run_check(MAX_AGE, weak)[0].reason
    iam.update_account_password_policy(MinimumPasswordLength=14, RequireNumbers=True, RequireLowercaseCharacters=True,
                                       PasswordReusePrevention=24, MaxPasswordAge=90)
    assert _statuses(aws.collect("iam")) == {MIN_LENGTH: "PASS", COMPLEXITY: "PASS", REUSE: "PASS", MAX_AGE: "PASS"}


def test_password_expiry_is_needed_only_for_single_factor_passwords(aws: Aws) -> None:
    aws.client("iam").update_account_password_policy(MinimumPasswordLength=14)  # passwords never expire
    _console_user(aws, "alice.ops", mfa=True)
    aws.client("iam").create_user(UserName="ci-deployer")  # no console password
    findings = run_check(MAX_AGE, aws.collect("iam"))
    assert outcomes(findings) == {(POLICY, "PASS")}
    assert "every console user has MFA" in findings[0].reason
    # Whether bob.dev has MFA cannot be read: no verdict on expiry.
    _console_user(aws, "bob.dev", mfa=False)
    aws.deny("iam", "ListMFADevices")
    assert outcomes(run_check(MAX_AGE, aws.collect("iam"))) == {(POLICY, "NOT_ASSESSED")}
    aws.deny("iam", "ListUsers")
    assert outcomes(run_check(MAX_AGE, aws.collect("iam"))) == {("*@global", "NOT_ASSESSED")}


def test_unreadable_password_policy_blinds_only_itself(aws: Aws) -> None:
    _console_user(aws, "bob.dev", mfa=False)
    aws.deny("iam", "GetAccountPasswordPolicy")
    inventory = aws.collect("iam")
    for check in (MIN_LENGTH, COMPLEXITY, REUSE, MAX_AGE):
        assert outcomes(run_check(check, inventory)) == {(POLICY, "NOT_ASSESSED")}, check
    assert outcomes(run_check(MFA, inventory)) == {("bob.dev", "FAIL")}  # users are still read


# --- full administrator rights and direct policies ----------------------------------------------

ADMIN = "iam_policy_no_full_admin"
INLINE_ADMIN = "iam_inline_policy_no_full_admin"
DIRECT = "iam_user_no_direct_policies"
_EVERYTHING = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
_READ_STATEMENTS = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::acme-card-statements-prod/*"}]})
_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def _policy_estate(aws: Aws) -> None:
    iam = aws.client("iam")
    iam.create_policy(PolicyName="legacy-admin", PolicyDocument=_EVERYTHING)  # unattached
    readers = iam.create_policy(PolicyName="statements-read", PolicyDocument=_READ_STATEMENTS)["Policy"]["Arn"]
    iam.create_group(GroupName="card-api-developers")
    iam.attach_group_policy(GroupName="card-api-developers", PolicyArn=readers)
    iam.create_group(GroupName="break-glass")
    iam.put_group_policy(GroupName="break-glass", PolicyName="everything", PolicyDocument=_EVERYTHING)
    iam.create_group(GroupName="auditors")  # no inline policy: not judged by the inline check
    for user in ("alice.ops", "bob.dev", "svc-reporting"):
        iam.create_user(UserName=user)
    iam.add_user_to_group(GroupName="card-api-developers", UserName="bob.dev")
    iam.attach_user_policy(UserName="alice.ops", PolicyArn=readers)
    iam.put_user_policy(UserName="svc-reporting", PolicyName="reporting", PolicyDocument=_READ_STATEMENTS)
    iam.create_role(RoleName="card-api-task", AssumeRolePolicyDocument=_TRUST)
    iam.put_role_policy(RoleName="card-api-task", PolicyName="statements", PolicyDocument=_READ_STATEMENTS)
    iam.create_role(RoleName="ops-admin", AssumeRolePolicyDocument=_TRUST)
    iam.put_role_policy(RoleName="ops-admin", PolicyName="all", PolicyDocument=_EVERYTHING)


def test_full_admin_and_direct_policies(aws: Aws) -> None:
    _policy_estate(aws)
    inventory = aws.collect("iam")
    findings = run_check(ADMIN, inventory)
    assert outcomes(findings) == {("legacy-admin", "FAIL"), ("statements-read", "PASS")}
    assert next(f for f in findings if f.status.value == "FAIL").reason == "allows * on *; not attached"
    assert outcomes(run_check(INLINE_ADMIN, inventory)) == {
        ("break-glass", "FAIL"), ("ops-admin", "FAIL"), ("card-api-task", "PASS"), ("svc-reporting", "PASS")}
    assert outcomes(run_check(DIRECT, inventory)) == {
        ("alice.ops", "FAIL"), ("svc-reporting", "FAIL"), ("bob.dev", "PASS")}
    group = next(g for g in inventory.iam_groups.items if g.name == "card-api-developers")
    assert group.arn == "arn:aws:iam::111122223333:group/card-api-developers"
    assert [a.rsplit("/", 1)[-1] for a in group.attached_policies] == ["statements-read"]


def test_unreadable_authorization_details(aws: Aws) -> None:
    _policy_estate(aws)
    aws.deny("iam", "GetAccountAuthorizationDetails")
    inventory = aws.collect("iam")
    assert outcomes(run_check(ADMIN, inventory)) == {("*@global", "NOT_ASSESSED")}
    assert outcomes(run_check(INLINE_ADMIN, inventory)) == {("*@global", "NOT_ASSESSED")}  # groups are blind
    # Users are still listed: only their policies are unknown.
    assert outcomes(run_check(DIRECT, inventory)) == {
        ("alice.ops", "NOT_ASSESSED"), ("bob.dev", "NOT_ASSESSED"), ("svc-reporting", "NOT_ASSESSED")}
    aws.reset()
    _policy_estate(aws)
    aws.deny("iam", "ListUsers")
    assert outcomes(run_check(DIRECT, aws.collect("iam"))) == {("*@global", "NOT_ASSESSED")}


def test_misread_authorization_details(aws: Aws) -> None:
    _policy_estate(aws)
    # A GetAccountAuthorizationDetails answer shaped as in the IAM API reference, in which the
    # policy's default version is missing and no user or role is listed.
    aws.answer("iam", "GetAccountAuthorizationDetails", {
        "UserDetailList": [], "RoleDetailList": [], "GroupDetailList": [], "IsTruncated": False,
        "Policies": [{"PolicyName": "legacy-admin", "Arn": "arn:aws:iam::111122223333:policy/legacy-admin",
                      "Path": "/", "DefaultVersionId": "v2", "AttachmentCount": 0, "IsAttachable": True,
                      "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": False}]}],
    })
    inventory = aws.collect("iam")
    assert outcomes(run_check(ADMIN, inventory)) == {("legacy-admin", "NOT_ASSESSED")}
    assert outcomes(run_check(INLINE_ADMIN, inventory)) == {
        ("alice.ops", "NOT_ASSESSED"), ("bob.dev", "NOT_ASSESSED"), ("svc-reporting", "NOT_ASSESSED"),
        ("card-api-task", "NOT_ASSESSED"), ("ops-admin", "NOT_ASSESSED")}


# --- idle credentials ---------------------------------------------------------------------------

UNUSED = "iam_user_credentials_unused_90_days"


def test_unused_credentials(aws: Aws) -> None:
    iam = aws.client("iam")
    with freeze_time(datetime.now(UTC) - timedelta(days=200)):
        _console_user(aws, "carol.contractor", mfa=False)  # moto never reports PasswordLastUsed: never used
        iam.create_user(UserName="recon-batch")
        iam.create_access_key(UserName="recon-batch")
        iam.create_user(UserName="retired-bot")
        old = iam.create_access_key(UserName="retired-bot")["AccessKey"]["AccessKeyId"]
    iam.update_access_key(UserName="retired-bot", AccessKeyId=old, Status="Inactive")  # inactive: not a credential
    _console_user(aws, "alice.ops", mfa=True)
    iam.create_user(UserName="svc-reporting")
    iam.create_access_key(UserName="svc-reporting")
    findings = run_check(UNUSED, aws.collect("iam"))
    assert outcomes(findings) == {("carol.contractor", "FAIL"), ("recon-batch", "FAIL"), ("retired-bot", "PASS"),
                                  ("alice.ops", "PASS"), ("svc-reporting", "PASS")}
    carol = next(f for f in findings if f.resource.name == "carol.contractor")
    assert carol.reason.startswith("unused for 90 days or more: console password never used, created 20")
    # The same old key, used yesterday (GetAccessKeyLastUsed as the IAM API reference shows it).
    yesterday = datetime.now(UTC) - timedelta(days=1)
    aws.answer("iam", "GetAccessKeyLastUsed", {"UserName": "recon-batch", "AccessKeyLastUsed": {
        "LastUsedDate": yesterday, "ServiceName": "s3", "Region": "eu-west-1"}})
    assert ("recon-batch", "PASS") in outcomes(run_check(UNUSED, aws.collect("iam")))


def test_unreadable_key_use(aws: Aws) -> None:
    iam = aws.client("iam")
    iam.create_user(UserName="svc-reporting")
    iam.create_access_key(UserName="svc-reporting")
    _console_user(aws, "alice.ops", mfa=True)
    aws.deny("iam", "GetAccessKeyLastUsed")
    assert outcomes(run_check(UNUSED, aws.collect("iam"))) == {("svc-reporting", "NOT_ASSESSED"),
                                                                ("alice.ops", "PASS")}
    aws.deny("iam", "GetLoginProfile")
    assert outcomes(run_check(UNUSED, aws.collect("iam"))) == {("svc-reporting", "NOT_ASSESSED"),
                                                                ("alice.ops", "NOT_ASSESSED")}
    aws.deny("iam", "ListUsers")
    assert outcomes(run_check(UNUSED, aws.collect("iam"))) == {("*@global", "NOT_ASSESSED")}
