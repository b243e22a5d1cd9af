"""One declaration per AWS resource type, and every table derived from it (as c7n's PolicyMetaLint).

Regenerate the two generated documents with `CARDAUDIT_UPDATE_GOLDEN=1 pytest tests/test_resource_types.py`
(or `python -m cardaudit.collect.policy > docs/iam-policy.json` and
`python -m cardaudit.collect.resource_types_page > docs/resource-types.md`).
"""

from __future__ import annotations

import ast
import inspect
import json
import os
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

import boto3
import pytest

from cardaudit import arns
from cardaudit.collect.aws import SERVICES, ServiceCollector
from cardaudit.collect.awsverdicts import VERDICT_OPERATIONS
from cardaudit.collect.policy import SETUP_OPERATIONS, declared_operations, iam_actions, render_policy
from cardaudit.collect.resource_types_page import render_resource_types
from cardaudit.collect.session import is_read_operation
from cardaudit.engine.registry import all_checks
from cardaudit.formats import asff
from cardaudit.models.inventory import AwsResource, Inventory, ResourceType, resource_models, resource_types
from cardaudit.ownership import iac
from tests.conftest import ACCOUNT, Aws

DOCS = Path(__file__).parents[1] / "docs"
_BOTO = boto3.session.Session(region_name="eu-west-1")


def _subclasses(cls: type[AwsResource]) -> set[type[AwsResource]]:
    return {sub for direct in cls.__subclasses__() for sub in {direct, *_subclasses(direct)}}


def test_every_inventory_resource_declares_its_type_once() -> None:
    held = {name: info.annotation.model_fields["items"].annotation.__args__[0]  # type: ignore[union-attr]
            for name, info in Inventory.model_fields.items() if name in Inventory.slice_names()}
    assert set(held.values()) == set(resource_models()) == _subclasses(AwsResource)  # no model outside it
    for name, model in held.items():
        assert isinstance(model.__dict__.get("resource_type"), ResourceType), model  # its own, not inherited
        assert model.resource_type.slice == name, model
        assert model.cfn_type == model.resource_type.cfn_type, model
    for key in ("cfn_type", "slice", "arn"):
        values = [getattr(t, key) for t in resource_types()]
        assert len(values) == len(set(values)), key
    iac_types = [name for t in resource_types() for name in t.iac_name_types]
    assert len(iac_types) == len(set(iac_types))


def test_a_model_without_its_own_declaration_is_refused() -> None:
    from cardaudit.models.inventory import S3Bucket

    with pytest.raises(TypeError, match="must declare its own resource_type"):
        type("Bucketish", (S3Bucket,), {"__module__": __name__})


def test_declared_operations_are_real_read_operations() -> None:
    for t in resource_types():
        model = _BOTO.client(t.service).meta.service_model
        for op in t.operations:
            prefix, name = op.split(":")
            assert prefix == model.signing_name, (t.cfn_type, op)  # IAM's prefix, e.g. states for stepfunctions
            assert name in model.operation_names, (t.cfn_type, op)
            assert is_read_operation(name), (t.cfn_type, op)
        assert {op for op, _ in t.iam_actions} <= set(t.operations), t.cfn_type
    for op in (*SETUP_OPERATIONS, *VERDICT_OPERATIONS):
        assert is_read_operation(op.split(":")[1]), op


def test_derived_tables_say_what_the_declarations_say() -> None:
    types = resource_types()
    assert {t.arn: t.cfn_type for t in types} == arns._TYPES
    assert {t.cfn_type: t.asff_type for t in types if t.asff_type} == asff._TYPES
    assert {name: t.cfn_type for t in types for name in t.iac_name_types} == iac.NAME_IDS
    filled: dict[str, set[str]] = {}
    for c in SERVICES:
        assert not filled.get(c.service, set()) & set(c.slices), c.name  # each slice filled once
        filled.setdefault(c.service, set()).update(c.slices)
    services = {t.service for t in types}
    assert filled == {service: {t.slice for t in types if t.service == service} for service in services}
    for collector in SERVICES:
        assert {t.regional for t in types if t.service == collector.service} == {collector.regional}
    assert set(iam_actions()) == set(SETUP_OPERATIONS) | {a for t in types for a in t.policy_actions()} | set(
        VERDICT_OPERATIONS)
    assert declared_operations() == set(SETUP_OPERATIONS) | {op for t in types for op in t.operations} | set(
        VERDICT_OPERATIONS)


def test_aws_checks_name_the_type_they_read() -> None:
    by_slice = {t.slice: t.cfn_type for t in resource_types()}
    for spec in all_checks("evaluate"):
        if spec.resource_type.startswith("Repo::"):
            continue  # a link check (drift) reads AWS too, but its findings sit on the repository file
        read = {by_slice[need] for need in spec.needs if need in by_slice}
        assert not read or spec.resource_type in read, (spec.id, spec.resource_type, read)


# --- what each collector really calls ---------------------------------------------------------------

# Api methods whose first argument is a client method name, and the paginator factory.
_BY_NAME = {"pages", "call", "detail", "get_paginator"}


def _called_methods(module: ModuleType) -> set[str]:
    """Client methods a collector module calls: by name through Api, or directly on `.client`."""
    methods: set[str] = set()
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        if node.func.attr in _BY_NAME:
            first = node.args[0] if node.args else None
            assert isinstance(first, ast.Constant) and isinstance(first.value, str), (
                f"{module.__name__}:{node.lineno}: name the operation literally so this scan sees it")
            methods.add(first.value)
        elif isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "client":
            methods.add(node.func.attr)
    return methods


def _module(collector: ServiceCollector) -> ModuleType:
    module = inspect.getmodule(collector.collect)
    assert module is not None
    return module


# One collector module per service, whatever number of collect functions it holds.
_ONE_PER_SERVICE = list({c.service: c for c in SERVICES}.values())


@pytest.mark.parametrize("collector", _ONE_PER_SERVICE, ids=lambda c: c.service)
def test_collector_calls_exactly_the_declared_operations(collector: ServiceCollector) -> None:
    client = _BOTO.client(collector.service)
    prefix = client.meta.service_model.signing_name
    called = {f"{prefix}:{client.meta.method_to_api_mapping[m]}" for m in _called_methods(_module(collector))}
    declared = {op for t in resource_types() if t.service == collector.service for op in t.operations}
    assert called == declared, {"undeclared": called - declared, "never called": declared - called}


@pytest.mark.parametrize("collector", _ONE_PER_SERVICE, ids=lambda c: c.service)
def test_collector_modules_do_not_import_each_other(collector: ServiceCollector) -> None:
    module = _module(collector)
    assert module.__name__ == f"cardaudit.collect.{collector.service.replace('lambda', 'lambda_')}"
    shared = {"cardaudit.collect.api", "cardaudit.collect.contain", "cardaudit.collect.shapes"}
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cardaudit.collect"):
            assert node.module in shared, (module.__name__, node.module)


# --- the documents generated from the declarations ---------------------------------------------------

@pytest.mark.parametrize(("name", "render", "command"), [
    ("iam-policy.json", render_policy, "python -m cardaudit.collect.policy > docs/iam-policy.json"),
    ("resource-types.md", render_resource_types,
     "python -m cardaudit.collect.resource_types_page > docs/resource-types.md"),
])
def test_generated_documents_are_current(name: str, render: Any, command: str) -> None:
    path = DOCS / name
    if os.environ.get("CARDAUDIT_UPDATE_GOLDEN") == "1":
        path.write_text(render(), encoding="utf-8")
    assert path.read_text(encoding="utf-8") == render(), f"run: {command}"


def test_shipped_policy_is_read_only() -> None:
    policy = json.loads((DOCS / "iam-policy.json").read_text())
    actions = [a for stmt in policy["Statement"] for a in stmt["Action"]]
    # API Gateway's management API is authorised per HTTP verb: `apigateway:GET` is its read action.
    assert all(a == "apigateway:GET" or is_read_operation(a.split(":")[1]) for a in actions)


# --- the declarations against real resources ----------------------------------------------------------

class _Recorder:
    """Every operation an audit session sends, named as the declarations name them."""

    uid: ClassVar[str] = "test-record-operations"

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def __call__(self, model: Any, **_: Any) -> None:
        self.seen.add(f"{model.service_model.signing_name}:{model.name}")


def _seed_one_of_each(aws: Aws) -> None:
    """The demo estate holds at least one resource of every type (its domains are built to show them all);
    SSM's managed instances, which moto does not emulate, are answered as in the SSM API reference."""
    from cardaudit.demo.seed import seed_aws

    seed_aws(aws.seed_session)
    rds = aws.client("rds")  # the demo runs no Aurora cluster
    rds.create_db_cluster(DBClusterIdentifier="cards-aurora", Engine="aurora-postgresql", MasterUsername="cards",
                          MasterUserPassword="not-a-real-password-1", StorageEncrypted=True)
    rds.create_db_cluster_snapshot(DBClusterIdentifier="cards-aurora", DBClusterSnapshotIdentifier="cards-aurora-1")
    # The demo deploys no CloudFormation stack: one small stack, to read its resources' physical ids.
    aws.client("cloudformation").create_stack(StackName="cards-events", TemplateBody=json.dumps({
        "Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "cards-events-dlq"}}}}))
    # moto has no backup selections, protected resources or region settings: answers shaped as in the API reference.
    plan = aws.client("backup").list_backup_plans()["BackupPlansList"][0]["BackupPlanId"]
    aws.answer("backup", "ListBackupSelections", {"BackupSelectionsList": [{"SelectionId": "s1"}]})
    aws.answer("backup", "GetBackupSelection", {"BackupPlanId": plan, "SelectionId": "s1", "BackupSelection": {
        "SelectionName": "all", "IamRoleArn": f"arn:aws:iam::{ACCOUNT}:role/backup", "Resources": ["*"]}})
    aws.answer("backup", "ListProtectedResources", {"Results": []})
    aws.answer("backup", "DescribeRegionSettings", {"ResourceTypeOptInPreference": {"DynamoDB": True}})
    instance = {"InstanceId": "i-0a1b2c3d4e5f60001", "PingStatus": "Online", "PlatformType": "Linux",
                "ResourceType": "EC2Instance", "AgentVersion": "3.3.1142.0"}
    aws.answer("ssm", "DescribeInstanceInformation", {"InstanceInformationList": [instance]})
    aws.answer("ssm", "DescribeInstancePatchStates", {"InstancePatchStates": [
        {"InstanceId": "i-0a1b2c3d4e5f60001", "PatchGroup": "cards", "BaselineId": "pb-0c10e65780EXAMPLE",
         "OwnerInformation": "", "InstalledCount": 1, "MissingCount": 0, "FailedCount": 0,
         "OperationStartTime": "2026-11-29T00:00:00Z", "OperationEndTime": "2026-11-29T00:05:00Z",
         "Operation": "Scan"}]})


def test_declarations_hold_for_real_resources(aws: Aws) -> None:
    _seed_one_of_each(aws)
    recorder = _Recorder()
    # First, so that it also sees the calls a recorded answer then short-cuts.
    aws.audit_session.events.register_first("before-call.*.*", recorder, unique_id=_Recorder.uid)
    try:
        inventory = aws.collect(regions=["eu-west-1", "us-east-1"])
    finally:
        aws.audit_session.events.unregister("before-call.*.*", unique_id=_Recorder.uid)
    assert inventory.collection_errors() == []
    for t in resource_types():
        items = inventory.slice(t.slice).items
        assert items, f"nothing seeded for {t.cfn_type}"
        for resource in items:
            parsed = arns.parse_arn(resource.arn)
            assert parsed is not None and parsed.type == t.cfn_type, (resource.arn, t.cfn_type)
    resource_ops = {op for t in resource_types() for op in t.operations}
    assert recorder.seen <= declared_operations(), recorder.seen - declared_operations()
    assert set(SETUP_OPERATIONS) & recorder.seen == {"sts:GetCallerIdentity", "ec2:DescribeRegions"}
    # Every declared operation is really called; GetBucketLocation only when ListBuckets gives no BucketRegion.
    assert resource_ops - recorder.seen <= {"s3:GetBucketLocation"}, resource_ops - recorder.seen
