#!/usr/bin/env bash
# Wake-up latency from outside the scheduler (issue 13), Go 1.19's program (bench/go/wakeup) and
# jgort's WakeupLatency (jgort and the JDK's default scheduler), one after the other in one script,
# each with 2 Ps / carriers: Thread.sleep(1) / time.Sleep, 16 goroutines sleeping 1 ms in a loop, a
# platform thread's unpark (not in Go), and a loopback socket read, idle and beside 2 hogs per P that
# compute 50 µs and yield. Go comes from the OS packages (golang-1.19-go; installed with apt-get when
# missing and running as root). About 6 minutes on 2 cores (a cell that starves on the JDK's
# scheduler takes 30 s before it is cut short).
#
#   bench/wakeup-latency.sh [samples] [spinMicros]     # defaults 2000 and 50
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
samples="${1:-2000}"
spin="${2:-50}"

source bench/go/go-env.sh wakeup-latency

echo "== Go: wake-up latency"
(cd bench/go && "$GO" run ./wakeup -samples "$samples" -spin "$spin")
echo "== jgort and the JDK: wake-up latency"
./jgort run dev.jgort.bench.WakeupLatency "$samples" "$spin"
