#!/usr/bin/env bash
# Builds eventsourced with a JDK >= 21 found on its own.
set -euo pipefail
cd "$(dirname "$0")"
jdk_major() { "$1/bin/java" -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -1; }
find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(jdk_major "$JAVA_HOME")" -ge 21 ]; then
    echo "$JAVA_HOME"; return
  fi
  local best="" best_v=0 d v
  for d in /usr/lib/jvm/*/; do
    d=${d%/}
    [ -x "$d/bin/javac" ] && [ -x "$d/bin/jlink" ] || continue
    v=$(jdk_major "$d"); [ -n "$v" ] || continue
    if [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best=$d; best_v=$v; fi
  done
  [ -n "$best" ] || { echo "build.sh: no JDK >= 21 found (set JAVA_HOME or install one under /usr/lib/jvm)" >&2; exit 1; }
  echo "$best"
}
export JAVA_HOME=$(find_jdk)
export PATH="$JAVA_HOME/bin:$PATH"
case "${1:-build}" in
  test) mvn -B -ntp verify ;;
  build) mvn -B -ntp -DskipTests package ;;
  *) echo "usage: $0 [build|test]" >&2; exit 2 ;;
esac
