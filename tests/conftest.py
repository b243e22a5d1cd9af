"""Shared test set-up: one moto server for the whole session, reset before every test.

Tests reach moto exactly as cardaudit reaches AWS: through AWS_ENDPOINT_URL and a boto3
session carrying the read-only guard. Seeding uses a second, unguarded session.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config

ACCOUNT = "111122223333"
REGION = "eu-west-1"

os.environ.update({
    "MOTO_ACCOUNT_ID": ACCOUNT,
    "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "test-secret",
    "AWS_DEFAULT_REGION": REGION,
    "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
})
for _key in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
    os.environ.pop(_key, None)

from cardaudit.collect.aws import SERVICES, ServiceCollector, collect_aws  # noqa: E402
from cardaudit.collect.session import guard_session  # noqa: E402
from cardaudit.engine.registry import load_checks  # noqa: E402
from cardaudit.engine.runner import evaluate  # noqa: E402
from cardaudit.models.finding import Finding  # noqa: E402
from cardaudit.models.inventory import Inventory  # noqa: E402


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    os.environ["AWS_ENDPOINT_URL"] = url
    yield url
    os.environ.pop("AWS_ENDPOINT_URL", None)
    server.stop()


@dataclass
class Aws:
    """The emulated account of one test: `seed` writes to it, `audit` reads it like cardaudit does."""

    url: str
    seed_session: boto3.session.Session
    audit_session: boto3.session.Session
    _denials: list[tuple[str, str]] = field(default_factory=list)

    def client(self, service: str, region: str = REGION) -> Any:
        return self.seed_session.client(service, region_name=region, config=Config(retries={"max_attempts": 1}))

    def deny(self, service_id: str, operation: str, code: str = "AccessDenied", region: str | None = None) -> None:
        """Make one read operation fail for the audit session, as an IAM (or regional SCP) deny would."""

        def refuse(context: dict[str, Any] | None = None, **_: Any) -> tuple[Any, dict[str, Any]] | None:
            if region is not None and (context or {}).get("client_region") != region:
                return None
            body = {"Error": {"Code": code, "Message": f"User is not authorized to perform: {operation}"},
                    "ResponseMetadata": {"HTTPStatusCode": 403}}
            return _Http(403), body

        event = f"before-call.{service_id}.{operation}"
        uid = f"deny-{service_id}-{operation}-{region}"
        self.audit_session.events.register(event, refuse, unique_id=uid)
        self._denials.append((event, uid))

    def answer(self, service_id: str, operation: str, response: dict[str, Any]) -> None:
        """Answer one read operation with a recorded AWS response (for what moto cannot emulate)."""

        def recorded(**_: Any) -> tuple[Any, dict[str, Any]]:
            return _Http(200), {**response, "ResponseMetadata": {"HTTPStatusCode": 200}}

        event = f"before-call.{service_id}.{operation}"
        uid = f"answer-{service_id}-{operation}"
        self.audit_session.events.register(event, recorded, unique_id=uid)
        self._denials.append((event, uid))

    def reset(self) -> None:
        for event, uid in self._denials:
            self.audit_session.events.unregister(event, unique_id=uid)
        self._denials.clear()
        requests.post(f"{self.url}/moto-api/reset", timeout=10)

    def collect(self, *services: str, regions: list[str] | None = None) -> Inventory:
        chosen: list[ServiceCollector] = [s for s in SERVICES if s.service in services] if services else list(SERVICES)
        return collect_aws(self.audit_session, regions or [REGION], workers=4, services=chosen)


@dataclass
class _Http:
    status_code: int
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""


def _s3control_to_endpoint(request: Any, **_: Any) -> None:
    """moto server: s3control sends to `<account>.<endpoint host>`, which does not resolve (moto-notes §3).
    Seeding only: cardaudit's own s3control collector does the same for local endpoints."""
    request.url = re.sub(r"//\d{12}\.", "//", request.url, count=1)


@pytest.fixture(scope="session")
def _aws_session(moto_url: str) -> Aws:
    seed = boto3.session.Session(region_name=REGION)
    seed.events.register("before-send.s3-control.*", _s3control_to_endpoint)
    return Aws(moto_url, seed, guard_session(boto3.session.Session(region_name=REGION)))


@pytest.fixture
def aws(_aws_session: Aws) -> Iterator[Aws]:
    _aws_session.reset()
    yield _aws_session
    _aws_session.reset()


def repo_inventory(repos: dict[str, Path], **fields: Any) -> Inventory:
    """The inventory of these checkouts, discovered and parsed as an audit does; `fields` add AWS slices or
    replace the account, regions and collection time."""
    from datetime import UTC, datetime

    from cardaudit.collect.artifacts import parse_artifacts
    from cardaudit.collect.artifacts.discover import discover

    files = discover(repos)
    return Inventory.model_validate({"collected_at": datetime.now(UTC), "accounts": [ACCOUNT], "regions": [REGION],
                                     "repos": sorted(repos), "repo_files": files, **parse_artifacts(repos, files),
                                     **fields})


def run_check(check_id: str, inventory: Inventory) -> list[Finding]:
    return evaluate(inventory, [load_checks()[check_id]])


def outcomes(findings: list[Finding]) -> set[tuple[str, str]]:
    """(resource, status) pairs; a resource is named by its name, or `*@region` for a scope."""
    def name(f: Finding) -> str:
        ref = f.resource
        return ref.name or (f"{ref.id}@{ref.region}" if ref.region else ref.id)

    return {(name(f), f.status.value) for f in findings}


CheckRunner = Callable[[str, Inventory], list[Finding]]


def cli_env() -> dict[str, str]:
    """The environment of a CLI run in a subprocess: no AWS or moto settings leak into it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MOTO_"))}
    env["COLUMNS"] = "200"
    return env


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    """`cardaudit demo` run once per session; its reports and inventory serve several test modules."""
    out = tmp_path_factory.mktemp("demo")
    # --history: the demo also keeps its run (tests/test_history.py reads it back).
    result = subprocess.run([sys.executable, "-m", "cardaudit", "demo", "--output-dir", str(out),
                             "--history", str(out / "history.sqlite")],
                            capture_output=True, text=True, timeout=300, env=cli_env(), check=False)
    return result, out


_WORKLOAD_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com", "states.amazonaws.com"]},
     "Action": "sts:AssumeRole"}]})


def workload_role(aws: Aws) -> str:
    """An IAM role Lambda functions and state machines can run as (moto checks that it exists)."""
    arn: str = aws.client("iam").create_role(RoleName="workload", AssumeRolePolicyDocument=_WORKLOAD_TRUST)[
        "Role"]["Arn"]
    return arn
