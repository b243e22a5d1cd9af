"""RDS DB instances, clusters and snapshots: encryption at rest, exposure, TLS, backups, minor upgrades
and deletion protection."""

from __future__ import annotations

from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.aws.rds import parameter_on, tls_default_enforced
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import RdsCluster, RdsClusterSnapshot, RdsInstance, RdsSnapshot, Unknown


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


@check(
    title="RDS database clusters encrypt their storage",
    severity=Severity.HIGH, category="encryption", resource_type="AWS::RDS::DBCluster", needs=("rds_clusters",),
)
def rds_cluster_storage_encrypted(clusters: list[RdsCluster]) -> Iterator[Result]:
    """What it checks:
    Each RDS DB cluster (Aurora, Multi-AZ DB cluster) has storage encryption on
    (`StorageEncrypted`).

    Why it matters:
    The cluster volume holds the data of every instance in it; unencrypted, its storage,
    snapshots and clones keep any stored account data in clear.

    How to fix:
    Encryption cannot be turned on in place: snapshot the cluster, restore the snapshot into a new
    cluster with `--kms-key-id`, and switch over.
    """
    for cluster in clusters:
        if cluster.storage_encrypted is None:
            yield Result.not_assessed(cluster.ref(), "storage encryption was not collected in this inventory")
        elif cluster.storage_encrypted:
            yield Result.passed(cluster.ref(), "storage is encrypted", kms_key=cluster.kms_key_id)
        else:
            yield Result.failed(cluster.ref(), "storage is not encrypted", engine=cluster.engine)


@check(
    title="RDS database instances refuse connections without TLS",
    severity=Severity.MEDIUM, category="encryption", resource_type="AWS::RDS::DBInstance", needs=("rds_instances",),
)
def rds_instance_tls_enforced(instances: list[RdsInstance]) -> Iterator[Result]:
    """What it checks:
    The DB parameter group of each stand-alone instance enforces TLS: `rds.force_ssl` = 1 for
    PostgreSQL and SQL Server, `require_secure_transport` = 1/ON for MySQL and MariaDB. A custom
    group is read with `DescribeDBParameters` (the parameters it sets). A parameter it does not
    set, and every RDS default group (`default.*`, which cannot be changed), has the engine
    default, which cardaudit holds as data from the RDS User Guide: on for PostgreSQL 15 and
    later, MySQL 9.7 and later and MariaDB 11.8 and later, off otherwise. Instances of a DB
    cluster (TLS is set in the cluster parameter group) and Oracle and Db2 instances (TLS is an
    option group setting) are NOT_ASSESSED: those settings are not read.

    Why it matters:
    Without enforcement the server accepts clients that connect in clear: a driver default, an
    old reporting tool or a misconfigured job then sends queries, results and database passwords
    unencrypted across the network.

    How to fix:
    Use a custom DB parameter group with `rds.force_ssl=1` (PostgreSQL, SQL Server; SQL Server
    needs a reboot) or `require_secure_transport=1` (MySQL, MariaDB) and attach it:
    `aws rds modify-db-instance --db-parameter-group-name <group>`.
    """
    for db in instances:
        tls = db.tls
        if db.cluster is not None:
            yield Result.not_assessed(db.ref(), f"member of DB cluster {db.cluster}: TLS is enforced in the cluster "
                                                "parameter group, which is not read")
        elif isinstance(tls, Unknown):
            yield Result.not_assessed(db.ref(), f"the parameter group could not be read ({tls.reason})")
        elif tls is None:
            if db.engine_version is None:  # saved by a cardaudit that did not collect it
                yield Result.not_assessed(db.ref(), "TLS settings were not collected in this inventory")
            else:
                yield Result.not_assessed(db.ref(), f"{db.engine} enforces TLS outside the DB parameter group "
                                                    "(option group), which is not read", engine=db.engine)
        elif tls.value is not None:
            set_ = {"group": tls.group, "parameter": tls.parameter, "value": tls.value}
            if parameter_on(tls.value):
                yield Result.passed(db.ref(), f"{tls.parameter}={tls.value} in {tls.group}", **set_)
            else:
                yield Result.failed(db.ref(), f"{tls.parameter}={tls.value} in {tls.group}: connections without "
                                              "TLS are accepted", **set_)
        else:
            default = tls_default_enforced(db.engine, db.engine_version)
            source = "default group" if tls.default_group else "not set in the group"
            where: dict[str, str | None] = {"group": tls.group, "parameter": tls.parameter,
                                            "engine_version": db.engine_version}
            if default is None:
                yield Result.not_assessed(db.ref(), f"{tls.parameter} {source}, and the engine default of "
                                                    f"{db.engine} {db.engine_version} is not known", **where)
            elif default:
                yield Result.passed(db.ref(), f"{tls.parameter} {source} ({tls.group}): on by default for "
                                              f"{db.engine} {db.engine_version}", **where)
            else:
                yield Result.failed(db.ref(), f"{tls.parameter} {source} ({tls.group}): off by default for "
                                              f"{db.engine} {db.engine_version}, so connections without TLS "
                                              "are accepted", **where)


MIN_BACKUP_RETENTION_DAYS = 7


@check(
    title=f"RDS database instances keep automated backups for at least {MIN_BACKUP_RETENTION_DAYS} days",
    severity=Severity.MEDIUM, category="resilience", resource_type="AWS::RDS::DBInstance", needs=("rds_instances",),
)
def rds_instance_backup_retention(instances: list[RdsInstance]) -> Iterator[Result]:
    """What it checks:
    Each stand-alone instance keeps automated backups (`BackupRetentionPeriod`) for at least 7
    days, the threshold Security Hub's RDS.11 uses by default; 0 means automated backups are
    off. Instances of a DB cluster (the cluster holds the backups) and read replicas (backups
    are taken on the source) are not judged.

    Why it matters:
    Restoring the card data after a failed migration, a destructive bug or an attack needs a
    point in time before the damage; a retention of a day or two runs out before most incidents
    are even detected, and with none there is nothing to restore.

    How to fix:
    `aws rds modify-db-instance --db-instance-identifier <id> --backup-retention-period 14
    --apply-immediately`, and set it in the template that creates the instance.
    """
    for db in instances:
        if db.cluster is not None or db.replica_of is not None:
            continue
        days = db.backup_retention_days
        if days is None:
            yield Result.not_assessed(db.ref(), "backup retention was not collected in this inventory")
        elif days == 0:
            yield Result.failed(db.ref(), "automated backups are off (retention 0 days)", retention_days=0)
        elif days < MIN_BACKUP_RETENTION_DAYS:
            yield Result.failed(db.ref(), f"automated backups kept {days} days, fewer than "
                                          f"{MIN_BACKUP_RETENTION_DAYS}", retention_days=days)
        else:
            yield Result.passed(db.ref(), f"automated backups kept {days} days", retention_days=days)


@check(
    title="RDS database instances take minor engine upgrades automatically",
    severity=Severity.MEDIUM, category="vulnerability-management", resource_type="AWS::RDS::DBInstance",
    needs=("rds_instances",),
)
def rds_instance_auto_minor_version_upgrade(instances: list[RdsInstance]) -> Iterator[Result]:
    """What it checks:
    Each DB instance has `AutoMinorVersionUpgrade` on, so RDS applies new minor engine versions
    in the maintenance window.

    Why it matters:
    Minor versions carry the engine's security fixes. Left to manual upgrades, instances fall
    behind on patches for known vulnerabilities, which must be installed within a month for
    critical ones.

    How to fix:
    `aws rds modify-db-instance --db-instance-identifier <id> --auto-minor-version-upgrade
    --apply-immediately`, and keep a maintenance window that suits the workload.
    """
    for db in instances:
        if db.auto_minor_version_upgrade is None:
            yield Result.not_assessed(db.ref(), "auto minor version upgrade was not collected in this inventory")
        elif db.auto_minor_version_upgrade:
            yield Result.passed(db.ref(), "minor version upgrades are applied automatically",
                                engine_version=db.engine_version)
        else:
            yield Result.failed(db.ref(), "minor version upgrades are not applied automatically",
                                engine=db.engine, engine_version=db.engine_version)


# --------------------------------------------------------------------------------------------
# snapshots


def _exposure(snapshot: RdsSnapshot | RdsClusterSnapshot) -> Iterator[Result]:
    restorable = snapshot.restorable_by
    if isinstance(restorable, Unknown):
        yield Result.not_assessed(snapshot.ref(), f"who may restore it could not be read ({restorable.reason})")
    elif "all" in restorable:
        yield Result.failed(snapshot.ref(), "public: any AWS account can restore it", source=snapshot.source,
                            encrypted=snapshot.encrypted)
    elif restorable:
        yield Result.passed(snapshot.ref(), f"not public; shared with {len(restorable)} account(s)",
                            shared_with=restorable)
    else:
        yield Result.passed(snapshot.ref(), "not public, not shared", snapshot_type=snapshot.snapshot_type)


def _encryption(snapshot: RdsSnapshot | RdsClusterSnapshot) -> Result:
    if snapshot.encrypted:
        return Result.passed(snapshot.ref(), "encrypted", kms_key=snapshot.kms_key_id)
    return Result.failed(snapshot.ref(), "not encrypted", source=snapshot.source, snapshot_type=snapshot.snapshot_type)


@check(
    title="RDS database snapshots are not public",
    severity=Severity.CRITICAL, category="network", resource_type="AWS::RDS::DBSnapshot", needs=("rds_snapshots",),
)
def rds_snapshot_not_public(snapshots: list[RdsSnapshot]) -> Iterator[Result]:
    """What it checks:
    No DB snapshot of the account can be restored by everyone: its `restore` attribute
    (`DescribeDBSnapshotAttributes`) does not hold `all`. Snapshots shared with named accounts
    PASS with those accounts listed. Automated snapshots are not judged: they cannot be shared.

    Why it matters:
    Any AWS customer can restore a public snapshot into their own account and read the whole
    database, card data included; an unencrypted public snapshot needs nothing else.

    How to fix:
    `aws rds modify-db-snapshot-attribute --db-snapshot-identifier <id> --attribute-name restore
    --values-to-remove all`, then find out who restored it while it was public (CloudTrail).
    """
    for snapshot in snapshots:
        yield from _exposure(snapshot)


@check(
    title="RDS database cluster snapshots are not public",
    severity=Severity.CRITICAL, category="network", resource_type="AWS::RDS::DBClusterSnapshot",
    needs=("rds_cluster_snapshots",),
)
def rds_cluster_snapshot_not_public(snapshots: list[RdsClusterSnapshot]) -> Iterator[Result]:
    """What it checks:
    No DB cluster snapshot of the account can be restored by everyone: its `restore` attribute
    (`DescribeDBClusterSnapshotAttributes`) does not hold `all`. Snapshots shared with named
    accounts PASS with those accounts listed. Automated snapshots are not judged: they cannot be
    shared.

    Why it matters:
    Any AWS customer can restore a public cluster snapshot into their own account and read the
    whole database, card data included.

    How to fix:
    `aws rds modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier <id>
    --attribute-name restore --values-to-remove all`, then find out who restored it while it was
    public (CloudTrail).
    """
    for snapshot in snapshots:
        yield from _exposure(snapshot)


@check(
    title="RDS database snapshots are encrypted",
    severity=Severity.HIGH, category="encryption", resource_type="AWS::RDS::DBSnapshot", needs=("rds_snapshots",),
)
def rds_snapshot_encrypted(snapshots: list[RdsSnapshot]) -> Iterator[Result]:
    """What it checks:
    Each manual or AWS Backup DB snapshot is encrypted (`Encrypted`). Automated snapshots are not
    judged: they are encrypted exactly when their instance is (`rds_instance_storage_encrypted`).

    Why it matters:
    A snapshot is a full copy of the database; unencrypted, the card data in it is stored in
    clear and can be copied or shared with no key to control its use.

    How to fix:
    `aws rds copy-db-snapshot --kms-key-id <key>` makes an encrypted copy; delete the unencrypted
    one, and encrypt the source instance so its future snapshots are encrypted.
    """
    for snapshot in snapshots:
        yield _encryption(snapshot)


@check(
    title="RDS database cluster snapshots are encrypted",
    severity=Severity.HIGH, category="encryption", resource_type="AWS::RDS::DBClusterSnapshot",
    needs=("rds_cluster_snapshots",),
)
def rds_cluster_snapshot_encrypted(snapshots: list[RdsClusterSnapshot]) -> Iterator[Result]:
    """What it checks:
    Each manual or AWS Backup DB cluster snapshot is encrypted (`StorageEncrypted`). Automated
    snapshots are not judged: they are encrypted exactly when their cluster is.

    Why it matters:
    A cluster snapshot is a full copy of the cluster volume; unencrypted, the card data in it is
    stored in clear and can be copied or shared with no key to control its use.

    How to fix:
    `aws rds copy-db-cluster-snapshot --kms-key-id <key>` makes an encrypted copy; delete the
    unencrypted one, and move the cluster to encrypted storage.
    """
    for snapshot in snapshots:
        yield _encryption(snapshot)
