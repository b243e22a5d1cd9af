"""EC2 networking and compute: what the internet can reach, VPC traffic logging, instance metadata,
and encryption of EBS volumes and snapshots.

"The internet" is a source range covering a whole address family, 0.0.0.0/0 or ::/0: that is
what these checks judge. Narrower ranges, prefix lists and group references are someone's
decision to review (PCI DSS 1.2.5), not something a rule can tell wrong from right.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from cardaudit.engine.registry import check
from cardaudit.models.aws.ec2 import SecurityGroupRule, Transport
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.models.inventory import (
    EbsEncryptionByDefault,
    Instance,
    NetworkAcl,
    SecurityGroup,
    Snapshot,
    Unknown,
    Volume,
    Vpc,
)

# Remote administration: a login prompt on the internet.
ADMIN_PORTS: dict[tuple[Transport, int], str] = {("tcp", 22): "SSH", ("tcp", 3389): "RDP"}

# Database and data-store listeners that must never face the internet.
DATABASE_PORTS: dict[tuple[Transport, int], str] = {
    ("tcp", 1433): "SQL Server", ("tcp", 1521): "Oracle", ("tcp", 3306): "MySQL/MariaDB",
    ("tcp", 5432): "PostgreSQL", ("tcp", 5439): "Redshift", ("tcp", 6379): "Redis", ("tcp", 9042): "Cassandra",
    ("tcp", 9200): "OpenSearch/Elasticsearch", ("tcp", 9300): "Elasticsearch transport",
    ("tcp", 11211): "Memcached", ("tcp", 27017): "MongoDB",
}

_FAMILIES: tuple[tuple[Literal[4, 6], str], ...] = ((4, "0.0.0.0/0"), (6, "::/0"))

# Flow logs that record rejected traffic: what reviewing denied connection attempts needs.
_USEFUL_TRAFFIC = frozenset({"ALL", "REJECT"})


def _open_ports(group: SecurityGroup, ports: dict[tuple[Transport, int], str]) -> list[dict[str, Any]]:
    """The ports of `ports` that an ingress rule opens to the internet, with the rule and sources."""
    found: list[dict[str, Any]] = []
    for rule in group.ingress:
        sources = rule.internet_sources()
        if not sources:
            continue
        for (transport, port), service in ports.items():
            if rule.reaches(transport, port):
                found.append({"port": port, "protocol": transport, "service": service, "rule": rule.describe(),
                              "sources": sources})
    return found


def _summary(found: list[dict[str, Any]]) -> str:
    seen: dict[str, list[str]] = {}
    for item in found:
        seen.setdefault(f"{item['service']} ({item['port']})", []).extend(item["sources"])
    return "; ".join(f"{name} from {', '.join(sorted(set(src)))}" for name, src in seen.items())


def _label(group: SecurityGroup) -> dict[str, Any]:
    return {"group_name": group.group_name, "vpc": group.vpc_id}


@check(
    title="Security groups do not open SSH or RDP to the internet",
    severity=Severity.CRITICAL, category="network", resource_type="AWS::EC2::SecurityGroup",
    needs=("ec2_security_groups",),
)
def ec2_security_group_no_internet_admin_ports(groups: list[SecurityGroup]) -> Iterator[Result]:
    """What it checks:
    No inbound rule of a security group lets 0.0.0.0/0 or ::/0 reach TCP 22 (SSH) or TCP 3389
    (RDP), whether through a rule for that port, a port range that includes it, or a rule for
    every protocol. Every group is judged, attached to an interface or not: an unattached group
    is one attachment away from use.

    Why it matters:
    A remote-administration port open to the whole internet is scanned and brute-forced within
    minutes of appearing. Inbound traffic to the card data environment is to be limited to what
    is needed, and administrators have safer ways in (SSM Session Manager, a VPN, a bastion
    reached from known ranges).

    How to fix:
    `aws ec2 revoke-security-group-ingress --group-id <sg> --ip-permissions ...` for the open
    rule, and reach instances with SSM Session Manager or from the VPN's address range instead.
    """
    for group in groups:
        found = _open_ports(group, ADMIN_PORTS)
        if found:
            yield Result.failed(group.ref(), f"open to the internet: {_summary(found)}", open=found, **_label(group))
        else:
            yield Result.passed(group.ref(), "no SSH or RDP from the internet", **_label(group))


@check(
    title="Security groups do not open database ports to the internet",
    severity=Severity.CRITICAL, category="network", resource_type="AWS::EC2::SecurityGroup",
    needs=("ec2_security_groups",),
)
def ec2_security_group_no_internet_database_ports(groups: list[SecurityGroup]) -> Iterator[Result]:
    """What it checks:
    No inbound rule of a security group lets 0.0.0.0/0 or ::/0 reach a database or data-store
    port: SQL Server 1433, Oracle 1521, MySQL 3306, PostgreSQL 5432, Redshift 5439, Redis 6379,
    Cassandra 9042, OpenSearch 9200/9300, Memcached 11211, MongoDB 27017 (TCP), directly, in a
    range, or through a rule for every protocol.

    Why it matters:
    A database reachable from the internet is protected by its password alone, and databases are
    where stored account data lives. There should be no direct path from the internet to any
    store of card data; applications reach their database from their own security group.

    How to fix:
    Revoke the rule and allow the port only from the application's security group
    (`--ip-permissions IpProtocol=tcp,FromPort=5432,ToPort=5432,UserIdGroupPairs=[{GroupId=<app-sg>}]`).
    """
    for group in groups:
        found = _open_ports(group, DATABASE_PORTS)
        if found:
            yield Result.failed(group.ref(), f"open to the internet: {_summary(found)}", open=found, **_label(group))
        else:
            yield Result.passed(group.ref(), "no database port open to the internet", **_label(group))


@check(
    title="Security groups do not open every port to the internet",
    severity=Severity.CRITICAL, category="network", resource_type="AWS::EC2::SecurityGroup",
    needs=("ec2_security_groups",),
)
def ec2_security_group_no_internet_all_ports(groups: list[SecurityGroup]) -> Iterator[Result]:
    """What it checks:
    No inbound rule of a security group allows 0.0.0.0/0 or ::/0 on every protocol (`-1`) or on
    every TCP or UDP port (0-65535).

    Why it matters:
    Such a rule leaves the group filtering nothing: every service the instance runs, including
    ones nobody knows are listening, is on the internet. Each allowed port is supposed to have
    a business reason; "all of them" never does.

    How to fix:
    Replace the rule with the ports the workload serves (usually 443 on a load balancer's group
    only) and revoke the catch-all rule.
    """
    def wide(rule: SecurityGroupRule) -> bool:
        return bool(rule.internet_sources()) and rule.all_traffic()

    for group in groups:
        rules = [r for r in group.ingress if wide(r)]
        if rules:
            sources = sorted({s for r in rules for s in r.internet_sources()})
            yield Result.failed(group.ref(), f"{', '.join(sorted({r.describe() for r in rules}))} from "
                                             f"{', '.join(sources)}", sources=sources, **_label(group))
        else:
            yield Result.passed(group.ref(), "no all-port rule from the internet", **_label(group))


@check(
    title="Default security groups allow no traffic",
    severity=Severity.MEDIUM, category="network", resource_type="AWS::EC2::SecurityGroup",
    needs=("ec2_security_groups",),
)
def ec2_default_security_group_restricts_all(groups: list[SecurityGroup]) -> Iterator[Result]:
    """What it checks:
    The default security group of every VPC has no inbound and no outbound rule. Other groups
    are not judged here.

    Why it matters:
    Anything launched without a group named for it (an instance, an endpoint, a Lambda function
    in the VPC) lands in the default group. AWS creates it allowing all traffic between its
    members and all outbound traffic, so forgotten resources can talk to each other and to the
    internet without anyone having decided it. An empty default group makes every allowed path
    a deliberate rule.

    How to fix:
    Revoke its rules (`aws ec2 revoke-security-group-ingress` and `revoke-security-group-egress`
    with the rules `describe-security-groups` shows), move anything using it to a group of its
    own, and keep it empty in IaC (Terraform `aws_default_security_group` without rules).
    """
    for group in groups:
        if not group.is_default:
            continue
        if group.ingress or group.egress:
            yield Result.failed(group.ref(), f"default group has {len(group.ingress)} inbound and "
                                             f"{len(group.egress)} outbound rules",
                                inbound=[r.describe() for r in group.ingress],
                                outbound=[r.describe() for r in group.egress], vpc=group.vpc_id)
        else:
            yield Result.passed(group.ref(), "default group has no rules", vpc=group.vpc_id)


@check(
    title="Network ACLs do not admit SSH or RDP from the internet",
    severity=Severity.HIGH, category="network", resource_type="AWS::EC2::NetworkAcl",
    needs=("ec2_network_acls",),
)
def ec2_network_acl_no_internet_admin_ports(acls: list[NetworkAcl]) -> Iterator[Result]:
    """What it checks:
    For TCP 22 and TCP 3389, and for IPv4 (0.0.0.0/0) and IPv6 (::/0) separately, the inbound
    entry of each network ACL that decides traffic from the whole internet, in rule-number
    order, as AWS evaluates them: the first matching entry wins, so a deny numbered lower than
    an allow closes the port. A deny for a narrower range does not close the port to the rest of
    the internet. Every ACL is judged, including ones with no subnet yet.

    Why it matters:
    Network ACLs are the subnet-level layer under security groups. An ACL admitting SSH and RDP
    from anywhere leaves one layer of defence where two were meant to be: a single permissive
    security group then exposes the instance. AWS's default ACL allows everything.

    How to fix:
    Add inbound deny entries for TCP 22 and 3389 from 0.0.0.0/0 (and ::/0) numbered below the
    allow entries (`aws ec2 create-network-acl-entry --ingress --rule-action deny
    --rule-number 50 --protocol 6 --port-range From=22,To=22 --cidr-block 0.0.0.0/0`), or
    allow the ports only from the administration network.
    """
    for acl in acls:
        open_to: list[str] = []
        for (transport, port), service in ADMIN_PORTS.items():
            for family, anywhere in _FAMILIES:
                entry = acl.first_match(family, transport, port)
                if entry is not None and entry.allow:
                    open_to.append(f"{service} ({port}) from {anywhere} by rule {entry.rule_number}")
        where = {"vpc": acl.vpc_id, "subnets": acl.subnets, "default": acl.is_default}
        if open_to:
            yield Result.failed(acl.ref(), "admits " + "; ".join(open_to), admits=open_to, **where)
        else:
            yield Result.passed(acl.ref(), "SSH and RDP from the internet are denied", **where)


@check(
    title="Every VPC has an active flow log recording rejected traffic",
    severity=Severity.MEDIUM, category="logging", resource_type="AWS::EC2::VPC", needs=("ec2_vpcs",),
)
def vpc_flow_logs_enabled(vpcs: list[Vpc]) -> Iterator[Result]:
    """What it checks:
    Each VPC has a flow log attached to the VPC itself whose status is ACTIVE, whose traffic
    type is ALL or REJECT, and whose delivery has not failed (`DeliverLogsStatus` FAILED).
    Flow logs on single subnets or interfaces do not count: they leave the rest of the VPC
    unrecorded.

    Why it matters:
    Flow logs are the record of which addresses talked to which, on what port, and whether the
    traffic was accepted or rejected. Without them, a connection to the card data environment
    cannot be traced after the fact, and rejected probes, often the first sign of an attack,
    go unseen.

    How to fix:
    `aws ec2 create-flow-logs --resource-type VPC --resource-ids <vpc> --traffic-type ALL
    --log-destination-type s3 --log-destination arn:aws:s3:::<log-bucket>` (or CloudWatch Logs
    with a delivery role), into the central log account's bucket.
    """
    for vpc in vpcs:
        working = [f for f in vpc.flow_logs if f.status == "ACTIVE" and f.traffic_type in _USEFUL_TRAFFIC
                   and f.deliver_status != "FAILED"]
        label = {"cidr": vpc.cidr, "default_vpc": vpc.is_default}
        if working:
            yield Result.passed(vpc.ref(), f"an active flow log records {working[0].traffic_type} traffic",
                                flow_logs=[f.flow_log_id for f in working], **label)
            continue
        if not vpc.flow_logs:
            reason = "no flow log"
        else:
            reason = "no flow log that counts: " + "; ".join(sorted({
                "one records accepted traffic only" if f.traffic_type not in _USEFUL_TRAFFIC
                else "one fails to deliver" if f.deliver_status == "FAILED"
                else f"one is {f.status or 'in an unknown state'}"
                for f in vpc.flow_logs}))
        yield Result.failed(vpc.ref(), reason, flow_logs=[f.flow_log_id for f in vpc.flow_logs], **label)


@check(
    title="EC2 instances require IMDSv2",
    severity=Severity.HIGH, category="hardening", resource_type="AWS::EC2::Instance", needs=("ec2_instances",),
)
def ec2_instance_imdsv2_required(instances: list[Instance]) -> Iterator[Result]:
    """What it checks:
    Each instance that is not terminated either requires session tokens for its instance
    metadata service (`MetadataOptions.HttpTokens` = required, IMDSv2 only) or has the metadata
    service switched off (`HttpEndpoint` = disabled). Stopped instances are judged too: they
    come back as they are.

    Why it matters:
    IMDSv1 answers any plain GET from the instance, so a server-side request forgery bug or an
    open proxy in the application hands out the instance role's temporary credentials. IMDSv2's
    session token, obtained with a PUT, defeats those attacks. Requiring it is a hardening
    setting of the kind meant to stop a component's features being abused.

    How to fix:
    `aws ec2 modify-instance-metadata-options --instance-id <id> --http-tokens required
    --http-endpoint enabled`, after checking the SDKs on the instance support IMDSv2; require it
    in launch templates and the account default (`modify-instance-metadata-defaults`).
    """
    for instance in instances:
        label = {"state": instance.state, "vpc": instance.vpc_id}
        if instance.http_endpoint == "disabled":
            yield Result.passed(instance.ref(), "instance metadata service is switched off", **label)
        elif instance.http_tokens == "required":
            yield Result.passed(instance.ref(), "IMDSv2 required", http_tokens="required", **label)
        elif instance.http_tokens is None:
            yield Result.not_assessed(instance.ref(), "DescribeInstances gave no MetadataOptions for the instance",
                                      **label)
        else:
            yield Result.failed(instance.ref(), f"IMDSv1 allowed (HttpTokens {instance.http_tokens})",
                                http_tokens=instance.http_tokens, **label)


@check(
    title="EC2 instances have no public IPv4 address",
    severity=Severity.HIGH, category="network", resource_type="AWS::EC2::Instance", needs=("ec2_instances",),
)
def ec2_instance_no_public_ip(instances: list[Instance]) -> Iterator[Result]:
    """What it checks:
    Each instance that is not terminated has no public IPv4 address (`PublicIpAddress`,
    auto-assigned or an Elastic IP).

    Why it matters:
    An instance with a public address is one security-group rule away from the internet.
    Systems in the card data environment should sit in private subnets, reached through load
    balancers or NAT, so that only approved public-facing services receive internet traffic
    and internal addressing stays hidden.

    How to fix:
    Move the workload behind a load balancer in a private subnet (launch it with
    `--no-associate-public-ip-address`), release or disassociate Elastic IPs, and turn off
    `MapPublicIpOnLaunch` on the subnet.
    """
    for instance in instances:
        label = {"state": instance.state, "vpc": instance.vpc_id, "subnet": instance.subnet_id}
        if instance.public_ip:
            yield Result.failed(instance.ref(), "has a public IPv4 address", public_ip=instance.public_ip, **label)
        else:
            yield Result.passed(instance.ref(), "no public IPv4 address", **label)


@check(
    title="EBS encryption by default is on in every region",
    severity=Severity.MEDIUM, category="encryption", resource_type="AWS::EC2::EBSEncryptionByDefault",
    needs=("ec2_ebs_encryption_by_default",),
)
def ebs_encryption_by_default_enabled(settings: list[EbsEncryptionByDefault]) -> Iterator[Result]:
    """What it checks:
    The account's EBS encryption-by-default setting (`GetEbsEncryptionByDefault`) is on, in
    each audited region. The setting is regional: each region is its own finding.

    Why it matters:
    With it on, every new volume and snapshot copy in the region is encrypted whatever the
    launch template, AMI or person creating it says. Without it, encryption of stored data
    depends on each launch getting it right, and one unencrypted volume holding card data is
    enough to fail the storage-encryption requirement.

    How to fix:
    `aws ec2 enable-ebs-encryption-by-default --region <region>`, and choose the key with
    `modify-ebs-default-kms-key-id`. Existing volumes are not changed: re-create them
    encrypted (`ebs_volume_encrypted`).
    """
    for setting in settings:
        if setting.enabled:
            yield Result.passed(setting.ref(), f"on in {setting.region}", enabled=True)
        else:
            yield Result.failed(setting.ref(), f"off in {setting.region}: new volumes are not encrypted unless "
                                               "asked for", enabled=False)


@check(
    title="EBS volumes are encrypted",
    severity=Severity.MEDIUM, category="encryption", resource_type="AWS::EC2::Volume", needs=("ec2_volumes",),
)
def ebs_volume_encrypted(volumes: list[Volume]) -> Iterator[Result]:
    """What it checks:
    Each EBS volume is encrypted (`Encrypted`), with the KMS key named in the evidence.

    Why it matters:
    An unencrypted volume's data, and that of every snapshot taken from it, is readable by
    whoever can attach a copy. Stored account data must be unreadable wherever it is kept, and
    a volume's contents are rarely known for certain to hold none.

    How to fix:
    Volumes cannot be encrypted in place: snapshot the volume, copy the snapshot with
    `--encrypted --kms-key-id <key>`, create a volume from the copy and swap it in. Turn on EBS
    encryption by default so new volumes start encrypted.
    """
    for volume in volumes:
        label = {"state": volume.state, "attached_to": volume.attached_to}
        if volume.encrypted:
            yield Result.passed(volume.ref(), "encrypted", kms_key=volume.kms_key_id, **label)
        else:
            yield Result.failed(volume.ref(), "not encrypted", **label)


@check(
    title="EBS snapshots are encrypted",
    severity=Severity.MEDIUM, category="encryption", resource_type="AWS::EC2::Snapshot", needs=("ec2_snapshots",),
)
def ebs_snapshot_encrypted(snapshots: list[Snapshot]) -> Iterator[Result]:
    """What it checks:
    Each EBS snapshot the account owns is encrypted (`Encrypted`).

    Why it matters:
    Snapshots are full copies of a volume's data, kept long after the volume is gone, copied
    between regions and shared with other accounts. An unencrypted one is a readable copy of
    whatever account data the volume held, protected only by who may create a volume from it.

    How to fix:
    `aws ec2 copy-snapshot --source-snapshot-id <id> --encrypted --kms-key-id <key>`, then
    delete the unencrypted original once nothing refers to it.
    """
    for snapshot in snapshots:
        if snapshot.encrypted:
            yield Result.passed(snapshot.ref(), "encrypted", kms_key=snapshot.kms_key_id, volume=snapshot.volume_id)
        else:
            yield Result.failed(snapshot.ref(), "not encrypted", volume=snapshot.volume_id)


@check(
    title="EBS snapshots are not public",
    severity=Severity.CRITICAL, category="network", resource_type="AWS::EC2::Snapshot", needs=("ec2_snapshots",),
)
def ebs_snapshot_not_public(snapshots: list[Snapshot]) -> Iterator[Result]:
    """What it checks:
    No EBS snapshot the account owns grants `createVolumePermission` to the group `all`
    (DescribeSnapshotAttribute). The accounts a snapshot is shared with are listed in the
    evidence of its finding, public or not.

    Why it matters:
    A public snapshot can be copied into a volume by any AWS account in the world, and its data
    read in full: a direct path from the internet to whatever the disk stored. Public snapshots
    are searched for systematically and have leaked keys, databases and card data.

    How to fix:
    `aws ec2 modify-snapshot-attribute --snapshot-id <id> --attribute createVolumePermission
    --operation-type remove --group-names all`, and turn on snapshot block public access
    (`aws ec2 enable-snapshot-block-public-access --state block-all-sharing`).
    """
    for snapshot in snapshots:
        if isinstance(snapshot.public, Unknown):
            yield Result.not_assessed(snapshot.ref(), f"who may create volumes could not be read "
                                                      f"({snapshot.public.reason})")
            continue
        shared = snapshot.shared_with if not isinstance(snapshot.shared_with, Unknown) else []
        if snapshot.public:
            yield Result.failed(snapshot.ref(), "public: any AWS account can create a volume from it",
                                shared_with=shared, volume=snapshot.volume_id)
        else:
            yield Result.passed(snapshot.ref(), "not public" + (f"; shared with {', '.join(shared)}" if shared else ""),
                                shared_with=shared, volume=snapshot.volume_id)
