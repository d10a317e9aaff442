#!/usr/bin/env bash
# A real HTTP server under wrk (issue 13): Jetty 12 with its default QueuedThreadPool handing requests
# to a virtual-threads executor, Jetty's VirtualThreadPool on that executor, and the JDK's
# com.sun.net.httpserver.HttpServer with it; the executor is jgort's (rt.executor(), GOMAXPROCS 2) or
# the JDK's default scheduler's (parallelism 2); handlers with ~20 µs of CPU work or a 1 ms sleep; 16
# and 256 connections on loopback. Prints req/s and p50 / p99 for both schedulers side by side
# (HttpBench, one server JVM per cell). wrk comes from the OS packages (installed with apt-get when
# missing and running as root). About 8 minutes on 2 cores with the defaults.
#
#   bench/http-bench.sh [seconds] [warmupSeconds] [servers] [handlers] [conns]
#                       # defaults: 10 5 jetty,jetty-vtp,httpserver cpu,sleep 16,256
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v wrk >/dev/null 2>&1; then
    if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "http-bench: installing wrk with apt-get" >&2
        apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk
    else
        echo "http-bench: wrk is needed: install the wrk package" >&2
        exit 2
    fi
fi
./jgort run dev.jgort.bench.HttpBench "$@"
