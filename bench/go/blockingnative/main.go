// The blocking-native workload of jgort's BlockingNativeBench, written for Go: 64 goroutines each
// make 20 blocking cgo calls to usleep(1000) while 2 goroutines do fixed CPU work (the same LCG,
// yielding every 2^19 steps). Prints, per round, the compute time alone, the compute time with the
// blockers started just before, and the whole run; then the medians and the slowdown.
//
//	go run ./blockingnative [-rounds N]   (GOMAXPROCS=2 to match jgort's benchmark)
package main

// #include <unistd.h>
import "C"

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"sync"
	"time"
)

const (
	blockers     = 64
	callsEach    = 20
	sleepMicros  = 1000
	computers    = 2
	computeSteps = 20_000_000
	yieldMask    = 1<<19 - 1
)

var expected [computers]uint64

func init() {
	for i := 0; i < computers; i++ {
		x := uint64(i + 1)
		for s := 0; s < computeSteps; s++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
		expected[i] = x
	}
}

func startBlockers() *sync.WaitGroup {
	var wg sync.WaitGroup
	wg.Add(blockers)
	for i := 0; i < blockers; i++ {
		go func() {
			defer wg.Done()
			for k := 0; k < callsEach; k++ {
				if rc := C.usleep(sleepMicros); rc != 0 {
					panic(fmt.Sprint("usleep returned ", rc))
				}
			}
		}()
	}
	return &wg
}

func compute() {
	var wg sync.WaitGroup
	var out [computers]uint64
	wg.Add(computers)
	for i := 0; i < computers; i++ {
		go func(me int) {
			defer wg.Done()
			x := uint64(me + 1)
			for s := 0; s < computeSteps; s++ {
				x = x*6364136223846793005 + 1442695040888963407
				if s&yieldMask == yieldMask {
					runtime.Gosched()
				}
			}
			out[me] = x
		}(i)
	}
	wg.Wait()
	for i := range out {
		if out[i] != expected[i] {
			fmt.Fprintln(os.Stderr, "compute goroutine", i, "got", out[i])
			os.Exit(1)
		}
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func main() {
	rounds := flag.Int("rounds", 20, "measured rounds (after 5 warm-up rounds)")
	flag.Parse()
	var alone, with, total []float64
	for r := -5; r < *rounds; r++ {
		t0 := time.Now()
		compute()
		a := time.Since(t0)
		t0 = time.Now()
		wg := startBlockers()
		compute()
		w := time.Since(t0)
		wg.Wait()
		t := time.Since(t0)
		if r >= 0 {
			alone, with, total = append(alone, ms(a)), append(with, ms(w)), append(total, ms(t))
		}
	}
	fmt.Printf("go %s GOMAXPROCS=%d: compute alone %.1f ms, with blockers %.1f ms (slowdown %.2f), total %.1f ms (medians of %d rounds)\n",
		runtime.Version(), runtime.GOMAXPROCS(0), median(alone), median(with), median(with)/median(alone), median(total), *rounds)
}
