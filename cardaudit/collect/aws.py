"""Fan the service collectors out over regions and assemble the Inventory.

Clients are built in the calling thread (boto3 sessions are not thread-safe to build clients
from); the calls then run on a bounded pool. Any failed call that a collector did not handle as
a per-resource detail marks its slices blind for that (account, region), with the error code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from cardaudit.collect.api import Api, error_code
from cardaudit.collect.cloudtrail import collect_cloudtrail
from cardaudit.collect.ecr import collect_ecr
from cardaudit.collect.ecs import collect_ecs
from cardaudit.collect.events import collect_events
from cardaudit.collect.iam import collect_iam
from cardaudit.collect.kms import collect_kms
from cardaudit.collect.lambda_ import collect_lambda
from cardaudit.collect.rds import collect_rds
from cardaudit.collect.regions import RegionPlan, plan_regions
from cardaudit.collect.s3 import collect_s3
from cardaudit.collect.secretsmanager import collect_secretsmanager
from cardaudit.collect.session import client
from cardaudit.collect.sqs import collect_sqs
from cardaudit.collect.stepfunctions import collect_stepfunctions
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

Collect = Callable[[Api], dict[str, list[AwsResource]]]


@dataclass(frozen=True)
class ServiceCollector:
    service: str  # boto3 service name
    regional: bool
    slices: tuple[str, ...]
    collect: Collect


# One collect function per boto3 service; which slices it fills, and whether it runs per region,
# come from the resource types' declarations.
_COLLECTORS: dict[str, Collect] = {
    "ecs": collect_ecs,
    "ecr": collect_ecr,
    "s3": collect_s3,
    "kms": collect_kms,
    "cloudtrail": collect_cloudtrail,
    "iam": collect_iam,
    "lambda": collect_lambda,
    "sqs": collect_sqs,
    "stepfunctions": collect_stepfunctions,
    "events": collect_events,
    "rds": collect_rds,
    "secretsmanager": collect_secretsmanager,
}


def _services() -> tuple[ServiceCollector, ...]:
    out: list[ServiceCollector] = []
    for service, collect in _COLLECTORS.items():
        types = [t for t in resource_types() if t.service == service]
        if not types or len({t.regional for t in types}) != 1:
            raise TypeError(f"{service}: declare at least one resource type, all regional or all global")
        out.append(ServiceCollector(service, types[0].regional, tuple(t.slice for t in types), collect))
    undeclared = {t.service for t in resource_types()} - set(_COLLECTORS)
    if undeclared:
        raise TypeError(f"no collect function for declared service(s) {sorted(undeclared)}")
    return tuple(out)


SERVICES: tuple[ServiceCollector, ...] = _services()

GLOBAL_CLIENT_REGION = "us-east-1"


@dataclass(frozen=True)
class _Outcome:
    collector: ServiceCollector
    scope: Scope
    items: dict[str, list[AwsResource]]
    error: CollectionError | None


def account_of(session: boto3.session.Session) -> str:
    try:
        identity = client(session, "sts", session.region_name or GLOBAL_CLIENT_REGION).get_caller_identity()
    except (ClientError, BotoCoreError) as exc:
        code, message = error_code(exc)
        raise CollectionSetupError(f"cannot identify the account (sts:GetCallerIdentity: {code} {message})") from exc
    return str(identity["Account"])


def _run(collector: ServiceCollector, api: Api, scope: Scope) -> _Outcome:
    try:
        return _Outcome(collector, scope, collector.collect(api), None)
    except (ClientError, BotoCoreError) as exc:
        code, message = error_code(exc)
        operation = exc.operation_name if isinstance(exc, ClientError) else "request"
        error = CollectionError(service=collector.service, operation=operation, code=code,
                                message=message[:300], account=scope.account, region=scope.region)
        return _Outcome(collector, scope, {}, error)


def collect_aws(
    session: boto3.session.Session,
    regions: list[str] | None = None,
    workers: int = 8,
    services: Sequence[ServiceCollector] = SERVICES,
    detail_workers: int = 4,
) -> Inventory:
    started = datetime.now(UTC)
    account = account_of(session)
    plan: RegionPlan = plan_regions(session, regions)
    if not plan.enabled and not plan.disabled:
        raise CollectionSetupError("no region to audit")

    outcomes: list[_Outcome] = []
    futures: list[Future[_Outcome]] = []
    # Building a client costs tens of milliseconds and must happen in this thread; each job is
    # submitted as soon as its client exists, so building overlaps with the calls in flight.
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="collect") as pool:
        for collector in services:
            if not collector.regional:
                api = Api(client(session, collector.service, GLOBAL_CLIENT_REGION), account, GLOBAL, detail_workers)
                futures.append(pool.submit(_run, collector, api, Scope(account=account, region=GLOBAL)))
                continue
            for region in plan.enabled:
                api = Api(client(session, collector.service, region), account, region, detail_workers)
                futures.append(pool.submit(_run, collector, api, Scope(account=account, region=region)))
            for region in plan.disabled:
                outcomes.append(_Outcome(collector, Scope(account=account, region=region), {}, CollectionError(
                    service=collector.service, operation="-", code=REGION_NOT_ENABLED,
                    message=f"{region} is not enabled for this account (opt-in region or unknown name)",
                    account=account, region=region)))
        outcomes.extend(f.result() for f in futures)

    return assemble(outcomes, account, sorted(set(plan.enabled) | set(plan.disabled)), started)


def assemble(outcomes: list[_Outcome], account: str, regions: list[str], started: datetime) -> Inventory:
    items: dict[str, list[AwsResource]] = {}
    scopes: dict[str, list[Scope]] = {}
    errors: dict[str, list[CollectionError]] = {}
    for outcome in sorted(outcomes, key=lambda o: (o.collector.service, o.scope.region)):
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
