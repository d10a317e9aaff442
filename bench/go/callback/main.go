// Go's cost of a callback into Go from C threads Go did not start, as jgort's CallbackBench measures
// its own: one long-lived C thread making 10,000 calls (ns per call), and 100 fresh C threads making
// one call each and exiting (µs per thread). A C thread calling an exported Go function takes an
// extra M (needm) and a P (exitsyscall), as jgort_invoke does. Prints each figure's median over the
// rounds, with the min and max.
//
//	go run ./callback [-rounds N]
package main

/*
#include <pthread.h>
#include <stdint.h>

extern int64_t goIdentity(int64_t x);

typedef struct job {
	int calls;
	int64_t sum;
} job;

static void *run(void *arg) {
	job *j = arg;
	for (int i = 0; i < j->calls; i++) j->sum += goIdentity(i);
	return NULL;
}

static int64_t on_thread(int calls) {
	job j = {calls, 0};
	pthread_t t;
	if (pthread_create(&t, NULL, run, &j) != 0) return -1;
	pthread_join(t, NULL);
	return j.sum;
}

// One long-lived C thread makes `calls` callbacks; the sum of the results.
static int64_t long_lived(int calls) { return on_thread(calls); }

// `threads` fresh C threads, one after the other, each making one callback (goIdentity(0)) and exiting.
static int64_t fresh(int threads) {
	int64_t sum = 0;
	for (int k = 0; k < threads; k++) sum += on_thread(1);
	return sum;
}
*/
import "C"

import (
	"flag"
	"fmt"
	"runtime"
	"sort"
	"time"
)

//export goIdentity
func goIdentity(x C.int64_t) C.int64_t { return x }

const longLivedCalls = 10_000
const freshThreads = 100

func median(xs []float64) (float64, float64, float64) {
	sort.Float64s(xs)
	return xs[len(xs)/2], xs[0], xs[len(xs)-1]
}

func main() {
	rounds := flag.Int("rounds", 20, "measured rounds (after 3 warm-up rounds)")
	flag.Parse()
	var perCall, perThread []float64
	for r := -3; r < *rounds; r++ {
		const ops = 20 // as a JMH operation: one call of long_lived or fresh
		t0 := time.Now()
		for i := 0; i < ops; i++ {
			if s := C.long_lived(longLivedCalls); int64(s) != int64(longLivedCalls)*(longLivedCalls-1)/2 {
				panic(fmt.Sprint("long-lived callbacks sum to ", s))
			}
		}
		d := time.Since(t0)
		t1 := time.Now()
		for i := 0; i < ops; i++ {
			if s := C.fresh(freshThreads); s != 0 {
				panic(fmt.Sprint("fresh-thread callbacks sum to ", s))
			}
		}
		d1 := time.Since(t1)
		if r >= 0 {
			perCall = append(perCall, float64(d.Nanoseconds())/(ops*longLivedCalls))
			perThread = append(perThread, float64(d1.Microseconds())/(ops*freshThreads))
		}
	}
	m, lo, hi := median(perCall)
	fmt.Printf("go %s: callback from a long-lived C thread %.1f ns per call (median of %d rounds; min %.1f, max %.1f)\n",
		runtime.Version(), m, len(perCall), lo, hi)
	m, lo, hi = median(perThread)
	fmt.Printf("go %s: callback from a fresh C thread %.1f µs per thread (median of %d rounds; min %.1f, max %.1f)\n",
		runtime.Version(), m, len(perThread), lo, hi)
}
