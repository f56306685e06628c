#!/usr/bin/env bash
# Makes the app's class archive from one training start of the app image: start the launcher with
# a throwaway config, wait for "listening on HOST:PORT" on stderr, GET /debug/vars, SIGTERM, and let
# the JVM write every class it loaded to the archive at exit:
#   JDK 25+   APP_DIR/lib/app.aot, an AOT cache (JEP 483, 514: -XX:AOTCacheOutput): the JDK's and
#             the app's classes loaded and linked; one file, no default archive under it. Start-up to
#             the first 200 on /debug/vars: about 0.7 x that of app.jsa.
#   JDK 21-24 APP_DIR/lib/app.jsa, a dynamic CDS archive (-XX:ArchiveClassesAtExit) on top of the
#             runtime's default archive.
#
#   jlink/train-cds.sh APP_DIR
#
# Exits 1, leaving no archive, if the training start fails; build.sh goes on without one then.
# The broker need not answer: the server starts without it. If one does on 127.0.0.1:5672,
# the connection classes are archived too.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 APP_DIR" >&2; exit 2; }
app=$1
tmp=$(mktemp -d)
major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$app/runtime/release")
if [ "${major:-0}" -ge 25 ]; then
    archive=$app/lib/app.aot
    # Classes only, no method profiles (JEP 515): replaying those makes the JIT compile during start-up,
    # which on two cores delays the first answer by ~30 ms; a long-running server warms up by itself.
    record_opt="-XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining -XX:AOTCacheOutput=$tmp/archive"
    require_opt=-XX:AOTMode=on
else
    archive=$app/lib/app.jsa
    record_opt=-XX:ArchiveClassesAtExit=$tmp/archive
    require_opt=-Xshare:on
fi
pid=
cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
    echo "train-cds.sh: $*" >&2
    if [ -s "$tmp/stderr" ]; then
        echo "train-cds.sh: the server's stderr (last 20 lines):" >&2
        tail -n 20 "$tmp/stderr" | sed 's/^/  | /' >&2
    fi
    exit 1
}

# GET PATH from 127.0.0.1:PORT with bash's /dev/tcp (no curl or wget needed); prints the status line.
http_get() {
    local port=$1 path=$2 status line
    exec 3<>"/dev/tcp/127.0.0.1/$port"
    printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$path" >&3
    IFS= read -r -t 10 status <&3 || status="(no answer)"
    while IFS= read -r -t 10 line <&3; do :; done
    exec 3<&-
    echo "${status%$'\r'}"
}

cat >"$tmp/config.yml" <<'EOF'
server:
  address: 127.0.0.1:0
broker:
  node:
    - amqp://guest:guest@127.0.0.1:5672
EOF

rm -f "$app/lib/app.aot" "$app/lib/app.jsa"
EVENTSOURCED_CDS_DIR='' JAVA_OPTS='' EVENTSOURCED_OPTS="$record_opt" \
    "$app/bin/eventsourced" -f "$tmp/config.yml" >"$tmp/stdout" 2>"$tmp/stderr" </dev/null &
pid=$!

deadline=$((SECONDS + 60))
until grep -q 'listening on' "$tmp/stderr"; do
    kill -0 "$pid" 2>/dev/null || fail "the server exited before it logged 'listening on'"
    [ "$SECONDS" -lt "$deadline" ] || fail "no 'listening on' on stderr within 60 s"
    sleep 0.1
done
address=$(grep -o 'listening on [^ ]*' "$tmp/stderr" | head -n 1)
port=${address##*:}
[[ $port =~ ^[0-9]+$ ]] || fail "cannot read a port from '$address'"

echo "train-cds.sh: GET /debug/vars -> $(http_get "$port" /debug/vars)"

kill -TERM "$pid"
deadline=$((SECONDS + 60))
while kill -0 "$pid" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || fail "the server did not exit within 60 s of SIGTERM"
    sleep 0.1
done
rc=0
wait "$pid" || rc=$?
pid=
[ -s "$tmp/archive" ] || fail "the JVM wrote no archive at exit (exit status $rc)"
mv "$tmp/archive" "$archive"

# The archive must map: -Xshare:on (-XX:AOTMode=on) makes the JVM refuse to start otherwise.
if ! EVENTSOURCED_CDS_DIR='' JAVA_OPTS='' EVENTSOURCED_OPTS=$require_opt "$app/bin/eventsourced" -v >"$tmp/check" 2>&1; then
    rm -f "$archive"
    echo "train-cds.sh: the new archive does not map:" >&2
    sed 's/^/  | /' "$tmp/check" >&2
    exit 1
fi
echo "train-cds.sh: wrote $archive ($(du -h "$archive" | cut -f1), server exit status $rc)"
