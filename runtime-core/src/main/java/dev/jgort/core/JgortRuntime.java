package dev.jgort.core;

import dev.jgort.api.DeadlockException;
import dev.jgort.api.GoRuntime;
import dev.jgort.api.Goroutine;
import dev.jgort.api.RuntimeConfig;
import dev.jgort.api.RuntimeStats;
import dev.jgort.api.WorldStop;
import dev.jgort.spi.ExtraMs;
import dev.jgort.spi.ThreadBackend;

import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import java.util.function.LongUnaryOperator;

/** The {@link GoRuntime} of runtime-core: the public face of one {@link Sched}. */
final class JgortRuntime implements GoRuntime {
    private static final long CLOSE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long M_EXIT_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long REAP_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

    private final RuntimeConfig config;
    final Sched sched;
    private final ThreadFactory threadFactory = this::newThread;
    /** Set once close() or shutdownNow() began: no new goroutines from outside. */
    private volatile boolean closed;
    /** Serializes closers: a second close() waits for the first. */
    private final Object closeLock = new Object();
    /** dev.jgort:type=GoRuntime,id=N while open (registered in the background); null with -Djgort.jmx=false. */
    private final RuntimeMBean mbean;
    /**
     * This runtime's callback entry points, handed out only by {@link JgortProvider#extraMs} (an SPI
     * route), not by implementing {@link ExtraMs} here: see {@link ExtraMs} for why.
     */
    final ExtraMs extraMs = new Callbacks();

    JgortRuntime(RuntimeConfig config, ThreadBackend backend) {
        this.config = Objects.requireNonNull(config, "config");
        VThreads.startPollers(); // from this platform thread, so the JDK's pollers never run on us
        this.sched = new Sched(this, config, backend);
        sched.sysmon.start();
        sched.tracer.startAutomatic();
        this.mbean = RuntimeMBean.registerLater(this, sched.runtimeId);
        JfrEvents.opened(sched);
    }

    // ---- goroutines -----------------------------------------------------------------------------

    @Override
    public Goroutine go(Runnable task) {
        return go(null, task);
    }

    /**
     * Go's {@code newproc}. Like every Go function call, it is also a preemption point: a calling
     * goroutine that sysmon has flagged yields first (Go preempts it in newproc's stack-check
     * prologue). Without this, a goroutine spawning in a long loop would ignore the flag until sysmon
     * took its P, and every goroutine it started after that would go through the global queue's lock.
     */
    @Override
    public Goroutine go(String name, Runnable task) {
        G caller = JgortProvider.currentG();
        boolean ours = caller != null && caller.sched == sched;
        if (ours) caller.checkPreempt();
        G gp = newG(name, task, ours ? caller.goid : 0);
        gp.thread.start();
        return gp;
    }

    private Thread newThread(Runnable task) {
        return newG(null, task, sched.callerGoid()).thread;
    }

    private G newG(String name, Runnable task, long parentGoid) {
        Objects.requireNonNull(task, "task");
        RuntimeException f = sched.fatal;
        if (f != null) {
            throw new IllegalStateException("jgort runtime stopped by a fatal error: " + f.getMessage(), f);
        }
        if (closed && !callerIsOurGoroutine()) {
            throw new RejectedExecutionException("jgort runtime is closed: it accepts no new goroutines from "
                    + "outside (its own goroutines may still start more until all have ended)");
        }
        G gp = new G(sched, sched.newGoid(), parentGoid, name, task);
        if (sched.creationSites != null) sched.creationSites.record(gp);
        return gp;
    }

    private boolean callerIsOurGoroutine() {
        G g = JgortProvider.currentG();
        return g != null && g.sched == sched;
    }

    @Override
    public ThreadFactory threadFactory() {
        return threadFactory;
    }

    /** A new thread-per-task executor over {@link #threadFactory()} at each call. */
    @Override
    public ExecutorService executor() {
        return Executors.newThreadPerTaskExecutor(threadFactory);
    }

    // ---- GOMAXPROCS, stats, traces ----------------------------------------------------------------

    @Override
    public int maxProcs() {
        return sched.gomaxprocs;
    }

    @Override
    public int setMaxProcs(int n) {
        int old = sched.gomaxprocs;
        if (n <= 0 || n == old) return old;
        if (n > RuntimeConfig.MAX_PROCS_LIMIT) {
            throw new IllegalArgumentException("setMaxProcs(" + n + ") is out of range: use 1.."
                    + RuntimeConfig.MAX_PROCS_LIMIT + " (n <= 0 only reads)");
        }
        return sched.world.setMaxProcs(n);
    }

    @Override
    public void forEachP(IntConsumer fn) {
        Objects.requireNonNull(fn, "fn");
        sched.world.forEachP(fn);
    }

    @Override
    public WorldStop stopTheWorld(String reason) {
        Objects.requireNonNull(reason, "reason");
        sched.world.stopTheWorld(reason);
        AtomicBoolean started = new AtomicBoolean();
        return new WorldStop() {
            @Override
            public String reason() {
                return reason;
            }

            @Override
            public void close() {
                if (started.compareAndSet(false, true)) sched.world.startTheWorld();
            }
        };
    }

    @Override
    public RuntimeStats stats() {
        return SchedTrace.stats(sched);
    }

    @Override
    public String schedTrace(boolean detail) {
        return SchedTrace.format(sched, detail);
    }

    @Override
    public java.util.SortedMap<String, Object> metrics() {
        return Metrics.read(sched);
    }

    @Override
    public String dumpGoroutines() {
        return GoroutineDump.toString(sched);
    }

    @Override
    public void dumpGoroutines(java.io.Writer out) throws java.io.IOException {
        GoroutineDump.write(sched, Objects.requireNonNull(out, "out"));
    }

    @Override
    public void startTrace(java.io.OutputStream out) {
        Objects.requireNonNull(out, "out");
        sched.tracer.start(out);
    }

    @Override
    public void stopTrace() {
        sched.tracer.stop();
    }

    @Override
    public RuntimeConfig config() {
        return config;
    }

    // ---- close ----------------------------------------------------------------------------------

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        G self = JgortProvider.currentG();
        if (self != null && self.sched == sched) {
            throw new IllegalStateException("close() called from goroutine " + self.goid
                    + " of this runtime would wait for itself: call it from outside the runtime");
        }
        closed = true;
        synchronized (closeLock) {
            RuntimeException failure;
            try {
                failure = awaitGoroutines();
                sched.stopIdleMs();
                awaitMExit();
            } finally {
                JfrEvents.closed(sched);
                sched.tracer.stopAtClose();
                if (mbean != null) mbean.unregister(); // idempotent: a second close finds it ended
            }
            if (failure != null) throw failure;
        }
    }

    @Override
    public void shutdownNow() {
        closed = true;
        interruptAll();
        for (M mp : sched.allmSnapshot()) {
            G gp = mp.curg;
            if (gp != null && !gp.isStandIn()) gp.thread.interrupt(); // a callback's G has no thread to interrupt
        }
        close();
    }

    /**
     * Waits until every goroutine has ended. Goroutine exits unpark us; the timed park bounds how
     * late we notice a deadlock or a fatal error.
     *
     * <p>On a deadlock or a fatal error the failure is captured first (the deadlock report shows the
     * goroutines as they were stuck), then every goroutine is interrupted, as {@code shutdownNow} does,
     * and waited for (bounded): the failure is returned to be thrown once the Ms have stopped too, so
     * that a caller whose {@code close()} throws (try-with-resources keeps no handle) is left with
     * nothing running. A goroutine still there after the bound (it ignored its interrupt) is named in
     * a suppressed exception.
     *
     * @return null once every goroutine has ended, else the deadlock or fatal error to throw
     */
    private RuntimeException awaitGoroutines() {
        Deadlock deadlock = new Deadlock(sched, config.deadlockGrace().toNanos());
        boolean interrupted = false;
        RuntimeException failure = null;
        sched.closeWaiter = Thread.currentThread();
        sched.closing = true;
        try {
            while (sched.numGoroutine() > 0 && failure == null) {
                RuntimeException f = sched.fatal;
                if (f != null) {
                    failure = new IllegalStateException("jgort runtime stopped by a fatal error with "
                            + sched.numGoroutine() + " goroutines left: " + f.getMessage(), f);
                } else if (deadlock.look(System.nanoTime())) {
                    DeadlockException d = Deadlock.exception(sched);
                    JfrEvents.deadlock(sched, d);
                    failure = d;
                } else {
                    LockSupport.parkNanos(this, CLOSE_POLL_NANOS);
                    if (Thread.interrupted() && !interrupted) {
                        // Like ExecutorService.close(): an interrupted closer stops everything, still waits.
                        interrupted = true;
                        interruptAll();
                    }
                }
            }
            if (failure != null) stopStranded(failure);
            return failure;
        } finally {
            sched.closeWaiter = null;
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** Interrupts every goroutine and waits (bounded) until all have ended; who would not is told in {@code failure}. */
    private void stopStranded(RuntimeException failure) {
        interruptAll();
        long deadline = System.nanoTime() + M_EXIT_WAIT_NANOS;
        while (sched.numGoroutine() > 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(this, CLOSE_POLL_NANOS);
        }
        int left = sched.numGoroutine();
        if (left > 0) {
            failure.addSuppressed(new IllegalStateException(left + " goroutine(s) did not end within "
                    + TimeUnit.NANOSECONDS.toSeconds(M_EXIT_WAIT_NANOS) + " s of being interrupted (they ignore"
                    + " interrupts) and stay parked:\n" + Deadlock.report(sched)));
        }
    }

    /** Interrupts every goroutine's thread, and (through {@code interruptAll}) every goroutine that runs from now on. */
    private void interruptAll() {
        sched.interruptAll = true;
        sched.forEachG(gp -> gp.thread.interrupt());
    }

    private int liveMs() {
        sched.lock.lock();
        try {
            return sched.mcount();
        } finally {
            sched.lock.unlock();
        }
    }

    /** Waits (bounded) for the Ms to exit after {@link Sched#stopIdleMs()}. */
    private void awaitMExit() {
        long deadline = System.nanoTime() + M_EXIT_WAIT_NANOS;
        sched.closeWaiter = Thread.currentThread();
        try {
            while (liveMs() > 0 && System.nanoTime() - deadline < 0) {
                sched.stopIdleMs(); // Ms that went idle after the first call
                LockSupport.parkNanos(this, CLOSE_POLL_NANOS);
            }
            // Release what the backend holds for the exited Ms (native threads' stacks) once they ended.
            while (!sched.freeExitedMs() && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(this, REAP_POLL_NANOS); // the threads are returning from mstart
            }
        } finally {
            sched.closeWaiter = null;
        }
    }

    /** {@link ExtraMs} for this runtime: Go's {@code cgocallback}, {@code needm} and {@code dropm} in {@link CgoCallbacks}. */
    private final class Callbacks implements ExtraMs {
        @Override
        public long callback(LongUnaryOperator fn, long arg) {
            return sched.callbacks.cgocallback(fn, arg);
        }

        @Override
        public long bindCurrentThread() {
            return sched.callbacks.bindCurrentThread();
        }

        @Override
        public void dropm() {
            sched.callbacks.dropmCurrent();
        }

        @Override
        public long currentMId() {
            return sched.currentMId();
        }

        @Override
        public String toString() {
            return "extra Ms of " + JgortRuntime.this;
        }
    }

    @Override
    public String toString() {
        return "jgort runtime " + sched.runtimeId + " [maxProcs=" + sched.gomaxprocs + ", backend="
                + sched.backend.name() + (closed ? ", closed" : "") + "]";
    }
}
