"""Benchmark: ownership resolution, resources per second against 1,000 rules.

A synthetic ownership.yaml with 1,000 resource rules in a realistic mix (exact ARNs, ARN globs,
tags, CloudFormation stacks, types, account catch-alls) and synthetic resources (S3 buckets, RDS
instances, Lambda functions, SQS queues, IAM roles, log groups), each with a team/app tag and a
third of them in a CloudFormation stack. Every resource has its own ARN, so nothing is answered
from the resolver's cache. Prints resources per second for 10,000 and 100,000 resources and the
ratio of the time per resource (1.0 means resolution time grows linearly with the estate). Run:

    python bench/resolution.py [--rules 1000] [--resources 100000]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from cardaudit.models.ownership import IacSource
from cardaudit.ownership.iac import IacIndex
from cardaudit.ownership.load import load_ownership
from cardaudit.ownership.resolve import Resolver, ResourceFacts

ACCOUNT = "111122223333"
REGION = "eu-west-1"
TEAMS = ("app", "infra", "data", "secops", "payments")
# (CloudFormation type, ARN of a resource named {n})
KINDS = (
    ("AWS::S3::Bucket", "arn:aws:s3:::acme-{app}-{n}"),
    ("AWS::RDS::DBInstance", f"arn:aws:rds:{REGION}:{ACCOUNT}:db:{{app}}-{{n}}"),
    ("AWS::Lambda::Function", f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{{app}}-{{n}}"),
    ("AWS::SQS::Queue", f"arn:aws:sqs:{REGION}:{ACCOUNT}:{{app}}-{{n}}"),
    ("AWS::IAM::Role", f"arn:aws:iam::{ACCOUNT}:role/{{app}}-{{n}}"),
    ("AWS::Logs::LogGroup", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/{{app}}/{{n}}"),
)
APPS = 200  # services, each with its own naming prefix and stack


def rules_yaml(count: int, rng: random.Random) -> str:
    lines = ["version: 1", "teams:"] + [f"  {t}: {{name: {t}}}" for t in TEAMS] + ["resources:"]
    for i in range(count):
        team = rng.choice(TEAMS)
        app = f"svc{i % APPS}"
        kind, arn = KINDS[i % len(KINDS)]
        share = i % 10
        if share < 4:  # ARN globs: a service's prefix
            match = f'{{arn: "{arn.format(app=app, n="*")}"}}'
        elif share < 5:  # exact ARNs
            match = f'{{arn: "{arn.format(app=app, n=i)}"}}'
        elif share < 8:  # tags, often with a type
            match = (f"{{type: {kind}, tags: {{app: {app}}}}}" if share == 6
                     else f"{{tags: {{app: {app}, team: {team}}}}}")
        elif share < 9:  # CloudFormation stacks
            match = f"{{iac: {{tool: cloudformation, stack: {app}-stack}}}}"
        else:  # types in one account, or the account
            match = f'{{account: "{ACCOUNT}", type: {kind}}}' if i % 20 else f'{{account: "{ACCOUNT}"}}'
        lines.append(f"  - {{id: r{i}, match: {match}, primary: {team}}}")
    return "\n".join(lines) + "\n"


def resources(count: int, rng: random.Random) -> list[ResourceFacts]:
    out = []
    for n in range(count):
        kind, arn = KINDS[n % len(KINDS)]
        app = f"svc{rng.randrange(APPS + 50)}"  # some apps have no rule
        tags = {"app": app, "team": rng.choice(TEAMS), "env": "prod"}
        iac: tuple[IacSource, ...] = ()
        if n % 3 == 0:
            tags["aws:cloudformation:stack-name"] = f"{app}-stack"
            iac = (IacSource(tool="cloudformation", stack=f"{app}-stack"),)
        out.append(ResourceFacts(arn.format(app=app, n=n), ACCOUNT, REGION, kind, f"{app}-{n}", tags, iac))
    return out


def _rate(resolver: Resolver, facts: list[ResourceFacts]) -> tuple[float, float, dict[str, int]]:
    """(wall seconds, CPU seconds of this process, statuses): on a shared machine the CPU figure is the steady one."""
    statuses: dict[str, int] = {}
    started, cpu = time.perf_counter(), time.process_time()
    for f in facts:
        status = resolver.resource(f).status
        statuses[status] = statuses.get(status, 0) + 1
    return time.perf_counter() - started, time.process_time() - cpu, statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--resources", type=int, default=100_000)
    args = parser.parse_args()
    rng = random.Random(12)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ownership.yaml"
        path.write_text(rules_yaml(args.rules, rng))
        ownership = load_ownership(path)
        small_n = max(1, args.resources // 10)
        small, small_cpu, _ = _rate(Resolver(ownership, IacIndex()), resources(small_n, rng))
        large, large_cpu, statuses = _rate(Resolver(ownership, IacIndex()), resources(args.resources, rng))
    print(f"rules: {args.rules}")
    for n, wall, cpu in ((small_n, small, small_cpu), (args.resources, large, large_cpu)):
        print(f"{n:>8} resources: {wall:7.2f} s wall {n / wall:9,.0f} resources/s; "
              f"{cpu:7.2f} s CPU {n / cpu:9,.0f} resources/s")
    print(f"outcomes: {', '.join(f'{k} {v}' for k, v in sorted(statuses.items()))}")
    print(f"CPU time per resource, {args.resources} vs {small_n}: "
          f"{(large_cpu / args.resources) / (small_cpu / small_n):.2f}x")


if __name__ == "__main__":
    main()
