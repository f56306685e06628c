#!/usr/bin/env bash
# Benchmarks the built app image against the broker it talks to, side by side with plain AMQP consumers.
#
#   bench/run.sh [--quick] [--scenarios throughput,latency,scale] [--streams N] [--set SECTION.KEY=VALUE]...
#                [other bench options]
#
# Assumes ./build.sh has left target/eventsourced/ (EVENTSOURCED_BIN overrides the launcher) and a RabbitMQ
# on 127.0.0.1:5672 (EVENTSOURCED_BENCH_AMQP overrides it; broker memory figures need a local rabbitmqctl).
# Builds bench/ with Maven, starts the server on a free loopback port with a generated config, runs the
# scenarios, prints the table and keeps the raw output in bench/results/<date>-<host>.txt.
# Exit status: 0 all verified, 3 the bench saw lost/duplicated/mangled messages or misbehaving streams,
# anything else: the run itself failed.
set -euo pipefail

bench_dir=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$bench_dir")
launcher=${EVENTSOURCED_BIN:-$repo/target/eventsourced/bin/eventsourced}
amqp_url=${EVENTSOURCED_BENCH_AMQP:-amqp://guest:guest@127.0.0.1:5672/}

usage() {
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  echo
  echo "bench options:"
  "$java" -cp "$classpath" org.eventsourced.bench.Bench --help 2>&1 | sed 1d || true
}

jdk_major() { "$1/bin/java" -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -1; }
find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(jdk_major "$JAVA_HOME")" -ge 21 ]; then
    echo "$JAVA_HOME"; return
  fi
  local best="" best_v=0 d v
  for d in /usr/lib/jvm/*/; do
    d=${d%/}
    [ -x "$d/bin/javac" ] || continue
    v=$(jdk_major "$d"); [ -n "$v" ] || continue
    if [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best=$d; best_v=$v; fi
  done
  [ -n "$best" ] || { echo "bench: no JDK >= 21 found (set JAVA_HOME or install one under /usr/lib/jvm)" >&2; exit 1; }
  echo "$best"
}
export JAVA_HOME=$(find_jdk)
export PATH="$JAVA_HOME/bin:$PATH"
java="$JAVA_HOME/bin/java"
classpath="$bench_dir/target/classes:$bench_dir/target/lib/*"

# --- the options run.sh itself needs to know (everything is passed on to the bench as well) -------------
streams=10000
heartbeat=15
quick=false
prefetch=""
help=false
sets=()   # --set SECTION.KEY=VALUE: server config for this run, kept by run.sh (not passed on)
pass=()   # what the bench gets
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --set)
      set_arg=${args[i+1]:-}
      [[ $set_arg =~ ^[a-z_]+\.[a-z_]+=.+$ ]] || { echo "bench: --set wants SECTION.KEY=VALUE, e.g. delivery.ack_window=100" >&2; exit 2; }
      sets+=("$set_arg"); i=$((i + 1)); continue ;;
    --quick) quick=true ;;
    --streams) streams=${args[i+1]:-$streams} ;;
    --prefetch) prefetch=${args[i+1]:-} ;;
    -h|--help) help=true ;;
  esac
  pass+=("${args[i]}")
done
if $quick && ! printf '%s\n' "${args[@]}" | grep -qx -- --streams; then streams=1000; fi
# quick: a shorter heartbeat, so that waiting for the server to notice the closed clients stays short
if $quick; then heartbeat=5; fi
case "$streams" in ''|*[!0-9]*) echo "bench: --streams wants a number" >&2; exit 2 ;; esac

# --- build the bench -----------------------------------------------------------------------------------------
echo "bench: building bench/ with $JAVA_HOME" >&2
(cd "$bench_dir" && mvn -B -ntp -q package) >&2
if $help; then usage; exit 0; fi

[ -x "$launcher" ] || { echo "bench: no app image at $launcher: run ./build.sh first (or ./build.sh bench)" >&2; exit 1; }
if ! (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null && [ -z "${EVENTSOURCED_BENCH_AMQP:-}" ]; then
  echo "bench: no broker on 127.0.0.1:5672: start RabbitMQ (e.g. service rabbitmq-server start)" >&2; exit 1
fi

# 10,000 streams are 10,000 sockets in the bench and 10,000 more in the server, which inherits this limit
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((streams + 1000)) ]; then
  echo "bench: warning: ulimit -n is $(ulimit -n), below the $streams streams + 1000 the scale scenario needs" >&2
fi

work=$(mktemp -d /tmp/eventsourced-bench.XXXXXX)
server_pid=""
cleanup() {
  local rc=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$server_pid" 2>/dev/null; then
      echo "bench: server $server_pid still running 10 s after SIGTERM: killing it" >&2
      kill -KILL "$server_pid" 2>/dev/null || true
    fi
  fi
  # queues of an interrupted run (the bench deletes its own on the way out; x-expires catches the rest)
  "$java" -cp "$classpath" org.eventsourced.bench.Bench --sweep --amqp "$(bench_amqp)" >&2 || true
  rm -rf "$work"
  exit "$rc"
}
# the bench's own URL: amqp-client reads a trailing "/" as the empty vhost, the server (like Go) as "/"
bench_amqp() { case "$amqp_url" in */) echo "${amqp_url}%2f" ;; *) echo "$amqp_url" ;; esac; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- config: loopback, a free port, the broker listed once (the server opens another connection whenever one
# is full: RabbitMQ allows 2047 channels per connection), queue.expire 600 s so that anything left behind goes
# away on its own; the direct-AMQP baseline opens one connection per 1800 streams --------------------------------
nodes=$(( (streams + 1799) / 1800 )); [ "$nodes" -ge 1 ] || nodes=1
config="$work/config.yml"
# the --set keys of one section, as YAML lines
set_keys() {
  local s k
  for s in "${sets[@]}"; do
    case $s in "$1".*) k=${s#"$1".}; echo "  ${k%%=*}: ${k#*=}" ;; esac
  done
}
{
  echo "server:"
  echo "  address: 127.0.0.1:0"
  echo "  heartbeat: $heartbeat"
  set_keys server
  echo "broker:"
  set_keys broker
  echo "  node:"
  echo "    - $amqp_url"
  echo "queue:"
  echo "  expire: 600"
  [ -n "$prefetch" ] && echo "  prefetch: $prefetch"
  set_keys queue
  for section in $(printf '%s\n' "${sets[@]}" | cut -d. -f1 | sort -u); do
    case $section in server|broker|queue) ;; *) echo "$section:"; set_keys "$section" ;; esac
  done
} > "$config"

# the server's effective prefetch, so that the AMQP baseline uses the same window
# (-c and -v run without EVENTSOURCED_OPTS: those are the server's, and a second JVM with them would rotate
# the server's -Xlog file or overwrite its flight recording)
effective=$(EVENTSOURCED_OPTS='' "$launcher" -f "$config" -c 2>/dev/null || true)
if [ -z "$prefetch" ]; then
  prefetch=$(printf '%s\n' "$effective" | awk '/^queue:/{q=1;next} /^[^ ]/{q=0} q && $1=="prefetch:"{print $2; exit}')
  [ -n "$prefetch" ] || { echo "bench: could not read queue.prefetch from '$launcher -c'; pass --prefetch N" >&2; exit 1; }
fi

# --- start the server ---------------------------------------------------------------------------------------
server_log="$work/server.log"
"$launcher" -f "$config" 2> "$server_log" > /dev/null &
launcher_pid=$!
server_pid=$launcher_pid
port=""
for _ in $(seq 1 300); do
  port=$(sed -n 's/.*listening on [^ ]*:\([0-9][0-9]*\).*/\1/p' "$server_log" | head -1)
  [ -n "$port" ] && break
  kill -0 "$launcher_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$port" ]; then
  echo "bench: the server did not log 'listening on HOST:PORT' within 30 s; its log:" >&2
  cat "$server_log" >&2
  exit 1
fi
# the launcher may be a script around the JVM: measure (and stop) the JVM itself
java_pid=$launcher_pid
for _ in 1 2 3; do
  [ "$(cat "/proc/$java_pid/comm" 2>/dev/null)" = java ] && break
  child=$(pgrep -P "$java_pid" | head -1 || true)
  [ -n "$child" ] || break
  java_pid=$child
done
server_pid=$java_pid
echo "bench: server pid $java_pid listening on 127.0.0.1:$port (prefetch $prefetch, $nodes broker connections)" >&2

# --- run -------------------------------------------------------------------------------------------------------
mkdir -p "$bench_dir/results"
suffix=""; $quick && suffix="-quick"
result="$bench_dir/results/$(date +%Y%m%d-%H%M%S)-$(hostname -s)$suffix.txt"
{
  echo "# eventsourced bench, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "command: bench/run.sh ${args[*]}"
  echo "machine: $(hostname -s), $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/{printf "%.0f GB", $2/1048576}' /proc/meminfo) RAM, $(uname -sr)"
  echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "bench JVM: $("$java" -version 2>&1 | head -1)"
  if [ -n "${EVENTSOURCED_OPTS:-}" ]; then echo "server JVM options (EVENTSOURCED_OPTS): $EVENTSOURCED_OPTS"; fi
  echo "server: $launcher ($(EVENTSOURCED_OPTS='' "$launcher" -v 2>&1 | head -1)), image built $(date -u -r "$(dirname "$launcher")" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || echo '?'); repo at commit $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo none)$(git -C "$repo" status --porcelain -- src pom.xml jlink 2>/dev/null | grep -q . && echo ' with uncommitted changes')"
  echo "broker: RabbitMQ $(rabbitmqctl -q eval 'rabbit_misc:version().' 2>/dev/null | tr -d '"' || echo '?') at ${amqp_url%%@*}@${amqp_url#*@}" | sed 's#//[^:@]*:[^@]*@#//***@#'
  echo "config:"; sed 's/^/  /; s#//[^:@]*:[^@]*@#//***@#' "$config"
  echo
} > "$result"
cat "$result" >&2

set +e
"$java" -Xms1g -Xmx2g -cp "$classpath" org.eventsourced.bench.Bench \
  --amqp "$(bench_amqp)" --server "127.0.0.1:$port" --server-pid "$java_pid" \
  --prefetch "$prefetch" --expire 600 --heartbeat "$heartbeat" --connections "$nodes" ${pass[@]+"${pass[@]}"} 2>&1 | tee -a "$result"
bench_rc=${PIPESTATUS[0]}
set -e
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$result"

# --- stop the server: SIGTERM must end it cleanly within a few seconds ---------------------------------------
t0=$(date +%s%N)
kill -TERM "$server_pid" 2>/dev/null || true
for _ in $(seq 1 150); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$server_pid" 2>/dev/null; then
  echo "server: still running 15 s after SIGTERM" | tee -a "$result"
else
  server_rc=0; wait "$launcher_pid" 2>/dev/null || server_rc=$?
  echo "server: exited with status $server_rc $(( ($(date +%s%N) - t0) / 1000000 )) ms after SIGTERM" | tee -a "$result"
fi
{
  echo "server log: $(wc -l < "$server_log") lines; the most frequent (time, numbers and bench queue names blanked):"
  sed -E 's/^[0-9TZ:.-]+ //; s/esbench-[0-9a-z-]+/Q/g; s/[0-9]+/N/g' "$server_log" | sort | uniq -c | sort -rn \
    | head -15 | sed 's/^/  /' || true
  echo "server log: full collections the server asked for (heap pacer, first 30):"
  grep 'full collection of the old generation' "$server_log" | head -30 | sed 's/^/  /' || true
  echo "server log: warnings and errors (first 30):"
  grep -iE 'warn|error|exception|severe' "$server_log" | head -30 | sed 's/^/  /' || true
} | tee -a "$result"
echo "raw output: $result" >&2
exit "$bench_rc"
