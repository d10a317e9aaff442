package dev.jgort.core;

import dev.jgort.core.trace.TraceEncoder;
import dev.jgort.core.trace.TraceFormat;
import dev.jgort.spi.WaitReason;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.concurrent.locks.LockSupport;

import static dev.jgort.core.trace.TraceFormat.*;

/**
 * Go's execution tracer ({@code runtime/trace}): scheduler events written in Go's own trace format,
 * version 1.19 ({@link TraceFormat}), so that {@code go tool trace} shows a jgort program's Ps,
 * goroutines, blocking, system calls and scheduler latency as it shows a Go program's.
 *
 * <h2>Cost</h2>
 * Every hook in the scheduler is {@code if (sched.tracing) tracer.x(...)}: one volatile read (a plain
 * load on x86) and a branch that is never taken while no trace runs. While one runs an event costs a
 * clock read, an uncontended monitor on its buffer, a CAS on the goroutine's trace word and a few
 * varint bytes.
 *
 * <h2>Buffers</h2>
 * One {@link Buf} per P id, and one for events that happen without a P ({@link TraceFormat#GLOBAL_P}:
 * JDK timer and poller threads, platform threads, sysmon, a goroutine whose P was taken). Each is an
 * encoder of Go's batches guarded by the buffer's monitor; its full batches go to a writer thread,
 * in order, through an unbounded queue (as Go's full-buffer list is unbounded: the program never
 * waits for the output, and a slow output only costs memory). Events about P {@code x} — its
 * {@code ProcStart}/{@code ProcStop} and the goroutines it starts and stops — always go into
 * {@code x}'s buffer, whoever writes them (sysmon writes {@code GoSysBlock} + {@code ProcStop} into the
 * P it retakes, as Go's retake does); an event one goroutine causes to another (an unblock) goes into
 * the buffer of the P the causing thread holds. Timestamps ({@code System.nanoTime}, 1 tick = 1 ns) are
 * taken inside the buffer's monitor, so they never decrease within a batch.
 *
 * <h2>A goroutine's trace state, and why the trace always parses</h2>
 * Go's parser merges the Ps' batches by each goroutine's sequence number and checks every transition
 * (only a runnable G starts, only a waiting G is unblocked, a P runs one G at a time, a P stops with
 * none running) and then that the merged order has non-decreasing timestamps. jgort keeps, per G, the
 * trace's view of it in one word ({@link G#traceWord}: epoch, state, the P it runs on, sequence) and
 * every hook moves it by CAS from what it finds to what the scheduler just did, writing the events of
 * that move. A hook that finds the trace's view behind (the trace started mid-run, a path without a
 * hook) writes the events that bring it up to date first — a goroutine first seen waiting gets
 * {@code GoCreate} + {@code GoWaiting}, one seen running on a P that starts another gets a
 * {@code GoSched} there — and counts it in {@link #catchUps}; so a trace can be started and stopped at any
 * time without stopping the world. The clock is read after the word and before the CAS (a failed CAS
 * retries with a new reading), so a move that read another's result has a later timestamp: merged
 * order and time order agree.
 *
 * <p>One race needs more. An M learns that its goroutine stopped only after the virtual thread
 * unmounted ({@code execute}), but the goroutine may already have been unparked by then, queued and
 * picked up by another M. The trace must say "blocked" before "unblocked" before "started", with
 * timestamps in that order, so (only while tracing) the M that starts a G waits until the M that ran it
 * last has finished with it ({@code curg} cleared, which execute does after its last trace event), and
 * a ready that finds the G still {@code _Grunning} writes nothing: the old M, whose {@code endRun} CAS
 * then fails, writes the {@code GoUnblock} right after its stop event.
 *
 * <h2>What Go's format cannot say</h2>
 * Its stop-the-world kinds are the GC's: jgort's stops are written as {@code GCSTWStart} kind 0
 * ("mark termination" in {@code go tool trace}). Steals and M creation have no event of their own (a
 * steal shows as a goroutine started on another P than the one that unblocked it; Ms appear as the
 * thread ids of {@code ProcStart}). Events carry no stacks (stack id 0): a Java stack walk costs
 * microseconds, far above the per-event budget. The one exception is {@code GoCreate} where the
 * runtime records creation sites ({@code RuntimeConfig.withCreationSites}): the walk was made at the
 * creation anyway, and its one frame becomes a stack of the trace's table ({@link #goCreate}).
 */
final class Tracer {
    // G.traceWord: [epoch:12][state:3][pid+1:13][seq:36]. A word of another epoch reads as ABSENT.
    static final int ABSENT = 0, RUNNABLE = 1, RUNNING = 2, WAITING = 3, SYSWAIT = 4, DEAD = 5;
    private static final int SEQ_BITS = 36, PID_BITS = 13, STATE_BITS = 3;
    private static final long SEQ_MASK = (1L << SEQ_BITS) - 1;
    private static final int PID_SHIFT = SEQ_BITS, STATE_SHIFT = SEQ_BITS + PID_BITS,
            EPOCH_SHIFT = SEQ_BITS + PID_BITS + STATE_BITS;
    private static final int EPOCH_MASK = (1 << (64 - EPOCH_SHIFT)) - 1;
    private static final int BATCH_BYTES = 32 * 1024;

    private final Sched sched;
    /** The trace session; written by start under {@link #control} before {@code sched.tracing} is set. */
    private volatile int epoch;
    /** Per P id; replaced (grown) under {@link #control} and under the world stop of procresize. */
    private volatile Buf[] bufs = new Buf[0];
    private final Buf global = new Buf(GLOBAL_P);
    private final Object control = new Object();
    // Guarded by control:
    private Thread writerThread;
    private LinkedBlockingQueue<byte[]> queue;
    private volatile IOException writeError;

    /**
     * {@code -Djgort.trace.dir=DIR}: every runtime traces itself from its start until its close (or a
     * {@code startTrace} of the program's own, which ends this one first) into
     * {@code DIR/jgort-<pid>-<runtime id>.trace}, written as {@code .trace.part} and renamed when done,
     * so a complete file is a complete trace. How the test suite runs once with tracing on.
     */
    static final String DIR_PROPERTY = "jgort.trace.dir";
    private java.nio.file.Path autoFile; // guarded by control: the .part file of the automatic trace
    private OutputStream autoOut;

    /**
     * This trace's stack table, for creation sites ({@link CreationSites}): one-frame stacks by site,
     * and their strings, each written into the stream (EvStack, EvString) by whoever interns it first,
     * into the buffer it holds. Replaced by {@link #start} before {@code sched.tracing} is set.
     */
    private volatile ConcurrentHashMap<StackTraceElement, Long> stackIds = new ConcurrentHashMap<>();
    private volatile ConcurrentHashMap<String, Long> stringIds = new ConcurrentHashMap<>();
    private final AtomicLong nextTableId = new AtomicLong();

    /** Hooks that found the trace's view behind and wrote the catching-up events first. */
    final LongAdder catchUps = new LongAdder();
    /** Events written in this runtime's traces. */
    final LongAdder events = new LongAdder();

    Tracer(Sched sched) {
        this.sched = sched;
    }

    /**
     * One P's (or the global) buffer. Guarded by its monitor: the encoder, {@code open}, and the trace's
     * view of the P ({@code running}: a {@code ProcStart} without its {@code ProcStop}; {@code curg}: the G
     * the trace shows running on it).
     */
    private final class Buf {
        final int pid;
        final TraceEncoder enc;
        boolean open;
        boolean running;
        G curg;
        /** The global buffer only: a {@code GCSTWStart} without its {@code GCSTWDone}. */
        boolean stw;

        Buf(int pid) {
            this.pid = pid;
            this.enc = new TraceEncoder(pid, BATCH_BYTES + 256);
        }

        /** Must hold the monitor: a clock reading no earlier than this buffer's last. */
        long now() {
            return System.nanoTime();
        }

        /** Must hold the monitor, after an event: hands a full batch to the writer. */
        void written() {
            events.increment();
            if (enc.size() >= BATCH_BYTES) queue.add(enc.take());
        }
    }

    // =================================================================================================
    // Start and stop
    // =================================================================================================

    /** The runtime started: the automatic trace of {@link #DIR_PROPERTY}, if it is set. */
    void startAutomatic() {
        String dir = System.getProperty(DIR_PROPERTY);
        if (dir == null || dir.isEmpty()) return;
        java.nio.file.Path part = java.nio.file.Path.of(dir, "jgort-" + ProcessHandle.current().pid() + "-"
                + sched.runtimeId + ".trace.part");
        try {
            java.nio.file.Files.createDirectories(part.getParent());
            OutputStream out = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(part), 1 << 16);
            synchronized (control) {
                start(out);
                autoFile = part;
                autoOut = out;
            }
        } catch (IOException e) { // the runtime runs on untraced: a trace is never worth failing a program for
            System.getLogger("dev.jgort").log(System.Logger.Level.WARNING, "jgort: cannot write the trace that -D"
                    + DIR_PROPERTY + "=" + dir + " asks for (" + e + "); this runtime runs untraced. Fix the"
                    + " directory, or drop the property.");
        }
    }

    /** Starts a trace into {@code out}. */
    void start(OutputStream out) {
        boolean auto;
        synchronized (control) {
            auto = autoFile != null;
        }
        if (auto) stopAutomatic(); // the program's own trace replaces the automatic one
        synchronized (control) {
            if (sched.tracing || writerThread != null) {
                throw new IllegalStateException("jgort: a trace is already running on this runtime; call stopTrace() first");
            }
            writeError = null;
            stackIds = new ConcurrentHashMap<>();
            stringIds = new ConcurrentHashMap<>();
            LinkedBlockingQueue<byte[]> q = new LinkedBlockingQueue<>();
            queue = q;
            q.add(HEADER.clone());
            int e = (epoch + 1) & EPOCH_MASK;
            if (e == 0) e = 1; // 0 is "never traced": a new G's word
            epoch = e;
            ensureBufs(sched.allp.length);
            for (Buf b : bufs) open(b);
            open(global);
            synchronized (global) {
                global.enc.frequency(1_000_000_000L);
                global.enc.event(EV_GOMAXPROCS, global.now(), sched.gomaxprocs, 0);
                global.written();
            }
            Thread t = new Thread(() -> drain(q, out), "jgort" + sched.runtimeId + "-trace");
            t.setDaemon(true);
            writerThread = t;
            t.start();
            sched.tracing = true;
        }
    }

    /**
     * Stops the trace: later events are dropped, every buffer's last batch is written, and this returns
     * once the writer has written (and flushed) everything.
     *
     * @throws UncheckedIOException if writing the trace failed (the trace is stopped anyway)
     */
    void stop() {
        Thread t;
        LinkedBlockingQueue<byte[]> q;
        synchronized (control) {
            t = writerThread;
            if (t == null) throw new IllegalStateException("jgort: no trace is running on this runtime (startTrace first)");
            sched.tracing = false;
            q = queue;
            for (Buf b : bufs) close(b, q);
            close(global, q);
            q.add(new byte[0]); // the end
            writerThread = null;
        }
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        IOException e = writeError;
        if (e != null) throw new UncheckedIOException("jgort: writing the trace failed: " + e.getMessage(), e);
    }

    /** Ends the automatic trace: stops it, closes its file and gives it its final name. */
    private void stopAutomatic() {
        java.nio.file.Path part;
        OutputStream out;
        synchronized (control) {
            part = autoFile;
            out = autoOut;
            autoFile = null;
            autoOut = null;
        }
        if (part == null) return;
        try (out) {
            stop();
        } catch (IOException | RuntimeException e) {
            System.getLogger("dev.jgort").log(System.Logger.Level.WARNING, "jgort: the trace " + part + " failed: " + e, e);
            return;
        }
        String name = part.getFileName().toString();
        try {
            java.nio.file.Files.move(part, part.resolveSibling(name.substring(0, name.length() - ".part".length())),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            System.getLogger("dev.jgort").log(System.Logger.Level.WARNING, "jgort: cannot rename the trace " + part + ": " + e, e);
        }
    }

    /** close(): stops a running trace; a write error is logged (close has its own outcome to report). */
    void stopAtClose() {
        boolean auto;
        synchronized (control) {
            if (writerThread == null) return;
            auto = autoFile != null;
        }
        if (auto) {
            stopAutomatic();
            return;
        }
        try {
            stop();
        } catch (IllegalStateException e) {
            // stopped by the user meanwhile
        } catch (UncheckedIOException e) {
            System.getLogger("dev.jgort").log(System.Logger.Level.WARNING,
                    "jgort: the runtime closed while tracing, and writing the trace failed: " + e.getMessage(), e);
        }
    }

    private void open(Buf b) {
        synchronized (b) {
            b.open = true;
            b.running = false;
            b.curg = null;
            b.stw = false;
        }
    }

    private static void close(Buf b, LinkedBlockingQueue<byte[]> q) {
        synchronized (b) {
            b.open = false;
            b.curg = null;
            if (b.enc.size() > 0) q.add(b.enc.take());
        }
    }

    private void drain(LinkedBlockingQueue<byte[]> q, OutputStream out) {
        try {
            while (true) {
                byte[] chunk = q.take();
                if (chunk.length == 0) break;
                if (writeError == null) out.write(chunk);
            }
            if (writeError == null) out.flush();
        } catch (IOException e) {
            writeError = e;
        } catch (InterruptedException e) {
            writeError = new IOException("the trace writer was interrupted", e);
        }
    }

    /** Buffers for P ids below {@code n}. Under control, or with the world stopped (procresize). */
    private void ensureBufs(int n) {
        Buf[] bs = bufs;
        if (bs.length >= n) return;
        Buf[] nb = Arrays.copyOf(bs, n);
        for (int i = bs.length; i < n; i++) {
            nb[i] = new Buf(i);
            if (sched.tracing) open(nb[i]);
        }
        bufs = nb;
    }

    /** GOMAXPROCS changed to {@code n}. */
    void procs(int n) {
        Buf b = global;
        synchronized (b) {
            if (!b.open) return;
            b.enc.event(EV_GOMAXPROCS, b.now(), n, 0);
            b.written();
        }
    }

    private Buf buf(P pp) {
        if (pp == null) return global;
        Buf[] bs = bufs;
        if (pp.id < bs.length) return bs[pp.id];
        synchronized (control) { // a P procresize made since the trace started
            ensureBufs(pp.id + 1);
            return bufs[pp.id];
        }
    }

    // =================================================================================================
    // The trace word
    // =================================================================================================

    private static final VarHandle WORD;
    static {
        try {
            WORD = MethodHandles.lookup().findVarHandle(G.class, "traceWord", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private long word(int state, int pid, long seq) {
        return (long) epoch << EPOCH_SHIFT | (long) state << STATE_SHIFT | (long) (pid + 1) << PID_SHIFT | seq & SEQ_MASK;
    }

    private int state(long w) {
        return (int) (w >>> EPOCH_SHIFT) != epoch ? ABSENT : (int) (w >>> STATE_SHIFT) & 7;
    }

    private static int pid(long w) {
        return (int) (w >>> PID_SHIFT & (1 << PID_BITS) - 1) - 1;
    }

    private static long seq(long w) {
        return w & SEQ_MASK;
    }

    // =================================================================================================
    // Hooks (called only while sched.tracing)
    // =================================================================================================

    /** newproc: {@code gp} was just made runnable by a thread holding {@code pp} (or none). */
    void create(P pp, G gp) {
        Buf b = buf(pp);
        synchronized (b) {
            if (!b.open) return;
            long w;
            long t;
            do {
                w = (long) WORD.getVolatile(gp);
                if (state(w) != ABSENT) return;
                t = b.now();
            } while (!WORD.compareAndSet(gp, w, word(RUNNABLE, -1, 1)));
            procStartIfNeeded(b, t);
            goCreate(b, t, gp);
            b.written();
        }
    }

    /**
     * Must hold {@code b}'s monitor: {@code GoCreate} for {@code gp}. With creation sites recorded, both
     * its stacks (the new goroutine's start, and its creator's) are the one frame of its creation site:
     * Go's goroutine analysis then groups goroutines by where they were made (the JVM has no cheap
     * name for a task's body, where Go names the goroutine's function).
     */
    private void goCreate(Buf b, long t, G gp) {
        CreationSites sites = sched.creationSites;
        StackTraceElement site = sites != null ? sites.of(gp) : null;
        long stack = site != null ? siteStack(b, site) : 0;
        b.enc.event(EV_GO_CREATE, t, gp.goid, stack, stack);
    }

    /** Must hold {@code b}'s monitor: the id of the one-frame stack at {@code site}, defined in this trace once. */
    private long siteStack(Buf b, StackTraceElement site) {
        Long id = stackIds.get(site);
        if (id != null) return id;
        return stackIds.computeIfAbsent(site, f -> {
            long sid = nextTableId.incrementAndGet();
            long fn = stringId(b, f.getClassName() + "." + f.getMethodName());
            long file = stringId(b, f.getFileName() != null ? f.getFileName() : "?");
            b.enc.stack(sid, new long[] {sid, fn, file, Math.max(f.getLineNumber(), 0)}); // pc: the id, unique
            return sid;
        });
    }

    private long stringId(Buf b, String str) {
        Long id = stringIds.get(str);
        if (id != null) return id;
        return stringIds.computeIfAbsent(str, k -> {
            long sid = nextTableId.incrementAndGet();
            b.enc.string(sid, k.getBytes(StandardCharsets.UTF_8));
            return sid;
        });
    }

    /**
     * execute, before {@code gp} mounts on {@code mp} (which holds {@code pp}): {@code GoStart}. Waits
     * first until the M that ran {@code gp} last has written its last event of that run.
     */
    void start(M mp, P pp, G gp) {
        M prev = gp.m;
        if (prev != null && prev != mp && prev.curg == gp) {
            // It is a few steps from the end of its execute. Bounded, so that a path this reasoning missed
            // costs a misplaced event, never a hung M.
            long deadline = System.nanoTime() + 100_000_000L;
            for (int spins = 0; prev.curg == gp && System.nanoTime() - deadline < 0; spins++) {
                if (spins < 100) Thread.onSpinWait(); else Thread.yield();
            }
        }
        run(pp, gp);
    }

    /**
     * {@code gp} runs on (now) {@code pp} from here: {@code GoStart}, after whatever brings the trace's
     * view there ({@code GoSysExit} for a goroutine back from a blocked syscall on a new P, as Go writes).
     */
    void run(P pp, G gp) {
        Buf b = buf(pp);
        if (b == global) return;
        while (true) {
            long w = (long) WORD.getVolatile(gp);
            int st = state(w);
            if (st == RUNNING && pid(w) != b.pid) {
                forceOff(gp, w, EV_GO_SCHED);
                continue;
            }
            synchronized (b) {
                if (!b.open) return;
                long t = b.now();
                if (b.curg != null && b.curg != gp) offLocked(b, b.curg, t, EV_GO_SCHED);
                long seq = seq(w);
                long next;
                switch (st) {
                    case ABSENT -> next = word(RUNNING, b.pid, 2);
                    case RUNNABLE -> next = word(RUNNING, b.pid, seq + 1);
                    case WAITING, SYSWAIT, DEAD -> next = word(RUNNING, b.pid, seq + 2);
                    default -> { // RUNNING here already
                        b.curg = gp;
                        return;
                    }
                }
                if (!WORD.compareAndSet(gp, w, next)) continue;
                procStartIfNeeded(b, t);
                switch (st) {
                    case ABSENT -> {
                        catchUps.increment();
                        goCreate(b, t, gp);
                        seq = 1;
                    }
                    case WAITING, DEAD -> {
                        catchUps.increment();
                        b.enc.event(EV_GO_UNBLOCK, t, gp.goid, seq, 0);
                        seq++;
                    }
                    case SYSWAIT -> {
                        b.enc.event(EV_GO_SYSEXIT, t, gp.goid, seq, 0);
                        seq++;
                    }
                    default -> { }
                }
                b.enc.event(EV_GO_START, t, gp.goid, seq);
                b.curg = gp;
                b.written();
                return;
            }
        }
    }

    /**
     * execute, after {@code gp} unmounted and before its M publishes {@code _Gwaiting}: the stop event
     * ({@code GoEnd} if it ended, else the block event of its wait reason), if the trace shows it running
     * on {@code pp}.
     */
    void stop(P pp, G gp, boolean ended) {
        Buf b = buf(pp);
        if (b == global) return;
        int ev = ended ? EV_GO_END : blockEvent(gp);
        synchronized (b) {
            if (!b.open || b.curg != gp) return;
            long w;
            long t;
            do {
                w = (long) WORD.getVolatile(gp);
                if (state(w) != RUNNING || pid(w) != b.pid) {
                    b.curg = null;
                    return;
                }
                t = b.now();
            } while (!WORD.compareAndSet(gp, w, word(ended ? DEAD : WAITING, -1, seq(w))));
            if (hasStack(ev)) b.enc.event(ev, t, 0); else b.enc.event(ev, t);
            b.curg = null;
            b.written();
        }
    }

    /**
     * {@code gp} became runnable, said by a thread holding {@code pp} (or none): a ready of a waiting G
     * ({@code GoUnblock}; {@code GoSysExit} after a blocked syscall), a yield on its own M right after it
     * unmounted ({@code GoSched}), or its old M finding its endRun CAS lost to such a ready.
     * {@code wasWaiting}: what a goroutine the trace has not seen yet was (waiting, or running).
     */
    void runnable(P pp, G gp, boolean wasWaiting) {
        Buf b = buf(pp);
        while (true) {
            long w = (long) WORD.getVolatile(gp);
            int st = state(w);
            if (st == RUNNABLE) return;
            if (st == RUNNING && pid(w) != b.pid) {
                forceOff(gp, w, EV_GO_SCHED);
                continue;
            }
            synchronized (b) {
                if (!b.open) return;
                long t = b.now();
                long seq = seq(w);
                long next = switch (st) {
                    case ABSENT -> word(RUNNABLE, -1, wasWaiting ? 3 : 1);
                    case RUNNING -> word(RUNNABLE, -1, seq);
                    default -> word(RUNNABLE, -1, seq + 1);
                };
                if (!WORD.compareAndSet(gp, w, next)) continue;
                procStartIfNeeded(b, t);
                switch (st) {
                    case ABSENT -> {
                        goCreate(b, t, gp);
                        if (wasWaiting) {
                            b.enc.event(EV_GO_WAITING, t, gp.goid);
                            b.enc.event(EV_GO_UNBLOCK, t, gp.goid, 2, 0);
                        }
                    }
                    case RUNNING -> { // on this P: a yield
                        if (b.curg == gp) {
                            b.enc.event(EV_GO_SCHED, t, 0);
                            b.curg = null;
                        } else {
                            catchUps.increment(); // the trace's P runs another G: nothing to say
                        }
                    }
                    case SYSWAIT -> b.enc.event(EV_GO_SYSEXIT, t, gp.goid, seq, 0);
                    default -> b.enc.event(EV_GO_UNBLOCK, t, gp.goid, seq, 0); // WAITING (DEAD cannot be readied)
                }
                b.written();
                return;
            }
        }
    }

    /** entersyscall: {@code GoSysCall}, if the trace shows {@code gp} running on {@code pp}. */
    void syscall(P pp, G gp) {
        Buf b = buf(pp);
        if (b == global) return;
        synchronized (b) {
            if (!b.open || b.curg != gp) return;
            b.enc.event(EV_GO_SYSCALL, b.now(), 0);
            b.written();
        }
    }

    /** acquirep: {@code mp} wired {@code pp}. */
    void procStart(M mp, P pp) {
        Buf b = buf(pp);
        if (b == global) return;
        synchronized (b) {
            if (!b.open) return;
            long t = b.now();
            if (b.running) {
                catchUps.increment();
                stopLocked(b, t, EV_GO_SYSBLOCK);
            }
            b.enc.event(EV_PROC_START, t, mp.id);
            b.running = true;
            b.written();
        }
    }

    /**
     * {@code pp} is unwired from its M ({@code releasep}, a taker, a stop for the world): {@code ProcStop},
     * after {@code curgEvent} ({@code GoSysBlock}: it sits in a syscall or native call; {@code GoSched})
     * for a goroutine the trace still shows running on it.
     */
    void procStop(P pp, int curgEvent) {
        Buf b = buf(pp);
        if (b == global) return;
        synchronized (b) {
            if (!b.open) return;
            stopLocked(b, b.now(), curgEvent);
            b.written();
        }
    }

    /** {@link #procStop} with the monitor held. */
    private void stopLocked(Buf b, long t, int curgEvent) {
        if (b.curg != null) offLocked(b, b.curg, t, curgEvent);
        if (!b.running) {
            b.enc.event(EV_PROC_START, t, 0); // started before the trace: Go's parser wants the pair
        }
        b.enc.event(EV_PROC_STOP, t);
        b.running = false;
    }

    /** Stop-the-world began ({@code true}) or ended. */
    void stw(boolean begin) {
        Buf b = global;
        synchronized (b) {
            if (!b.open || b.stw == begin) return; // a stop that began before the trace has no end in it
            if (begin) b.enc.event(EV_STW_START, b.now(), 0); else b.enc.event(EV_STW_DONE, b.now());
            b.stw = begin;
            b.written();
        }
    }

    // ---- catching up ------------------------------------------------------------------------------

    /** Must hold {@code b}'s monitor: the P's first event of this trace starts it. */
    private void procStartIfNeeded(Buf b, long t) {
        if (b.running || b == global) return;
        M mp = null;
        P[] ps = sched.allp;
        if (b.pid < ps.length) mp = ps[b.pid].m;
        b.enc.event(EV_PROC_START, t, mp != null ? mp.id : 0);
        b.running = true;
    }

    /** Takes {@code gp}, shown running on another P, off it there ({@code ev}: GoSched, GoSysBlock). */
    private void forceOff(G gp, long w, int ev) {
        Buf[] bs = bufs;
        int pid = pid(w);
        if (pid < 0 || pid >= bs.length) {
            WORD.compareAndSet(gp, w, word(RUNNABLE, -1, seq(w))); // nowhere to write: just move on
            return;
        }
        Buf o = bs[pid];
        synchronized (o) {
            if (!o.open) return;
            if (o.curg == gp) {
                offLocked(o, gp, o.now(), ev);
                o.written();
            } else {
                WORD.compareAndSet(gp, w, word(RUNNABLE, -1, seq(w)));
            }
        }
    }

    /** Must hold {@code b}'s monitor, {@code gp} being its curg: writes {@code ev} for it, now not running. */
    private void offLocked(Buf b, G gp, long t, int ev) {
        catchUps.add(ev == EV_GO_SYSBLOCK ? 0 : 1); // a retake's GoSysBlock is Go's own, not a catch-up
        b.curg = null;
        while (true) {
            long w = (long) WORD.getVolatile(gp);
            if (state(w) != RUNNING || pid(w) != b.pid) return;
            int to = ev == EV_GO_SYSBLOCK ? SYSWAIT : RUNNABLE;
            if (WORD.compareAndSet(gp, w, word(to, -1, seq(w)))) break;
        }
        if (ev == EV_GO_SYSBLOCK) b.enc.event(ev, t); else b.enc.event(ev, t, 0);
    }

    /**
     * The block event of a goroutine that just parked, from its park blocker as the goroutine dump reads
     * it ({@link GoroutineDump#waitReason}), without its stack walk.
     */
    static int blockEvent(G gp) {
        Thread th = gp.thread;
        Object blocker = LockSupport.getBlocker(th);
        if (blocker instanceof WaitReason r) {
            return switch (r.waitReason()) {
                case "chan receive" -> EV_GO_BLOCK_RECV;
                case "chan send" -> EV_GO_BLOCK_SEND;
                // Go writes GoStop for select {}; its parser then takes the goroutine for dead, and
                // jgort's can still be interrupted out of it: a select block it is.
                case "select", "select (no cases)" -> EV_GO_BLOCK_SELECT;
                case "sleep" -> EV_GO_SLEEP;
                default -> EV_GO_BLOCK;
            };
        }
        if (blocker instanceof AbstractQueuedSynchronizer.ConditionObject) return EV_GO_BLOCK_COND;
        Thread.State ts = th.getState();
        if (ts == Thread.State.BLOCKED) return EV_GO_BLOCK_SYNC;
        if (blocker != null) {
            String c = blocker.getClass().getName();
            if (c.startsWith("sun.nio.ch.")) return EV_GO_BLOCK_NET;
            if (c.startsWith("java.util.concurrent.locks.")) return EV_GO_BLOCK_SYNC;
        }
        if (ts == Thread.State.TIMED_WAITING && blocker == null) return EV_GO_SLEEP;
        return EV_GO_BLOCK;
    }
}
