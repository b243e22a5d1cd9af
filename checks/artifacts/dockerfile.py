"""Dockerfiles: the image's runtime user."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from cardaudit.engine.registry import check
from cardaudit.models.artifacts import DockerfileDoc, DockerStage
from cardaudit.models.base import Severity
from cardaudit.models.base_images import support, unjudged
from cardaudit.models.finding import Result
from cardaudit.verdicts import REDACTED, plaintext_secrets

_ROOT = re.compile(r"^(root|0)(:.*)?$")
_VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")
# Images whose tag promises a non-root default user (distroless, Chainguard, Bitnami conventions).
_NONROOT_TAG = re.compile(r":(nonroot|.*-nonroot)$|^cgr\.dev/|^bitnami/")


def _effective_user(doc: DockerfileDoc, stage: DockerStage) -> tuple[str | None, DockerStage]:
    """The last USER along the chain of stages the final stage builds on (FROM <stage name>)."""
    by_name = {s.name: s for s in doc.stages if s.name}
    seen: set[int] = set()
    current = stage
    while current.user is None and current.base in by_name and current.index not in seen:
        seen.add(current.index)
        current = by_name[current.base]
    return current.user, current


def _substitute(text: str, args: dict[str, str]) -> str:
    return _VARIABLE.sub(lambda m: args.get(m.group(1), m.group(0)), text)


@check(
    title="Dockerfiles set a non-root user for the final image",
    severity=Severity.HIGH, category="hardening", resource_type="Repo::dockerfile", needs=("dockerfiles",),
)
def dockerfile_user_not_root(dockerfiles: list[DockerfileDoc]) -> Iterator[Result]:
    """What it checks:
    The final stage of each Dockerfile (following `FROM <earlier stage>`) ends with a `USER`
    that is not root or UID 0. Without one, the container runs as the base image's user,
    which is root unless the image says otherwise.

    Why it matters:
    A process running as root inside the container turns any code-execution bug into root on
    the task, with write access to the whole filesystem and an easier path out of the
    container.

    How to fix:
    Create an unprivileged user and end the final stage with `USER <name or uid>`; or build on
    a base image whose default user is non-root and say so with an explicit `USER`.
    """
    for doc in dockerfiles:
        final = doc.stages[-1]
        user, stage = _effective_user(doc, final)
        if user is None:
            ref = doc.file.ref(line=final.line, field="USER")
            if _NONROOT_TAG.search(stage.base):
                yield Result.passed(ref, f"no USER, but base image {stage.base} runs as non-root by convention")
            else:
                yield Result.failed(ref, f"the final stage sets no USER: it runs as {stage.base}'s default user, "
                                         "root unless that image sets one", base_image=stage.base)
            continue
        ref = doc.file.ref(line=stage.user_line, field="USER")
        withheld = {v.name for v in doc.withheld_args}
        resolved = _substitute(user, doc.args)
        if any(m.group(1) in withheld for m in _VARIABLE.finditer(user)):
            # The default was secret-looking and is not kept: nothing to compare with root.
            yield Result.not_assessed(ref, f"USER {user} takes a build argument whose default is withheld "
                                           "as secret-looking")
        elif "$" in resolved:
            yield Result.not_assessed(ref, f"USER {user} depends on a build argument without a default")
        elif _ROOT.match(resolved):
            yield Result.failed(ref, f"the final stage runs as root (USER {user})", user=user)
        else:
            yield Result.passed(ref, f"runs as {resolved}", user=resolved)


_DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")


def _external_bases(doc: DockerfileDoc) -> list[tuple[DockerStage, str]]:
    """(stage, image) for every stage built on an image pulled from a registry (not scratch, not a stage)."""
    names = {s.name for s in doc.stages if s.name}
    out = []
    for stage in doc.stages:
        image = _substitute(stage.base, doc.global_args)
        if image in names or image.lower() == "scratch":
            continue
        out.append((stage, image))
    return out


def _tag(image: str) -> str | None:
    """The tag of `registry:5000/name:tag@digest` (None when there is none)."""
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else None


@check(
    title="Dockerfiles build on a pinned base image (a version tag, not latest or no tag)",
    severity=Severity.MEDIUM, category="vulnerability-management", resource_type="Repo::dockerfile",
    needs=("dockerfiles",),
)
def dockerfile_base_image_pinned(dockerfiles: list[DockerfileDoc]) -> Iterator[Result]:
    """What it checks:
    Every `FROM` that pulls an image (not `scratch`, not an earlier stage) names a tag other than
    `latest`, or a digest. `FROM ${BASE}` is read through the `ARG` defaults declared before the
    first `FROM`; without a default it is NOT_ASSESSED.

    Why it matters:
    An unpinned base changes under the build without a change in the repository: the image that
    was scanned and approved is not the one built next, and a vulnerable base can come back.

    How to fix:
    Pin each base to a version tag (`python:3.12.7-slim`), better to a digest
    (`python:3.12.7-slim@sha256:...`), and update it deliberately (Dependabot, Renovate).
    """
    for doc in dockerfiles:
        bases = _external_bases(doc)
        unknown = [(s, i) for s, i in bases if "$" in i]
        loose = [(s, i) for s, i in bases if "$" not in i and not _DIGEST.search(i) and _tag(i) in (None, "latest")]
        if loose:
            stage, image = loose[0]
            yield Result.failed(doc.file.ref(line=stage.line, field="FROM"),
                                f"FROM {image} at line {stage.line} is not pinned "
                                f"({'latest' if _tag(image) == 'latest' else 'no tag'})",
                                images=[i for _, i in loose])
        elif unknown:
            stage, image = unknown[0]
            yield Result.not_assessed(doc.file.ref(line=stage.line, field="FROM"),
                                      f"FROM {image} takes a build argument without a default")
        else:
            yield Result.passed(doc.file.ref(line=doc.stages[0].line, field="FROM"),
                                f"{len(bases)} base image(s), each with a version tag or a digest")


@check(
    title="Dockerfiles pin their base images by digest",
    severity=Severity.LOW, category="vulnerability-management", resource_type="Repo::dockerfile",
    needs=("dockerfiles",),
)
def dockerfile_base_image_digest(dockerfiles: list[DockerfileDoc]) -> Iterator[Result]:
    """What it checks:
    Every base image pulled from a registry is named by digest (`@sha256:...`). A version tag is
    better than none (the pinned check accepts it) but a tag can be moved; a digest cannot.

    Why it matters:
    Only a digest makes the build reproducible: the base that was scanned is byte for byte the
    one built on.

    How to fix:
    Append the digest to each `FROM` (`docker buildx imagetools inspect <image>` prints it) and
    let a bot keep it current.
    """
    for doc in dockerfiles:
        bases = _external_bases(doc)
        loose = [(s, i) for s, i in bases if not _DIGEST.search(i)]
        if any("$" in i for _, i in loose):
            stage, image = next((s, i) for s, i in loose if "$" in i)
            yield Result.not_assessed(doc.file.ref(line=stage.line, field="FROM"),
                                      f"FROM {image} takes a build argument")
        elif loose:
            stage, image = loose[0]
            yield Result.failed(doc.file.ref(line=stage.line, field="FROM"),
                                f"FROM {image} at line {stage.line} has no digest",
                                images=[i for _, i in loose])
        else:
            yield Result.passed(doc.file.ref(line=doc.stages[0].line, field="FROM"),
                                f"{len(bases)} base image(s), each pinned by digest")


@check(
    title="Dockerfiles keep credentials out of ENV and ARG values",
    severity=Severity.CRITICAL, category="secrets", resource_type="Repo::dockerfile", needs=("dockerfiles",),
)
def dockerfile_no_secret_env_or_arg(dockerfiles: list[DockerfileDoc]) -> Iterator[Result]:
    """What it checks:
    No `ENV` value and no `ARG` default is secret-looking (credential-like names with literal
    values, or values shaped like keys, JWTs or URLs with passwords). Values are never shown.

    Why it matters:
    ENV values are baked into every layer built after them and shown by `docker inspect`; ARG
    defaults are in the image history. Anyone who can pull the image has the credential.

    How to fix:
    Pass secrets at build time with `RUN --mount=type=secret`, and at run time through the task
    definition's `secrets`; rotate the exposed credential.
    """
    for doc in dockerfiles:
        found: list[tuple[int, str]] = []
        for stage in doc.stages:
            for name in plaintext_secrets(stage.env):
                found.append((stage.env_lines.get(name, stage.line), f"ENV {name}"))
        for name in plaintext_secrets(doc.withheld_args):
            found.append((doc.arg_lines.get(name, 1), f"ARG {name}"))
        if found:
            line, what = min(found)
            yield Result.failed(doc.file.ref(line=line, field=what.split()[0]), "secret-looking value(s) in "
                                + ", ".join(w for _, w in sorted(found)), values=REDACTED)
        else:
            yield Result.passed(doc.file.ref(line=doc.stages[0].line, field="ENV"),
                                "no secret-looking ENV or ARG value")


@check(
    title="Dockerfiles do not ADD files from a URL",
    severity=Severity.MEDIUM, category="hardening", resource_type="Repo::dockerfile", needs=("dockerfiles",),
)
def dockerfile_no_add_from_url(dockerfiles: list[DockerfileDoc]) -> Iterator[Result]:
    """What it checks:
    No `ADD` instruction takes a URL as its source.

    Why it matters:
    `ADD <url>` downloads whatever the server returns at build time, unverified: the image can
    change, or be tampered with, without a change in the repository.

    How to fix:
    Download in a `RUN` step that verifies a checksum (`curl -fsSLo f <url> && echo "<sha256>  f"
    | sha256sum -c`), or use `ADD --checksum=sha256:...`.
    """
    for doc in dockerfiles:
        lines = sorted(line for stage in doc.stages for line in stage.add_urls)
        if lines:
            yield Result.failed(doc.file.ref(line=lines[0], field="ADD"),
                                f"ADD from a URL at line(s) {', '.join(map(str, lines))}")
        else:
            yield Result.passed(doc.file.ref(line=doc.stages[0].line, field="ADD"), "no ADD from a URL")


@check(
    title="Dockerfiles declare a HEALTHCHECK for the final image",
    severity=Severity.INFO, category="hardening", resource_type="Repo::dockerfile", needs=("dockerfiles",),
)
def dockerfile_healthcheck_declared(dockerfiles: list[DockerfileDoc]) -> Iterator[Result]:
    """What it checks:
    The final stage has a `HEALTHCHECK` that is not `HEALTHCHECK NONE`. Informational: ECS uses
    the task definition's `healthCheck`, not the image's, so the image's check is a default only.

    Why it matters:
    A container that hangs without exiting keeps serving errors until something notices; a
    health check lets the orchestrator replace it.

    How to fix:
    Add `HEALTHCHECK CMD <probe>` to the final stage, or define `healthCheck` in the task
    definition.
    """
    for doc in dockerfiles:
        final = doc.stages[-1]
        if final.healthcheck_line is not None and not final.healthcheck_none:
            yield Result.passed(doc.file.ref(line=final.healthcheck_line, field="HEALTHCHECK"),
                                "the final stage declares a HEALTHCHECK")
        else:
            yield Result.failed(doc.file.ref(line=final.healthcheck_line or final.line, field="HEALTHCHECK"),
                                "HEALTHCHECK NONE" if final.healthcheck_none else "the final stage has no HEALTHCHECK")


def _final_base(doc: DockerfileDoc) -> tuple[DockerStage, str]:
    """The stage that pulls the image the final stage builds on (following FROM <stage>), and that image."""
    by_name = {s.name: s for s in doc.stages if s.name}
    stage = doc.stages[-1]
    seen: set[int] = set()
    while (image := _substitute(stage.base, doc.global_args)) in by_name and stage.index not in seen:
        seen.add(stage.index)
        stage = by_name[image]
    return stage, image


@check(
    title="Dockerfiles build the final image on a distribution and runtime release still getting security fixes",
    severity=Severity.HIGH, category="vulnerability-management", resource_type="Repo::dockerfile",
    needs=("clock", "dockerfiles"),
)
def dockerfile_base_image_supported(now: datetime, dockerfiles: list[DockerfileDoc]) -> Iterator[Result]:
    """What it checks:
    The base image of the final stage (following `FROM <earlier stage>`) against the end-of-support
    dates in `cardaudit.models.base_images` (Debian, Ubuntu, Alpine, Amazon Linux, Python, Node.js,
    the deprecated openjdk image; each table with its source; AWS Lambda base images by the
    Lambda runtime deprecation table): a release, or a distribution named
    in the tag (`-buster`, `-alpine3.18`, `-debian12`), whose support ended on or before the
    audit's date FAILs. An image with no table of its own (`eclipse-temurin:21-jre-jammy`) is
    judged by the distribution its tag names, and the PASS says so. A tag naming no known release
    (`python:3`, `node:lts`, no tag), an image not in the tables, or a build argument without a
    default is NOT_ASSESSED; `FROM scratch` passes.
    Whether `apt-get upgrade` runs is not judged: it cannot bring back fixes a release no longer gets.

    Why it matters:
    A release past its end of support gets no more security fixes: every vulnerability found in it
    from then on stays in the image however often it is rebuilt or scanned.

    How to fix:
    Move the final stage to a supported release (`python:3.12-slim-bookworm`, `node:22-alpine3.22`,
    `eclipse-temurin:21-jre`), rebuild and test; pin it by digest and let a bot keep it current.
    """
    today = now.date()
    for doc in dockerfiles:
        stage, image = _final_base(doc)
        ref = doc.file.ref(line=stage.line, field="FROM")
        if image.lower() == "scratch":
            yield Result.passed(ref, "the final stage is FROM scratch: no distribution or runtime to go out of support")
            continue
        if "$" in image:
            yield Result.not_assessed(ref, f"FROM {image} takes a build argument without a default")
            continue
        found, unknown = support(image)
        ended = [(label, ends) for label, ends in found if ends <= today]
        if ended:
            yield Result.failed(ref, f"FROM {image}: " + ", ".join(
                f"{label} out of support since {ends.isoformat()}" for label, ends in ended),
                image=image, releases=[label for label, _ in ended])
        elif unknown is not None:
            yield Result.not_assessed(ref, f"FROM {image}: {unknown}")
        else:
            other = unjudged(image)
            yield Result.passed(ref, f"FROM {image}: " + ", ".join(
                f"{label} supported until {ends.isoformat()}" for label, ends in found)
                + (f" ({other}'s own releases have no dates in the table)" if other else ""))
