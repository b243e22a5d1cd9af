"""RDS: DB instances and DB clusters, with encryption, exposure and deletion protection.

Both lists come from one job, so a failed DescribeDBClusters leaves the instance slice blind too
(NOT_ASSESSED, never PASS); the read-only policies that grant one grant the other.
"""

from __future__ import annotations

from typing import Any

from cardaudit.collect.api import Api, tag_dict
from cardaudit.models.aws.rds import RdsCluster, RdsInstance
from cardaudit.models.aws.resource import AwsResource


def _instance(api: Api, db: dict[str, Any]) -> AwsResource:
    return RdsInstance(
        arn=db["DBInstanceArn"], account=api.account, region=api.region, name=db["DBInstanceIdentifier"],
        tags=tag_dict(db.get("TagList")), engine=db.get("Engine", ""),
        storage_encrypted=bool(db.get("StorageEncrypted", False)), kms_key_id=db.get("KmsKeyId"),
        publicly_accessible=bool(db.get("PubliclyAccessible", False)),
        deletion_protection=bool(db.get("DeletionProtection", False)), cluster=db.get("DBClusterIdentifier"),
    )


def _cluster(api: Api, c: dict[str, Any]) -> AwsResource:
    return RdsCluster(
        arn=c["DBClusterArn"], account=api.account, region=api.region, name=c["DBClusterIdentifier"],
        tags=tag_dict(c.get("TagList")), engine=c.get("Engine", ""),
        deletion_protection=bool(c.get("DeletionProtection", False)),
        members=sorted(m["DBInstanceIdentifier"] for m in c.get("DBClusterMembers", [])),
    )


def collect_rds(api: Api) -> dict[str, list[AwsResource]]:
    return {
        "rds_instances": [_instance(api, db) for db in api.pages("describe_db_instances", "DBInstances")],
        "rds_clusters": [_cluster(api, c) for c in api.pages("describe_db_clusters", "DBClusters")],
    }
