// Go's own scheduler and channels on the workloads jgort's ChanBench runs with channels=jgort:
// skynet (1,111,111 goroutines in a tree, 10 children per node, each node sending its sum to its
// parent on an unbuffered channel: github.com/atemerev/skynet) and an unbuffered ping-pong (100,000
// round trips between two goroutines over two unbuffered channels). Prints ms per operation, the
// median over the rounds with the min and max.
//
//	go run ./chans [-rounds N]
package main

import (
	"flag"
	"fmt"
	"runtime"
	"sort"
	"time"
)

const leaves = 1_000_000
const pingPongRounds = 100_000

func skynet(c chan int64, num int64, size int64) {
	if size == 1 {
		c <- num
		return
	}
	rc := make(chan int64)
	step := size / 10
	for i := int64(0); i < 10; i++ {
		go skynet(rc, num+i*step, step)
	}
	var sum int64
	for i := 0; i < 10; i++ {
		sum += <-rc
	}
	c <- sum
}

func runSkynet() {
	c := make(chan int64)
	go skynet(c, 0, leaves)
	if s := <-c; s != int64(leaves)*(leaves-1)/2 {
		panic(fmt.Sprint("skynet sums to ", s))
	}
}

func runPingPong() {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for i := 0; i < pingPongRounds; i++ {
			pong <- <-ping
		}
	}()
	sum := 0
	for i := 0; i < pingPongRounds; i++ {
		ping <- 1
		sum += <-pong
	}
	if sum != pingPongRounds {
		panic(fmt.Sprint("ping-pong returned ", sum, " balls"))
	}
}

func measure(rounds int, op func()) (float64, float64, float64) {
	var ms []float64
	for r := -3; r < rounds; r++ {
		t0 := time.Now()
		op()
		if r >= 0 {
			ms = append(ms, float64(time.Since(t0).Microseconds())/1000)
		}
	}
	sort.Float64s(ms)
	return ms[len(ms)/2], ms[0], ms[len(ms)-1]
}

func main() {
	rounds := flag.Int("rounds", 20, "measured rounds of each workload (after 3 warm-up rounds)")
	flag.Parse()
	m, lo, hi := measure(*rounds, runSkynet)
	fmt.Printf("go %s: skynet over channels %.1f ms per op (median of %d rounds; min %.1f, max %.1f)\n",
		runtime.Version(), m, *rounds, lo, hi)
	m, lo, hi = measure(*rounds, runPingPong)
	fmt.Printf("go %s: unbuffered ping-pong, %d round trips, %.2f ms per op (median of %d rounds; min %.2f, max %.2f)\n",
		runtime.Version(), pingPongRounds, m, *rounds, lo, hi)
}
