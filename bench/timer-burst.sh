#!/usr/bin/env bash
# A burst of 100,000 timers due at the same instant (issue 11): how late the goroutines wake (p50, p99,
# max), Go 1.19's program (bench/go/timerburst) and jgort's TimerBurst (jgort and the JDK's default
# scheduler, each with jgort's Timer.after and with Thread.sleep), one after the other in one script,
# each with 2 Ps / carriers. Go comes from the OS packages (golang-1.19-go; installed with apt-get
# when missing and running as root). About 3 minutes on 2 cores.
#
#   bench/timer-burst.sh [rounds]     # measured rounds of each (default 5), after one warm-up round
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds="${1:-5}"

source bench/go/go-env.sh timer-burst

echo "== Go: timer burst"
(cd bench/go && "$GO" run ./timerburst -rounds "$rounds")
echo "== jgort and the JDK: timer burst"
./jgort run dev.jgort.bench.TimerBurst "$rounds"
