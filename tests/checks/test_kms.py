"""KMS rotation check against moto."""

from __future__ import annotations

from tests.conftest import Aws, outcomes, run_check

CHECK = "kms_key_rotation_enabled"


def _key(aws: Aws, alias: str, rotate: bool = False, **kwargs: str) -> str:
    kms = aws.client("kms")
    key_id: str = kms.create_key(**kwargs)["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=alias, TargetKeyId=key_id)
    if rotate:
        kms.enable_key_rotation(KeyId=key_id)
    return key_id


def test_rotation_on_off_and_not_applicable(aws: Aws) -> None:
    _key(aws, "alias/cards-data", rotate=True)
    _key(aws, "alias/settlement-files")
    _key(aws, "alias/token-signing", KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")  # cannot rotate: not judged
    assert outcomes(run_check(CHECK, aws.collect("kms"))) == {
        ("alias/cards-data", "PASS"), ("alias/settlement-files", "FAIL")}


def test_pending_deletion_is_not_judged(aws: Aws) -> None:
    key_id = _key(aws, "alias/retired")
    aws.client("kms").schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    assert outcomes(run_check(CHECK, aws.collect("kms"))) == set()


def test_denied_rotation_status(aws: Aws) -> None:
    _key(aws, "alias/cards-data", rotate=True)
    aws.deny("kms", "GetKeyRotationStatus")
    assert outcomes(run_check(CHECK, aws.collect("kms"))) == {("alias/cards-data", "NOT_ASSESSED")}


def test_denied_listing(aws: Aws) -> None:
    _key(aws, "alias/cards-data", rotate=True)
    aws.deny("kms", "ListKeys")
    assert outcomes(run_check(CHECK, aws.collect("kms"))) == {("*@eu-west-1", "NOT_ASSESSED")}


def test_key_policy_denying_describe_key_blinds_only_the_keys(aws: Aws) -> None:
    _key(aws, "alias/cards-data", rotate=True)
    aws.deny("kms", "DescribeKey")
    inventory = aws.collect("kms")
    assert inventory.kms_keys.errors == []
    findings = run_check(CHECK, inventory)
    assert {f.status.value for f in findings} == {"NOT_ASSESSED"}
    assert outcomes(findings) == {("alias/cards-data", "NOT_ASSESSED")}
    assert "kms:DescribeKey failed: AccessDenied" in findings[0].reason


def test_denied_describe_key_leaves_the_key_unknown_but_aws_managed_keys_known(aws: Aws) -> None:
    from cardaudit.models.inventory import Unknown

    _key(aws, "alias/cards-data", rotate=True)
    aws.client("kms").describe_key(KeyId="alias/aws/s3")  # moto creates the AWS managed key on first use
    aws.deny("kms", "DescribeKey")
    inventory = aws.collect("kms")
    keys = {k.name: k for k in inventory.kms_keys.items}
    assert all(isinstance(k.key_manager, Unknown) for k in keys.values())
    # Only AWS may create alias/aws/ aliases: that key is AWS managed even unseen, and has no rotation to judge.
    assert keys["alias/aws/s3"].aws_managed and keys["alias/aws/s3"].rotation_enabled is None
    assert not keys["alias/cards-data"].aws_managed  # customer managed as far as anyone can tell
    assert outcomes(run_check(CHECK, inventory)) == {("alias/cards-data", "NOT_ASSESSED")}


def _policy(*statements: dict[str, object]) -> str:
    import json

    root = {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "kms:*", "Resource": "*"}
    return json.dumps({"Version": "2012-10-17", "Statement": [root, *statements]})


def test_key_policy_open_to_every_principal(aws: Aws) -> None:
    anyone = {"Sid": "PartnerDecrypt", "Effect": "Allow", "Principal": "*", "Action": ["kms:Decrypt"],
              "Resource": "*"}
    _key(aws, "alias/cards-data", Policy=_policy())
    _key(aws, "alias/partner-share", Policy=_policy(anyone))
    _key(aws, "alias/via-account", Policy=_policy({**anyone, "Principal": {"AWS": "*"}, "Condition": {
        "StringEquals": {"kms:CallerAccount": "111122223333"}, "StringLike": {"kms:ViaService": "s3.*"}}}))
    _key(aws, "alias/if-exists", Policy=_policy({**anyone, "Condition": {
        "StringEqualsIfExists": {"aws:PrincipalOrgID": "o-abc123"}}}))
    findings = run_check("kms_key_policy_not_public", aws.collect("kms"))
    assert outcomes(findings) == {("alias/cards-data", "PASS"), ("alias/partner-share", "FAIL"),
                                  ("alias/via-account", "PASS"), ("alias/if-exists", "FAIL")}
    assert next(f for f in findings if f.resource.name == "alias/partner-share").evidence["statements"] == (
        "PartnerDecrypt")
    aws.deny("kms", "GetKeyPolicy")
    assert {s for _, s in outcomes(run_check("kms_key_policy_not_public", aws.collect("kms")))} == {"NOT_ASSESSED"}
    aws.deny("kms", "ListKeys")
    assert outcomes(run_check("kms_key_policy_not_public", aws.collect("kms"))) == {("*@eu-west-1", "NOT_ASSESSED")}
