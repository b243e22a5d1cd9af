"""RDS: DB instances, DB clusters and their snapshots.

Fields added after the first release default to None: "not collected in this inventory" (a
saved inventory from an older cardaudit), which checks report as NOT_ASSESSED, never a verdict.
"""

from __future__ import annotations

import re
from typing import ClassVar

from pydantic import Field

from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.base import Frozen
from cardaudit.models.resource_type import ResourceType

# The DB parameter that makes an engine refuse connections without TLS, by engine family, and its
# engine default: what an instance on a default parameter group (whose values cannot be changed)
# or a custom group that does not set it gets. From the RDS User Guide: PostgreSQL turns
# rds.force_ssl on by default from major version 15; MySQL up to 8.4 and MariaDB up to 11.4 leave
# require_secure_transport off (MySQL 9.7 and MariaDB 11.8 turn it on); SQL Server leaves
# rds.force_ssl off. Oracle and Db2 enforce TLS through option groups, which are not read.
TLS_PARAMETERS: dict[str, str] = {
    "postgres": "rds.force_ssl",
    "sqlserver": "rds.force_ssl",
    "mysql": "require_secure_transport",
    "mariadb": "require_secure_transport",
}
# (engine family, first version whose engine default enforces TLS)
_TLS_ON_BY_DEFAULT_FROM: dict[str, tuple[int, ...]] = {"postgres": (15,), "mysql": (9, 7), "mariadb": (11, 8)}


def engine_family(engine: str) -> str | None:
    """The TLS_PARAMETERS key of an engine name (sqlserver-se -> sqlserver), or None."""
    for family in TLS_PARAMETERS:
        if engine == family or engine.startswith(f"{family}-"):
            return family
    return None


def tls_default_enforced(engine: str, version: str | None) -> bool | None:
    """Whether the engine default enforces TLS; None when the version needed to tell is unknown."""
    family = engine_family(engine)
    if family is None:
        return None
    first = _TLS_ON_BY_DEFAULT_FROM.get(family)
    if first is None:
        return False
    numbers = tuple(int(n) for n in re.findall(r"\d+", version or "")[:len(first)])
    if len(numbers) < len(first):
        return None
    return numbers >= first


def parameter_on(value: str) -> bool:
    """rds.force_ssl and require_secure_transport read 1/0 on instances, ON/OFF on clusters."""
    return value.strip().lower() in {"1", "on", "true"}


class TlsParameter(Frozen):
    """The TLS-enforcing parameter of an instance's DB parameter group."""

    group: str
    parameter: str  # rds.force_ssl, require_secure_transport
    # As set in the group (DescribeDBParameters, Source user); None: not set there, the engine default applies.
    value: str | None = None
    default_group: bool = False  # an RDS default group (default.<family>): always the engine defaults


class RdsInstance(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::RDS::DBInstance", slice="rds_instances", service="rds", regional=True,
        arn=("rds", "db"), asff_type="AwsRdsDbInstance",
        # Not Terraform's aws_db_instance: its id is the DbiResourceId ("db-..."), not the identifier.
        iac_name_types=("aws:rds/instance:Instance",),
        operations=("rds:DescribeDBInstances", "rds:DescribeDBParameters"),
    )

    engine: str
    storage_encrypted: bool
    kms_key_id: str | None = None
    publicly_accessible: bool = False
    # None: read from an inventory saved before cardaudit collected it.
    deletion_protection: bool | None = None
    # The DB cluster this instance belongs to (Aurora, Multi-AZ DB cluster): the cluster holds its
    # data and its deletion protection.
    cluster: str | None = None
    engine_version: str | None = None
    backup_retention_days: int | None = None
    auto_minor_version_upgrade: bool | None = None
    replica_of: str | None = None  # the source instance of a read replica
    # None: not collected, or not applicable (a cluster member, an engine without such a parameter).
    tls: TlsParameter | Unknown | None = None


class RdsCluster(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::RDS::DBCluster", slice="rds_clusters", service="rds", regional=True,
        arn=("rds", "cluster"), asff_type="AwsRdsDbCluster",
        iac_name_types=("aws:rds/cluster:Cluster", "aws_rds_cluster"),
        operations=("rds:DescribeDBClusters",),
    )

    engine: str
    deletion_protection: bool
    members: list[str] = Field(default_factory=list)  # DB instance identifiers
    storage_encrypted: bool | None = None
    kms_key_id: str | None = None


class RdsSnapshot(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::RDS::DBSnapshot", slice="rds_snapshots", service="rds", regional=True,
        arn=("rds", "snapshot"), asff_type="AwsRdsDbSnapshot",
        operations=("rds:DescribeDBSnapshots", "rds:DescribeDBSnapshotAttributes"),
    )

    snapshot_type: str  # manual, automated, awsbackup
    source: str | None = None  # the DB instance it was taken of
    engine: str = ""
    encrypted: bool
    kms_key_id: str | None = None
    # Who may restore it (the `restore` attribute): account ids, or "all" for everyone. Automated
    # snapshots are not collected: they cannot be shared, and are encrypted exactly when their source is.
    restorable_by: list[str] | Unknown


class RdsClusterSnapshot(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::RDS::DBClusterSnapshot", slice="rds_cluster_snapshots", service="rds", regional=True,
        arn=("rds", "cluster-snapshot"), asff_type="AwsRdsDbClusterSnapshot",
        operations=("rds:DescribeDBClusterSnapshots", "rds:DescribeDBClusterSnapshotAttributes"),
    )

    snapshot_type: str
    source: str | None = None  # the DB cluster it was taken of
    engine: str = ""
    encrypted: bool
    kms_key_id: str | None = None
    restorable_by: list[str] | Unknown
