"""RDS: DB instances and DB clusters (encryption, exposure, deletion protection, backups, minor
upgrades, the TLS parameter of each instance's parameter group), and DB and cluster snapshots with
who may restore them.

Instances and clusters come from one job, so a failed DescribeDBClusters leaves the instance slice
blind too (NOT_ASSESSED, never PASS); the read-only policies that grant one grant the other.
Snapshots are read by their own jobs: a refused snapshot listing blinds only the snapshots.
"""

from __future__ import annotations

from typing import Any

from cardaudit.collect.api import Api, tag_dict
from cardaudit.collect.contain import CallFailed
from cardaudit.models.aws.rds import (
    TLS_PARAMETERS,
    RdsCluster,
    RdsClusterSnapshot,
    RdsInstance,
    RdsSnapshot,
    TlsParameter,
    engine_family,
)
from cardaudit.models.aws.resource import AwsResource, Unknown


def _instance(api: Api, db: dict[str, Any], tls: TlsParameter | Unknown | None) -> AwsResource:
    return RdsInstance(
        arn=db["DBInstanceArn"], account=api.account, region=api.region, name=db["DBInstanceIdentifier"],
        tags=tag_dict(db.get("TagList")), engine=db.get("Engine", ""),
        storage_encrypted=bool(db.get("StorageEncrypted", False)), kms_key_id=db.get("KmsKeyId"),
        publicly_accessible=bool(db.get("PubliclyAccessible", False)),
        deletion_protection=bool(db.get("DeletionProtection", False)), cluster=db.get("DBClusterIdentifier"),
        engine_version=db.get("EngineVersion"), backup_retention_days=int(db.get("BackupRetentionPeriod", 0)),
        auto_minor_version_upgrade=bool(db.get("AutoMinorVersionUpgrade", False)),
        replica_of=db.get("ReadReplicaSourceDBInstanceIdentifier"), tls=tls,
    )


def _cluster(api: Api, c: dict[str, Any]) -> AwsResource:
    return RdsCluster(
        arn=c["DBClusterArn"], account=api.account, region=api.region, name=c["DBClusterIdentifier"],
        tags=tag_dict(c.get("TagList")), engine=c.get("Engine", ""),
        deletion_protection=bool(c.get("DeletionProtection", False)),
        members=sorted(m["DBInstanceIdentifier"] for m in c.get("DBClusterMembers", [])),
        storage_encrypted=bool(c.get("StorageEncrypted", False)), kms_key_id=c.get("KmsKeyId"),
    )


def _parameter_group(db: dict[str, Any]) -> tuple[str, str] | None:
    """(group name, TLS parameter) of a stand-alone instance whose engine has one; else None.

    A cluster member takes TLS from its DB cluster parameter group, which is not read here.
    """
    family = engine_family(db.get("Engine", ""))
    groups = db.get("DBParameterGroups") or []
    if family is None or db.get("DBClusterIdentifier") or not groups:
        return None
    return str(groups[0]["DBParameterGroupName"]), TLS_PARAMETERS[family]


def _read_group(api: Api, group: str, parameter: str) -> TlsParameter | Unknown:
    """The parameter as the custom group sets it; one listing of the group's user-set parameters."""
    try:
        # Source=user: only what the group changes; anything else is the engine default.
        params = api.pages("describe_db_parameters", "Parameters", DBParameterGroupName=group, Source="user")
    except CallFailed as exc:
        return Unknown(operation=exc.operation, code=exc.code, message=exc.message)
    value = next((p.get("ParameterValue") for p in params if p.get("ParameterName") == parameter), None)
    return TlsParameter(group=group, parameter=parameter, value=None if value is None else str(value))


def collect_rds(api: Api) -> dict[str, list[AwsResource]]:
    dbs = api.pages("describe_db_instances", "DBInstances")
    wanted = {pg for db in dbs if (pg := _parameter_group(db)) is not None}
    # A default group (default.postgres16) holds the engine defaults and cannot be changed: nothing
    # to read (and emulators cannot describe it). Each custom group is read once, however many use it.
    custom = sorted(pg for pg in wanted if not pg[0].startswith("default."))
    read = dict(zip(custom, api.each(lambda pg: _read_group(api, *pg), custom), strict=True))

    def tls(db: dict[str, Any]) -> TlsParameter | Unknown | None:
        pg = _parameter_group(db)
        if pg is None:
            return None
        return read.get(pg) or TlsParameter(group=pg[0], parameter=pg[1], default_group=True)

    return {
        "rds_instances": [_instance(api, db, tls(db)) for db in dbs],
        "rds_clusters": [_cluster(api, c) for c in api.pages("describe_db_clusters", "DBClusters")],
    }


def _restorable_by(resp: dict[str, Any], key: str) -> list[str]:
    attributes = resp[key].get("DBSnapshotAttributes" if key == "DBSnapshotAttributesResult"
                               else "DBClusterSnapshotAttributes", [])
    return sorted(v for a in attributes if a.get("AttributeName") == "restore" for v in a.get("AttributeValues", []))


def _kept(snapshots: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Manual, AWS Backup and other snapshots; not automated ones, which cannot be shared and are
    encrypted exactly when their instance or cluster is (judged there), and come and go daily."""
    return [s for s in snapshots if s.get("SnapshotType") != "automated"]


def collect_rds_snapshots(api: Api) -> dict[str, list[AwsResource]]:
    def read(s: dict[str, Any]) -> AwsResource:
        name = s["DBSnapshotIdentifier"]
        kind = str(s.get("SnapshotType", ""))
        restorable = api.detail("describe_db_snapshot_attributes",
                                lambda r: _restorable_by(r, "DBSnapshotAttributesResult"), DBSnapshotIdentifier=name)
        return RdsSnapshot(
            arn=s["DBSnapshotArn"], account=api.account, region=api.region, name=name,
            tags=tag_dict(s.get("TagList")), snapshot_type=kind, source=s.get("DBInstanceIdentifier"),
            engine=s.get("Engine", ""), encrypted=bool(s.get("Encrypted", False)), kms_key_id=s.get("KmsKeyId"),
            restorable_by=restorable,
        )

    return {"rds_snapshots": api.each(read, _kept(api.pages("describe_db_snapshots", "DBSnapshots")))}


def collect_rds_cluster_snapshots(api: Api) -> dict[str, list[AwsResource]]:
    def read(s: dict[str, Any]) -> AwsResource:
        name = s["DBClusterSnapshotIdentifier"]
        kind = str(s.get("SnapshotType", ""))
        restorable = api.detail("describe_db_cluster_snapshot_attributes",
                                lambda r: _restorable_by(r, "DBClusterSnapshotAttributesResult"),
                                DBClusterSnapshotIdentifier=name)
        return RdsClusterSnapshot(
            arn=s["DBClusterSnapshotArn"], account=api.account, region=api.region, name=name,
            tags=tag_dict(s.get("TagList")), snapshot_type=kind, source=s.get("DBClusterIdentifier"),
            engine=s.get("Engine", ""), encrypted=bool(s.get("StorageEncrypted", False)),
            kms_key_id=s.get("KmsKeyId"), restorable_by=restorable,
        )

    return {"rds_cluster_snapshots": api.each(read, _kept(api.pages("describe_db_cluster_snapshots",
                                                                      "DBClusterSnapshots")))}
