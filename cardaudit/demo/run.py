"""`cardaudit demo`: an emulated card issuer on moto, audited by the same code path as a real account.

moto runs in-process (no network, no AWS account). The seeded account is deliberately imperfect;
the audit also names eu-central-2, a region the account has not opted into, to show how
cardaudit reports what it cannot see.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import boto3

from cardaudit import audit
from cardaudit.collect.session import audit_session
from cardaudit.demo.seed import DEMO_ACCOUNT, DEMO_REGIONS, HOME_REGION, backdate, seed_aws
from cardaudit.errors import ConfigError
from cardaudit.models.report import AuditConfig, Report

DISABLED_REGION = "eu-central-2"
AUDIT_REGIONS = [*DEMO_REGIONS, DISABLED_REGION]
_FAKE_ENV = {
    "MOTO_ACCOUNT_ID": DEMO_ACCOUNT,
    "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "demo-secret-not-real",
    "AWS_DEFAULT_REGION": HOME_REGION,
    "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
}


def demo_dir() -> Path:
    return Path(str(resources.files("cardaudit.demo")))


def demo_repos() -> dict[str, Path]:
    root = demo_dir() / "repos"
    return {f"{owner.name}/{repo.name}": repo
            for owner in sorted(root.iterdir()) if owner.is_dir()
            for repo in sorted(owner.iterdir()) if repo.is_dir()}


def copy_repos(output_dir: Path) -> dict[str, Path]:
    """The demo repositories, copied under `output_dir/repos/`: the folder holds every input of its report."""
    copied: dict[str, Path] = {}
    for name, source in demo_repos().items():
        target = output_dir / "repos" / name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source, target)
        copied[name] = target
    return copied


def demo_config(output_dir: Path) -> AuditConfig:
    """The demo's audit settings. Its ownership and attestation files and its repositories are copied
    next to the reports, so the `file:line` references point at files the reader has, and every
    command run from inside the folder (re-audit, `owners explain`) reads the same evidence."""
    output_dir.mkdir(parents=True, exist_ok=True)
    for name in ("ownership.yaml", "attestations.yaml"):
        shutil.copyfile(demo_dir() / name, output_dir / name)
    return AuditConfig(
        regions=AUDIT_REGIONS, ownership=output_dir / "ownership.yaml", repos=copy_repos(output_dir),
        attestations=output_dir / "attestations.yaml", save_inventory=output_dir / "inventory.json",
    )


@contextmanager
def _demo_env() -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in (*_FAKE_ENV, "AWS_PROFILE", "AWS_ENDPOINT_URL")}
    os.environ.update(_FAKE_ENV)
    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        os.environ.pop(key, None)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _require_moto() -> None:
    try:
        import moto  # noqa: F401
    except ImportError as exc:
        raise ConfigError("the demo emulates AWS with moto, which this install lacks: "
                          "pip install 'cardaudit[demo]'") from exc


def run_demo(output_dir: Path) -> Report:
    """Seed the emulated account in-process and audit it exactly like a real one."""
    _require_moto()
    from moto import mock_aws

    output_dir.mkdir(parents=True, exist_ok=True)
    with _demo_env(), mock_aws():
        seed_aws(boto3.session.Session(region_name=HOME_REGION))
        backdate(DEMO_ACCOUNT)
        report = audit.run(demo_config(output_dir), session=audit_session(region=HOME_REGION))
    # Marked, so every format can say that this report describes no real account.
    return report.model_copy(update={"run": report.run.model_copy(update={"demo": True})})


@dataclass
class DemoServer:
    url: str
    stop: threading.Event


def serve_line(url: str) -> str:
    """The one line `demo --serve` prints: the environment to export (a shell can paste it), then the URL."""
    env = {"AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": _FAKE_ENV["AWS_ACCESS_KEY_ID"],
           "AWS_SECRET_ACCESS_KEY": _FAKE_ENV["AWS_SECRET_ACCESS_KEY"], "AWS_DEFAULT_REGION": HOME_REGION}
    exports = " ".join(f"{k}={v}" for k, v in env.items())
    return f"export {exports}  # fake credentials; demo AWS (account {DEMO_ACCOUNT}) serving on {url}"


def _require_server() -> None:
    try:
        import flask  # noqa: F401
        from moto.server import ThreadedMotoServer  # noqa: F401
    except ImportError as exc:
        raise ConfigError("demo --serve runs moto's HTTP server, which this install lacks: "
                          "pip install 'cardaudit[demo-server]'") from exc


def serve_demo(port: int, ready: threading.Event | None = None, stop: threading.Event | None = None,
               verbose: bool = False) -> str:
    """Seed a moto server on 127.0.0.1:port and serve it until `stop` is set (or forever).

    One line goes to stdout; the server's access log (a line per request) only with `verbose`.
    """
    _require_moto()
    _require_server()
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.INFO if verbose else logging.ERROR)
    with _demo_env():
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=verbose)
        server.start()
        try:
            host, real_port = server.get_host_and_port()
            url = f"http://{host}:{real_port}"
            os.environ["AWS_ENDPOINT_URL"] = url
            seed_aws(boto3.session.Session(region_name=HOME_REGION))
            backdate(DEMO_ACCOUNT)
            os.environ.pop("AWS_ENDPOINT_URL", None)
            if ready is not None:
                ready.set()
            print(serve_line(url), flush=True)
            (stop or threading.Event()).wait()
            return url
        finally:
            server.stop()
