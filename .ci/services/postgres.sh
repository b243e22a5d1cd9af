#!/usr/bin/env bash
# A throw-away PostgreSQL server for the history tests: Debian's package, a cluster in a temp dir,
# listening on 127.0.0.1 only, owned by a non-root user (the server refuses to run as root).
#
#   eval "$(.ci/services/postgres.sh start)"   # exports CARDAUDIT_TEST_POSTGRES (DSN) and CARDAUDIT_TEST_POSTGRES_DIR
#   .ci/services/postgres.sh stop "$CARDAUDIT_TEST_POSTGRES_DIR"
set -euo pipefail

pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [[ -z "$dir" ]] && command -v initdb >/dev/null; then dir=$(dirname "$(readlink -f "$(command -v initdb)")"); fi
    echo "$dir"
}

as_owner() {  # run a server tool as the cluster's owner: root cannot own a cluster
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
    local bin
    bin=$(pg_bin)
    if [[ -z "$bin" || ! -x "$bin/initdb" ]]; then
        echo "postgres.sh: installing Debian's postgresql" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2 \
            || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2; }
        bin=$(pg_bin)
    fi
    local dir port
    dir=$(mktemp -d "${TMPDIR:-/tmp}/cardaudit-pg.XXXXXX")
    chmod 755 "$dir"
    if [[ $(id -u) -eq 0 ]]; then chown postgres: "$dir"; fi
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$bin/initdb" -D "$dir/data" -U cardaudit --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >&2 \
        || { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U cardaudit cardaudit_test >&2
    echo "export CARDAUDIT_TEST_POSTGRES=postgresql://cardaudit@127.0.0.1:$port/cardaudit_test"
    echo "export CARDAUDIT_TEST_POSTGRES_DIR=$dir"
}

stop() {
    local dir=${1:?usage: postgres.sh stop DIR}
    as_owner "$(pg_bin)/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    rm -rf "$dir"
}

case "${1:-start}" in
    start) start ;;
    stop) stop "${2:-}" ;;
    *) echo "usage: postgres.sh start|stop DIR" >&2; exit 2 ;;
esac
