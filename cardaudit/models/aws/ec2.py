"""EC2 networking and compute: security groups, network ACLs, VPCs with their flow logs, instances,
EBS volumes and snapshots, and each region's EBS encryption-by-default setting.

Every model is named by its AWS id (`sg-...`, `vpc-...`, `i-...`), which is also the id IaC
tools give it, so a Pulumi or Terraform state claims it by name. Findings show people the
resource's `Name` tag (a security group's own name when untagged) and keep the id in the
reference's `id` and ARN: `sg-0f3c...` says nothing to the team asked to fix it.
"""

from __future__ import annotations

import ipaddress
from typing import ClassVar, Literal

from pydantic import Field

from cardaudit.models.aws.resource import AwsResource, Unknown
from cardaudit.models.base import Frozen
from cardaudit.models.finding import ResourceRef
from cardaudit.models.resource_type import ResourceType

# Protocol names and numbers EC2 accepts for TCP and UDP; "-1" is every protocol.
_TCP = frozenset({"tcp", "6"})
_UDP = frozenset({"udp", "17"})

Transport = Literal["tcp", "udp"]


def _shown_by_name(resource: AwsResource, ref: ResourceRef, fallback: str | None = None) -> ResourceRef:
    """`ref` shown by the resource's Name tag (or `fallback`); its id and ARN stay the AWS ones."""
    tag = resource.tags.get("Name") if isinstance(resource.tags, dict) else None
    return ref.model_copy(update={"name": tag or fallback or resource.name})


def is_internet(cidr: str) -> bool:
    """0.0.0.0/0 or ::/0 (any spelling): every address of its family."""
    try:
        return ipaddress.ip_network(cidr, strict=False).prefixlen == 0
    except ValueError:
        return False


def _reaches(protocol: str, from_port: int | None, to_port: int | None, transport: Transport, port: int) -> bool:
    """Whether a rule of this protocol and port range lets `transport`/`port` through."""
    protocol = protocol.lower()
    if protocol in ("-1", "all"):
        return True
    if protocol not in (_TCP if transport == "tcp" else _UDP):
        return False
    if from_port is None or to_port is None or from_port == -1:
        return True  # no range given: every port of the protocol
    return from_port <= port <= to_port


class SecurityGroupRule(Frozen):
    """One ingress or egress permission: a protocol, a port range and its sources (or destinations)."""

    protocol: str  # "-1" for every protocol, else "tcp", "udp", "icmp" or a protocol number
    from_port: int | None = None
    to_port: int | None = None
    cidrs: list[str] = Field(default_factory=list)  # IPv4 and IPv6 ranges
    prefix_lists: list[str] = Field(default_factory=list)
    groups: list[str] = Field(default_factory=list)  # referenced security group ids

    def internet_sources(self) -> list[str]:
        return [c for c in self.cidrs if is_internet(c)]

    def reaches(self, transport: Transport, port: int) -> bool:
        return _reaches(self.protocol, self.from_port, self.to_port, transport, port)

    def all_traffic(self) -> bool:
        """Every protocol, or every port of TCP or UDP (0-65535 or 1-65535)."""
        protocol = self.protocol.lower()
        if protocol in ("-1", "all"):
            return True
        if protocol in _TCP | _UDP:
            return self.from_port is None or self.from_port == -1 or (
                self.from_port <= 1 and (self.to_port or 0) >= 65535)
        return False

    def describe(self) -> str:
        if self.protocol in ("-1", "all"):
            return "all traffic"
        if self.from_port is None or self.from_port == -1:
            return f"{self.protocol} all ports"
        ports = str(self.from_port) if self.from_port == self.to_port else f"{self.from_port}-{self.to_port}"
        return f"{self.protocol} {ports}"


class SecurityGroup(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::EC2::SecurityGroup", slice="ec2_security_groups", service="ec2", regional=True,
        arn=("ec2", "security-group"), asff_type="AwsEc2SecurityGroup",
        iac_name_types=("aws:ec2/securityGroup:SecurityGroup", "aws_security_group"),
        operations=("ec2:DescribeSecurityGroups",),
    )

    group_name: str
    vpc_id: str | None = None
    ingress: list[SecurityGroupRule] = Field(default_factory=list)
    egress: list[SecurityGroupRule] = Field(default_factory=list)

    def ref(self, field: str | None = None) -> ResourceRef:
        return _shown_by_name(self, super().ref(field), self.group_name)

    @property
    def is_default(self) -> bool:
        """The VPC's default group: AWS names it `default` and refuses that name to any other group."""
        return self.group_name == "default"


class NetworkAclEntry(Frozen):
    rule_number: int
    egress: bool
    allow: bool
    protocol: str  # "-1" or a protocol number ("6" TCP, "17" UDP)
    cidr: str  # IPv4 or IPv6 range
    from_port: int | None = None
    to_port: int | None = None

    def reaches(self, transport: Transport, port: int) -> bool:
        return _reaches(self.protocol, self.from_port, self.to_port, transport, port)


class NetworkAcl(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::EC2::NetworkAcl", slice="ec2_network_acls", service="ec2", regional=True,
        arn=("ec2", "network-acl"), asff_type="AwsEc2NetworkAcl",
        iac_name_types=("aws:ec2/networkAcl:NetworkAcl", "aws_network_acl"),
        operations=("ec2:DescribeNetworkAcls",),
    )

    vpc_id: str
    is_default: bool = False
    entries: list[NetworkAclEntry] = Field(default_factory=list)
    subnets: list[str] = Field(default_factory=list)  # associated subnet ids

    def ref(self, field: str | None = None) -> ResourceRef:
        return _shown_by_name(self, super().ref(field))

    def first_match(self, family: Literal[4, 6], transport: Transport, port: int) -> NetworkAclEntry | None:
        """The inbound entry that decides traffic from every address of `family` to `port`.

        Entries are evaluated in rule-number order and the first that matches wins. Only entries
        whose range is the whole address family decide for the whole internet: a narrower deny
        leaves the rest of the internet to the entries after it.
        """
        for entry in sorted((e for e in self.entries if not e.egress), key=lambda e: e.rule_number):
            try:
                network = ipaddress.ip_network(entry.cidr, strict=False)
            except ValueError:
                continue
            if network.version == family and network.prefixlen == 0 and entry.reaches(transport, port):
                return entry
        return None


class FlowLog(Frozen):
    flow_log_id: str
    status: str  # FlowLogStatus: ACTIVE
    traffic_type: str  # ACCEPT, REJECT or ALL
    destination_type: str = ""  # cloud-watch-logs, s3, kinesis-data-firehose
    deliver_status: str | None = None  # DeliverLogsStatus: SUCCESS, FAILED


class Vpc(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::EC2::VPC", slice="ec2_vpcs", service="ec2", regional=True,
        arn=("ec2", "vpc"), asff_type="AwsEc2Vpc",
        iac_name_types=("aws:ec2/vpc:Vpc", "aws_vpc"),
        operations=("ec2:DescribeVpcs", "ec2:DescribeFlowLogs"),
    )

    cidr: str = ""
    is_default: bool = False
    flow_logs: list[FlowLog] = Field(default_factory=list)  # flow logs attached to the VPC itself

    def ref(self, field: str | None = None) -> ResourceRef:
        return _shown_by_name(self, super().ref(field))


class Instance(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::EC2::Instance", slice="ec2_instances", service="ec2", regional=True,
        arn=("ec2", "instance"), asff_type="AwsEc2Instance",
        iac_name_types=("aws:ec2/instance:Instance", "aws_instance"),
        operations=("ec2:DescribeInstances",),
    )

    state: str  # pending, running, stopping, stopped (terminated instances are not kept)
    vpc_id: str | None = None
    subnet_id: str | None = None
    public_ip: str | None = None
    # MetadataOptions; None when the answer did not carry them.
    http_tokens: str | None = None  # required (IMDSv2 only) or optional
    http_endpoint: str | None = None  # enabled or disabled

    def ref(self, field: str | None = None) -> ResourceRef:
        return _shown_by_name(self, super().ref(field))


class Volume(AwsResource):
    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::EC2::Volume", slice="ec2_volumes", service="ec2", regional=True,
        arn=("ec2", "volume"), asff_type="AwsEc2Volume",
        iac_name_types=("aws:ebs/volume:Volume", "aws_ebs_volume"),
        operations=("ec2:DescribeVolumes",),
    )

    encrypted: bool
    kms_key_id: str | None = None
    state: str = ""
    attached_to: list[str] = Field(default_factory=list)  # instance ids

    def ref(self, field: str | None = None) -> ResourceRef:
        return _shown_by_name(self, super().ref(field))


class Snapshot(AwsResource):
    """An EBS snapshot the account owns. Its ARN carries the account, as Security Hub and Config write it."""

    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::EC2::Snapshot", slice="ec2_snapshots", service="ec2", regional=True,
        arn=("ec2", "snapshot"),
        iac_name_types=("aws:ebs/snapshot:Snapshot", "aws_ebs_snapshot"),
        operations=("ec2:DescribeSnapshots", "ec2:DescribeSnapshotAttribute"),
    )

    volume_id: str | None = None
    encrypted: bool
    kms_key_id: str | None = None
    # createVolumePermission: "all" is public; otherwise the account ids it is shared with.
    public: bool | Unknown
    shared_with: list[str] | Unknown = Field(default_factory=list)

    def ref(self, field: str | None = None) -> ResourceRef:
        return _shown_by_name(self, super().ref(field))


class EbsEncryptionByDefault(AwsResource):
    """One region's EBS encryption-by-default setting for the account.

    AWS gives the setting no ARN: `arn:aws:ec2:<region>:<account>:ebs-encryption-by-default` is
    cardaudit's name for it, so that its finding routes like any resource's.
    """

    resource_type: ClassVar[ResourceType] = ResourceType(
        cfn_type="AWS::EC2::EBSEncryptionByDefault", slice="ec2_ebs_encryption_by_default", service="ec2",
        regional=True, arn=("ec2", ""),
        operations=("ec2:GetEbsEncryptionByDefault",),
    )

    enabled: bool
