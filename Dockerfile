# cardaudit's own image: `cardaudit audit` as an ECS scheduled task, configured by CARDAUDIT_*
# variables (see cardaudit/container.py and docs/deploy.md).
#
# Base: the official python 3.11.7 slim image (Debian bookworm), pinned by the digest of its
# multi-platform index, so a rebuild gets exactly these bytes. To move to a newer patch release,
# take the new digest from `docker buildx imagetools inspect python:3.11-slim-bookworm` and change
# both FROM lines (and the Python of scripts/container-path.sh).

# -- build: the wheel, and a virtual environment with it and its dependencies
FROM python:3.11.7-slim-bookworm@sha256:d11b9bd5e49ea7401753d78f4d3b56f3aec952b85b49bcae88981f0452818e0b AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY cardaudit ./cardaudit
COPY checks ./checks
COPY controls ./controls
COPY reports ./reports
RUN python -m pip wheel --no-cache-dir --no-deps --wheel-dir /wheels . \
 && python -m venv /opt/cardaudit \
 && /opt/cardaudit/bin/pip install --no-cache-dir /wheels/*.whl \
 && /opt/cardaudit/bin/pip uninstall --yes pip setuptools

# -- final: the same base, the environment only; no compiler, no pip, no sources
FROM python:3.11.7-slim-bookworm@sha256:d11b9bd5e49ea7401753d78f4d3b56f3aec952b85b49bcae88981f0452818e0b
RUN python -m pip uninstall --yes pip setuptools wheel \
 && groupadd --gid 10001 cardaudit \
 && useradd --uid 10001 --gid 10001 --create-home --shell /usr/sbin/nologin cardaudit
COPY --from=build /opt/cardaudit /opt/cardaudit
ENV PATH=/opt/cardaudit/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    CARDAUDIT_LOG_FORMAT=json
WORKDIR /home/cardaudit
USER 10001:10001
# A run is one audit that exits; the probe only says the environment still imports (ECS uses the
# task definition's own healthCheck when one is set).
HEALTHCHECK --interval=60s --timeout=10s --retries=3 CMD ["python", "-c", "import cardaudit"]
ENTRYPOINT ["python", "-m", "cardaudit.container"]
