"""EC2: security groups, network ACLs, VPCs and their flow logs, instances, EBS volumes and snapshots,
and the region's EBS encryption by default.

Each list has its own collect function, so a refused call blinds only the slices it fills: a role
denied ec2:DescribeSnapshots still has its security groups judged.
"""

from __future__ import annotations

from typing import Any

from cardaudit.collect.api import Api, tag_dict
from cardaudit.models.aws.ec2 import (
    EbsEncryptionByDefault,
    FlowLog,
    Instance,
    NetworkAcl,
    NetworkAclEntry,
    SecurityGroup,
    SecurityGroupRule,
    Snapshot,
    Volume,
    Vpc,
)
from cardaudit.models.aws.resource import AwsResource

# Instances in these states are gone or going: nothing of them can be reached or changed.
_GONE = frozenset({"terminated", "shutting-down"})


def _arn(api: Api, kind: str, resource_id: str) -> str:
    return f"arn:aws:ec2:{api.region}:{api.account}:{kind}/{resource_id}"


def _rule(permission: dict[str, Any]) -> SecurityGroupRule:
    cidrs = [r["CidrIp"] for r in permission.get("IpRanges", []) if "CidrIp" in r]
    cidrs += [r["CidrIpv6"] for r in permission.get("Ipv6Ranges", []) if "CidrIpv6" in r]
    return SecurityGroupRule(
        protocol=str(permission.get("IpProtocol", "-1")), from_port=permission.get("FromPort"),
        to_port=permission.get("ToPort"), cidrs=cidrs,
        prefix_lists=[p["PrefixListId"] for p in permission.get("PrefixListIds", []) if "PrefixListId" in p],
        groups=[g["GroupId"] for g in permission.get("UserIdGroupPairs", []) if "GroupId" in g],
    )


def collect_security_groups(api: Api) -> dict[str, list[AwsResource]]:
    groups: list[AwsResource] = [
        SecurityGroup(
            arn=g.get("SecurityGroupArn") or _arn(api, "security-group", g["GroupId"]), account=api.account,
            region=api.region, name=g["GroupId"], tags=tag_dict(g.get("Tags")), group_name=g.get("GroupName", ""),
            vpc_id=g.get("VpcId"), ingress=[_rule(p) for p in g.get("IpPermissions", [])],
            egress=[_rule(p) for p in g.get("IpPermissionsEgress", [])],
        )
        for g in api.pages("describe_security_groups", "SecurityGroups")
    ]
    return {"ec2_security_groups": groups}


def _entry(e: dict[str, Any]) -> NetworkAclEntry:
    ports = e.get("PortRange") or {}
    return NetworkAclEntry(
        rule_number=int(e["RuleNumber"]), egress=bool(e.get("Egress", False)), allow=e.get("RuleAction") == "allow",
        protocol=str(e.get("Protocol", "-1")), cidr=e.get("CidrBlock") or e.get("Ipv6CidrBlock") or "",
        from_port=ports.get("From"), to_port=ports.get("To"),
    )


def collect_network_acls(api: Api) -> dict[str, list[AwsResource]]:
    acls: list[AwsResource] = [
        NetworkAcl(
            arn=_arn(api, "network-acl", a["NetworkAclId"]), account=api.account, region=api.region,
            name=a["NetworkAclId"], tags=tag_dict(a.get("Tags")), vpc_id=a.get("VpcId", ""),
            is_default=bool(a.get("IsDefault", False)), entries=[_entry(e) for e in a.get("Entries", [])],
            subnets=sorted(s["SubnetId"] for s in a.get("Associations", []) if "SubnetId" in s),
        )
        for a in api.pages("describe_network_acls", "NetworkAcls")
    ]
    return {"ec2_network_acls": acls}


def collect_vpcs(api: Api) -> dict[str, list[AwsResource]]:
    vpcs = api.pages("describe_vpcs", "Vpcs")
    # One call for the region's flow logs, not one per VPC; only those on a VPC itself are kept.
    flow_logs: dict[str, list[FlowLog]] = {}
    for f in api.pages("describe_flow_logs", "FlowLogs"):
        flow_logs.setdefault(f.get("ResourceId", ""), []).append(FlowLog(
            flow_log_id=f["FlowLogId"], status=f.get("FlowLogStatus", ""), traffic_type=f.get("TrafficType", ""),
            destination_type=f.get("LogDestinationType", ""), deliver_status=f.get("DeliverLogsStatus"),
        ))
    out: list[AwsResource] = [
        Vpc(
            arn=_arn(api, "vpc", v["VpcId"]), account=api.account, region=api.region, name=v["VpcId"],
            tags=tag_dict(v.get("Tags")), cidr=v.get("CidrBlock", ""), is_default=bool(v.get("IsDefault", False)),
            flow_logs=flow_logs.get(v["VpcId"], []),
        )
        for v in vpcs
    ]
    return {"ec2_vpcs": out}


def collect_instances(api: Api) -> dict[str, list[AwsResource]]:
    out: list[AwsResource] = []
    for reservation in api.pages("describe_instances", "Reservations"):
        for i in reservation.get("Instances", []):
            state = i.get("State", {}).get("Name", "")
            if state in _GONE:
                continue
            metadata = i.get("MetadataOptions") or {}
            out.append(Instance(
                arn=_arn(api, "instance", i["InstanceId"]), account=api.account, region=api.region,
                name=i["InstanceId"], tags=tag_dict(i.get("Tags")), state=state, vpc_id=i.get("VpcId"),
                subnet_id=i.get("SubnetId"), public_ip=i.get("PublicIpAddress"),
                http_tokens=metadata.get("HttpTokens"), http_endpoint=metadata.get("HttpEndpoint"),
            ))
    return {"ec2_instances": out}


def collect_volumes(api: Api) -> dict[str, list[AwsResource]]:
    volumes: list[AwsResource] = [
        Volume(
            arn=_arn(api, "volume", v["VolumeId"]), account=api.account, region=api.region, name=v["VolumeId"],
            tags=tag_dict(v.get("Tags")), encrypted=bool(v.get("Encrypted", False)), kms_key_id=v.get("KmsKeyId"),
            state=v.get("State", ""),
            attached_to=sorted({a["InstanceId"] for a in v.get("Attachments", []) if "InstanceId" in a}),
        )
        for v in api.pages("describe_volumes", "Volumes")
    ]
    return {"ec2_volumes": volumes}


def collect_snapshots(api: Api) -> dict[str, list[AwsResource]]:
    # OwnerIds=self keeps the public snapshots of the whole world out; the owner is checked again
    # here because an emulator or an older endpoint may ignore the filter.
    owned = [s for s in api.pages("describe_snapshots", "Snapshots", OwnerIds=["self"])
             if s.get("OwnerId") == api.account]

    def read(s: dict[str, Any]) -> AwsResource:
        # No batch form: one DescribeSnapshotAttribute per snapshot.
        permissions = api.detail("describe_snapshot_attribute",
                                 lambda r: list(r["CreateVolumePermissions"]),
                                 SnapshotId=s["SnapshotId"], Attribute="createVolumePermission")
        return Snapshot(
            arn=_arn(api, "snapshot", s["SnapshotId"]), account=api.account, region=api.region,
            name=s["SnapshotId"], tags=tag_dict(s.get("Tags")), volume_id=s.get("VolumeId"),
            encrypted=bool(s.get("Encrypted", False)), kms_key_id=s.get("KmsKeyId"),
            public=permissions if not isinstance(permissions, list) else any(
                p.get("Group") == "all" for p in permissions),
            shared_with=permissions if not isinstance(permissions, list) else sorted(
                p["UserId"] for p in permissions if "UserId" in p),
        )

    return {"ec2_snapshots": api.each(read, owned)}


def collect_ebs_encryption_by_default(api: Api) -> dict[str, list[AwsResource]]:
    answer = api.call("get_ebs_encryption_by_default")
    enabled = answer["EbsEncryptionByDefault"]  # no default: an answer without it is a failed read
    if not isinstance(enabled, bool):
        raise TypeError(f"EbsEncryptionByDefault is a {type(enabled).__name__}")
    setting = EbsEncryptionByDefault(
        arn=f"arn:aws:ec2:{api.region}:{api.account}:ebs-encryption-by-default", account=api.account,
        region=api.region, name="ebs-encryption-by-default", enabled=enabled,
    )
    return {"ec2_ebs_encryption_by_default": [setting]}
