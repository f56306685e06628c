#!/usr/bin/env bash
# Start-up and idle RSS of the app image, the figures docs/packaging.md reports:
#   start-up = launcher exec -> first 200 on GET /debug/vars, median of N runs
#   idle RSS = VmRSS of the JVM 2 s after that first 200, median of N runs
#
#   packaging/startup.sh [N] [APP_DIR]     (defaults: 10, target/eventsourced)
#
# Each run starts the server on a free port (server.address 127.0.0.1:0) with the broker at
# 127.0.0.1:5672 (reachable or not), polls /debug/vars every 5 ms, then stops it with SIGTERM.
set -euo pipefail

n=${1:-10}
app=${2:-target/eventsourced}
launcher=$app/bin/eventsourced
[ -x "$launcher" ] || { echo "startup.sh: no $launcher: run ./build.sh first" >&2; exit 1; }

tmp=$(mktemp -d)
pid=
cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
cat >"$tmp/config.yml" <<'EOF'
server:
  address: 127.0.0.1:0
broker:
  node:
    - amqp://guest:guest@127.0.0.1:5672
EOF

# Status code of GET /debug/vars, or 000 when nothing answers.
status() {
    local code=000 line
    if exec 3<>"/dev/tcp/127.0.0.1/$1"; then
        printf 'GET /debug/vars HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
        if IFS= read -r -t 5 line <&3; then code=$(echo "$line" | cut -d' ' -f2); fi
        exec 3<&-
    fi 2>/dev/null
    echo "$code"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

: >"$tmp/ms"
: >"$tmp/rss"
for i in $(seq "$n"); do
    : >"$tmp/stderr"
    t0=$(date +%s%N)
    "$launcher" -f "$tmp/config.yml" 2>"$tmp/stderr" >/dev/null &
    pid=$!
    port=
    deadline=$((SECONDS + 30))
    until [ -n "$port" ] && [ "$(status "$port")" = 200 ]; do
        kill -0 "$pid" 2>/dev/null || { cat "$tmp/stderr" >&2; echo "startup.sh: the server exited" >&2; exit 1; }
        [ "$SECONDS" -lt "$deadline" ] || { echo "startup.sh: no 200 on /debug/vars within 30 s" >&2; exit 1; }
        if [ -z "$port" ]; then
            port=$(grep -o 'listening on [^ ]*' "$tmp/stderr" | head -n 1 | sed 's/.*://' || true)
        fi
        sleep 0.005
    done
    t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000000)) >>"$tmp/ms"
    sleep 2
    awk '/^VmRSS/ { print $2 }' "/proc/$pid/status" >>"$tmp/rss"
    kill -TERM "$pid"
    wait "$pid" || true
    pid=
done

echo "start-up to first 200 on /debug/vars: median $(median <"$tmp/ms") ms of $n runs (all: $(sort -n "$tmp/ms" | tr '\n' ' '))"
echo "idle RSS 2 s after start: median $(($(median <"$tmp/rss") / 1024)) MiB"
echo "app image on disk: $(du -sh "$app" | cut -f1) ($app)"
