#!/usr/bin/env bash
# Runs Go 1.19's own programs (bench/go) and jgort's matching JMH benchmarks in one script, one after
# the other on this machine, so that their figures can be compared:
#   - a cgo call of libc's abs (go/cgocall)       against CgoCallBench (bare FFM, Cgo handle, Go.syscall);
#   - 64 goroutines x 20 cgo usleep(1000) beside 2 computing goroutines (go/blockingnative)
#     against BlockingNativeBench and BlockingNativeTotalBench (jgort and the JDK's default scheduler).
# Go comes from the OS packages (golang-1.19-go; installed with apt-get when missing and running as
# root). Both sides run with 2 Ps / carriers. Takes about 15 minutes on 2 cores.
#
#   bench/compare-go.sh [rounds]     # rounds of each Go program (default 20)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds="${1:-20}"

source bench/go/go-env.sh compare-go

echo "== Go: cgo call"
(cd bench/go && "$GO" run ./cgocall -rounds "$rounds")
echo "== Go: blocking native (64 x 20 cgo usleep(1000) beside 2 computing goroutines)"
(cd bench/go && "$GO" run ./blockingnative -rounds "$rounds")
echo "== jgort: CgoCallBench (ns per call)"
./jgort bench CgoCallBench
echo "== jgort and the JDK: blocking native (ms per op)"
./jgort bench "BlockingNativeBench|BlockingNativeTotalBench"
