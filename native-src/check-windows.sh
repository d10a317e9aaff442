#!/usr/bin/env bash
# Compile-checks libjgort's Windows build (os_windows.c + jgort_jni.c) with mingw-w64 on Linux.
# Needs x86_64-w64-mingw32-gcc (Debian: apt-get install gcc-mingw-w64-x86-64) and a JDK's jni.h.
# The JDK here has no Windows jni_md.h, so a minimal one (the same typedefs as the JDK's win32 one)
# is written to a temporary directory (JDK 25's jni.h defines JNICALL itself). Nothing is run: Windows binaries cannot run here.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
CC=${CC:-x86_64-w64-mingw32-gcc}
command -v "$CC" >/dev/null || { echo "check-windows: $CC not found (apt-get install gcc-mingw-w64-x86-64)" >&2; exit 2; }
JDK=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
[ -f "$JDK/include/jni.h" ] || { echo "check-windows: no jni.h under $JDK/include (set JAVA_HOME to a JDK)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/jni_md.h" <<'H'
#ifndef _JAVASOFT_JNI_MD_H_
#define _JAVASOFT_JNI_MD_H_
#define JNIEXPORT __declspec(dllexport)
#define JNIIMPORT __declspec(dllimport)
typedef int jint;
typedef long long jlong;
typedef signed char jbyte;
#endif
H
"$CC" -std=c11 -O2 -Wall -Wextra -Werror -shared -I src/main/include -I "$JDK/include" -I "$tmp" \
    src/main/c/*.c -o "$tmp/jgort.dll"
echo "check-windows: jgort.dll compiles and links with $CC"
