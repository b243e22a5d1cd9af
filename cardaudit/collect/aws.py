"""Fan the service collectors out over regions and assemble the Inventory.

Clients are built in the calling thread (boto3 sessions are not thread-safe to build clients
from); the calls then run on a bounded pool. Any failed call that a collector did not handle as
a per-resource detail marks its slices blind for that (account, region), with the error code;
whatever a job raises, except `ReadOnlyViolation`, is contained the same way. A job still running
when the run's deadline passes is abandoned: its slices are blind there, "deadline reached".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import boto3

from cardaudit.collect.acm import collect_acm
from cardaudit.collect.api import Api
from cardaudit.collect.apigateway import collect_apigateway_domains, collect_apigateway_stages
from cardaudit.collect.awsverdicts import collect_verdicts
from cardaudit.collect.backup import collect_backup_coverage, collect_backup_plans, collect_backup_vaults
from cardaudit.collect.cloudformation import collect_cloudformation
from cardaudit.collect.cloudfront import collect_cloudfront
from cardaudit.collect.cloudtrail import collect_cloudtrail
from cardaudit.collect.cloudwatch import collect_cloudwatch
from cardaudit.collect.codebuild import collect_codebuild
from cardaudit.collect.config import collect_config
from cardaudit.collect.contain import DEADLINE_REACHED, CallFailed
from cardaudit.collect.deadline import NO_DEADLINE, Deadline
from cardaudit.collect.dynamodb import collect_dynamodb
from cardaudit.collect.ec2 import (
    collect_ebs_encryption_by_default,
    collect_instances,
    collect_network_acls,
    collect_security_groups,
    collect_snapshots,
    collect_volumes,
    collect_vpcs,
)
from cardaudit.collect.ecr import collect_ecr
from cardaudit.collect.ecs import collect_ecs
from cardaudit.collect.efs import collect_efs
from cardaudit.collect.elb import collect_elb
from cardaudit.collect.elbv2 import collect_elbv2
from cardaudit.collect.events import collect_events
from cardaudit.collect.guardduty import collect_guardduty
from cardaudit.collect.iam import (
    collect_iam_groups,
    collect_iam_password_policy,
    collect_iam_policies,
    collect_iam_roles,
    collect_iam_root,
    collect_iam_users,
)
from cardaudit.collect.inspector2 import collect_inspector2
from cardaudit.collect.kms import collect_kms
from cardaudit.collect.lambda_ import collect_lambda
from cardaudit.collect.logs import collect_log_groups, collect_metric_filters
from cardaudit.collect.rds import collect_rds, collect_rds_cluster_snapshots, collect_rds_snapshots
from cardaudit.collect.regions import RegionPlan, plan_regions
from cardaudit.collect.s3 import collect_s3
from cardaudit.collect.s3control import collect_s3control
from cardaudit.collect.secretsmanager import collect_secretsmanager
from cardaudit.collect.securityhub import collect_securityhub
from cardaudit.collect.session import client
from cardaudit.collect.sns import collect_sns
from cardaudit.collect.sqs import collect_sqs
from cardaudit.collect.ssm import collect_ssm
from cardaudit.collect.stepfunctions import collect_stepfunctions
from cardaudit.collect.wafv2 import collect_wafv2
from cardaudit.errors import CollectionSetupError
from cardaudit.models.inventory import (
    GLOBAL,
    REGION_NOT_ENABLED,
    AwsResource,
    CollectionError,
    Inventory,
    Scope,
    resource_types,
)
from cardaudit.progress import Event, Listener, ignore

Collect = Callable[[Api], dict[str, list[AwsResource]]]


@dataclass(frozen=True)
class ServiceCollector:
    """One collect function: the unit that runs per (account, region) and fails alone.

    A service whose resource types are read by separate functions (EC2: security groups, VPCs,
    instances, volumes...) lists each with the slices it fills, so that one refused call blinds
    only what that function reads, never the service's other slices.
    """

    service: str  # boto3 service name
    regional: bool
    slices: tuple[str, ...]
    collect: Collect

    @property
    def name(self) -> str:
        return self.collect.__name__.removeprefix("collect_")


# One entry per collect function: (boto3 service, function, the slices it fills). `None` means
# every slice the service's resource types declare. Whether it runs per region comes from the
# declarations; every declared slice must be filled by exactly one function.
_COLLECTORS: tuple[tuple[str, Collect, tuple[str, ...] | None], ...] = (
    ("ecs", collect_ecs, None),
    ("ecr", collect_ecr, None),
    ("s3", collect_s3, None),
    ("kms", collect_kms, None),
    ("cloudtrail", collect_cloudtrail, None),
    ("lambda", collect_lambda, None),
    ("sqs", collect_sqs, None),
    ("stepfunctions", collect_stepfunctions, None),
    ("cloudformation", collect_cloudformation, None),
    ("events", collect_events, None),
    ("rds", collect_rds, ("rds_instances", "rds_clusters")),
    ("secretsmanager", collect_secretsmanager, None),
    # -- network
    ("ec2", collect_security_groups, ("ec2_security_groups",)),
    ("ec2", collect_network_acls, ("ec2_network_acls",)),
    ("ec2", collect_vpcs, ("ec2_vpcs",)),
    ("ec2", collect_instances, ("ec2_instances",)),
    ("ec2", collect_volumes, ("ec2_volumes",)),
    ("ec2", collect_snapshots, ("ec2_snapshots",)),
    ("ec2", collect_ebs_encryption_by_default, ("ec2_ebs_encryption_by_default",)),

    # -- identity
    ("iam", collect_iam_users, ("iam_users",)),
    ("iam", collect_iam_roles, ("iam_roles",)),
    ("iam", collect_iam_groups, ("iam_groups",)),
    ("iam", collect_iam_policies, ("iam_policies",)),
    ("iam", collect_iam_root, ("iam_root_accounts",)),
    ("iam", collect_iam_password_policy, ("iam_password_policies",)),

    # -- monitoring
    ("logs", collect_log_groups, ("logs_log_groups",)),
    ("logs", collect_metric_filters, ("logs_metric_filters",)),
    ("cloudwatch", collect_cloudwatch, None),
    ("config", collect_config, None),
    ("guardduty", collect_guardduty, None),
    ("securityhub", collect_securityhub, None),

    # -- storage
    ("s3control", collect_s3control, None),
    ("rds", collect_rds_snapshots, ("rds_snapshots",)),
    ("rds", collect_rds_cluster_snapshots, ("rds_cluster_snapshots",)),

    # -- datastores
    ("dynamodb", collect_dynamodb, None),
    ("efs", collect_efs, None),
    ("sns", collect_sns, None),
    ("backup", collect_backup_plans, ("backup_plans",)),
    ("backup", collect_backup_vaults, ("backup_vaults",)),
    ("backup", collect_backup_coverage, ("backup_coverage",)),

    # -- edge
    ("elbv2", collect_elbv2, None),
    ("elb", collect_elb, None),
    ("cloudfront", collect_cloudfront, None),
    ("apigateway", collect_apigateway_stages, ("apigateway_stages",)),
    ("apigateway", collect_apigateway_domains, ("apigateway_domain_names",)),
    ("wafv2", collect_wafv2, None),
    ("acm", collect_acm, None),

    # -- containers
    ("codebuild", collect_codebuild, None),

    # -- patching
    ("inspector2", collect_inspector2, None),
    ("ssm", collect_ssm, None),

)


def _services() -> tuple[ServiceCollector, ...]:
    out: list[ServiceCollector] = []
    for service, collect, slices in _COLLECTORS:
        types = [t for t in resource_types() if t.service == service]
        if not types or len({t.regional for t in types}) != 1:
            raise TypeError(f"{service}: declare at least one resource type, all regional or all global")
        out.append(ServiceCollector(service, types[0].regional, slices or tuple(t.slice for t in types), collect))
    for service in {t.service for t in resource_types()}:
        declared = sorted(t.slice for t in resource_types() if t.service == service)
        filled = sorted(name for c in out if c.service == service for name in c.slices)
        if filled != declared:
            raise TypeError(f"{service}: collect functions fill {filled}, the declarations name {declared}")
    return tuple(out)


SERVICES: tuple[ServiceCollector, ...] = _services()

GLOBAL_CLIENT_REGION = "us-east-1"


@dataclass(frozen=True)
class _Outcome:
    collector: ServiceCollector
    scope: Scope
    items: dict[str, list[AwsResource]]
    error: CollectionError | None
    seconds: float = 0.0

    def event(self) -> Event:
        counts = {"resources": sum(len(v) for v in self.items.values()), "errors": int(self.error is not None)}
        return Event("collect", account=self.scope.account, region=self.scope.region, service=self.collector.name,
                     counts=counts, seconds=round(self.seconds, 3),
                     error_code=self.error.code if self.error is not None else None)


# The account of a run whose caller could not be identified: every slice is blind for it.
UNKNOWN_ACCOUNT = "unknown"


def caller_account(session: boto3.session.Session, deadline: Deadline = NO_DEADLINE) -> str:
    """The caller's account id, or CallFailed naming sts:GetCallerIdentity."""
    api = Api(client(session, "sts", session.region_name or GLOBAL_CLIENT_REGION), "", GLOBAL, deadline=deadline)
    account = api.call("get_caller_identity").get("Account")
    if not isinstance(account, str) or not account.isdigit():
        raise CallFailed("sts:GetCallerIdentity", "BadResponse", "response without an account id")
    return account


def account_of(session: boto3.session.Session) -> str:
    try:
        return caller_account(session)
    except CallFailed as exc:
        raise CollectionSetupError(f"cannot identify the account ({exc.operation}: {exc.code} {exc.message})") from exc


def _run(collector: ServiceCollector, api: Api, scope: Scope) -> _Outcome:
    began = time.monotonic()
    try:
        return _Outcome(collector, scope, collector.collect(api), None, time.monotonic() - began)
    except Exception as exc:  # noqa: BLE001 -- one job's failure blinds its slices there, never the run
        failure = api.failed(exc)  # re-raises ReadOnlyViolation: a bug, exit 4
        operation = failure.operation.rpartition(":")[2]
        error = CollectionError(service=collector.service, operation=operation or "-", code=failure.code,
                                message=failure.message, account=scope.account, region=scope.region)
        return _Outcome(collector, scope, {}, error, time.monotonic() - began)


def _late(collector: ServiceCollector, scope: Scope, deadline: Deadline) -> _Outcome:
    where = f"{collector.service} was read in {scope.account}/{scope.region}"
    return _Outcome(collector, scope, {}, CollectionError(
        service=collector.service, operation="-", code=DEADLINE_REACHED, message=deadline.reason(where),
        account=scope.account, region=scope.region))


def blind_account(account: str, error: CollectionError, services: Sequence[ServiceCollector] = SERVICES,
                  regions: Sequence[str] = ()) -> Inventory:
    """An inventory in which every slice is blind for `account`, with `error` as the reason."""
    slices = {name: {"scopes": [Scope(account=account, region=GLOBAL)], "errors": [error]}
              for collector in services for name in collector.slices}
    return Inventory.model_validate({"collected_at": datetime.now(UTC), "accounts": [account],
                                     "regions": sorted(regions), **slices})


def collect_aws(
    session: boto3.session.Session,
    regions: list[str] | None = None,
    workers: int = 8,
    services: Sequence[ServiceCollector] = SERVICES,
    detail_workers: int = 4,
    deadline: Deadline = NO_DEADLINE,
    verdicts: bool = False,
    on_event: Listener = ignore,
) -> Inventory:
    started = datetime.now(UTC)
    began = time.monotonic()
    try:
        account = caller_account(session, deadline)
    except CallFailed as exc:
        # Without the account id nothing can be read; the report still says so, check by check.
        error = CollectionError(service="sts", operation="GetCallerIdentity", code=exc.code, message=exc.message,
                                account=UNKNOWN_ACCOUNT, region=GLOBAL)
        on_event(Event("account", account=UNKNOWN_ACCOUNT, error_code=exc.code, counts={"errors": 1},
                       message="sts:GetCallerIdentity failed"))
        return blind_account(UNKNOWN_ACCOUNT, error, services, regions or [])
    plan: RegionPlan = plan_regions(session, regions, deadline)
    if not plan.enabled and not plan.disabled:
        raise CollectionSetupError("no region to audit")
    planned = sum(1 if not c.regional else len(plan.enabled) for c in services)
    on_event(Event("account", "start", account=account,
                   counts={"regions": len(plan.enabled), "jobs": planned}))

    outcomes: list[_Outcome] = []
    jobs: dict[Future[_Outcome], tuple[ServiceCollector, Scope]] = {}
    # Building a client costs tens of milliseconds and must happen in this thread; each job is
    # submitted as soon as its client exists, so building overlaps with the calls in flight.
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="collect")
    clients: dict[tuple[str, str], Any] = {}  # one per (service, region), shared by its collect functions

    def client_for(service: str, region: str) -> Any:
        if (service, region) not in clients:
            clients[service, region] = client(session, service, region)
        return clients[service, region]

    try:
        for collector in services:
            if not collector.regional:
                api = Api(client_for(collector.service, GLOBAL_CLIENT_REGION), account, GLOBAL, detail_workers,
                          deadline)
                scope = Scope(account=account, region=GLOBAL)
                jobs[pool.submit(_run, collector, api, scope)] = (collector, scope)
                _watch(jobs, on_event)
                continue
            for region in plan.enabled:
                api = Api(client_for(collector.service, region), account, region, detail_workers, deadline,
                          audited_regions=tuple(plan.enabled))
                scope = Scope(account=account, region=region)
                jobs[pool.submit(_run, collector, api, scope)] = (collector, scope)
                _watch(jobs, on_event)
            for region in plan.disabled:
                outcomes.append(_Outcome(collector, Scope(account=account, region=region), {}, CollectionError(
                    service=collector.service, operation="-", code=REGION_NOT_ENABLED,
                    message=f"{region} is not enabled for this account (opt-in region or unknown name)",
                    account=account, region=region)))
        wait(jobs, timeout=deadline.remaining())
    finally:
        # A job still in a call at the deadline is abandoned, not waited for: its thread ends when
        # the call's own timeouts end it, and its result is not used.
        pool.shutdown(wait=deadline.at is None, cancel_futures=True)
    for future, (collector, scope) in jobs.items():
        if future.done() and not future.cancelled():
            outcomes.append(future.result())
        else:
            outcomes.append(_late(collector, scope, deadline))
            on_event(outcomes[-1].event())
    outcomes = [replace(o, error=plan.annotate(o.error)) if o.error is not None else o for o in outcomes]
    inventory = assemble(outcomes, account, sorted(set(plan.enabled) | set(plan.disabled)), started)
    if verdicts:
        imported = collect_verdicts(lambda service, region: Api(client_for(service, region), account, region,
                                                                detail_workers, deadline), list(plan.enabled), workers)
        inventory = inventory.model_copy(update={"aws_verdicts": imported})
    on_event(Event("account", account=account, seconds=round(time.monotonic() - began, 3), counts={
        "regions": len(plan.enabled), "resources": sum(len(v) for o in outcomes for v in o.items.values()),
        "errors": sum(1 for o in outcomes if o.error is not None)}))
    return inventory


def _watch(jobs: dict[Future[_Outcome], tuple[ServiceCollector, Scope]], on_event: Listener) -> None:
    """Report the job just submitted when it ends (from its worker thread), so progress is live."""
    future = next(reversed(jobs))

    def done(f: Future[_Outcome]) -> None:
        if not f.cancelled() and f.exception() is None:
            on_event(f.result().event())

    future.add_done_callback(done)


def assemble(outcomes: list[_Outcome], account: str, regions: list[str], started: datetime) -> Inventory:
    items: dict[str, list[AwsResource]] = {}
    scopes: dict[str, list[Scope]] = {}
    errors: dict[str, list[CollectionError]] = {}
    for outcome in sorted(outcomes, key=lambda o: (o.collector.service, o.collector.name, o.scope.region)):
        for name in outcome.collector.slices:
            scopes.setdefault(name, []).append(outcome.scope)
            if outcome.error is not None:
                errors.setdefault(name, []).append(outcome.error)
            items.setdefault(name, []).extend(outcome.items.get(name, []))
    # Plain dicts holding model instances: pydantic adopts the instances without copying them.
    slices = {
        name: {"items": items.get(name, []), "scopes": scopes[name], "errors": errors.get(name, [])}
        for name in scopes
    }
    return Inventory.model_validate({
        "collected_at": started, "accounts": [account], "regions": regions, **slices,
    })
