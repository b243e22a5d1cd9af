#!/usr/bin/env bash
# The container's path without a registry: build the environment the Dockerfile builds (same
# Python, same commands: a wheel, a virtual environment, `pip install` of the wheel, pip removed),
# then run the image's entrypoint (`python -m cardaudit.container`) configured only by CARDAUDIT_*
# variables against the demo estate, served by `cardaudit demo --serve` as a stand-in for AWS, with
# the reports delivered to an S3 prefix there. Where a container engine and the base image are
# available, it also builds the image and prints its size.
#
#   scripts/container-path.sh            PYTHON=python3.11 (the base image's version, checked)
#   DEMO_CARDAUDIT=.venv/bin/cardaudit   the cardaudit with the [demo] extra that serves the estate
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-python3.11}
DEMO_CARDAUDIT=${DEMO_CARDAUDIT:-$ROOT/.venv/bin/cardaudit}
BASE=$(sed -n 's/^FROM \(python:[^ ]*\) AS build$/\1/p' "$ROOT/Dockerfile")
WANT=$(echo "$BASE" | sed -n 's/^python:\([0-9.]*\)-.*/\1/p')
HAVE=$("$PYTHON" -c 'import platform; print(platform.python_version())')
echo "base image:     $BASE"
echo "local python:   $PYTHON $HAVE (the image has $WANT)"
if [ "${HAVE%.*}" != "${WANT%.*}" ]; then echo "error: need Python ${WANT%.*}" >&2; exit 2; fi
[ "$HAVE" = "$WANT" ] || echo "note: patch release differs from the image's ($HAVE vs $WANT)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cardaudit-container.XXXXXX")
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

echo "== build stage (as in the Dockerfile) in $WORK"
mkdir -p "$WORK/src"
cp -r "$ROOT/pyproject.toml" "$ROOT/README.md" "$ROOT/cardaudit" "$ROOT/checks" "$ROOT/controls" "$ROOT/reports" \
  "$WORK/src/"
find "$WORK/src" -name __pycache__ -prune -exec rm -rf {} +
start=$(date +%s)
(cd "$WORK/src" && "$PYTHON" -m pip wheel --quiet --no-cache-dir --no-deps --wheel-dir "$WORK/wheels" .)
"$PYTHON" -m venv "$WORK/opt/cardaudit"
"$WORK/opt/cardaudit/bin/pip" install --quiet --no-cache-dir "$WORK"/wheels/*.whl
"$WORK/opt/cardaudit/bin/pip" uninstall --quiet --yes pip setuptools
echo "built in $(( $(date +%s) - start )) s; wheel: $(basename "$WORK"/wheels/*.whl)"
echo "environment:    $(du -sh "$WORK/opt/cardaudit" | cut -f1) in /opt/cardaudit ($(ls "$WORK/opt/cardaudit/lib/python${WANT%.*}/site-packages" | grep -c dist-info) distributions)"
if "$WORK/opt/cardaudit/bin/python" -c 'import moto' 2>/dev/null; then echo "error: moto in the image" >&2; exit 1; fi

echo "== the demo estate, served as a stand-in for AWS"
"$DEMO_CARDAUDIT" demo --serve 0 > "$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 120); do grep -q "serving on" "$WORK/serve.log" 2>/dev/null && break; sleep 1; done
URL=$(sed -n 's/.*serving on \(http[^ ]*\).*/\1/p' "$WORK/serve.log" | head -1)
[ -n "$URL" ] || { cat "$WORK/serve.log" >&2; exit 1; }
echo "endpoint:       $URL"
FAKE=(AWS_ENDPOINT_URL="$URL" AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=demo-secret-not-real
      AWS_DEFAULT_REGION=eu-west-1)
# The report bucket, created in the stand-in with the demo's own tools (cardaudit never creates it).
env "${FAKE[@]}" "$(dirname "$DEMO_CARDAUDIT")/python" -c \
  'import boto3; boto3.client("s3").create_bucket(Bucket="acme-cardaudit-reports", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})'

DEMO=$ROOT/cardaudit/demo
echo "== entrypoint: python -m cardaudit.container, as USER 10001 would run it (clean environment)"
mkdir -p "$WORK/home"
set +e
(cd "$WORK/home" && env -i PATH="$WORK/opt/cardaudit/bin:/usr/bin:/bin" HOME="$WORK/home" "${FAKE[@]}" \
  PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
  CARDAUDIT_REGIONS=eu-west-1,us-east-1 \
  CARDAUDIT_OWNERSHIP="$DEMO/ownership.yaml" CARDAUDIT_ATTESTATIONS="$DEMO/attestations.yaml" \
  CARDAUDIT_REPOS="acme/card-api=$DEMO/repos/acme/card-api,acme/platform=$DEMO/repos/acme/platform" \
  CARDAUDIT_OUTPUT_DIR=s3://acme-cardaudit-reports/nightly/demo/ CARDAUDIT_FORMAT=json,html,sarif \
  CARDAUDIT_LOG_FORMAT=json CARDAUDIT_RUN_ID=container-path CARDAUDIT_SOFT_FAIL=true \
  python -m cardaudit.container > "$WORK/stdout.txt" 2> "$WORK/stderr.txt")
code=$?
set -e
echo "exit code:      $code"
echo "stdout:         $(wc -l < "$WORK/stdout.txt") lines (console summary); first lines:"
head -5 "$WORK/stdout.txt" | sed 's/^/  | /'
echo "stderr:         $(grep -c '^{' "$WORK/stderr.txt" || true) JSON log lines; the run's last one, and the others:"
{ grep '^{' "$WORK/stderr.txt" || true; } | tail -1 | sed 's/^/  | /'
{ grep -v '^{' "$WORK/stderr.txt" || true; } | sed 's/^/  | /'
echo "== reports in the bucket"
env "${FAKE[@]}" "$(dirname "$DEMO_CARDAUDIT")/python" -c '
import boto3
for o in boto3.client("s3").list_objects_v2(Bucket="acme-cardaudit-reports")["Contents"]:
    print("  s3://acme-cardaudit-reports/%s  %d bytes" % (o["Key"], o["Size"]))'
[ "$code" = 0 ] || exit "$code"

echo "== container engine"
if docker info >/dev/null 2>&1; then
  if docker image inspect "$BASE" >/dev/null 2>&1 || docker pull "$BASE" >/dev/null 2>&1; then
    docker build --quiet --tag cardaudit:local "$ROOT" >/dev/null
    echo "image cardaudit:local: $(docker image inspect cardaudit:local --format '{{.Size}}') bytes"
  else
    echo "the base image $BASE is not available (no registry reachable): image not built"
  fi
else
  echo "no container engine running here: image not built (the environment above is what it holds)"
fi
