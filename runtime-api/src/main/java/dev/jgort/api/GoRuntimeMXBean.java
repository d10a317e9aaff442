package dev.jgort.api;

import java.util.Map;

/**
 * The JMX view of one runtime, registered as {@code dev.jgort:type=GoRuntime,id=<id>} in the platform
 * MBean server from one second after the runtime starts until it closes (jconsole, VisualVM, JMC show
 * it; {@code -Djgort.jmx=false} turns it off). Its attributes are
 * {@link GoRuntime#metrics()}'s counts, and the scheduler-latency p50/p99 read from its histogram.
 */
public interface GoRuntimeMXBean {
    /** {@code /sched/goroutines:goroutines}. */
    long getNumGoroutine();

    /** GOMAXPROCS. */
    int getMaxProcs();

    /** Sets GOMAXPROCS at run time (stops the world and resizes, as {@link GoRuntime#setMaxProcs}). */
    void setMaxProcs(int n);

    /** The metrics of {@link GoRuntime#metrics()} that are counts, by name. */
    Map<String, Long> getCounters();

    /** The upper bound of the p50 bucket of {@code /sched/latencies:seconds}; NaN before any sample. */
    double getSchedLatencyP50Seconds();

    /** The upper bound of the p99 bucket of {@code /sched/latencies:seconds}; NaN before any sample. */
    double getSchedLatencyP99Seconds();

    /** {@link GoRuntime#dumpGoroutines()}. */
    String dumpGoroutines();

    /** {@link GoRuntime#schedTrace(boolean)}. */
    String schedTrace(boolean detail);
}
