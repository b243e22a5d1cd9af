"""Benchmark: evaluate, attribute and roll up a synthetic inventory at two sizes; prints the ratio.

A linear pipeline takes about 10x the time for 10x the resources. Run:

    python bench/audit_scale.py [--size 20000]
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from pathlib import Path

from cardaudit import audit
from cardaudit.models.containers import EcsContainer
from cardaudit.models.inventory import EcrRepository, EcsTaskDefinition, Inventory, Scope
from cardaudit.models.report import AuditConfig

ACCOUNT = "111122223333"
OWNERSHIP = Path(__file__).parents[1] / "ownership.yaml"


def inventory(size: int) -> Inventory:
    regions = ["eu-west-1", "us-east-1", "eu-central-1", "ap-southeast-2"]
    repos = [EcrRepository(arn=f"arn:aws:ecr:{regions[i % 4]}:{ACCOUNT}:repository/svc-{i}", account=ACCOUNT,
                           region=regions[i % 4], name=f"svc-{i}", tags={"team": "app"} if i % 3 else {},
                           scan_on_push=i % 2 == 0, tag_mutability="MUTABLE", encryption_type="AES256",
                           registry_scan_type="BASIC") for i in range(size)]
    tds = [EcsTaskDefinition(arn=f"arn:aws:ecs:{regions[i % 4]}:{ACCOUNT}:task-definition/svc-{i}:3",
                             account=ACCOUNT, region=regions[i % 4], name=f"svc-{i}:3", family=f"svc-{i}", revision=3,
                             containers=[EcsContainer(name="app", log_driver="awslogs" if i % 5 else None)])
           for i in range(size)]
    scopes = [Scope(account=ACCOUNT, region=r) for r in regions]
    return Inventory.model_validate({
        "collected_at": datetime.now(UTC), "accounts": [ACCOUNT], "regions": regions,
        "ecr_repositories": {"items": repos, "scopes": scopes},
        "ecs_task_definitions": {"items": tds, "scopes": scopes},
    })


def timed(size: int) -> float:
    inv = inventory(size)
    start = time.perf_counter()
    audit.run(AuditConfig(ownership=OWNERSHIP), inventory=inv)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=20000, help="resources per slice at the large size")
    args = parser.parse_args()
    timed(100)  # warm imports and the catalogue
    small, large = timed(args.size // 10), timed(args.size)
    print(f"{2 * args.size // 10} resources: {small:6.2f} s   {2 * args.size} resources: {large:6.2f} s")
    print(f"time ratio for 10x the resources: {large / small:.1f}x "
          f"({2 * args.size / large:,.0f} resources/s at the large size)")


if __name__ == "__main__":
    main()
