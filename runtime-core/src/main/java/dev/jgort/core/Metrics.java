package dev.jgort.core;

import dev.jgort.api.RuntimeStats;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@code GoRuntime.metrics()}: Go's {@code runtime/metrics} names for what Go has
 * ({@code /sched/...}), jgort's own under {@code /jgort/}. Read without stopping anything: the counts
 * from {@link SchedTrace#stats} (one snapshot of what sched.lock guards), the histograms bucket by
 * bucket.
 */
final class Metrics {
    private Metrics() {}

    static final String GOROUTINES = "/sched/goroutines:goroutines";
    static final String GOMAXPROCS = "/sched/gomaxprocs:threads";
    static final String LATENCIES = "/sched/latencies:seconds";
    static final String PAUSES = "/sched/pauses/total/other:seconds";

    static SortedMap<String, Object> read(Sched s) {
        RuntimeStats st = SchedTrace.stats(s);
        TreeMap<String, Object> m = new TreeMap<>();
        m.put(GOROUTINES, (long) st.numGoroutine());
        m.put(GOMAXPROCS, (long) st.maxProcs());
        m.put(LATENCIES, s.latencies.snapshot());
        m.put(PAUSES, s.pauses.snapshot());
        m.put("/jgort/sched/goroutines-created:goroutines", st.goroutinesCreated());
        m.put("/jgort/sched/threads:threads", (long) st.threads());
        m.put("/jgort/sched/threads-created:threads", st.threadsCreated());
        m.put("/jgort/sched/threads-extra:threads", st.extraThreads());
        m.put("/jgort/sched/steals:events", st.steals());
        m.put("/jgort/sched/stolen-goroutines:goroutines", st.stolenGoroutines());
        m.put("/jgort/sched/retakes-syscall:events", st.syscallRetakes());
        m.put("/jgort/sched/retakes-native:events", st.nativeCallRetakes());
        m.put("/jgort/sched/stolen-procs:events", st.stolenProcs());
        m.put("/jgort/sched/timers-fired:events", s.timersFired.sum());
        m.put("/jgort/trace/events:events", s.tracer.events.sum());
        m.put("/jgort/trace/catch-ups:events", s.tracer.catchUps.sum());
        return Collections.unmodifiableSortedMap(m);
    }
}
