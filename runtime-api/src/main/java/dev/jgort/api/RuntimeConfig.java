package dev.jgort.api;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * An immutable runtime configuration. Start from {@link #defaults()} (which reads the environment
 * the way Go does) and change what you need with the {@code with...} methods.
 *
 * <p>Settings read from the environment:
 * <ul>
 *   <li>{@code GOMAXPROCS} (environment) and {@code jgort.maxprocs} (system property, wins): the number
 *       of Ps, 1..1024. Default: {@link Runtime#availableProcessors()}.
 *   <li>{@code GODEBUG} (environment) and {@code jgort.debug} (system property, wins): a comma-separated
 *       list of {@code key=value}; jgort reads {@code schedtrace=N} (print {@link GoRuntime#schedTrace}
 *       every N ms to stderr) and {@code scheddetail=1}. Other keys are left to other tools, as Go does.
 * </ul>
 * and the system properties {@code jgort.backend}, {@code jgort.nativewatch} and {@code jgort.creationsites}.
 * A malformed value is an {@link IllegalArgumentException} that names the variable and the value:
 * Go ignores such values silently, jgort does not.
 */
public final class RuntimeConfig {

    /** The largest GOMAXPROCS jgort accepts. */
    public static final int MAX_PROCS_LIMIT = 1024;
    /** Go's default {@code maxmcount}. */
    public static final int DEFAULT_MAX_THREADS = 10_000;
    /** How long every goroutine must be asleep, with none running in between, before a deadlock is reported. */
    public static final Duration DEFAULT_DEADLOCK_GRACE = Duration.ofSeconds(1);
    /** How long an idle M with nothing to do waits before it exits. */
    public static final Duration DEFAULT_IDLE_THREAD_TIMEOUT = Duration.ofSeconds(10);
    /** How many Ms may run a goroutine without a P after sysmon took it from them. */
    public static final int DEFAULT_MAX_OVERSUBSCRIPTION = 64;

    private final int maxProcs;
    private final String backend;
    private final long schedTraceMillis;
    private final boolean schedDetail;
    private final int maxThreads;
    private final Duration deadlockGrace;
    private final Duration idleThreadTimeout;
    private final int maxOversubscription;
    private final String nativeCallWatch;
    /** Continuous deadlock detection's handler; null when it is off. */
    private final Consumer<? super DeadlockException> deadlockHandler;
    /** Whether each goroutine's creation site is recorded (off by default). */
    private final boolean creationSites;

    private RuntimeConfig(int maxProcs, String backend, long schedTraceMillis, boolean schedDetail,
                          int maxThreads, Duration deadlockGrace, Duration idleThreadTimeout,
                          int maxOversubscription, String nativeCallWatch,
                          Consumer<? super DeadlockException> deadlockHandler, boolean creationSites) {
        this.maxProcs = maxProcs;
        this.backend = backend;
        this.schedTraceMillis = schedTraceMillis;
        this.schedDetail = schedDetail;
        this.maxThreads = maxThreads;
        this.deadlockGrace = deadlockGrace;
        this.idleThreadTimeout = idleThreadTimeout;
        this.maxOversubscription = maxOversubscription;
        this.nativeCallWatch = nativeCallWatch;
        this.deadlockHandler = deadlockHandler;
        this.creationSites = creationSites;
    }

    /**
     * The defaults, honouring {@code GOMAXPROCS} / {@code GODEBUG} and the system properties
     * {@code jgort.maxprocs} / {@code jgort.debug} (which win), and {@code jgort.backend}
     * ({@code auto}, {@code java} or {@code native}).
     *
     * @throws IllegalArgumentException if one of them is malformed
     */
    public static RuntimeConfig defaults() {
        return fromEnvironment(System.getenv(), System.getProperties());
    }

    /**
     * Like {@link #defaults()}, reading the given environment and properties instead of the process's.
     */
    public static RuntimeConfig fromEnvironment(Map<String, String> env, Map<?, ?> properties) {
        RuntimeConfig c = new RuntimeConfig(Runtime.getRuntime().availableProcessors(), "auto", 0, false,
                DEFAULT_MAX_THREADS, DEFAULT_DEADLOCK_GRACE, DEFAULT_IDLE_THREAD_TIMEOUT, DEFAULT_MAX_OVERSUBSCRIPTION, "auto", null, false);
        c = c.withMaxProcs(Math.min(c.maxProcs, MAX_PROCS_LIMIT));
        c = applyMaxProcs(c, "environment variable GOMAXPROCS", env.get("GOMAXPROCS"));
        c = applyMaxProcs(c, "system property jgort.maxprocs", stringOrNull(properties.get("jgort.maxprocs")));
        c = applyDebug(c, "environment variable GODEBUG", env.get("GODEBUG"));
        c = applyDebug(c, "system property jgort.debug", stringOrNull(properties.get("jgort.debug")));
        String backend = stringOrNull(properties.get("jgort.backend"));
        if (backend != null) {
            try {
                c = c.withBackend(backend.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("system property jgort.backend=\"" + backend
                        + "\" is unknown: set it to auto, java or native, or unset it", e);
            }
        }
        String watch = stringOrNull(properties.get("jgort.nativewatch"));
        if (watch != null) {
            try {
                c = c.withNativeCallWatch(watch.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("system property jgort.nativewatch=\"" + watch
                        + "\" is unknown: set it to auto, threadstate or heuristic, or unset it", e);
            }
        }
        String sites = stringOrNull(properties.get("jgort.creationsites"));
        if (sites != null) {
            String v = sites.trim();
            if (!v.equals("true") && !v.equals("false")) {
                throw new IllegalArgumentException("system property jgort.creationsites=\"" + sites
                        + "\" is neither true nor false: set it to one of them, or unset it");
            }
            c = c.withCreationSites(v.equals("true"));
        }
        return c;
    }

    private static String stringOrNull(Object o) {
        return o == null ? null : o.toString();
    }

    private static RuntimeConfig applyMaxProcs(RuntimeConfig c, String source, String value) {
        if (value == null) return c;
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + "=\"" + value + "\" is not a number: set it to an integer in 1.."
                    + MAX_PROCS_LIMIT + " or unset it");
        }
        if (n < 1 || n > MAX_PROCS_LIMIT) {
            throw new IllegalArgumentException(source + "=\"" + value + "\" is out of range: set it to an integer in 1.."
                    + MAX_PROCS_LIMIT + " or unset it");
        }
        return c.withMaxProcs(n);
    }

    private static RuntimeConfig applyDebug(RuntimeConfig c, String source, String value) {
        if (value == null || value.isBlank()) return c;
        long trace = c.schedTraceMillis;
        boolean detail = c.schedDetail;
        for (String item : value.split(",")) {
            if (item.isBlank()) continue;
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(source + "=\"" + value + "\" is malformed at \"" + item
                        + "\": expected a comma-separated list of key=value, e.g. schedtrace=1000,scheddetail=1");
            }
            String key = item.substring(0, eq).trim();
            String v = item.substring(eq + 1).trim();
            switch (key) {
                case "schedtrace" -> {
                    try {
                        trace = Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        trace = -1;
                    }
                    if (trace < 0) {
                        throw new IllegalArgumentException(source + "=\"" + value + "\": schedtrace=" + v
                                + " is not a number of milliseconds >= 0 (0 turns it off)");
                    }
                }
                case "scheddetail" -> {
                    if (!v.equals("0") && !v.equals("1")) {
                        throw new IllegalArgumentException(source + "=\"" + value + "\": scheddetail=" + v
                                + " must be 0 or 1");
                    }
                    detail = v.equals("1");
                }
                default -> { /* another tool's key: Go ignores it, and so do we */ }
            }
        }
        return c.withSchedTrace(trace, detail);
    }

    /** GOMAXPROCS: the number of Ps, 1..{@value #MAX_PROCS_LIMIT}. */
    public RuntimeConfig withMaxProcs(int n) {
        if (n < 1 || n > MAX_PROCS_LIMIT) {
            throw new IllegalArgumentException("maxProcs " + n + " is out of range: use 1.." + MAX_PROCS_LIMIT);
        }
        return new RuntimeConfig(n, backend, schedTraceMillis, schedDetail, maxThreads, deadlockGrace,
                idleThreadTimeout, maxOversubscription, nativeCallWatch, deadlockHandler, creationSites);
    }

    /**
     * The thread backend for Ms: {@code "auto"} (native where its library loads, else Java),
     * {@code "java"} (platform threads) or {@code "native"} (threads made by the JNI backend).
     */
    public RuntimeConfig withBackend(String name) {
        Objects.requireNonNull(name, "backend");
        if (!name.equals("auto") && !name.equals("java") && !name.equals("native")) {
            throw new IllegalArgumentException("backend \"" + name + "\" is unknown: use \"auto\", \"java\" or \"native\"");
        }
        return new RuntimeConfig(maxProcs, name, schedTraceMillis, schedDetail, maxThreads, deadlockGrace,
                idleThreadTimeout, maxOversubscription, nativeCallWatch, deadlockHandler, creationSites);
    }

    /**
     * Print {@link GoRuntime#schedTrace(boolean)} to stderr every {@code millis} ms (0: never), like
     * {@code GODEBUG=schedtrace=N,scheddetail=1}.
     */
    public RuntimeConfig withSchedTrace(long millis, boolean detail) {
        if (millis < 0) {
            throw new IllegalArgumentException("schedtrace period " + millis + " ms is negative: use 0 (off) or more");
        }
        return new RuntimeConfig(maxProcs, backend, millis, detail, maxThreads, deadlockGrace,
                idleThreadTimeout, maxOversubscription, nativeCallWatch, deadlockHandler, creationSites);
    }

    /** Go's {@code debug.SetMaxThreads}: the most Ms the runtime may create ({@code maxmcount}). */
    public RuntimeConfig withMaxThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("maxThreads " + n + " is too small: use 1 or more (default "
                    + DEFAULT_MAX_THREADS + ")");
        }
        return new RuntimeConfig(maxProcs, backend, schedTraceMillis, schedDetail, n, deadlockGrace,
                idleThreadTimeout, maxOversubscription, nativeCallWatch, deadlockHandler, creationSites);
    }

    /**
     * How long {@code close()} (and continuous detection, {@link #withDeadlockDetection}) must see every
     * goroutine asleep, with no goroutine running or created in between, before it reports a deadlock.
     */
    public RuntimeConfig withDeadlockGrace(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("deadlock grace " + grace + " is negative");
        }
        return new RuntimeConfig(maxProcs, backend, schedTraceMillis, schedDetail, maxThreads, grace,
                idleThreadTimeout, maxOversubscription, nativeCallWatch, deadlockHandler, creationSites);
    }

    /**
     * Continuous deadlock detection (off by default), Go's {@code checkdead} without the crash: when
     * every goroutine has been asleep for the grace period ({@link #withDeadlockGrace}) with none
     * running in between, {@code handler} gets the report once (on a thread of its own; the
     * goroutines are left as they are, the JVM lives on); it gets the next one only after some
     * goroutine ran again. {@link #LOG_DEADLOCK} writes a {@link System.Logger} warning with the
     * report. {@code null} turns it off. {@code close()} checks for deadlocks either way.
     */
    public RuntimeConfig withDeadlockDetection(Consumer<? super DeadlockException> handler) {
        return new RuntimeConfig(maxProcs, backend, schedTraceMillis, schedDetail, maxThreads, deadlockGrace,
                idleThreadTimeout, maxOversubscription, nativeCallWatch, handler, creationSites);
    }

    /** The handler of {@link #withDeadlockDetection}: a warning through {@code System.getLogger("dev.jgort")}. */
    public static final Consumer<DeadlockException> LOG_DEADLOCK = new Consumer<>() {
        @Override
        public void accept(DeadlockException e) {
            System.getLogger("dev.jgort").log(System.Logger.Level.WARNING, "jgort: " + e.getMessage());
        }

        @Override
        public String toString() {
            return "LOG_DEADLOCK";
        }
    };

    /** How long an idle M waits for work before it exits (its record goes through the free-M list). */
    public RuntimeConfig withIdleThreadTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("idle thread timeout " + timeout + " must be positive");
        }
        return new RuntimeConfig(maxProcs, backend, schedTraceMillis, schedDetail, maxThreads, deadlockGrace,
                timeout, maxOversubscription, nativeCallWatch, deadlockHandler, creationSites);
    }

    /**
     * Sysmon takes the P of a goroutine that keeps it without a scheduling point — parked while pinned,
     * running for 20 ms while ignoring preemption, or (with the {@code "heuristic"} native-call watch)
     * seemingly blocked in a native call — and hands it to another M; that goroutine then runs on
     * without a P (the OS time-slices the extra thread) until its next scheduling point. This bounds
     * how many such Ms there may be at once (default {@value #DEFAULT_MAX_OVERSUBSCRIPTION}; 0 turns
     * that hand-off off). A P retaken from a goroutine the native-call watch sees in native code is
     * not bounded: Go retakes every cgo call's P the same way (see {@link #withNativeCallWatch}).
     */
    public RuntimeConfig withMaxOversubscription(int n) {
        if (n < 0) throw new IllegalArgumentException("maxOversubscription " + n + " is negative: use 0 (off) or more");
        return new RuntimeConfig(maxProcs, backend, schedTraceMillis, schedDetail, maxThreads, deadlockGrace,
                idleThreadTimeout, n, nativeCallWatch, deadlockHandler, creationSites);
    }

    /**
     * How sysmon sees a goroutine stuck in a native call made without {@code Go.syscall} (a JNI method,
     * an FFM downcall, a JDK native such as {@code FileInputStream.read}):
     * <ul>
     *   <li>{@code "auto"} (the default): from the VM's own state of the carrier thread where it can be
     *       read (HotSpot, with runtime-jni and its native library), so the P is handed off after one
     *       sysmon tick as Go does for every cgo call; elsewhere as {@code "heuristic"}, with one log
     *       line saying why;
     *   <li>{@code "threadstate"}: the VM's thread state, or {@code GoRuntime.start} fails saying why not;
     *   <li>{@code "heuristic"}: the carrier's CPU time staying flat for ~10 ms.
     * </ul>
     * Also the system property {@code jgort.nativewatch}.
     */
    public RuntimeConfig withNativeCallWatch(String watch) {
        Objects.requireNonNull(watch, "watch");
        if (!watch.equals("auto") && !watch.equals("threadstate") && !watch.equals("heuristic")) {
            throw new IllegalArgumentException("native-call watch \"" + watch
                    + "\" is unknown: use \"auto\", \"threadstate\" or \"heuristic\"");
        }
        return new RuntimeConfig(maxProcs, backend, schedTraceMillis, schedDetail, maxThreads, deadlockGrace,
                idleThreadTimeout, maxOversubscription, watch, deadlockHandler, creationSites);
    }

    /**
     * Records where each goroutine was created — the first frame of its creator's stack outside the
     * JDK and jgort: the caller of {@code go}, of the thread factory's {@code newThread}, or of
     * {@code Thread.start} for a virtual thread started inside a goroutine — for the goroutine dump's
     * {@code created by} line (Go prints the function and line of the {@code go} statement) and the
     * execution trace's {@code GoCreate} stack. Go records that site always, as one program counter; on
     * the JVM it takes a stack walk of a few microseconds per goroutine started, so it is off by
     * default (then {@code created by} names jgort's entry point). Also the system property
     * {@code jgort.creationsites=true}.
     */
    public RuntimeConfig withCreationSites(boolean record) {
        return new RuntimeConfig(maxProcs, backend, schedTraceMillis, schedDetail, maxThreads, deadlockGrace,
                idleThreadTimeout, maxOversubscription, nativeCallWatch, deadlockHandler, record);
    }

    public int maxProcs() { return maxProcs; }
    /** Whether goroutines' creation sites are recorded ({@link #withCreationSites}). */
    public boolean creationSites() { return creationSites; }
    public String nativeCallWatch() { return nativeCallWatch; }
    public int maxOversubscription() { return maxOversubscription; }
    public String backend() { return backend; }
    public long schedTraceMillis() { return schedTraceMillis; }
    public boolean schedDetail() { return schedDetail; }
    public int maxThreads() { return maxThreads; }
    public Duration deadlockGrace() { return deadlockGrace; }
    public Duration idleThreadTimeout() { return idleThreadTimeout; }
    /** Continuous deadlock detection's handler, or null when it is off (the default). */
    public Consumer<? super DeadlockException> deadlockHandler() { return deadlockHandler; }

    @Override
    public String toString() {
        return "RuntimeConfig[maxProcs=" + maxProcs + ", backend=" + backend + ", schedtrace=" + schedTraceMillis
                + ", scheddetail=" + schedDetail + ", maxThreads=" + maxThreads + ", deadlockGrace=" + deadlockGrace
                + ", idleThreadTimeout=" + idleThreadTimeout + ", maxOversubscription=" + maxOversubscription
                + ", nativeCallWatch=" + nativeCallWatch + (creationSites ? ", creationSites=true" : "") + (deadlockHandler == null ? "" : ", deadlockDetection=" + deadlockHandler) + "]";
    }
}
