"""CodeBuild buildspecs: a container scan must be able to stop a vulnerable image from being pushed."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass

from cardaudit.engine.registry import check
from cardaudit.models.artifacts import BuildCommand, BuildPhase, BuildspecDoc
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result
from cardaudit.verdicts import REDACTED, plaintext_secrets, secrets_reason

_PUSH = re.compile(r"\b(docker|podman|buildah|finch|nerdctl)\s+(image\s+)?push\b|\bcrane\s+push\b|"
                   r"\baws\s+ecr\s+put-image\b|\bdocker\s+buildx\s+build\b[^\n]*--push\b")
_SCANNER = re.compile(r"\b(trivy|grype|snyk\s+container\s+test|docker\s+scout\s+cves|"
                      r"aws\s+inspector-scan\s+scan-sbom)\b")
_IGNORED_FAILURE = re.compile(r"\|\|\s*(true|:|exit\s+0)\b|;\s*(true|exit\s+0)\s*$")


@dataclass(frozen=True)
class _Step:
    phase: BuildPhase
    command: BuildCommand
    order: int


def _gates(text: str) -> bool:
    """Does this scanner invocation exit non-zero on findings, and is that exit honoured?"""
    if _IGNORED_FAILURE.search(text):
        return False
    try:
        words = shlex.split(text, comments=False, posix=True)
    except ValueError:
        words = text.split()
    joined = " ".join(words)
    if re.search(r"\btrivy\b", joined):
        match = re.search(r"--exit-code[ =](\S+)", joined)
        return match is not None and match.group(1).strip("'\"") not in ("0", "")
    if re.search(r"\bgrype\b", joined):
        return bool(re.search(r"(--fail-on|-f)[ =]\S+", joined))
    if re.search(r"\bdocker scout cves\b", joined):
        return "--exit-code" in joined
    # snyk container test and aws inspector-scan fail (or are read) by default; assume they gate.
    return True


@check(
    title="Buildspecs scan the container image and stop a failing image from being pushed",
    severity=Severity.HIGH, category="vulnerability-management", resource_type="Repo::buildspec",
    needs=("buildspecs",),
)
def buildspec_image_scan_gates_push(buildspecs: list[BuildspecDoc]) -> Iterator[Result]:
    """What it checks:
    A buildspec that pushes an image runs a vulnerability scanner (Trivy, Grype, Snyk, Docker
    Scout, Inspector) that exits non-zero on findings, before the push, in a way CodeBuild
    honours: the failure is not swallowed (`|| true`), and when the scan runs in `build` while
    the push runs in `post_build`, the build phase has `on-failure: ABORT`, because CodeBuild
    otherwise runs post_build even after build failed.

    Why it matters:
    A scan that cannot fail the build only writes a report: images with known critical
    vulnerabilities still reach ECR and the cardholder data environment.

    How to fix:
    Run the scanner with its gate (`trivy image --exit-code 1 --severity CRITICAL`, `grype
    --fail-on critical`) before the push, and set `on-failure: ABORT` on the phase that scans.
    """
    for doc in buildspecs:
        steps = [_Step(p, c, i) for i, (p, c) in enumerate((p, c) for p in doc.phases for c in p.commands)]
        pushes = [s for s in steps if _PUSH.search(s.command.text)]
        if not pushes:
            yield Result.not_assessed(doc.file.ref(), "pushes no image: there is nothing for a scan to gate")
            continue
        first_push = pushes[0]
        push_ref = doc.file.ref(line=first_push.command.line,
                                field=doc.at(f".phases.{first_push.phase.name}.commands[{first_push.command.index}]"))
        scans = [s for s in steps if _SCANNER.search(s.command.text)]
        gates = [s for s in scans if _gates(s.command.text) and s.order < first_push.order]
        if not scans:
            yield Result.failed(push_ref, "the image is pushed without any vulnerability scan in the buildspec")
        elif not gates:
            yield Result.failed(push_ref, "a scanner runs, but nothing before the push can fail the build "
                                          "(no --exit-code/--fail-on, failure ignored, or scan after the push)")
        elif all(g.phase.name != first_push.phase.name and (g.phase.on_failure or "").upper() != "ABORT"
                 for g in gates):
            gate = gates[-1]
            yield Result.failed(push_ref, f"the scan gate runs in {gate.phase.name} and the push in "
                                          f"{first_push.phase.name}, without on-failure: ABORT on {gate.phase.name}: "
                                          "CodeBuild still pushes after the scan fails")
        else:
            gate = gates[-1]
            # Commands are stored redacted, so the evidence quotes no secret from the buildspec.
            yield Result.passed(push_ref, f"scan gate at line {gate.command.line} ({gate.phase.name}) runs before "
                                          f"the push", scanner=gate.command.text[:120])


@check(
    title="Buildspecs keep credentials out of env.variables (secrets come from a secret store)",
    severity=Severity.CRITICAL, category="secrets", resource_type="Repo::buildspec", needs=("buildspecs",),
)
def buildspec_no_plaintext_credentials(buildspecs: list[BuildspecDoc]) -> Iterator[Result]:
    """What it checks:
    No variable under `env.variables` holds a secret-looking literal (credential-like names with
    literal values, or values shaped like keys, JWTs or URLs with passwords). Secrets belong under
    `env.parameter-store` or `env.secrets-manager`, which CodeBuild resolves at build time; the
    PASS reason counts those references. Values are never shown.

    Why it matters:
    `env.variables` are plaintext in the repository, in the CodeBuild project and in build logs:
    everyone who can read any of them has the credential.

    How to fix:
    Move the value to Secrets Manager or Parameter Store and reference it under
    `env.secrets-manager` / `env.parameter-store`; rotate the exposed credential.
    """
    for doc in buildspecs:
        exposed = plaintext_secrets(doc.variables)
        if exposed:
            first = min(exposed, key=lambda n: doc.variable_lines.get(n, 0))
            ref = doc.file.ref(line=doc.variable_lines.get(first, doc.line), field=doc.at(f".env.variables.{first}"))
            yield Result.failed(ref, secrets_reason("env.variables", exposed), variables=exposed, values=REDACTED)
        else:
            yield Result.passed(doc.file.ref(line=doc.line, field=doc.at(".env")),
                                f"{len(doc.variables)} plaintext variable(s) without credentials, "
                                f"{len(doc.store_references)} read from Parameter Store or Secrets Manager")


_DOCKER_BUILD = re.compile(r"\bdocker\s+(image\s+)?build\b|\bdocker\s+buildx\s+build\b|"
                           r"\bdocker(-|\s+)compose\b.*\bbuild\b")
_ECR = re.compile(r"\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com|\$\{?[A-Z_]*(REPOSITORY|REPO|ECR|IMAGE)[A-Z_]*\}?",
                  re.IGNORECASE)


@check(
    title="Buildspecs that push to ECR do not need a privileged Docker daemon",
    severity=Severity.MEDIUM, category="hardening", resource_type="Repo::buildspec", needs=("buildspecs",),
)
def buildspec_privileged_build_pushes_to_ecr(buildspecs: list[BuildspecDoc]) -> Iterator[Result]:
    """What it checks:
    A buildspec that builds with the Docker daemon (`docker build`, `docker buildx build`,
    `docker compose build`, which need the CodeBuild project's privileged mode) and pushes the
    image to an ECR registry. Every ECR push is treated as a push to a card-data registry: the
    buildspec does not say which registry is in scope, so none is presumed out of it (an
    exception is recorded with `cardaudit attest` when a registry is not). A buildspec that
    pushes nothing is NOT_ASSESSED.

    Why it matters:
    Privileged mode gives the build container root on the build host; a compromised dependency
    or build step can then tamper with the image that goes into the cardholder data environment.

    How to fix:
    Build without a daemon (kaniko, `buildah --isolation chroot`, BuildKit rootless), or build
    in a dedicated project outside the card-data pipeline and promote the image by digest.
    """
    for doc in buildspecs:
        commands = [(p, c) for p in doc.phases for c in p.commands]
        pushes = [(p, c) for p, c in commands if _PUSH.search(c.text) and _ECR.search(c.text)]
        if not pushes:
            yield Result.not_assessed(doc.file.ref(line=doc.line, field=doc.at(".phases")), "pushes no image to ECR")
            continue
        builds = [(p, c) for p, c in commands if _DOCKER_BUILD.search(c.text)]
        if builds:
            phase, command = builds[0]
            yield Result.failed(doc.file.ref(line=command.line, field=doc.at(f".phases.{phase.name}.commands"
                                                                            f"[{command.index}]")),
                                f"builds with the Docker daemon (privileged mode) at line {command.line} and pushes "
                                f"to ECR at line {pushes[0][1].line}")
        else:
            phase, command = pushes[0]
            yield Result.passed(doc.file.ref(line=command.line, field=doc.at(f".phases.{phase.name}.commands"
                                                                            f"[{command.index}]")),
                                "pushes to ECR without a Docker daemon build")
