// Wake-up latency beside busy Ps: Go's side of jgort's WakeupLatency (bench/wakeup-latency.sh runs
// both). How late a goroutine runs after time.Sleep(1ms) ends (the time past 1 ms), and after a
// loopback socket it reads becomes readable (from just before the write until the read returns), idle
// and beside 2 goroutines per P that spin 50 µs on the CPU and then call runtime.Gosched, forever.
// Go's timers fire on the P that set them (checkTimers in schedule); its network poller is polled by
// an idle P, or by sysmon every 10 ms when every P is busy. There is no "platform thread" in Go to
// unpark from: that row is jgort's and the JDK's only. "sleepers": 16 goroutines at once each sleep
// 1 ms and compute ~2 µs in a loop (a server whose handlers sleep), the time past 1 ms of each sleep.
package main

import (
	"flag"
	"fmt"
	"net"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	samples := flag.Int("samples", 2000, "wake-ups per cell")
	spinMicros := flag.Int("spin", 50, "µs each hog computes between Gosched calls")
	flag.Parse()
	procs := runtime.GOMAXPROCS(0)
	fmt.Printf("Go %s wake-up latency: %d samples per cell, hogs spin %d µs between Gosched, GOMAXPROCS %d\n",
		runtime.Version(), *samples, *spinMicros, procs)
	fmt.Printf("%-8s %-7s %-5s %10s %10s %10s\n", "wake-up", "sched", "load", "p50 µs", "p99 µs", "max µs")
	spin := time.Duration(*spinMicros) * time.Microsecond
	for _, probe := range []string{"sleep", "sleepers", "socket"} {
		for _, hogs := range []int{0, 2 * procs} {
			load := "idle"
			if hogs > 0 {
				load = "busy"
			}
			d := measure(probe, *samples, hogs, spin)
			fmt.Printf("%-8s %-7s %-5s %10.1f %10.1f %10.1f\n", probe, "go", load,
				us(d[len(d)/2]), us(d[len(d)*99/100]), us(d[len(d)-1]))
		}
	}
}

func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }

// measure starts the hogs, takes a warm-up of samples/10 and then samples delays, sorted.
func measure(probe string, samples, hogs int, spin time.Duration) []time.Duration {
	var stop atomic.Bool
	var wg sync.WaitGroup
	for i := 0; i < hogs; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				end := time.Now().Add(spin)
				for time.Now().Before(end) {
				}
				runtime.Gosched()
			}
		}()
	}
	defer func() { stop.Store(true); wg.Wait() }()
	run := sleeps
	if probe == "socket" {
		run = socketReads
	} else if probe == "sleepers" {
		run = sleepers
	}
	run(samples / 10)
	d := run(samples)
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d
}

// sleep1ms sleeps 1 ms and returns the time past it.
func sleep1ms() time.Duration {
	t0 := time.Now()
	time.Sleep(time.Millisecond)
	late := time.Since(t0) - time.Millisecond
	if late < 0 {
		late = 0
	}
	return late
}

func sleeps(n int) []time.Duration {
	d := make([]time.Duration, n)
	done := make(chan struct{})
	go func() {
		for i := range d {
			d[i] = sleep1ms()
		}
		close(done)
	}()
	<-done
	return d
}

// sleepers: 16 goroutines take n sleeps of 1 ms between them, each followed by ~2 µs of computing.
func sleepers(n int) []time.Duration {
	const g = 16
	d := make([]time.Duration, n/g*g)
	var wg sync.WaitGroup
	for j := 0; j < g; j++ {
		wg.Add(1)
		go func(part []time.Duration, seed uint64) {
			defer wg.Done()
			x := seed
			for i := range part {
				part[i] = sleep1ms()
				for k := 0; k < 2000; k++ {
					x ^= x << 13
					x ^= x >> 7
					x ^= x << 17
				}
			}
			sink.Add(x)
		}(d[j*(n/g):(j+1)*(n/g)], uint64(j+1))
	}
	wg.Wait()
	return d
}

// sink keeps the sleepers' computing from being optimised away.
var sink atomic.Uint64

// socketReads: a goroutine reads n 8-byte messages, each the writer's clock (ns since start) just
// before its write; the writer, locked to its own OS thread as jgort's platform thread is its own,
// writes the next one 200 µs after the reader has taken the last.
func socketReads(n int) []time.Duration {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		panic(err)
	}
	defer client.Close()
	server, err := ln.Accept()
	if err != nil {
		panic(err)
	}
	defer server.Close()
	client.(*net.TCPConn).SetNoDelay(true)
	start := time.Now()
	d := make([]time.Duration, n)
	taken := make(chan struct{})
	go func() {
		buf := make([]byte, 8)
		for i := range d {
			got := 0
			for got < 8 {
				r, err := server.Read(buf[got:])
				if err != nil {
					panic(err)
				}
				got += r
			}
			var sent int64
			for _, b := range buf {
				sent = sent<<8 | int64(b)
			}
			d[i] = time.Since(start) - time.Duration(sent)
			taken <- struct{}{}
		}
	}()
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		msg := make([]byte, 8)
		for i := 0; i < n; i++ {
			now := int64(time.Since(start))
			for b := 7; b >= 0; b-- {
				msg[b] = byte(now)
				now >>= 8
			}
			if _, err := client.Write(msg); err != nil {
				panic(err)
			}
			<-taken
			time.Sleep(200 * time.Microsecond)
		}
		close(done)
	}()
	<-done
	return d
}
