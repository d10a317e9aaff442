// A burst of timers expiring together, jgort's TimerBurst written for Go: 100,000 goroutines each
// wait on <-time.After(until T), all for the same instant T (2 s after the round starts, once every
// goroutine is waiting), and record how late they woke: time.Since(T). Prints, per round, the
// lateness's p50, p99 and max, then the medians over the rounds.
//
//	go run ./timerburst [-rounds N] [-timers N]   (GOMAXPROCS=2 to match jgort's)
package main

import (
	"flag"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"time"
)

func round(n int) (p50, p99, max time.Duration) {
	late := make([]time.Duration, n)
	var ready, done sync.WaitGroup
	ready.Add(n)
	done.Add(n)
	t := time.Now().Add(2 * time.Second)
	for i := 0; i < n; i++ {
		go func(i int) {
			defer done.Done()
			c := time.After(time.Until(t))
			ready.Done()
			<-c
			late[i] = time.Since(t)
		}(i)
	}
	ready.Wait()
	if time.Now().After(t) {
		panic("the goroutines took over 2 s to start: raise the lead time")
	}
	done.Wait()
	sort.Slice(late, func(a, b int) bool { return late[a] < late[b] })
	return late[n/2], late[n*99/100], late[n-1]
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

func main() {
	rounds := flag.Int("rounds", 5, "rounds")
	timers := flag.Int("timers", 100_000, "timers per burst")
	flag.Parse()
	fmt.Printf("go %s GOMAXPROCS=%d timers=%d\n", runtime.Version(), runtime.GOMAXPROCS(0), *timers)
	var p50s, p99s, maxs []float64
	round(*timers) // warm-up
	for r := 0; r < *rounds; r++ {
		p50, p99, max := round(*timers)
		fmt.Printf("round %d: lateness p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", r+1, ms(p50), ms(p99), ms(max))
		p50s, p99s, maxs = append(p50s, ms(p50)), append(p99s, ms(p99)), append(maxs, ms(max))
	}
	fmt.Printf("median over %d rounds: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", *rounds, median(p50s), median(p99s), median(maxs))
}

func median(xs []float64) float64 {
	sort.Float64s(xs)
	return xs[len(xs)/2]
}
