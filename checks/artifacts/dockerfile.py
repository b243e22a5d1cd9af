"""Dockerfiles: the image's runtime user."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cardaudit.engine.registry import check
from cardaudit.models.artifacts import DockerfileDoc, DockerStage
from cardaudit.models.base import Severity
from cardaudit.models.finding import Result

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
            ref = doc.file.ref(line=final.line)
            if _NONROOT_TAG.search(stage.base):
                yield Result.passed(ref, f"no USER, but base image {stage.base} runs as non-root by convention")
            else:
                yield Result.failed(ref, f"the final stage sets no USER: it runs as {stage.base}'s default user, "
                                         "root unless that image sets one", base_image=stage.base)
            continue
        ref = doc.file.ref(line=stage.user_line)
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
