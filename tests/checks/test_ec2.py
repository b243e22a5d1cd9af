"""EC2 checks against moto: security groups, network ACLs, flow logs, instances and EBS.

moto gives every region a default VPC with its default security group (one outbound allow-all
rule, no inbound rule) and default network ACL (allow everything in and out); the tests name
those "default-sg" and "default-acl" and judge them like any other.
"""

from __future__ import annotations

from typing import Any

from cardaudit.models.finding import Finding
from tests.conftest import ACCOUNT, REGION, Aws, run_check

OTHER_ACCOUNT = "444455556666"
WORLD4 = [{"CidrIp": "0.0.0.0/0"}]
WORLD6 = [{"CidrIpv6": "::/0"}]
SCOPE = {("*@eu-west-1", "NOT_ASSESSED")}


def by_label(findings: list[Finding], labels: dict[str, str]) -> set[tuple[str, str]]:
    """(label, status): each resource by the test's label for its random EC2 id, a scope as `*@region`."""
    out = set()
    for f in findings:
        ref = f.resource
        name = f"*@{ref.region}" if ref.id == "*" else labels.get(ref.id, ref.id)
        out.add((name, f.status.value))
    return out


def _default_ids(ec2: Any, vpc_id: str | None = None) -> dict[str, str]:
    """Labels for the default group and ACL of a VPC (the region's default VPC when not given)."""
    vpc_filter = ([{"Name": "vpc-id", "Values": [vpc_id]}] if vpc_id
                  else [{"Name": "vpc-id", "Values": [_default_vpc(ec2)]}])
    suffix = "" if vpc_id is None else f"@{vpc_id}"
    group = ec2.describe_security_groups(Filters=[*vpc_filter, {"Name": "group-name", "Values": ["default"]}])
    acl = ec2.describe_network_acls(Filters=[*vpc_filter, {"Name": "default", "Values": ["true"]}])
    return {group["SecurityGroups"][0]["GroupId"]: f"default-sg{suffix}",
            acl["NetworkAcls"][0]["NetworkAclId"]: f"default-acl{suffix}"}


def _default_vpc(ec2: Any) -> str:
    vpc_id: str = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    return vpc_id


def _group(ec2: Any, vpc_id: str, name: str, *permissions: dict[str, Any]) -> str:
    group_id: str = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc_id)["GroupId"]
    if permissions:
        ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=list(permissions))
    return group_id


def _tcp(port: int, to: int | None = None, **sources: Any) -> dict[str, Any]:
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": to if to is not None else port, **sources}


def test_security_groups_open_to_the_internet(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    labels = {**_default_ids(ec2), **_default_ids(ec2, vpc)}
    web = _group(ec2, vpc, "web", _tcp(443, IpRanges=WORLD4), _tcp(22, IpRanges=[{"CidrIp": "10.0.0.0/8"}]))
    labels |= {
        web: "web",
        _group(ec2, vpc, "ssh-world", _tcp(22, IpRanges=WORLD4)): "ssh-world",
        _group(ec2, vpc, "rdp-range-v6", _tcp(3380, 3390, Ipv6Ranges=WORLD6)): "rdp-range-v6",
        _group(ec2, vpc, "db-world", _tcp(5432, IpRanges=WORLD4)): "db-world",
        _group(ec2, vpc, "db-from-web", _tcp(5432, UserIdGroupPairs=[{"GroupId": web}])): "db-from-web",
        _group(ec2, vpc, "everything", {"IpProtocol": "-1", "IpRanges": WORLD4}): "everything",
        _group(ec2, vpc, "udp-all-v6", {"IpProtocol": "udp", "FromPort": 0, "ToPort": 65535,
                                        "Ipv6Ranges": WORLD6}): "udp-all-v6",
    }
    inventory = aws.collect("ec2")
    defaults = {("default-sg", "PASS"), (f"default-sg@{vpc}", "PASS")}  # no inbound rule in either

    admin = run_check("ec2_security_group_no_internet_admin_ports", inventory)
    assert by_label(admin, labels) == defaults | {
        ("web", "PASS"), ("ssh-world", "FAIL"), ("rdp-range-v6", "FAIL"), ("db-world", "PASS"),
        ("db-from-web", "PASS"), ("everything", "FAIL"), ("udp-all-v6", "PASS")}  # UDP 22 is not SSH
    rdp = next(f for f in admin if labels.get(f.resource.id) == "rdp-range-v6")
    assert rdp.reason == "open to the internet: RDP (3389) from ::/0"
    # Shown by its name, identified by its id.
    assert (rdp.resource.name, rdp.resource.arn) == ("rdp-range-v6", f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/"
                                                                     f"{rdp.resource.id}")

    database = run_check("ec2_security_group_no_internet_database_ports", inventory)
    assert by_label(database, labels) == defaults | {
        ("web", "PASS"), ("ssh-world", "PASS"), ("rdp-range-v6", "PASS"), ("db-world", "FAIL"),
        ("db-from-web", "PASS"), ("everything", "FAIL"), ("udp-all-v6", "PASS")}

    every = run_check("ec2_security_group_no_internet_all_ports", inventory)
    assert by_label(every, labels) == defaults | {
        ("web", "PASS"), ("ssh-world", "PASS"), ("rdp-range-v6", "PASS"), ("db-world", "PASS"),
        ("db-from-web", "PASS"), ("everything", "FAIL"), ("udp-all-v6", "FAIL")}

    # A refused DescribeSecurityGroups blinds the groups only: the ACLs of the same client still read.
    aws.deny("ec2", "DescribeSecurityGroups")
    blind = aws.collect("ec2")
    for check_id in ("ec2_security_group_no_internet_admin_ports", "ec2_security_group_no_internet_database_ports",
                     "ec2_security_group_no_internet_all_ports", "ec2_default_security_group_restricts_all"):
        assert by_label(run_check(check_id, blind), labels) == SCOPE, check_id
    assert {s for _, s in by_label(run_check("ec2_network_acl_no_internet_admin_ports", blind), labels)} == {"FAIL"}


def test_default_security_group_restricts_all(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    labels = {**_default_ids(ec2), **_default_ids(ec2, vpc)}
    closed = next(k for k, v in labels.items() if v == f"default-sg@{vpc}")
    egress = ec2.describe_security_groups(GroupIds=[closed])["SecurityGroups"][0]["IpPermissionsEgress"]
    ec2.revoke_security_group_egress(GroupId=closed, IpPermissions=egress)
    _group(ec2, vpc, "web", _tcp(443, IpRanges=WORLD4))  # not a default group: not judged here
    findings = run_check("ec2_default_security_group_restricts_all", aws.collect("ec2"))
    assert by_label(findings, labels) == {("default-sg", "FAIL"), (f"default-sg@{vpc}", "PASS")}
    failed = next(f for f in findings if f.status.value == "FAIL")
    assert failed.evidence["outbound"] == ["all traffic"]


def test_network_acl_rule_order(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]["VpcId"]
    labels = {**_default_ids(ec2), **_default_ids(ec2, vpc)}

    def acl(label: str, *entries: tuple[int, str, str, str, int | None]) -> None:
        acl_id: str = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
        labels[acl_id] = label
        for number, action, protocol, cidr, port in entries:
            where = {"Ipv6CidrBlock": cidr} if ":" in cidr else {"CidrBlock": cidr}
            ports = {"PortRange": {"From": port, "To": port}} if port is not None else {}
            ec2.create_network_acl_entry(NetworkAclId=acl_id, RuleNumber=number, RuleAction=action,
                                         Protocol=protocol, Egress=False, **where, **ports)

    # A lower-numbered deny from the whole internet closes the port before the allow-all.
    acl("deny-first", (50, "deny", "6", "0.0.0.0/0", 22), (60, "deny", "6", "0.0.0.0/0", 3389),
        (100, "allow", "-1", "0.0.0.0/0", None))
    # A deny of one range leaves the rest of the internet to the allow after it.
    acl("narrow-deny", (50, "deny", "6", "203.0.113.0/24", 22), (60, "deny", "6", "0.0.0.0/0", 3389),
        (100, "allow", "6", "0.0.0.0/0", 22))
    # The allow comes first: the deny after it never decides.
    acl("allow-first", (40, "allow", "6", "0.0.0.0/0", 3389), (50, "deny", "-1", "0.0.0.0/0", None))
    # IPv4 closed, IPv6 open.
    acl("v6-open", (50, "deny", "-1", "0.0.0.0/0", None), (100, "allow", "6", "::/0", 22))
    # Only the implicit deny: nothing admitted.
    acl("empty")

    findings = run_check("ec2_network_acl_no_internet_admin_ports", aws.collect("ec2"))
    assert by_label(findings, labels) == {
        ("default-acl", "FAIL"), (f"default-acl@{vpc}", "FAIL"), ("deny-first", "PASS"), ("narrow-deny", "FAIL"),
        ("allow-first", "FAIL"), ("v6-open", "FAIL"), ("empty", "PASS")}
    reasons = {labels[f.resource.id]: f.reason for f in findings}
    assert reasons["narrow-deny"] == "admits SSH (22) from 0.0.0.0/0 by rule 100"
    assert reasons["allow-first"] == "admits RDP (3389) from 0.0.0.0/0 by rule 40"
    assert reasons["v6-open"] == "admits SSH (22) from ::/0 by rule 100"

    aws.deny("ec2", "DescribeNetworkAcls")
    assert by_label(run_check("ec2_network_acl_no_internet_admin_ports", aws.collect("ec2")), labels) == SCOPE


def test_vpc_flow_logs(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    aws.client("logs").create_log_group(logGroupName="/vpc/flow-logs")
    role = f"arn:aws:iam::{ACCOUNT}:role/vpc-flow-logs"
    labels = {_default_vpc(ec2): "default"}  # no flow log

    def vpc(label: str, traffic: str | None, log_group: str = "/vpc/flow-logs") -> None:
        vpc_id: str = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
        labels[vpc_id] = label
        if traffic:
            ec2.create_flow_logs(ResourceIds=[vpc_id], ResourceType="VPC", TrafficType=traffic,
                                 LogGroupName=log_group, DeliverLogsPermissionArn=role)

    vpc("all", "ALL")
    vpc("reject", "REJECT")
    vpc("accept-only", "ACCEPT")
    vpc("undelivered", "ALL", log_group="/vpc/missing")  # moto: DeliverLogsStatus FAILED, no such group
    findings = run_check("vpc_flow_logs_enabled", aws.collect("ec2"))
    assert by_label(findings, labels) == {
        ("default", "FAIL"), ("all", "PASS"), ("reject", "PASS"), ("accept-only", "FAIL"), ("undelivered", "FAIL")}
    reasons = {labels[f.resource.id]: f.reason for f in findings}
    assert reasons["default"] == "no flow log"
    assert reasons["accept-only"].endswith("records accepted traffic only")
    assert reasons["undelivered"].endswith("fails to deliver")

    # The region's flow logs are one list call: refused, the VPCs are not judged at all.
    aws.deny("ec2", "DescribeFlowLogs")
    assert by_label(run_check("vpc_flow_logs_enabled", aws.collect("ec2")), labels) == SCOPE


def test_instances_imdsv2_and_public_ip(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    private = ec2.create_subnet(VpcId=vpc, CidrBlock="10.40.1.0/24")["Subnet"]["SubnetId"]
    public = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [_default_vpc(ec2)]}])["Subnets"][0]
    labels = {}
    for label, subnet, tokens in (("bastion", public["SubnetId"], "optional"), ("batch", private, "required")):
        instance = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1, SubnetId=subnet,
                                     MetadataOptions={"HttpTokens": tokens}, TagSpecifications=[
                                         {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": label}]}],
                                     )["Instances"][0]
        labels[instance["InstanceId"]] = label
    inventory = aws.collect("ec2")
    imds = run_check("ec2_instance_imdsv2_required", inventory)
    assert by_label(imds, labels) == {("bastion", "FAIL"), ("batch", "PASS")}
    assert {f.resource.name for f in imds} == {"bastion", "batch"}  # the Name tag
    assert by_label(run_check("ec2_instance_no_public_ip", inventory), labels) == {
        ("bastion", "FAIL"), ("batch", "PASS")}  # the default subnet maps public IPs on launch

    aws.deny("ec2", "DescribeInstances")
    blind = aws.collect("ec2")
    assert by_label(run_check("ec2_instance_imdsv2_required", blind), labels) == SCOPE
    assert by_label(run_check("ec2_instance_no_public_ip", blind), labels) == SCOPE


def test_instance_metadata_states_moto_cannot_make(aws: Aws) -> None:
    # DescribeInstances answered as the EC2 API reference shapes it: moto always reports
    # HttpEndpoint enabled and MetadataOptions, and drops terminated instances from its answer.
    def instance(instance_id: str, state: str, metadata: dict[str, str] | None) -> dict[str, Any]:
        out: dict[str, Any] = {"InstanceId": instance_id, "State": {"Code": 16, "Name": state},
                               "VpcId": "vpc-0a1b2c3d", "SubnetId": "subnet-0a1b2c3d"}
        if metadata is not None:
            out["MetadataOptions"] = {"State": "applied", **metadata}
        return out

    aws.answer("ec2", "DescribeInstances", {"Reservations": [{"ReservationId": "r-0a1b2c3d", "Instances": [
        instance("i-0metadataoff", "running", {"HttpTokens": "optional", "HttpEndpoint": "disabled"}),
        instance("i-0nometadata", "stopped", None),
        instance("i-0terminated", "terminated", {"HttpTokens": "optional", "HttpEndpoint": "enabled"}),
    ]}]})
    findings = run_check("ec2_instance_imdsv2_required", aws.collect("ec2"))
    assert by_label(findings, {}) == {("i-0metadataoff", "PASS"), ("i-0nometadata", "NOT_ASSESSED")}


def test_ebs_volumes_and_snapshots(aws: Aws) -> None:
    ec2 = aws.client("ec2")
    zone = f"{REGION}a"
    plain = ec2.create_volume(Size=8, AvailabilityZone=zone)["VolumeId"]
    sealed = ec2.create_volume(Size=8, AvailabilityZone=zone, Encrypted=True)["VolumeId"]
    leaked = ec2.create_snapshot(VolumeId=plain)["SnapshotId"]
    ec2.modify_snapshot_attribute(SnapshotId=leaked, Attribute="createVolumePermission", OperationType="add",
                                  GroupNames=["all"])
    shared = ec2.create_snapshot(VolumeId=sealed)["SnapshotId"]
    ec2.modify_snapshot_attribute(SnapshotId=shared, Attribute="createVolumePermission", OperationType="add",
                                  UserIds=[OTHER_ACCOUNT])
    labels = {plain: "plain", sealed: "sealed", leaked: "leaked", shared: "shared"}
    inventory = aws.collect("ec2")
    assert by_label(run_check("ebs_volume_encrypted", inventory), labels) == {("plain", "FAIL"), ("sealed", "PASS")}
    assert by_label(run_check("ebs_snapshot_encrypted", inventory), labels) == {
        ("leaked", "FAIL"), ("shared", "PASS")}
    public = run_check("ebs_snapshot_not_public", inventory)
    assert by_label(public, labels) == {("leaked", "FAIL"), ("shared", "PASS")}
    assert next(f for f in public if f.resource.id == shared).evidence["shared_with"] == [OTHER_ACCOUNT]

    # Who may create volumes unreadable: that snapshot's exposure is unknown, its encryption is not.
    aws.deny("ec2", "DescribeSnapshotAttribute")
    detail_blind = aws.collect("ec2")
    findings = run_check("ebs_snapshot_not_public", detail_blind)
    assert by_label(findings, labels) == {("leaked", "NOT_ASSESSED"), ("shared", "NOT_ASSESSED")}
    assert all("ec2:DescribeSnapshotAttribute failed: AccessDenied" in f.reason for f in findings)
    assert by_label(run_check("ebs_snapshot_encrypted", detail_blind), labels) == {
        ("leaked", "FAIL"), ("shared", "PASS")}

    aws.deny("ec2", "DescribeSnapshots")
    aws.deny("ec2", "DescribeVolumes")
    blind = aws.collect("ec2")
    for check_id in ("ebs_volume_encrypted", "ebs_snapshot_encrypted", "ebs_snapshot_not_public"):
        assert by_label(run_check(check_id, blind), labels) == SCOPE, check_id


def test_snapshots_of_other_owners_are_left_out(aws: Aws) -> None:
    # DescribeSnapshots answered as the EC2 API reference shapes it, for an endpoint that ignores
    # OwnerIds=self: the other account's public snapshot is not this account's finding.
    def snapshot(snapshot_id: str, owner: str) -> dict[str, Any]:
        return {"SnapshotId": snapshot_id, "OwnerId": owner, "VolumeId": "vol-0a1b2c3d", "Encrypted": True,
                "State": "completed", "VolumeSize": 8}

    aws.answer("ec2", "DescribeSnapshots", {"Snapshots": [snapshot("snap-0mine", ACCOUNT),
                                                          snapshot("snap-0theirs", OTHER_ACCOUNT)]})
    aws.answer("ec2", "DescribeSnapshotAttribute", {"SnapshotId": "snap-0mine", "CreateVolumePermissions": []})
    inventory = aws.collect("ec2")
    assert by_label(run_check("ebs_snapshot_not_public", inventory), {}) == {("snap-0mine", "PASS")}
    assert by_label(run_check("ebs_snapshot_encrypted", inventory), {}) == {("snap-0mine", "PASS")}


def test_ebs_encryption_by_default_per_region(aws: Aws) -> None:
    aws.client("ec2").enable_ebs_encryption_by_default()

    def regions(findings: list[Finding]) -> set[tuple[str, str]]:
        return {(f.resource.region or "", f.status.value) for f in findings}

    findings = run_check("ebs_encryption_by_default_enabled", aws.collect("ec2", regions=[REGION, "us-east-1"]))
    assert regions(findings) == {(REGION, "PASS"), ("us-east-1", "FAIL")}
    assert {f.resource.arn for f in findings} == {
        f"arn:aws:ec2:{r}:{ACCOUNT}:ebs-encryption-by-default" for r in (REGION, "us-east-1")}

    aws.deny("ec2", "GetEbsEncryptionByDefault", region="us-east-1")
    findings = run_check("ebs_encryption_by_default_enabled", aws.collect("ec2", regions=[REGION, "us-east-1"]))
    assert regions(findings) == {(REGION, "PASS"), ("us-east-1", "NOT_ASSESSED")}
