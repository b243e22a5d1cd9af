"""RDS DB instances and clusters: encryption at rest, exposure and deletion protection."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import RdsCluster, RdsInstance


@check(
    title="RDS database instances encrypt their storage",
    severity=Severity.HIGH, category="encryption", resource_type="AWS::RDS::DBInstance", needs=("rds_instances",),
)
def rds_instance_storage_encrypted(instances: list[RdsInstance]) -> Iterator[Result]:
    """What it checks:
    Each RDS DB instance has storage encryption on (`StorageEncrypted`).

    Why it matters:
    Unencrypted storage, snapshots and replicas expose stored account data to anyone who
    obtains the volumes or a shared snapshot.

    How to fix:
    Encryption cannot be turned on in place: snapshot the instance, copy the snapshot with a
    KMS key, restore from the encrypted copy and switch over.
    """
    for db in instances:
        if db.storage_encrypted:
            yield Result.passed(db.ref(), "storage is encrypted", kms_key=db.kms_key_id)
        else:
            yield Result.failed(db.ref(), "storage is not encrypted", engine=db.engine)


@check(
    title="RDS database instances are not reachable from the internet",
    severity=Severity.HIGH, category="network", resource_type="AWS::RDS::DBInstance", needs=("rds_instances",),
)
def rds_instance_not_publicly_accessible(instances: list[RdsInstance]) -> Iterator[Result]:
    """What it checks:
    No RDS DB instance has `PubliclyAccessible` set, which gives it a public DNS name and IP.

    Why it matters:
    A database holding account data must not be directly reachable from untrusted networks;
    one security-group mistake away from the internet is too close.

    How to fix:
    `aws rds modify-db-instance --no-publicly-accessible --apply-immediately`, and keep the
    instance in private subnets.
    """
    for db in instances:
        if db.publicly_accessible:
            yield Result.failed(db.ref(), "PubliclyAccessible is true", engine=db.engine)
        else:
            yield Result.passed(db.ref(), "not publicly accessible")


@check(
    title="RDS database instances are protected from deletion",
    severity=Severity.MEDIUM, category="resilience", resource_type="AWS::RDS::DBInstance", needs=("rds_instances",),
)
def rds_instance_deletion_protection(instances: list[RdsInstance]) -> Iterator[Result]:
    """What it checks:
    Each RDS DB instance that stands alone has `DeletionProtection` on. Instances that belong to a
    DB cluster (Aurora, Multi-AZ DB clusters) are not judged here: their data and their deletion
    protection belong to the cluster, which `rds_cluster_deletion_protection` judges.

    Why it matters:
    Deleting a database holding account data is a production change; with deletion protection it
    takes a deliberate, separately recorded modification first, so neither a mistaken console
    click nor a runaway pipeline or IaC replacement can destroy the data in one call.

    How to fix:
    `aws rds modify-db-instance --db-instance-identifier <id> --deletion-protection
    --apply-immediately`, and set `DeletionProtection: true` in the template that creates it.
    """
    for db in instances:
        if db.cluster is not None:
            continue
        if db.deletion_protection is None:
            yield Result.not_assessed(db.ref(), "deletion protection was not collected in this inventory")
        elif db.deletion_protection:
            yield Result.passed(db.ref(), "deletion protection is on", engine=db.engine)
        else:
            yield Result.failed(db.ref(), "deletion protection is off", engine=db.engine)


@check(
    title="RDS database clusters are protected from deletion",
    severity=Severity.MEDIUM, category="resilience", resource_type="AWS::RDS::DBCluster", needs=("rds_clusters",),
)
def rds_cluster_deletion_protection(clusters: list[RdsCluster]) -> Iterator[Result]:
    """What it checks:
    Each RDS DB cluster (Aurora, Multi-AZ DB cluster, and DocumentDB or Neptune clusters, which
    the same API lists) has `DeletionProtection` on.

    Why it matters:
    The cluster holds the data of all its instances; deleting it is a production change that
    deletion protection forces to be deliberate and separately recorded, so a mistaken call or an
    IaC replacement cannot destroy the account data in one step.

    How to fix:
    `aws rds modify-db-cluster --db-cluster-identifier <id> --deletion-protection
    --apply-immediately`, and set `DeletionProtection: true` in the template that creates it.
    """
    for cluster in clusters:
        if cluster.deletion_protection:
            yield Result.passed(cluster.ref(), "deletion protection is on", engine=cluster.engine,
                                members=cluster.members)
        else:
            yield Result.failed(cluster.ref(), "deletion protection is off", engine=cluster.engine,
                                members=cluster.members)
