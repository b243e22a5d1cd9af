"""Demo estate, network: EC2: security groups, NACLs, VPCs and flow logs, instances, EBS.

cards-prod (created by `seed._seed_network`) is the compliant side: a flow log, an empty default
security group, a default network ACL that denies SSH and RDP from the internet, a batch host with
IMDSv2 and an encrypted disk, and the database group reachable only from the workloads' groups.
The gaps sit where they sit in many real accounts: the default VPCs AWS created were never
removed, and the eu-west-1 one still hosts the legacy bastion and a few hand-made groups.
"""

from __future__ import annotations

from typing import Any

import boto3

from cardaudit.demo.seed import DEMO_ACCOUNT, HOME_REGION, Seeded, _client, _role_arn, _tag_list, _tags

OTHER_REGION = "us-east-1"

# What the demo report must show for this domain. EC2 ids are random in moto, so the resources are
# named by region and Name tag; the EBS settings by cardaudit's ARN for them.
DOMAIN_GAPS: dict[str, str] = {
    f"{HOME_REGION}:security-group/legacy-bastion-sg": "SSH (22) open to 0.0.0.0/0 and ::/0",
    f"{HOME_REGION}:security-group/bi-reporting-sg": "PostgreSQL (5432) open to 0.0.0.0/0",
    f"{HOME_REGION}:security-group/partner-sftp-sg": "every TCP port open to 0.0.0.0/0",
    f"{HOME_REGION}:vpc/default": (
        "the default VPC was never removed: no flow log, default security group allows all outbound, "
        "default network ACL admits SSH and RDP from the internet"
    ),
    f"{OTHER_REGION}:vpc/default": "the same as the eu-west-1 default VPC",
    f"{HOME_REGION}:instance/legacy-bastion": "IMDSv1 allowed and a public IPv4 address; unencrypted root volume",
    f"{HOME_REGION}:snapshot/legacy-bastion-root": "public (createVolumePermission all) and unencrypted",
    f"arn:aws:ec2:{OTHER_REGION}:{DEMO_ACCOUNT}:ebs-encryption-by-default": "EBS encryption by default is off",
}

_AMI = "ami-0c1a7f89451184c8b"  # never validated by moto (default AMIs are not loaded)


def seed(session: boto3.session.Session, seeded: Seeded) -> None:
    """Create this domain's resources: compliant ones and the gaps listed in DOMAIN_GAPS."""
    ec2 = _client(session, "ec2", HOME_REGION)
    _harden_cards_prod(session, ec2, seeded)
    default_vpc = _tag_default_vpc(ec2)
    _tag_default_vpc(_client(session, "ec2", OTHER_REGION))
    default_subnet = ec2.describe_subnets(Filters=[
        {"Name": "vpc-id", "Values": [default_vpc]}, {"Name": "availability-zone", "Values": [f"{HOME_REGION}a"]},
    ])["Subnets"][0]["SubnetId"]
    bastion_sg = _legacy_groups(ec2, default_vpc)
    _instances(ec2, seeded, default_subnet, bastion_sg)
    # Turned on in the home region after the bastion was built (its disk predates it); nobody did
    # the same in us-east-1, where only CloudTrail's global events and IAM live.
    ec2.enable_ebs_encryption_by_default()


def _spec(kind: str, tags: dict[str, str]) -> list[dict[str, Any]]:
    return [{"ResourceType": kind, "Tags": _tag_list(tags)}]


def _harden_cards_prod(session: boto3.session.Session, ec2: Any, seeded: Seeded) -> None:
    """cards-prod: flow log of all traffic, empty default group, NACL closing SSH and RDP from outside."""
    vpc_id = seeded.network.vpc_id
    logs = _client(session, "logs", HOME_REGION)
    log_group = "/vpc/cards-prod/flow-logs"
    logs.create_log_group(logGroupName=log_group, tags=_tags("infra", "network", **{"managed-by": "pulumi"}))
    logs.put_retention_policy(logGroupName=log_group, retentionInDays=400)
    ec2.create_flow_logs(
        ResourceIds=[vpc_id], ResourceType="VPC", TrafficType="ALL", LogDestinationType="cloud-watch-logs",
        LogGroupName=log_group, DeliverLogsPermissionArn=_role_arn("vpc-flow-logs"),
        TagSpecifications=_spec("vpc-flow-log", _tags("infra", "network", Name="cards-prod-flow-logs")),
    )
    default_sg = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}],
    )["SecurityGroups"][0]
    if default_sg["IpPermissions"]:
        ec2.revoke_security_group_ingress(GroupId=default_sg["GroupId"], IpPermissions=default_sg["IpPermissions"])
    if default_sg["IpPermissionsEgress"]:
        ec2.revoke_security_group_egress(GroupId=default_sg["GroupId"],
                                         IpPermissions=default_sg["IpPermissionsEgress"])
    acl_id = ec2.describe_network_acls(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "default", "Values": ["true"]}],
    )["NetworkAcls"][0]["NetworkAclId"]
    # Numbered below the default allow-all (100), so they win.
    for rule, port in ((50, 22), (60, 3389)):
        ec2.create_network_acl_entry(NetworkAclId=acl_id, RuleNumber=rule, Protocol="6", RuleAction="deny",
                                     Egress=False, CidrBlock="0.0.0.0/0", PortRange={"From": port, "To": port})
    tags = _tag_list(_tags("infra", "network", Name="cards-prod-default"))
    ec2.create_tags(Resources=[default_sg["GroupId"], acl_id], Tags=tags)


def _tag_default_vpc(ec2: Any) -> str:
    """Tag the region's default VPC, its default group and NACL as infra's; return the VPC id."""
    vpc_id = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    in_vpc = [{"Name": "vpc-id", "Values": [vpc_id]}]
    group = ec2.describe_security_groups(Filters=[*in_vpc, {"Name": "group-name", "Values": ["default"]}])
    acl = ec2.describe_network_acls(Filters=[*in_vpc, {"Name": "default", "Values": ["true"]}])
    ec2.create_tags(Resources=[vpc_id, group["SecurityGroups"][0]["GroupId"], acl["NetworkAcls"][0]["NetworkAclId"]],
                    Tags=_tag_list(_tags("infra", "network", Name="default")))
    return str(vpc_id)


def _legacy_groups(ec2: Any, vpc_id: str) -> str:
    """Hand-made groups in the default VPC (gaps); returns the bastion's group id."""
    rules: dict[str, tuple[str, str, dict[str, Any]]] = {
        # From before SSM Session Manager; "temporarily" open to the world for travelling admins.
        "legacy-bastion-sg": ("infra", "SSH to the legacy bastion", {
            "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}),
        # The BI vendor's hosted dashboards connect from addresses they do not publish.
        "bi-reporting-sg": ("app", "BI read replica access", {
            "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}),
        # Passive FTP ports were hard to pin down during the partner's onboarding.
        "partner-sftp-sg": ("infra", "Partner file exchange", {
            "IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}),
    }
    ids: dict[str, str] = {}
    for name, (team, description, permission) in rules.items():
        ids[name] = str(ec2.create_security_group(
            GroupName=name, Description=description, VpcId=vpc_id,
            TagSpecifications=_spec("security-group", _tags(team, name.removesuffix("-sg"), Name=name)),
        )["GroupId"])
        ec2.authorize_security_group_ingress(GroupId=ids[name], IpPermissions=[permission])
    return ids["legacy-bastion-sg"]


def _instances(ec2: Any, seeded: Seeded, default_subnet: str, bastion_sg: str) -> None:
    """Two instances: the legacy bastion (gaps) and the settlement batch host in cards-prod (compliant)."""
    bastion_tags = _tags("infra", "bastion", Name="legacy-bastion")
    bastion = ec2.run_instances(
        ImageId=_AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1, SubnetId=default_subnet,
        SecurityGroupIds=[bastion_sg], MetadataOptions={"HttpTokens": "optional", "HttpEndpoint": "enabled"},
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8, "Encrypted": False}}],
        TagSpecifications=[*_spec("instance", bastion_tags), *_spec("volume", bastion_tags)],
    )["Instances"][0]
    batch_tags = _tags("infra", "ledger-ingest", Name="settlement-batch-host", **{"pci-scope": "cde"})
    batch = ec2.run_instances(
        ImageId=_AMI, InstanceType="m7g.large", MinCount=1, MaxCount=1, SubnetId=seeded.network.subnet_ids[0],
        SecurityGroupIds=[seeded.network.security_groups["ledger-ingest"]],
        MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {
            "VolumeSize": 50, "Encrypted": True, "KmsKeyId": seeded.keys.cards_data}}],
        TagSpecifications=[*_spec("instance", batch_tags), *_spec("volume", batch_tags)],
    )["Instances"][0]

    def root_volume(instance: dict[str, Any]) -> str:
        return str(ec2.describe_volumes(Filters=[{"Name": "attachment.instance-id",
                                                  "Values": [instance["InstanceId"]]}])["Volumes"][0]["VolumeId"])

    # Shared with a support vendor while debugging a boot problem; "all" instead of their account.
    public = ec2.create_snapshot(
        VolumeId=root_volume(bastion), Description="legacy-bastion root before kernel upgrade",
        TagSpecifications=_spec("snapshot", _tags("infra", "bastion", Name="legacy-bastion-root")),
    )["SnapshotId"]
    ec2.modify_snapshot_attribute(SnapshotId=public, Attribute="createVolumePermission", OperationType="add",
                                  GroupNames=["all"])
    ec2.create_snapshot(
        VolumeId=root_volume(batch), Description="settlement-batch-host nightly",
        TagSpecifications=_spec("snapshot", {**batch_tags, "Name": "settlement-batch-host-nightly"}),
    )
