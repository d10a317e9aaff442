#!/usr/bin/env bash
# Runs Go 1.19's own programs (bench/go) and jgort's matching JMH benchmarks in one script, one after
# the other on this machine, so that their figures can be compared:
#   - a cgo call of libc's abs (go/cgocall)       against CgoCallBench (bare FFM, Cgo handle, Go.syscall);
#   - callbacks into Go from C threads (go/callback) against CallbackBench (jgort_invoke, FFM upcall);
#   - skynet and an unbuffered ping-pong over channels (go/chans) against ChanBench with jgort's
#     channels, beside PingPongBench (park/unpark: the virtual-thread hand-off's floor) and SkynetBench;
#   - 64 goroutines x 20 cgo usleep(1000) beside 2 computing goroutines (go/blockingnative)
#     against BlockingNativeBench and BlockingNativeTotalBench (jgort and the JDK's default scheduler).
# Go comes from the OS packages (golang-1.19-go; installed with apt-get when missing and running as
# root). Both sides run with 2 Ps / carriers. Takes about 25 minutes on 2 cores.
#
#   bench/compare-go.sh [rounds]     # rounds of each Go program (default 20)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds="${1:-20}"

source bench/go/go-env.sh compare-go

echo "== Go: cgo call"
(cd bench/go && "$GO" run ./cgocall -rounds "$rounds")
echo "== Go: callbacks from C threads"
(cd bench/go && "$GO" run ./callback -rounds "$rounds")
echo "== Go: skynet and ping-pong over channels"
(cd bench/go && "$GO" run ./chans -rounds "$rounds")
echo "== Go: blocking native (64 x 20 cgo usleep(1000) beside 2 computing goroutines)"
(cd bench/go && "$GO" run ./blockingnative -rounds "$rounds")
echo "== jgort: CgoCallBench (ns per call)"
./jgort bench CgoCallBench
echo "== jgort: CallbackBench (µs per op: 10,000 calls from one C thread, or 100 fresh C threads)"
./jgort bench CallbackBench
echo "== jgort: skynet and ping-pong over jgort's channels; park/unpark ping-pong; skynet with joins (ms per op)"
./jgort bench 'ChanBench.(skynet|pingPong)$|PingPongBench|SkynetBench' -p channels=jgort -p scheduler=jgort
echo "== jgort and the JDK: blocking native (ms per op)"
./jgort bench "BlockingNativeBench|BlockingNativeTotalBench"
