package dev.jgort.api;

import dev.jgort.spi.RuntimeProvider;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;

/**
 * A Go-style runtime: goroutines (virtual threads) scheduled on Ms (OS threads) by Ps (logical
 * processors), with Go's run queues, work stealing and spinning rules.
 *
 * <pre>{@code
 * try (GoRuntime rt = GoRuntime.start()) {
 *     Goroutine g = rt.go(() -> System.out.println("hello from goroutine " + Go.goid()));
 *     g.join();
 * }
 * }</pre>
 *
 * <p>The JVM must run with {@code --add-opens java.base/java.lang=ALL-UNNAMED} (or a jar manifest
 * entry {@code Add-Opens: java.base/java.lang}) with runtime-core on the class path, or
 * {@code --add-opens java.base/java.lang=dev.jgort.core} with it on the module path; {@link #start()}
 * says which if it is missing.
 *
 * <p>Goroutines may start more goroutines with any JDK API: a virtual thread created inside a
 * goroutine ({@code Thread.ofVirtual()}, {@code Executors.newVirtualThreadPerTaskExecutor()}) is a
 * goroutine of the same runtime.
 */
public interface GoRuntime extends AutoCloseable {

    /** Starts a runtime with {@link RuntimeConfig#defaults()}. */
    static GoRuntime start() {
        return start(RuntimeConfig.defaults());
    }

    /** Starts a runtime; the implementation is found with {@link java.util.ServiceLoader}. */
    static GoRuntime start(RuntimeConfig config) {
        return RuntimeProvider.get().start(config);
    }

    /**
     * Starts a goroutine ({@code go f()}). Called from a goroutine that sysmon has flagged for
     * preemption, it yields first, as Go preempts a goroutine at its next function call (see
     * {@link Go#checkPreempt()}).
     *
     * @throws java.util.concurrent.RejectedExecutionException after {@link #close()} began
     */
    Goroutine go(Runnable task);

    /** Starts a named goroutine. */
    Goroutine go(String name, Runnable task);

    /** A factory of unstarted goroutines as {@link Thread}s (state {@link GState#IDLE} until started). */
    ThreadFactory threadFactory();

    /**
     * An executor that runs each task in a goroutine of its own. Shutting it down does not close the
     * runtime; closing the runtime rejects further tasks.
     */
    ExecutorService executor();

    /** GOMAXPROCS: the number of Ps. */
    int maxProcs();

    /**
     * Go's {@code runtime.GOMAXPROCS(n)}: sets the number of Ps and returns the previous value;
     * {@code n <= 0} only reads it. A change stops the world, resizes (goroutines queued on removed Ps
     * move to the head of the global queue) and starts it again; it works under load and from inside a
     * goroutine, and waits for running goroutines to reach a scheduling point.
     *
     * @throws IllegalArgumentException for n above {@value RuntimeConfig#MAX_PROCS_LIMIT}
     */
    int setMaxProcs(int n);

    /**
     * Go's {@code forEachP}: runs {@code fn} once for every P (it gets the P's id), each at a safe point
     * of that P: idle Ps at once, the caller's own P here, Ps in a syscall after taking them, running Ps
     * when their goroutine next parks, yields or calls {@link Go#checkPreempt()}. Returns when all have
     * run it. {@code fn} must be short and must not block: it runs inside the scheduler. What it throws
     * is rethrown here, after every P ran it. Callable from goroutines and platform threads.
     */
    void forEachP(java.util.function.IntConsumer fn);

    /**
     * Stops the world (Go's {@code stopTheWorld}): returns once no goroutine runs except the caller;
     * closing the result starts it again. For consistent snapshots. Running goroutines stop when they
     * next park, yield or call {@link Go#checkPreempt()}. A goroutine that stops the world keeps
     * running and must not block (park, sleep, join, take a contended lock) until it closes the result:
     * nothing could run it again.
     *
     * @param reason shown in traces and errors
     */
    WorldStop stopTheWorld(String reason);

    /** A snapshot of the scheduler's counters. */
    RuntimeStats stats();

    /**
     * Go's {@code runtime/metrics.Read} for everything at once: the metrics by name, in name order, each
     * value a {@link Long}, or a {@link Float64Histogram} for {@code :seconds} distributions. Go's own
     * names where the metric is Go's:
     * <ul>
     *   <li>{@code /sched/goroutines:goroutines}, {@code /sched/gomaxprocs:threads};
     *   <li>{@code /sched/latencies:seconds}: how long goroutines stayed runnable before they ran,
     *       sampled as Go samples it (one in 8 of each goroutine's turns; no clock is read for the
     *       others);
     *   <li>{@code /sched/pauses/total/other:seconds}: stop-the-world pauses (GOMAXPROCS changes,
     *       {@link #stopTheWorld}), from the stop's start to the world's start;
     * </ul>
     * and jgort's under {@code /jgort/}: {@code /jgort/sched/goroutines-created:goroutines},
     * {@code /jgort/sched/threads:threads} (Ms alive), {@code /jgort/sched/threads-created:threads},
     * {@code /jgort/sched/threads-extra:threads}, {@code /jgort/sched/steals:events},
     * {@code /jgort/sched/stolen-goroutines:goroutines}, {@code /jgort/sched/retakes-syscall:events},
     * {@code /jgort/sched/retakes-native:events}, {@code /jgort/sched/stolen-procs:events},
     * {@code /jgort/sched/timers-fired:events} (goroutine timeouts, such as {@code Thread.sleep}'s, and
     * channel timers armed in its goroutines, fired on this runtime's Ps rather than on a timer thread);
     * {@code /jgort/trace/events:events} (execution-trace events written, {@link #startTrace}) and
     * {@code /jgort/trace/catch-ups:events} (events a trace needed to catch up with goroutines it
     * first saw mid-way, e.g. a {@code GoCreate} for one that existed before the trace started).
     * The same are the attributes of this runtime's MBean, {@code dev.jgort:type=GoRuntime,id=<id>}.
     */
    java.util.SortedMap<String, Object> metrics();

    /**
     * Go's {@code schedtrace} output: one {@code SCHED} line, and with {@code detail} one line per P,
     * M and goroutine ({@code scheddetail=1}).
     */
    String schedTrace(boolean detail);

    /**
     * Go's goroutine dump ({@code pprof} goroutine profile with {@code debug=2}, or the dump of a
     * {@code SIGQUIT}): for every goroutine, Go's header exactly ({@code goroutine 18 [chan receive,
     * 2 minutes]:}, {@code [running]}, {@code [runnable]}, {@code [syscall]}, {@code [select (no cases)]},
     * {@code [sleep]}, {@code [sync.Mutex.Lock]}, ...; {@code , locked to thread}), its Java frames, and
     * {@code created by ... in goroutine N} when another goroutine of this runtime made it. Taken
     * without stopping the world, so each goroutine is shown as it was at its turn. The deadlock report
     * of {@link DeadlockException} has the same format.
     */
    String dumpGoroutines();

    /** {@link #dumpGoroutines()}, written to {@code out}. */
    void dumpGoroutines(java.io.Writer out) throws java.io.IOException;

    /**
     * Starts Go's execution tracer ({@code runtime/trace.Start}): from now until {@link #stopTrace()},
     * the scheduler's events — goroutines created, started, blocked (with Go's block kinds: channel
     * send/receive, select, sync, sleep, network), unblocked and ended; Ps started and stopped;
     * syscalls and the Ps retaken from them; stop-the-world and GOMAXPROCS — go to {@code out} in
     * <b>Go 1.19's trace format</b>, so {@code go tool trace FILE} (Go 1.19 or newer) shows this
     * program's timeline per P, its goroutine analysis and its scheduler-latency profile, and
     * {@code ./jgort trace FILE} shows it without Go. Events carry no stack traces. The trace may start
     * and stop at any time (the world is not stopped); goroutines that exist already appear at their
     * first event. {@code out} is written by a background thread and never closed by the runtime.
     *
     * @throws IllegalStateException if a trace is already running on this runtime
     */
    void startTrace(java.io.OutputStream out);

    /**
     * Stops the trace ({@code runtime/trace.Stop}) and returns once all of it has been written to the
     * stream and flushed. {@link #close()} stops a running trace too.
     *
     * @throws IllegalStateException     if no trace is running
     * @throws java.io.UncheckedIOException if writing the trace failed (it is stopped anyway)
     */
    void stopTrace();

    /** The configuration this runtime was started with. */
    RuntimeConfig config();

    /**
     * Stops accepting new goroutines from outside the runtime, waits until every goroutine has ended
     * (goroutines may still start goroutines meanwhile), then stops the Ms.
     *
     * <p>When it throws, the runtime is still closed and nothing of it is left running: the failure
     * (the deadlock report, or the fatal error) is captured first, then every remaining goroutine is
     * interrupted as by {@link #shutdownNow()} and waited for (up to 5 s), the Ms are stopped, and
     * only then is the exception thrown. A goroutine that ignores its interrupt and parks again is
     * left parked and named in an exception {@linkplain Throwable#getSuppressed() suppressed} by the
     * thrown one.
     *
     * @throws DeadlockException    if every remaining goroutine stays asleep with nothing to wake it,
     *                              with no goroutine running in between, for the configured grace period
     *                              ({@link RuntimeConfig#withDeadlockGrace}); its report shows them as
     *                              they were stuck
     * @throws IllegalStateException if the runtime was stopped by a fatal error (the cause)
     */
    @Override
    void close();

    /** Interrupts every goroutine, then {@link #close()}s. */
    void shutdownNow();

    /** Whether {@link #close()} or {@link #shutdownNow()} has begun. */
    boolean isClosed();
}
