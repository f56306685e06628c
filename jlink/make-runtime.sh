#!/usr/bin/env bash
# Makes the Java runtime of the app image; build.sh calls it, and so the Dockerfile does too.
#
#   jlink/make-runtime.sh [--no-cds] JDK_HOME OUTPUT_DIR JAR...   check the module list, make the runtime
#   jlink/make-runtime.sh --check JDK_HOME JAR...                 only check the module list
#
# 1. Reruns jdeps over the JARs (the app jar and its runtime jars) and fails, naming the module,
#    if jlink/modules.list neither lists nor excludes a module jdeps finds.
# 2. jlinks the listed modules as small as jlink makes them.
# 3. Strips the native libraries' symbol tables where `strip` exists (libjvm.so: 30 -> 25 MB).
# 4. On JDK 21-24 only, writes the runtime's default CDS archive (lib/server/classes.jsa, 14 MB; not
#    with --no-cds): the app's own archive (lib/app.jsa, made by jlink/train-cds.sh) is layered on
#    top of it. From JDK 25 on the app's AOT cache (lib/app.aot, also made by jlink/train-cds.sh)
#    holds the JDK classes the server uses as well, so the default archive would be dead weight.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
list=$here/modules.list

die() { echo "make-runtime.sh: $*" >&2; exit 1; }

# Prints "name kind" for each entry of modules.list; kind is one of: add, optional, exclude.
entries() {
    sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^[[:space:]]*$/d' "$list" | while read -r name; do
        case $name in
            -*) echo "${name#-} exclude" ;;
            *\?) echo "${name%\?} optional" ;;
            *) echo "$name add" ;;
        esac
    done
}

check() {
    local jdk=$1; shift
    local found missing=() m
    found=$("$jdk/bin/jdeps" --multi-release 21 --print-module-deps --ignore-missing-deps "$@") ||
        die "jdeps failed on: $*"
    local known
    known=$(entries | cut -d' ' -f1)
    for m in ${found//,/ }; do
        grep -qx "$m" <<<"$known" || missing+=("$m")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        die "jdeps finds module(s) ${missing[*]} in the app's jars, but $list neither lists nor excludes them; add each with the reason it is needed (or '-name' with the reason it is not)"
    fi
    echo "make-runtime.sh: module list covers what jdeps finds ($found)"
}

if [ "${1:-}" = --check ]; then
    shift
    [ $# -ge 2 ] || die "usage: $0 --check JDK_HOME JAR..."
    check "$@"
    exit 0
fi

cds=on
if [ "${1:-}" = --no-cds ]; then cds=off; shift; fi
[ $# -ge 3 ] || die "usage: $0 [--no-cds] JDK_HOME OUTPUT_DIR JAR..."
jdk=$1 out=$2
shift 2
check "$jdk" "$@"

available=$("$jdk/bin/java" --list-modules | sed 's/@.*//')
modules=()
while read -r name kind; do
    case $kind in
        add) modules+=("$name") ;;
        optional)
            if grep -qx "$name" <<<"$available"; then modules+=("$name"); else echo "make-runtime.sh: $name is not in this JDK; left out"; fi ;;
    esac
done < <(entries)

rm -rf "$out"
# --compress=zip-9 is spelt so from JDK 21 on (the older 0/1/2 are deprecated).
"$jdk/bin/jlink" \
    --add-modules "$(IFS=,; echo "${modules[*]}")" \
    --strip-debug --no-header-files --no-man-pages --compress=zip-9 \
    --dedup-legal-notices=error-if-not-same-content \
    --output "$out"
echo "make-runtime.sh: jlinked ${modules[*]} into $out"

if command -v strip >/dev/null; then
    find "$out" -type f -name '*.so' -exec chmod u+w {} + -exec strip --strip-unneeded {} +
    echo "make-runtime.sh: stripped the native libraries"
else
    echo "make-runtime.sh: no strip here; native libraries keep their symbols (+5 MB)"
fi

if [ "$cds" = off ]; then
    echo "make-runtime.sh: --no-cds: no default CDS archive"
    exit 0
fi
major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$out/release")
if [ "${major:-0}" -ge 25 ]; then
    echo "make-runtime.sh: JDK $major: no default CDS archive (the app's AOT cache holds the JDK classes it needs)"
    exit 0
fi
# After stripping: the archive records the JVM it was dumped by.
# G1 at dump time: only it writes the archived heap objects (any GC can load them).
if ! dump_log=$("$out/bin/java" -XX:+UseG1GC -Xshare:dump 2>&1); then
    echo "$dump_log" >&2
    die "could not write the runtime's default CDS archive"
fi
echo "make-runtime.sh: wrote $out/lib/server/classes.jsa"
