"""AWS Backup checks against moto. moto has backup plans and vaults but no selections, protected
resources or region settings: ListBackupSelections, GetBackupSelection, ListProtectedResources and
DescribeRegionSettings are answered with responses shaped as in the AWS Backup API reference."""

from __future__ import annotations

from cardaudit.checks.aws.backup import selects
from cardaudit.checks.aws.cloudtrail import CARD_DATA_TAG

from cardaudit.models.inventory import BackupSelection, TagCondition, Unknown
from tests.conftest import ACCOUNT, Aws, outcomes, run_check

COVERS = "backup_plan_covers_card_data_stores"
SERVICES = ("backup", "rds", "s3", "dynamodb", "efs")
STATEMENTS = "acme-card-statements-prod"
CARD = {"Key": CARD_DATA_TAG, "Value": "true"}


def _stores(aws: Aws) -> None:
    aws.client("rds").create_db_instance(
        DBInstanceIdentifier="cards-db", Engine="postgres", DBInstanceClass="db.t3.micro", AllocatedStorage=20,
        MasterUsername="cards", MasterUserPassword="Correct-Horse-9", Tags=[CARD])
    s3 = aws.client("s3")
    for bucket, tags in ((STATEMENTS, [CARD]), ("acme-build-cache", [{"Key": "team", "Value": "infra"}])):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
    ddb = aws.client("dynamodb")
    schema = {"AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
              "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST"}
    ddb.create_table(TableName="card-tokens", Tags=[CARD], **schema)
    ddb.create_table(TableName="sessions", **schema)  # no card data: not judged
    plan = aws.client("backup").create_backup_plan(BackupPlan={"BackupPlanName": "card-data-daily", "Rules": [
        {"RuleName": "daily", "TargetBackupVaultName": "Default", "ScheduleExpression": "cron(0 3 * * ? *)"}]})
    aws.plan_id = plan["BackupPlanId"]  # type: ignore[attr-defined]


def _answers(aws: Aws, *, selections: bool = True) -> None:
    plan_id = aws.plan_id  # type: ignore[attr-defined]
    if selections:
        aws.answer("backup", "ListBackupSelections", {"BackupSelectionsList": [
            {"SelectionId": "sel-1", "SelectionName": "card-databases", "BackupPlanId": plan_id,
             "IamRoleArn": f"arn:aws:iam::{ACCOUNT}:role/backup"}]})
    aws.answer("backup", "GetBackupSelection", {"BackupPlanId": plan_id, "SelectionId": "sel-1", "BackupSelection": {
        "SelectionName": "card-databases", "IamRoleArn": f"arn:aws:iam::{ACCOUNT}:role/backup",
        "Resources": ["arn:aws:rds:*:*:db:*"], "NotResources": [], "ListOfTags": [],
        "Conditions": {"StringEquals": [{"ConditionKey": f"aws:ResourceTag/{CARD_DATA_TAG}", "ConditionValue": "true"}],
                       "StringNotEquals": [], "StringLike": [], "StringNotLike": []}}})
    aws.answer("backup", "ListProtectedResources", {"Results": [
        {"ResourceArn": f"arn:aws:s3:::{STATEMENTS}", "ResourceType": "S3", "LastBackupTime": 1767225600}]})
    aws.answer("backup", "DescribeRegionSettings", {"ResourceTypeOptInPreference": {
        "Aurora": True, "DynamoDB": True, "EFS": True, "RDS": True, "S3": True}})


def test_card_data_stores_covered_or_not(aws: Aws) -> None:
    _stores(aws)
    _answers(aws)
    findings = run_check(COVERS, aws.collect(*SERVICES))
    assert outcomes(findings) == {("cards-db", "PASS"), (STATEMENTS, "PASS"), ("card-tokens", "FAIL")}
    assert {f.resource.name: f.reason for f in findings}["cards-db"] == (
        "assigned by backup plan selection card-data-daily/card-databases")


def test_unreadable_selections_and_plans(aws: Aws) -> None:
    _stores(aws)
    _answers(aws, selections=False)
    aws.deny("backup", "ListBackupSelections")
    # Recovery points still show the statements bucket is covered; the others depend on the plan.
    assert outcomes(run_check(COVERS, aws.collect(*SERVICES))) == {
        ("cards-db", "NOT_ASSESSED"), (STATEMENTS, "PASS"), ("card-tokens", "NOT_ASSESSED")}
    aws.deny("backup", "ListBackupPlans")
    assert outcomes(run_check(COVERS, aws.collect(*SERVICES))) == {("*@eu-west-1", "NOT_ASSESSED")}


def test_nothing_decided_from_what_moto_lacks(aws: Aws) -> None:
    _stores(aws)
    assert outcomes(run_check(COVERS, aws.collect(*SERVICES))) == {
        ("cards-db", "NOT_ASSESSED"), (STATEMENTS, "NOT_ASSESSED"), ("card-tokens", "NOT_ASSESSED")}


def test_region_not_opted_in_and_unknown_tags(aws: Aws) -> None:
    _stores(aws)
    plan_id = aws.plan_id  # type: ignore[attr-defined]
    aws.answer("backup", "ListBackupSelections", {"BackupSelectionsList": [{"SelectionId": "sel-1"}]})
    aws.answer("backup", "GetBackupSelection", {"BackupPlanId": plan_id, "SelectionId": "sel-1", "BackupSelection": {
        "SelectionName": "everything", "IamRoleArn": "r", "Resources": ["*"]}})
    aws.answer("backup", "ListProtectedResources", {"Results": []})
    aws.answer("backup", "DescribeRegionSettings", {"ResourceTypeOptInPreference": {
        "RDS": True, "DynamoDB": True, "S3": False}})
    aws.deny("dynamodb", "ListTagsOfResource")
    # The tables' tags are unknown, but "*" assigns them whatever they say; S3 is not opted in.
    assert outcomes(run_check(COVERS, aws.collect(*SERVICES))) == {
        ("cards-db", "PASS"), (STATEMENTS, "FAIL"), ("card-tokens", "PASS"), ("sessions", "PASS")}


def test_selection_rules() -> None:
    arn = "arn:aws:dynamodb:eu-west-1:111122223333:table/card-tokens"
    card = {CARD_DATA_TAG: "true", "team": "app"}
    by_tag = BackupSelection(name="t", selection_id="1",
                             list_of_tags=[TagCondition(operator="StringEquals", key=CARD_DATA_TAG, value="true")])
    assert selects(by_tag, arn, card) is True
    assert selects(by_tag, arn, {"team": "app"}) is False
    assert selects(by_tag, arn, Unknown(operation="dynamodb:ListTagsOfResource", code="AccessDenied")) is None
    excluded = by_tag.model_copy(update={"not_resources": ["arn:aws:dynamodb:*:*:table/card-*"]})
    assert selects(excluded, arn, card) is False
    like = BackupSelection(name="l", selection_id="2", resources=["arn:aws:dynamodb:*:*:table/*"],
                           conditions=[TagCondition(operator="StringLike", key="team", value="ap*"),
                                       TagCondition(operator="StringNotEquals", key="env", value="dev")])
    assert selects(like, arn, card) is True
    assert selects(like, arn, {**card, "env": "dev"}) is False
    assert selects(BackupSelection(name="none", selection_id="3"), arn, card) is False  # assigns nothing


def test_vault_keys(aws: Aws) -> None:
    kms = aws.client("kms")
    cmk = kms.create_key()["KeyMetadata"]["Arn"]
    backup = aws.client("backup")
    backup.create_backup_vault(BackupVaultName="card-data", EncryptionKeyArn=cmk)
    backup.create_backup_vault(BackupVaultName="unnamed-key")  # AWS Backup's default, aws/backup
    check = "backup_vault_customer_managed_key"
    assert outcomes(run_check(check, aws.collect("backup", "kms"))) == {
        ("card-data", "PASS"), ("unnamed-key", "FAIL")}
    aws.deny("kms", "ListKeys")
    assert outcomes(run_check(check, aws.collect("backup", "kms"))) == {("*@eu-west-1", "NOT_ASSESSED")}
    aws.deny("backup", "ListBackupVaults")
    assert outcomes(run_check(check, aws.collect("backup", "kms"))) == {("*@eu-west-1", "NOT_ASSESSED")}
