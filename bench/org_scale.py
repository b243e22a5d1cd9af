"""Benchmark: one process over a simulated organisation, versus N shards merged.

Seeds an AWS Organization of `--accounts` accounts in in-process moto (one ECR repository and one
SQS queue each; `cardaudit.demo.organisation`), audits it in one process, then as `--shards`
shards one after the other, merges them, checks that the merged report equals the single one
(findings and item statuses), and prints the wall times. Shards run one after the other here; on
Step Functions they run side by side, so the sharded wall time there is about the slowest shard
plus the merge. Run:

    python bench/org_scale.py [--accounts 50] [--shards 5] [--latency-ms 0]

`--latency-ms` adds a fixed delay to every AWS call (moto answers in about a millisecond; AWS in
tens), which is where sharding pays: shards wait on AWS in parallel.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=50)
    parser.add_argument("--shards", type=int, default=5)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args()
    for key in ("AWS_ENDPOINT_URL", "MOTO_ACCOUNT_ID", "AWS_PROFILE"):
        os.environ.pop(key, None)
    os.environ.update({"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "x",
                       "AWS_DEFAULT_REGION": "eu-west-1", "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"})

    import boto3
    from moto import mock_aws

    from cardaudit.collect.session import guard_session
    from cardaudit.demo.organisation import REGION, audit_organisation, refuse_role_in, seed_organisation
    from cardaudit.merging import Part, merge_reports
    from cardaudit.models.shard import Shard

    with mock_aws():
        began = time.perf_counter()
        accounts = seed_organisation(boto3.session.Session(region_name=REGION), args.accounts - 1)
        seeded = time.perf_counter() - began
        session = guard_session(boto3.session.Session(region_name=REGION))
        refuse_role_in(session, accounts[len(accounts) // 2])
        if args.latency_ms:
            def delay(**_: Any) -> None:
                time.sleep(args.latency_ms / 1000)
            session.events.register("before-send", delay)
        # Warm moto's per-account back ends, so that neither way pays for them.
        audit_organisation(session)
        began = time.perf_counter()
        whole = audit_organisation(session)
        single = time.perf_counter() - began
        shard_times, shards = [], []
        for i in range(1, args.shards + 1):
            began = time.perf_counter()
            shards.append(audit_organisation(session, Shard(index=i, count=args.shards)))
            shard_times.append(time.perf_counter() - began)
        began = time.perf_counter()
        merged = merge_reports([Part(f"shard-{i}", r) for i, r in enumerate(shards, 1)])
        merging = time.perf_counter() - began

    def findings(report: Any) -> set[tuple[str, str, str]]:
        return {(f.id, f.status.value, f.reason) for f in report.findings}

    def items(report: Any) -> list[tuple[str, str]]:
        return [(r.id, r.status.value) for r in report.requirements]

    same = findings(merged) == findings(whole) and items(merged) == items(whole)
    print(f"accounts: {len(accounts)} (seeded in {seeded:.1f} s), shards: {args.shards}, "
          f"latency: {args.latency_ms:g} ms per call")
    print(f"accounts per shard: {[len(s.run.accounts) for s in shards]}")
    print(f"one process:            {single:6.2f} s")
    print(f"shards one after other: {sum(shard_times):6.2f} s  ({', '.join(f'{t:.2f}' for t in shard_times)})")
    print(f"merge:                  {merging:6.2f} s")
    print(f"shards side by side:    {max(shard_times) + merging:6.2f} s  (slowest shard + merge)")
    print(f"ratio one process / side by side: {single / (max(shard_times) + merging):.2f}")
    print(f"merged report equals the one-process report: {same} ({len(whole.findings)} findings)")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
