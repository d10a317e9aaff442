#!/usr/bin/env bash
# Compile-checks libjgort's Linux aarch64 build (os_posix.c + jgort_jni.c + carrier_state.c) with Debian's
# cross compiler on an x86_64 host, with the options native-src/pom.xml's linux profile gives the NAR plugin.
# Needs aarch64-linux-gnu-gcc (Debian: apt-get install gcc-aarch64-linux-gnu) and a JDK's jni.h.
# The JDK's include/linux/jni_md.h is the same on every Linux arch (jlong is `long` under _LP64), so the
# host JDK's headers serve. The library is linked and its ELF header checked; nothing is run: aarch64
# binaries cannot run here (no qemu), so the aarch64-specific parts (16/64 KiB pages, HotSpot's tables
# on aarch64) are untested.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
CC=${CC:-aarch64-linux-gnu-gcc}
READELF=${READELF:-aarch64-linux-gnu-readelf}
command -v "$CC" >/dev/null || { echo "check-linux-aarch64: $CC not found (apt-get install gcc-aarch64-linux-gnu)" >&2; exit 2; }
command -v "$READELF" >/dev/null || { echo "check-linux-aarch64: $READELF not found (apt-get install binutils-aarch64-linux-gnu)" >&2; exit 2; }
JDK=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
[ -f "$JDK/include/jni.h" ] && [ -f "$JDK/include/linux/jni_md.h" ] \
    || { echo "check-linux-aarch64: no jni.h and linux/jni_md.h under $JDK/include (set JAVA_HOME to a Linux JDK)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$CC" -std=c11 -O2 -Wall -Wextra -Werror -fvisibility=hidden -fPIC -shared \
    -I src/main/include -I "$JDK/include" -I "$JDK/include/linux" \
    src/main/c/*.c -Wl,--as-needed -pthread -ldl -o "$tmp/libjgort.so"
machine=$("$READELF" -h "$tmp/libjgort.so" | sed -n 's/^ *Machine: *//p')
[ "$machine" = "AArch64" ] || { echo "check-linux-aarch64: built a library for '$machine', not AArch64" >&2; exit 1; }
"$READELF" --dyn-syms "$tmp/libjgort.so" | grep -q ' JNI_OnLoad$' \
    || { echo "check-linux-aarch64: libjgort.so exports no JNI_OnLoad" >&2; exit 1; }
echo "check-linux-aarch64: libjgort.so compiles and links for AArch64 with $CC"
