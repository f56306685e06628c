#!/usr/bin/env bash
# Builds eventsourced with a JDK >= 21 found on its own (JAVA_HOME if it is one, else the newest
# under /usr/lib/jvm), and leaves a runnable app image in target/eventsourced/.
#
#   ./build.sh             build: jar and runtime jars (mvn package), then the app image:
#                          runtime/ (jlinked), lib/ (jars, JVM options, CDS archive), bin/eventsourced
#   ./build.sh test        build, then the whole test suite (the smoke tests start the app image),
#                          then compile the load tool in bench/
#   ./build.sh run [ARGS]  build, then run the server: bin/eventsourced [-f config.yml] ARGS
#   ./build.sh dist        build, then target/eventsourced-<version>-linux-<arch>.tar.gz of the app image
#   ./build.sh bench       build, then bench/run.sh
#
# Environment:
#   JAVA_HOME                a JDK >= 21 to build with; its runtime goes into the image
#   EVENTSOURCED_IMAGE_DIR   where the app image goes (default target/eventsourced; the Dockerfile
#                            builds it at its final place, /opt/eventsourced)
#   EVENTSOURCED_CDS=off     no CDS archives (the runtime's default one and lib/app.jsa): a smaller
#                            image that starts slower
set -euo pipefail
cd "$(dirname "$0")"

jdk_major() { "$1/bin/java" -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -1; }
find_jdk() {
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(jdk_major "$JAVA_HOME")" -ge 21 ]; then
        echo "$JAVA_HOME"
        return
    fi
    local best="" best_v=0 d v
    for d in /usr/lib/jvm/*/; do
        d=${d%/}
        [ -x "$d/bin/javac" ] && [ -x "$d/bin/jlink" ] || continue
        v=$(jdk_major "$d")
        [ -n "$v" ] || continue
        if [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best=$d best_v=$v; fi
    done
    [ -n "$best" ] || { echo "build.sh: no JDK >= 21 found (set JAVA_HOME or install one under /usr/lib/jvm)" >&2; exit 1; }
    echo "$best"
}
JAVA_HOME=$(find_jdk)
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"

image=${EVENTSOURCED_IMAGE_DIR:-target/eventsourced}

version() { sed -n 's/^version=//p' target/maven-archiver/pom.properties; }

# jar, and the runtime jars in target/lib (emptied first, so no jar of an old dependency version lingers)
package() {
    rm -rf target/lib
    mvn -B -ntp -DskipTests package
}

# target/eventsourced/: runtime/ + lib/ + bin/eventsourced (+ lib/app.jsa when the training start works)
app_image() {
    local jar jars
    jar=target/eventsourced-$(version).jar
    jars=("$jar" target/lib/*.jar)
    rm -rf "$image"
    mkdir -p "$image/bin" "$image/lib"
    local cds_flag=()
    if [ "${EVENTSOURCED_CDS:-on}" = off ]; then cds_flag=(--no-cds); fi
    jlink/make-runtime.sh "${cds_flag[@]}" "$JAVA_HOME" "$image/runtime" "${jars[@]}"
    cp -p "${jars[@]}" "$image/lib/"
    # The launcher's class path, app jar first: a fixed order, which the CDS archive needs.
    printf '%s\n' "${jars[@]##*/}" >"$image/lib/classpath"
    cp jlink/jvm.options "$image/lib/"
    cp jlink/eventsourced "$image/bin/"
    chmod 755 "$image/bin/eventsourced"
    for doc in README.md LICENSE config.yml-dist; do
        if [ -f "$doc" ]; then cp "$doc" "$image/"; fi
    done
    if [ "${EVENTSOURCED_CDS:-on}" = off ]; then
        echo "build.sh: EVENTSOURCED_CDS=off: no CDS archive"
    elif ! jlink/train-cds.sh "$image"; then
        echo "build.sh: WARNING: the CDS training start failed (above); the app image has no lib/app.jsa and starts slower" >&2
    fi
    echo "build.sh: app image $image ($(du -sh "$image" | cut -f1)), launcher $image/bin/eventsourced"
}

build() {
    package
    app_image
}

# x86_64 -> x64, as JDK builds name it; musl (Alpine) builds say so, they do not run on glibc.
platform() {
    local arch
    arch=$(uname -m)
    case $arch in x86_64 | amd64) arch=x64 ;; arm64) arch=aarch64 ;; esac
    if ls /lib/ld-musl-* >/dev/null 2>&1; then echo "linux-musl-$arch"; else echo "linux-$arch"; fi
}

dist() {
    local name parent
    name=eventsourced-$(version)-$(platform)
    parent=$(dirname "$image")
    [ "$(basename "$image")" = eventsourced ] || { echo "build.sh: dist needs the image in a directory named eventsourced, not $image" >&2; exit 1; }
    # Times are kept as they are: the CDS archive only maps for jars with the mtimes it was made from.
    if tar --version 2>/dev/null | grep -q GNU; then
        tar -C "$parent" --sort=name --owner=0 --group=0 --numeric-owner -czf "target/$name.tar.gz" eventsourced
    else
        tar -C "$parent" -czf "target/$name.tar.gz" eventsourced
    fi
    echo "build.sh: target/$name.tar.gz ($(du -h "target/$name.tar.gz" | cut -f1)); unpack it with: tar -C /opt -xzf $name.tar.gz"
}

cmd=${1:-build}
[ $# -eq 0 ] || shift
case $cmd in
    build) build ;;
    test)
        build
        EVENTSOURCED_APP_IMAGE=$(cd "$image" && pwd) mvn -B -ntp verify
        # the load tool has no tests of its own, but a change must not leave it unbuildable
        (cd bench && mvn -B -ntp -q package)
        ;;
    run)
        build
        # A config.yml in the repo (git ignores it) is read last, unless ARGS name a file with -f.
        if [ -f config.yml ] && [[ " $* " != *" -f "* ]]; then set -- -f config.yml "$@"; fi
        exec "$image/bin/eventsourced" "$@"
        ;;
    dist)
        build
        dist
        ;;
    bench)
        build
        [ -x bench/run.sh ] || { echo "build.sh: bench/run.sh is missing or not executable" >&2; exit 1; }
        exec bench/run.sh "$@"
        ;;
    *)
        echo "usage: $0 [build|test|run [ARGS]|dist|bench [ARGS]]" >&2
        exit 2
        ;;
esac
