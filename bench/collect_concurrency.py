"""Benchmark: region/service fan-out versus a sequential collection, with realistic API latency.

moto answers in about a millisecond; AWS takes tens. The benchmark serves the seeded demo account
from a separate process (`cardaudit demo --serve`), adds a fixed delay to every request (a
`before-send` hook), then collects sequentially and concurrently and prints the ratio. Run:

    python bench/collect_concurrency.py [--latency-ms 40] [--workers 8] [--all-regions]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from typing import Any

import boto3


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency-ms", type=float, default=40.0)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--all-regions", action="store_true", help="the default audit scope: every enabled region")
    args = parser.parse_args()

    from cardaudit.collect.aws import collect_aws
    from cardaudit.collect.session import guard_session
    from cardaudit.demo.seed import DEMO_REGIONS, HOME_REGION

    # The emulated AWS runs in its own process, as AWS would: it must not share this one's GIL.
    server = subprocess.Popen([sys.executable, "-m", "cardaudit", "demo", "--serve", "0"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert server.stdout is not None
    url = server.stdout.readline().rsplit(" ", 1)[-1].strip()
    os.environ.update({"AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
                       "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": HOME_REGION})

    delay = args.latency_ms / 1000

    def slow(**_: Any) -> None:
        time.sleep(delay)

    def timed(workers: int, detail_workers: int) -> tuple[float, int]:
        session = guard_session(boto3.session.Session(region_name=HOME_REGION))
        session.events.register("before-send.*.*", slow)
        calls = 0

        def count(**_: Any) -> None:
            nonlocal calls
            calls += 1

        session.events.register("before-send.*.*", count)
        start = time.perf_counter()
        collect_aws(session, regions, workers=workers, detail_workers=detail_workers)
        return time.perf_counter() - start, calls

    regions = None if args.all_regions else list(DEMO_REGIONS)
    timed(args.workers, 4)  # warm the service-model caches
    sequential, calls = timed(1, 1)
    parallel, _ = timed(args.workers, 4)
    server.terminate()
    server.wait()
    scope = "every enabled region" if args.all_regions else ", ".join(DEMO_REGIONS)
    print(f"{calls} API calls per collection ({scope}); simulated latency {args.latency_ms:.0f} ms per call")
    print(f"sequential (1 worker, 1 detail worker):    {sequential:6.2f} s")
    print(f"concurrent ({args.workers} workers, 4 detail workers):   {parallel:6.2f} s")
    print(f"speed-up: {sequential / parallel:.1f}x")


if __name__ == "__main__":
    main()
