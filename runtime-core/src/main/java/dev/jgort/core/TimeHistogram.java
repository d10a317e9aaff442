package dev.jgort.core;

import dev.jgort.api.Float64Histogram;

import java.util.concurrent.atomic.LongAdder;

/**
 * Go's {@code timeHistogram}: counts of durations in buckets whose boundaries are the powers of two
 * nanoseconds (bucket {@code i} holds {@code [2^(i-1), 2^i)} ns, bucket 0 holds 0), up to
 * {@code 2^47} ns (~39 h) and an overflow bucket. {@link #record} is one {@code LongAdder} increment,
 * from any thread; {@link #snapshot} reads the counts one after the other (each exact, not all at one
 * instant), as Go's {@code runtime/metrics} reads its histograms.
 */
final class TimeHistogram {
    static final int BUCKETS = 49; // 0, [1,2), [2,4), ... [2^46, 2^47), [2^47, inf)
    private final LongAdder[] counts = new LongAdder[BUCKETS];

    TimeHistogram() {
        for (int i = 0; i < BUCKETS; i++) counts[i] = new LongAdder();
    }

    /** Counts one duration of {@code nanos} (negative ones, a clock step, as 0). */
    void record(long nanos) {
        int i = nanos <= 0 ? 0 : 64 - Long.numberOfLeadingZeros(nanos);
        counts[Math.min(i, BUCKETS - 1)].increment();
    }

    /** The counts, with the boundaries in seconds, as Go's {@code /sched/latencies:seconds} gives them. */
    Float64Histogram snapshot() {
        long[] c = new long[BUCKETS];
        double[] b = new double[BUCKETS + 1];
        for (int i = 0; i < BUCKETS; i++) c[i] = counts[i].sum();
        b[0] = 0;
        for (int i = 1; i < BUCKETS; i++) b[i] = Math.scalb(1.0, i - 1) / 1e9; // 2^(i-1) ns
        b[BUCKETS] = Double.POSITIVE_INFINITY;
        return new Float64Histogram(c, b);
    }
}
