"""Benchmark: AWS requests per collected resource, at 1x and 20x a seeded account, and the wall time.

Seeds an in-process moto account with N copies of one small estate that touches most of the
resource types cardaudit reads (buckets, queues, topics, users with keys, roles, log groups,
security groups, volumes, tables, keys, secrets, repositories, functions, clusters and task
definitions, state machines, rules, DB instances, file systems, build projects, certificates,
alarms), then collects two regions with the production collector and counts

- API calls (botocore `before-call`, one per operation and page) and HTTP requests
  (`before-send`, retries included),
- resources collected (items of every slice),

and prints calls per resource at each scale: linear collection keeps it flat from 1x to 20x. With
`--baseline REF` it runs the same measurement on another commit (a temporary git worktree) and
prints the wall-time ratio of this tree to it, e.g. the commit before the AWS breadth work:

    python bench/requests_per_resource.py [--scales 1,20] [--baseline 147d9b6]

Wall times in moto measure cardaudit's own work and moto's, not AWS latency: compare ratios.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ACCOUNT = "111122223333"
REGIONS = ["eu-west-1", "us-east-1"]
ENV = {"MOTO_ACCOUNT_ID": ACCOUNT, "MOTO_EC2_LOAD_DEFAULT_AMIS": "false", "AWS_ACCESS_KEY_ID": "bench",
       "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": REGIONS[0]}


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def _try(call: Any, **kwargs: Any) -> Any:
    """A seeding call moto may not implement in this version: the estate is then one type smaller."""
    try:
        return call(**kwargs)
    except Exception:  # noqa: BLE001 -- seeding is best effort; what was collected is what is counted
        return None


def seed(session: Any, copies: int) -> None:
    """`copies` of the unit estate in the first region (the second stays nearly empty, as many do)."""
    region = REGIONS[0]

    def c(service: str) -> Any:
        return session.client(service, region_name=region)

    s3, sqs, sns, iam, logs, ec2 = c("s3"), c("sqs"), c("sns"), c("iam"), c("logs"), c("ec2")
    ddb, kms, sm, ecr, lam, ecs = c("dynamodb"), c("kms"), c("secretsmanager"), c("ecr"), c("lambda"), c("ecs")
    sfn, events, rds, efs, cb, acm, cw = (c("stepfunctions"), c("events"), c("rds"), c("efs"), c("codebuild"),
                                         c("acm"), c("cloudwatch"))
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    role = iam.create_role(RoleName="bench-exec", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    code = _zip()
    for i in range(copies):
        name = f"bench-{i}"
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
        sqs.create_queue(QueueName=name)
        sns.create_topic(Name=name)
        iam.create_user(UserName=name)
        iam.create_access_key(UserName=name)
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)
        logs.create_log_group(logGroupName=f"/bench/{name}")
        ec2.create_security_group(GroupName=name, Description="bench", VpcId=vpc)
        ec2.create_volume(AvailabilityZone=f"{region}a", Size=1)
        ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")
        kms.create_key(Description=name)
        sm.create_secret(Name=name, SecretString="not-a-secret")
        ecr.create_repository(repositoryName=name)
        lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="handler.handler",
                            Code={"ZipFile": code})
        ecs.create_cluster(clusterName=name)
        ecs.register_task_definition(family=name,
                                     containerDefinitions=[{"name": "app", "image": "nginx", "memory": 256}])
        _try(sfn.create_state_machine, name=name, roleArn=role,
             definition=json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}))
        events.put_rule(Name=name, ScheduleExpression="rate(1 day)")
        _try(rds.create_db_instance, DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine="postgres",
             MasterUsername="bench", MasterUserPassword="bench-password-1", AllocatedStorage=20)
        _try(efs.create_file_system, CreationToken=name)
        _try(cb.create_project, name=name, source={"type": "NO_SOURCE", "buildspec": "version: 0.2"},
             artifacts={"type": "NO_ARTIFACTS"}, serviceRole=role,
             environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0",
                          "computeType": "BUILD_GENERAL1_SMALL"})
        _try(acm.request_certificate, DomainName=f"{name}.example.com")
        cw.put_metric_alarm(AlarmName=name, MetricName="Errors", Namespace="Bench", Statistic="Sum", Period=300,
                            EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold")


def measure(copies: int) -> dict[str, Any]:
    """Seed, collect, count: run in a fresh process per scale so moto starts empty."""
    os.environ.update(ENV)
    import boto3
    from moto import mock_aws

    from cardaudit.collect.aws import collect_aws

    with mock_aws():
        seed(boto3.session.Session(region_name=REGIONS[0]), copies)
        session = boto3.session.Session(region_name=REGIONS[0])
        counts = {"calls": 0, "requests": 0}

        def call(**_: Any) -> None:
            counts["calls"] += 1

        def send(**_: Any) -> None:
            counts["requests"] += 1

        session.events.register("before-call.*.*", call)
        session.events.register("before-send.*.*", send)
        started = time.perf_counter()
        inventory = collect_aws(session, REGIONS, workers=8)
        seconds = time.perf_counter() - started
        resources = sum(len(inventory.slice(name).items) for name in inventory.slice_names())
        blind = len(inventory.collection_errors())
    return {"copies": copies, "resources": resources, "calls": counts["calls"], "requests": counts["requests"],
            "seconds": round(seconds, 3), "types": len(inventory.slice_names()), "blind_scopes": blind}


def _run(copies: int, tree: Path | None) -> dict[str, Any]:
    env = dict(os.environ)
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    out = subprocess.run([sys.executable, __file__, "--one", str(copies)], env=env, capture_output=True, text=True,
                         check=True, cwd=tree or Path(__file__).parents[1])
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="1,20")
    parser.add_argument("--baseline", help="a git commit to compare wall time with (run in a temporary worktree)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(measure(args.one)))
        return
    scales = [int(s) for s in args.scales.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        base: Path | None = None
        root = Path(__file__).resolve().parents[1]
        if args.baseline:
            base = Path(tmp) / "baseline"
            subprocess.run(["git", "-C", str(root), "worktree", "add", "--detach", str(base), args.baseline],
                           check=True, capture_output=True)
        try:
            for copies in scales:
                now = _run(copies, None)
                line = (f"{copies:>3}x: {now['resources']:>5} resources of {now['types']} types, "
                        f"{now['calls']:>5} calls ({now['calls'] / max(1, now['resources']):.2f}/resource), "
                        f"{now['requests']:>5} requests, {now['seconds']:.2f} s, blind scopes {now['blind_scopes']}")
                if base is not None:
                    then = _run(copies, base)
                    line += (f"\n      baseline {args.baseline}: {then['resources']} resources of {then['types']} "
                             f"types, {then['calls']} calls ({then['calls'] / max(1, then['resources']):.2f}/resource),"
                             f" {then['seconds']:.2f} s; wall-time ratio now/baseline "
                             f"{now['seconds'] / max(then['seconds'], 1e-9):.2f}x")
                print(line, flush=True)
        finally:
            if base is not None:
                subprocess.run(["git", "-C", str(root), "worktree", "remove", "--force", str(base)],
                               check=False, capture_output=True)


if __name__ == "__main__":
    main()
