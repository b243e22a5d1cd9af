"""When the distributions and language runtimes of common base images stop getting security fixes.

Data, with its sources, read by `dockerfile_base_image_supported`; the same shape as
`cardaudit.models.aws.lambda_runtimes` (release -> the date support ends), one table per image.
AWS Lambda base images (`public.ecr.aws/lambda/python:3.12`) are judged by that table itself.
The dates are those of the release's last security fix: for Debian the end of its LTS, for
Ubuntu the end of standard support (Expanded Security Maintenance is a paid subscription an
image pull does not get), for runtimes the upstream end of life. Canonical publishes months
only; the last day of the month is taken. Read from the pages below in November 2026; update
a row when its vendor moves a date. A release missing from a table is not judged (the check
says so) rather than taken as supported.
"""

from __future__ import annotations

import re
from datetime import date

from cardaudit.models.aws.lambda_runtimes import DEPRECATION as LAMBDA_DEPRECATION
from cardaudit.models.aws.lambda_runtimes import SOURCE as LAMBDA_SOURCE

# Image (official image name, without registry or `library/`) -> where its dates come from.
SOURCES: dict[str, str] = {
    "debian": "https://endoflife.date/debian",
    "ubuntu": "https://ubuntu.com/about/release-cycle",
    "alpine": "https://endoflife.date/alpine-linux",
    "amazonlinux": "https://endoflife.date/amazon-linux",
    "python": "https://devguide.python.org/versions/",
    "node": "https://endoflife.date/nodejs",
    "openjdk": "https://hub.docker.com/_/openjdk",
    # AWS Lambda base images (public.ecr.aws/lambda/python:3.12) follow their runtime's deprecation date.
    "lambda": LAMBDA_SOURCE,
}

# Image -> release (as it starts a tag: `3.8` for `python:3.8-slim`) -> the end of security fixes.
END_OF_SUPPORT: dict[str, dict[str, date]] = {
    "debian": {
        "8": date(2020, 6, 30), "9": date(2022, 6, 30), "10": date(2024, 6, 30), "11": date(2026, 8, 31),
        "12": date(2028, 6, 30), "13": date(2030, 6, 30),
    },
    "ubuntu": {
        "14.04": date(2019, 4, 30), "16.04": date(2021, 4, 30), "18.04": date(2023, 5, 31),
        "20.04": date(2025, 5, 31), "22.04": date(2027, 4, 30), "24.04": date(2029, 5, 31),
    },
    "alpine": {
        "3.14": date(2023, 5, 1), "3.15": date(2023, 11, 1), "3.16": date(2024, 5, 23),
        "3.17": date(2024, 11, 22), "3.18": date(2025, 5, 9), "3.19": date(2025, 11, 1),
        "3.20": date(2026, 4, 1), "3.21": date(2026, 11, 1), "3.22": date(2027, 5, 1), "3.23": date(2027, 11, 1),
    },
    "amazonlinux": {
        "1": date(2023, 12, 31), "2018.03": date(2023, 12, 31), "2": date(2026, 6, 30), "2023": date(2029, 6, 30),
    },
    "python": {
        "2.7": date(2020, 1, 1), "3.5": date(2020, 9, 30), "3.6": date(2021, 12, 23), "3.7": date(2023, 6, 27),
        "3.8": date(2024, 10, 7), "3.9": date(2025, 10, 31), "3.10": date(2026, 10, 31),
        "3.11": date(2027, 10, 31), "3.12": date(2028, 10, 31), "3.13": date(2029, 10, 31),
        "3.14": date(2030, 10, 31),
    },
    "node": {
        "10": date(2021, 4, 30), "12": date(2022, 4, 30), "14": date(2023, 4, 30), "16": date(2023, 9, 11),
        "17": date(2022, 6, 1), "18": date(2025, 4, 30), "19": date(2023, 6, 1), "20": date(2026, 4, 30),
        "21": date(2024, 6, 1), "22": date(2027, 4, 30), "23": date(2025, 6, 1), "24": date(2028, 4, 30),
    },
    # The official openjdk image is deprecated: no release build of it was published after July 2022.
    "openjdk": {
        "7": date(2022, 7, 31), "8": date(2022, 7, 31), "11": date(2022, 7, 31), "17": date(2022, 7, 31),
    },
}

# Distribution names a tag carries as a suffix (`python:3.12-slim-bookworm`, `node:20-buster`):
# codename -> (image of the table, release).
CODENAMES: dict[str, tuple[str, str]] = {
    "jessie": ("debian", "8"), "stretch": ("debian", "9"), "buster": ("debian", "10"),
    "bullseye": ("debian", "11"), "bookworm": ("debian", "12"), "trixie": ("debian", "13"),
    "trusty": ("ubuntu", "14.04"), "xenial": ("ubuntu", "16.04"), "bionic": ("ubuntu", "18.04"),
    "focal": ("ubuntu", "20.04"), "jammy": ("ubuntu", "22.04"), "noble": ("ubuntu", "24.04"),
}


# Reading an image reference -------------------------------------------------------------------


def _tag(name: str) -> str | None:
    last = name.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else None


_RELEASE_TOKEN = re.compile(r"^(alpine|debian)(\d+(?:\.\d+)?)$")


def _official_name(name: str) -> str | None:
    """`python` for `python`, `library/python`, `docker.io/library/python`, `public.ecr.aws/docker/library/python`
    or an ECR pull-through cache of it; None for an image of another publisher (`bitnami/python`)."""
    parts = name.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]
    if len(parts) == 1 or parts[-2] == "library" or parts[-2:] == ["amazonlinux", "amazonlinux"]:
        return parts[-1]
    return None


def _release(table: dict[str, date], tag: str) -> str | None:
    """The longest release of `table` the tag starts with, followed by nothing, `.` or `-` (3.1 is not 3.12)."""
    found = [r for r in table if tag == r or tag.startswith((r + ".", r + "-"))]
    return max(found, key=len) if found else None


_LAMBDA_IMAGE = re.compile(r"^(?:public\.ecr\.aws/lambda/|(?:docker\.io/)?amazon/aws-lambda-)([a-z]+)$")


def _lambda_releases(language: str) -> dict[str, str]:
    """Tag release -> Lambda runtime id for one language: `3.12` -> python3.12, `20` -> nodejs20.x,
    `8.al2` -> java8.al2, `al2023` -> provided.al2023 (the same table as the Lambda runtime checks)."""
    out: dict[str, str] = {}
    for runtime in LAMBDA_DEPRECATION:
        if not runtime.startswith(language):
            continue
        rest = runtime[len(language):].removeprefix(".").removesuffix(".x")
        if rest and (rest[0].isdigit() or language == "provided"):  # not dotnetcore3.1 for dotnet
            out[rest] = runtime
    return out


def _lambda_support(language: str, tag: str, image: str) -> tuple[list[tuple[str, date]], str | None]:
    releases = _lambda_releases(language)
    release = _release(dict.fromkeys(releases, date.min), tag)
    if release is None:
        return [], f"the tag of {image} names no Lambda {language} runtime in the deprecation table"
    runtime = releases[release]
    return [(f"Lambda runtime {runtime}", LAMBDA_DEPRECATION[runtime])], None


def support(image: str) -> tuple[list[tuple[str, date]], str | None]:
    """(release label, end of support) for what the image reference names; and why it cannot be judged, if so."""
    name = image.split("@", 1)[0]
    tag = _tag(name) or ""
    if ":" in name.rsplit("/", 1)[-1]:
        name = name.rsplit(":", 1)[0]
    if (lambda_image := _LAMBDA_IMAGE.match(name)) is not None:
        return _lambda_support(lambda_image[1], tag, image)
    official = _official_name(name)
    found: list[tuple[str, date]] = []
    unknown: str | None = None
    tag_tokens = re.split(r"[-_]", tag)
    tokens = [*re.split(r"[-_]", name.rsplit("/", 1)[-1]), *tag_tokens]
    if official in END_OF_SUPPORT:
        release = _release(END_OF_SUPPORT[official], tag)
        if release is not None:
            found.append((f"{official} {release}", END_OF_SUPPORT[official][release]))
        elif CODENAMES.get(tag_tokens[0], ("", ""))[0] != official:  # debian:bookworm is read below
            unknown = f"the tag of {image} names no {official} release with known end-of-support data"
    for token in tokens:
        if token in CODENAMES:
            distro, release = CODENAMES[token]
            found.append((f"{distro} {release} ({token})", END_OF_SUPPORT[distro][release]))
        elif (match := _RELEASE_TOKEN.match(token)) and match[2] in END_OF_SUPPORT[match[1]]:
            found.append((f"{match[1]} {match[2]}", END_OF_SUPPORT[match[1]][match[2]]))
    if not found and unknown is None:
        unknown = f"no end-of-support data for {name} (known: {', '.join(sorted(SOURCES))})"
    return list(dict.fromkeys(found)), unknown


def unjudged(image: str) -> str | None:
    """The image whose own releases have no dates here (`eclipse-temurin`), when only its distribution is judged."""
    name = image.split("@", 1)[0]
    if ":" in name.rsplit("/", 1)[-1]:
        name = name.rsplit(":", 1)[0]
    official = _official_name(name)
    return None if official in END_OF_SUPPORT or _LAMBDA_IMAGE.match(name) else name
