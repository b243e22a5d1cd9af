"""EFS checks against moto; ListProtectedResources and DescribeRegionSettings, which moto lacks, are
answered with responses shaped as in the AWS Backup API reference."""

from __future__ import annotations

from tests.conftest import Aws, outcomes, run_check


def _file_systems(aws: Aws) -> dict[str, str]:
    efs = aws.client("efs")
    out: dict[str, str] = {}
    for token, kwargs in (("settlement", {"Encrypted": True, "Backup": True}), ("scratch", {"Encrypted": False})):
        fs = efs.create_file_system(CreationToken=token, Tags=[{"Key": "Name", "Value": token}], **kwargs)
        out[token] = fs["FileSystemId"]
    return out


def _protected(aws: Aws, arns: list[str] | None = None) -> None:
    aws.answer("backup", "ListProtectedResources", {"Results": [
        {"ResourceArn": arn, "ResourceType": "EFS", "LastBackupTime": 1767225600} for arn in arns or []]})
    aws.answer("backup", "DescribeRegionSettings", {"ResourceTypeOptInPreference": {"EFS": True}})


def test_encryption(aws: Aws) -> None:
    ids = _file_systems(aws)
    inventory = aws.collect("efs")
    # Named by their Name tag: file system ids are random.
    assert {fs.file_system_id: (fs.name, fs.tags) for fs in inventory.efs_file_systems.items} == {
        ids["settlement"]: ("settlement", {"Name": "settlement"}), ids["scratch"]: ("scratch", {"Name": "scratch"})}
    assert outcomes(run_check("efs_file_system_encrypted", inventory)) == {
        ("settlement", "PASS"), ("scratch", "FAIL")}
    aws.deny("efs", "DescribeFileSystems")
    assert outcomes(run_check("efs_file_system_encrypted", aws.collect("efs"))) == {("*@eu-west-1", "NOT_ASSESSED")}


def test_backups_without_protected_resources(aws: Aws) -> None:
    _file_systems(aws)
    check = "efs_file_system_backup_enabled"
    # moto has no ListProtectedResources: whether AWS Backup holds a copy of scratch is unknown.
    assert outcomes(run_check(check, aws.collect("efs", "backup"))) == {
        ("settlement", "PASS"), ("scratch", "NOT_ASSESSED")}
    _protected(aws)
    assert outcomes(run_check(check, aws.collect("efs", "backup"))) == {
        ("settlement", "PASS"), ("scratch", "FAIL")}
    aws.deny("efs", "DescribeBackupPolicy")
    assert outcomes(run_check(check, aws.collect("efs", "backup"))) == {
        ("settlement", "NOT_ASSESSED"), ("scratch", "NOT_ASSESSED")}
    aws.deny("efs", "DescribeFileSystems")
    assert outcomes(run_check(check, aws.collect("efs", "backup"))) == {("*@eu-west-1", "NOT_ASSESSED")}


def test_backed_up_by_a_plan_of_its_own(aws: Aws) -> None:
    ids = _file_systems(aws)
    arns = {fs["FileSystemId"]: fs["FileSystemArn"] for fs in aws.client("efs").describe_file_systems()["FileSystems"]}
    _protected(aws, [arns[ids["scratch"]]])
    assert outcomes(run_check("efs_file_system_backup_enabled", aws.collect("efs", "backup"))) == {
        ("settlement", "PASS"), ("scratch", "PASS")}
