"""IAM checks against moto: console MFA and access-key age."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time

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
