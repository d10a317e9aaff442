// Go's cost of a cgo call to a trivial C function (libc's abs), as jgort's CgoCallBench measures its
// own: prints ns per call for each of several rounds of 10,000,000 calls, then the median.
//
//	go run ./cgocall [-rounds N]
package main

// #include <stdlib.h>
import "C"

import (
	"flag"
	"fmt"
	"runtime"
	"sort"
	"time"
)

const calls = 10_000_000

func main() {
	rounds := flag.Int("rounds", 10, "measured rounds (after 3 warm-up rounds)")
	flag.Parse()
	var ns []float64
	for r := -3; r < *rounds; r++ {
		var sum int64
		t0 := time.Now()
		for i := 0; i < calls; i++ {
			sum += int64(C.abs(C.int(-i)))
		}
		d := time.Since(t0)
		if sum != int64(calls)*(calls-1)/2 {
			panic(fmt.Sprint("abs sums to ", sum))
		}
		if r >= 0 {
			ns = append(ns, float64(d.Nanoseconds())/calls)
		}
	}
	sort.Float64s(ns)
	fmt.Printf("go %s: cgo call to abs %.1f ns per call (median of %d rounds; min %.1f, max %.1f)\n",
		runtime.Version(), ns[len(ns)/2], len(ns), ns[0], ns[len(ns)-1])
}
