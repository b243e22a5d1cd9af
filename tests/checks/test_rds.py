"""RDS checks against moto: instances and clusters."""

from __future__ import annotations

from cardaudit.models.inventory import Inventory
from tests.conftest import Aws, outcomes, run_check


def _db(aws: Aws, name: str, encrypted: bool, public: bool = False) -> None:
    aws.client("rds").create_db_instance(
        DBInstanceIdentifier=name, Engine="postgres", DBInstanceClass="db.t3.micro", AllocatedStorage=20,
        MasterUsername="cards", MasterUserPassword="Correct-Horse-9", StorageEncrypted=encrypted,
        PubliclyAccessible=public)


def test_rds_encryption_and_exposure(aws: Aws) -> None:
    _db(aws, "cards-db", encrypted=True)
    _db(aws, "reporting-db", encrypted=False, public=True)
    inventory = aws.collect("rds")
    assert outcomes(run_check("rds_instance_storage_encrypted", inventory)) == {
        ("cards-db", "PASS"), ("reporting-db", "FAIL")}
    assert outcomes(run_check("rds_instance_not_publicly_accessible", inventory)) == {
        ("cards-db", "PASS"), ("reporting-db", "FAIL")}


def test_rds_denied(aws: Aws) -> None:
    _db(aws, "cards-db", encrypted=True)
    aws.deny("rds", "DescribeDBInstances")
    inventory = aws.collect("rds")
    assert outcomes(run_check("rds_instance_storage_encrypted", inventory)) == {("*@eu-west-1", "NOT_ASSESSED")}
    assert outcomes(run_check("rds_instance_not_publicly_accessible", inventory)) == {
        ("*@eu-west-1", "NOT_ASSESSED")}


INSTANCE_PROTECTION = "rds_instance_deletion_protection"
CLUSTER_PROTECTION = "rds_cluster_deletion_protection"


def _cluster(aws: Aws, name: str, protected: bool, members: int = 1) -> None:
    rds = aws.client("rds")
    rds.create_db_cluster(DBClusterIdentifier=name, Engine="aurora-postgresql", MasterUsername="cards",
                          MasterUserPassword="Correct-Horse-9", DeletionProtection=protected)
    for n in range(1, members + 1):
        rds.create_db_instance(DBInstanceIdentifier=f"{name}-{n}", DBClusterIdentifier=name,
                               Engine="aurora-postgresql", DBInstanceClass="db.r6g.large")


def _protected_db(aws: Aws, name: str, protected: bool) -> None:
    aws.client("rds").create_db_instance(
        DBInstanceIdentifier=name, Engine="postgres", DBInstanceClass="db.t3.micro", AllocatedStorage=20,
        MasterUsername="cards", MasterUserPassword="Correct-Horse-9", DeletionProtection=protected)


def test_deletion_protection_of_instances_and_clusters(aws: Aws) -> None:
    _protected_db(aws, "cards-db", protected=True)
    _protected_db(aws, "reporting-db", protected=False)
    _cluster(aws, "ledger", protected=True, members=2)
    _cluster(aws, "analytics", protected=False)
    inventory = aws.collect("rds")
    # Cluster members are judged through their cluster, not one by one.
    assert outcomes(run_check(INSTANCE_PROTECTION, inventory)) == {("cards-db", "PASS"), ("reporting-db", "FAIL")}
    assert outcomes(run_check(CLUSTER_PROTECTION, inventory)) == {("ledger", "PASS"), ("analytics", "FAIL")}
    ledger = next(c for c in inventory.rds_clusters.items if c.name == "ledger")
    assert ledger.members == ["ledger-1", "ledger-2"]


def test_deletion_protection_denied(aws: Aws) -> None:
    _protected_db(aws, "cards-db", protected=True)
    _cluster(aws, "ledger", protected=True)
    aws.deny("rds", "DescribeDBClusters")
    inventory = aws.collect("rds")
    # One job reads both lists: a denied cluster listing leaves the instances unseen too, never PASS.
    assert outcomes(run_check(CLUSTER_PROTECTION, inventory)) == {("*@eu-west-1", "NOT_ASSESSED")}
    assert outcomes(run_check(INSTANCE_PROTECTION, inventory)) == {("*@eu-west-1", "NOT_ASSESSED")}
    aws.reset()
    _protected_db(aws, "cards-db", protected=True)
    aws.deny("rds", "DescribeDBInstances")
    assert outcomes(run_check(INSTANCE_PROTECTION, aws.collect("rds"))) == {("*@eu-west-1", "NOT_ASSESSED")}


def test_instance_saved_before_deletion_protection_was_collected(aws: Aws) -> None:
    _protected_db(aws, "cards-db", protected=True)
    saved = aws.collect("rds").model_dump(mode="json")
    for db in saved["rds_instances"]["items"]:
        del db["deletion_protection"]  # as written by a cardaudit that did not read it yet
    assert outcomes(run_check(INSTANCE_PROTECTION, Inventory.model_validate(saved))) == {
        ("cards-db", "NOT_ASSESSED")}


# --- TLS parameter, backups, minor upgrades, cluster encryption, snapshots -------------------------

TLS = "rds_instance_tls_enforced"


def _group(aws: Aws, name: str, family: str, parameter: str, value: str) -> None:
    rds = aws.client("rds")
    rds.create_db_parameter_group(DBParameterGroupName=name, DBParameterGroupFamily=family, Description="cards")
    rds.modify_db_parameter_group(DBParameterGroupName=name, Parameters=[
        {"ParameterName": parameter, "ParameterValue": value, "ApplyMethod": "immediate"}])


def _engine_db(aws: Aws, name: str, engine: str, version: str, group: str | None = None, **extra: object) -> None:
    aws.client("rds").create_db_instance(
        DBInstanceIdentifier=name, Engine=engine, EngineVersion=version, DBInstanceClass="db.t3.micro",
        AllocatedStorage=20, MasterUsername="cards", MasterUserPassword="Correct-Horse-9",
        **({"DBParameterGroupName": group} if group else {}), **extra)


def test_tls_enforced_by_the_parameter_group_or_the_engine_default(aws: Aws) -> None:
    _group(aws, "cards-pg14-tls", "postgres14", "rds.force_ssl", "1")
    _group(aws, "reporting-mysql80", "mysql8.0", "require_secure_transport", "0")
    _group(aws, "shared-mysql-tls", "mysql8.0", "require_secure_transport", "ON")
    _group(aws, "ledger-pg13-other", "postgres13", "log_connections", "1")
    _engine_db(aws, "cards-db", "postgres", "14.12", "cards-pg14-tls")
    _engine_db(aws, "reporting-db", "mysql", "8.0.36", "reporting-mysql80")
    _engine_db(aws, "fx-db", "mysql", "8.0.36", "shared-mysql-tls")
    _engine_db(aws, "fx-db-2", "mysql", "8.0.36", "shared-mysql-tls")  # the group is read once for both
    _engine_db(aws, "ledger-db", "postgres", "13.15", "ledger-pg13-other")  # not set: the pg13 default is off
    _engine_db(aws, "tokens-db", "postgres", "16.4")  # default group: on by default from PostgreSQL 15
    _engine_db(aws, "legacy-db", "mariadb", "10.11.8")  # default group: off
    _engine_db(aws, "billing-db", "oracle-ee", "19.0.0.0.ru-2024-04.rur-2024-04.r1",
               LicenseModel="bring-your-own-license")  # TLS is an option group setting
    _cluster(aws, "ledger", protected=True)
    calls: list[str] = []
    event = "before-parameter-build.rds.DescribeDBParameters"
    aws.audit_session.events.register(event, lambda params, **_: calls.append(params["DBParameterGroupName"]),
                                      unique_id="count-parameter-reads")
    try:
        findings = run_check(TLS, aws.collect("rds"))
    finally:
        aws.audit_session.events.unregister(event, unique_id="count-parameter-reads")
    assert outcomes(findings) == {
        ("cards-db", "PASS"), ("reporting-db", "FAIL"), ("fx-db", "PASS"), ("fx-db-2", "PASS"),
        ("ledger-db", "FAIL"), ("tokens-db", "PASS"), ("legacy-db", "FAIL"), ("billing-db", "NOT_ASSESSED"),
        ("ledger-1", "NOT_ASSESSED")}
    assert sorted(calls) == ["cards-pg14-tls", "ledger-pg13-other", "reporting-mysql80", "shared-mysql-tls"]
    tokens = next(f for f in findings if f.resource.name == "tokens-db")
    assert "on by default for postgres 16.4" in tokens.reason
    aws.deny("rds", "DescribeDBParameters")
    findings = run_check(TLS, aws.collect("rds"))
    # Only what depends on a custom group's answer is NOT_ASSESSED.
    assert {(n, s) for n, s in outcomes(findings) if n in ("cards-db", "reporting-db", "tokens-db", "legacy-db")} == {
        ("cards-db", "NOT_ASSESSED"), ("reporting-db", "NOT_ASSESSED"), ("tokens-db", "PASS"),
        ("legacy-db", "FAIL")}
    aws.deny("rds", "DescribeDBInstances")
    assert outcomes(run_check(TLS, aws.collect("rds"))) == {("*@eu-west-1", "NOT_ASSESSED")}


def test_backup_retention_and_minor_upgrades(aws: Aws) -> None:
    _engine_db(aws, "cards-db", "postgres", "16.4", BackupRetentionPeriod=14, AutoMinorVersionUpgrade=True)
    _engine_db(aws, "reporting-db", "postgres", "16.4", BackupRetentionPeriod=3, AutoMinorVersionUpgrade=False)
    _engine_db(aws, "scratch-db", "postgres", "16.4", BackupRetentionPeriod=0)
    aws.client("rds").create_db_instance_read_replica(DBInstanceIdentifier="cards-db-replica",
                                                      SourceDBInstanceIdentifier="cards-db")
    _cluster(aws, "ledger", protected=True)
    inventory = aws.collect("rds")
    # Replicas and cluster members keep no backups of their own.
    assert outcomes(run_check("rds_instance_backup_retention", inventory)) == {
        ("cards-db", "PASS"), ("reporting-db", "FAIL"), ("scratch-db", "FAIL")}
    upgrades = outcomes(run_check("rds_instance_auto_minor_version_upgrade", inventory))
    assert ("cards-db", "PASS") in upgrades and ("reporting-db", "FAIL") in upgrades
    aws.deny("rds", "DescribeDBInstances")
    inventory = aws.collect("rds")
    for check_id in ("rds_instance_backup_retention", "rds_instance_auto_minor_version_upgrade"):
        assert outcomes(run_check(check_id, inventory)) == {("*@eu-west-1", "NOT_ASSESSED")}


def test_cluster_storage_encryption(aws: Aws) -> None:
    rds = aws.client("rds")
    for name, encrypted in (("ledger", True), ("analytics", False)):
        rds.create_db_cluster(DBClusterIdentifier=name, Engine="aurora-postgresql", MasterUsername="cards",
                              MasterUserPassword="Correct-Horse-9", StorageEncrypted=encrypted)
    assert outcomes(run_check("rds_cluster_storage_encrypted", aws.collect("rds"))) == {
        ("ledger", "PASS"), ("analytics", "FAIL")}
    aws.deny("rds", "DescribeDBClusters")
    assert outcomes(run_check("rds_cluster_storage_encrypted", aws.collect("rds"))) == {
        ("*@eu-west-1", "NOT_ASSESSED")}


def test_db_snapshots_public_and_encrypted(aws: Aws) -> None:
    rds = aws.client("rds")
    _db(aws, "cards-db", encrypted=True)
    _db(aws, "reporting-db", encrypted=False)
    rds.create_db_snapshot(DBSnapshotIdentifier="cards-db-pre-migration", DBInstanceIdentifier="cards-db")
    rds.create_db_snapshot(DBSnapshotIdentifier="reporting-db-export", DBInstanceIdentifier="reporting-db")
    rds.modify_db_snapshot_attribute(DBSnapshotIdentifier="reporting-db-export", AttributeName="restore",
                                     ValuesToAdd=["all"])
    rds.create_db_snapshot(DBSnapshotIdentifier="cards-db-dr-copy", DBInstanceIdentifier="cards-db")
    rds.modify_db_snapshot_attribute(DBSnapshotIdentifier="cards-db-dr-copy", AttributeName="restore",
                                     ValuesToAdd=["444455556666"])
    inventory = aws.collect("rds")
    manual = {"cards-db-pre-migration", "reporting-db-export", "cards-db-dr-copy"}
    public = outcomes(run_check("rds_snapshot_not_public", inventory))
    assert public == {("cards-db-pre-migration", "PASS"), ("reporting-db-export", "FAIL"),
                      ("cards-db-dr-copy", "PASS")}
    encrypted = outcomes(run_check("rds_snapshot_encrypted", inventory))
    assert encrypted == {("cards-db-pre-migration", "PASS"), ("reporting-db-export", "FAIL"),
                         ("cards-db-dr-copy", "PASS")}
    # moto also lists automated snapshots; they are not collected (no sharing, the instance's encryption).
    assert {s.snapshot_type for s in inventory.rds_snapshots.items} == {"manual"}
    aws.deny("rds", "DescribeDBSnapshotAttributes")
    inventory = aws.collect("rds")
    assert outcomes(run_check("rds_snapshot_not_public", inventory)) == {(name, "NOT_ASSESSED") for name in manual}
    aws.deny("rds", "DescribeDBSnapshots")
    inventory = aws.collect("rds")
    for check_id in ("rds_snapshot_not_public", "rds_snapshot_encrypted"):
        assert outcomes(run_check(check_id, inventory)) == {("*@eu-west-1", "NOT_ASSESSED")}
    # A refused snapshot listing blinds only the snapshots.
    assert ("cards-db", "PASS") in outcomes(run_check("rds_instance_storage_encrypted", inventory))


def test_cluster_snapshots_public_and_encrypted(aws: Aws) -> None:
    rds = aws.client("rds")
    for name, encrypted in (("ledger", True), ("analytics", False)):
        rds.create_db_cluster(DBClusterIdentifier=name, Engine="aurora-postgresql", MasterUsername="cards",
                              MasterUserPassword="Correct-Horse-9", StorageEncrypted=encrypted)
        rds.create_db_cluster_snapshot(DBClusterSnapshotIdentifier=f"{name}-manual", DBClusterIdentifier=name)
    rds.modify_db_cluster_snapshot_attribute(DBClusterSnapshotIdentifier="analytics-manual", AttributeName="restore",
                                             ValuesToAdd=["all"])
    inventory = aws.collect("rds")
    manual = {"ledger-manual", "analytics-manual"}

    def of(check_id: str) -> set[tuple[str, str]]:
        return outcomes(run_check(check_id, inventory))

    assert of("rds_cluster_snapshot_not_public") == {("ledger-manual", "PASS"), ("analytics-manual", "FAIL")}
    assert of("rds_cluster_snapshot_encrypted") == {("ledger-manual", "PASS"), ("analytics-manual", "FAIL")}
    aws.deny("rds", "DescribeDBClusterSnapshotAttributes")
    inventory = aws.collect("rds")
    assert of("rds_cluster_snapshot_not_public") == {(n, "NOT_ASSESSED") for n in manual}
    aws.deny("rds", "DescribeDBClusterSnapshots")
    inventory = aws.collect("rds")
    for check_id in ("rds_cluster_snapshot_not_public", "rds_cluster_snapshot_encrypted"):
        assert outcomes(run_check(check_id, inventory)) == {("*@eu-west-1", "NOT_ASSESSED")}
