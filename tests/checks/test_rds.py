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
