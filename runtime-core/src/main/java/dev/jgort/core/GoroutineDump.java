package dev.jgort.core;

import dev.jgort.spi.WaitReason;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.concurrent.locks.LockSupport;

/**
 * Go's goroutine dump ({@code pprof.Lookup("goroutine").WriteTo(w, 2)}, the crash dump of
 * {@code SIGQUIT}): per goroutine, Go's header exactly, {@code goroutine 18 [chan receive, 2 minutes]:}
 * (its wait reason, how long it has waited once that is a minute or more, {@code locked to thread}),
 * then its Java frames as Go prints frames (the function, then a tab and the file and line), then
 * {@code created by ... in goroutine N} for one made by another goroutine of this runtime: the
 * function, file and line that created it where {@link CreationSites} recorded them (then also for
 * one started from outside, without {@code in goroutine}, as Go 1.19 prints every such line), else
 * jgort's entry point ({@code GoRuntime.go}, or {@code Thread.start} for an adopted virtual thread).
 *
 * <p>Which goroutines: every one that is not dead, found where the scheduler keeps them, without
 * stopping the world (a goroutine that never reaches a scheduling point would hold a stop up
 * forever): the Ms' current goroutines, the global and local run queues ({@code runnext} included) —
 * so a goroutine that has never parked is listed too — and {@link AllGs}. Each is read as it is at its
 * turn, as Go's own dump without a stop does; a goroutine moving between two of those places may be
 * seen in either (once: the dump collects them by identity first).
 *
 * <p>The wait reason is the park blocker's own where it is jgort's ({@link WaitReason}: channels,
 * {@code select}, syscalls), else mapped from the JDK's blocker to Go's nearest: a monitor or
 * {@code ReentrantLock} is {@code sync.Mutex.Lock}, a condition or {@code Object.wait} is
 * {@code sync.Cond.Wait}, a latch or semaphore {@code semacquire}, a timed park {@code sleep}, socket
 * I/O parked in the JDK's poller {@code IO wait}. The wait time is Go's {@code waitsince}, stamped
 * lazily ({@link G#waitSince}): a goroutine is known to wait since the first dump or deadlock look
 * that saw it waiting.
 */
final class GoroutineDump {
    private GoroutineDump() {}

    private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** Writes the dump of {@code s}'s goroutines to {@code out}. */
    static void write(Sched s, Appendable out) throws IOException {
        long now = System.nanoTime();
        for (G gp : goroutines(s)) {
            int status = gp.status();
            if (status == G.DEAD || gp.thread == null) continue;
            StackTraceElement[] frames = gp.thread.getStackTrace();
            status = gp.status(); // again: the stack is of this moment
            if (status == G.DEAD) continue;
            out.append(header(gp, status, now)).append('\n');
            for (StackTraceElement f : frames) frame(out, f, "(...)");
            StackTraceElement site = s.creationSites != null ? s.creationSites.of(gp) : null;
            if (site != null) {
                // Go: "created by main.worker in goroutine 1", then the go statement's file and line.
                out.append("created by ");
                frame(out, site, gp.parentGoid != 0 ? " in goroutine " + gp.parentGoid : "");
            } else if (gp.parentGoid != 0) {
                out.append("created by ").append(gp.adopted ? "java.lang.Thread.start" : "dev.jgort.api.GoRuntime.go")
                        .append(" in goroutine ").append(Long.toString(gp.parentGoid)).append('\n');
            }
            out.append('\n');
        }
    }

    /** One frame as Go prints one: the function and {@code after} on a line, then a tab, the file and the line. */
    private static void frame(Appendable out, StackTraceElement f, String after) throws IOException {
        out.append(f.getClassName()).append('.').append(f.getMethodName()).append(after).append("\n\t")
                .append(f.getFileName() != null ? f.getFileName() : "?").append(':')
                .append(Integer.toString(Math.max(f.getLineNumber(), 0))).append('\n');
    }

    /** {@link #write} to a string. */
    static String toString(Sched s) {
        StringBuilder b = new StringBuilder(4096);
        try {
            write(s, b);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringBuilder does not throw
        }
        return b.toString();
    }

    /** Go's header: {@code goroutine N [reason(, M minutes)(, locked to thread)]:}. */
    static String header(G gp, int status, long now) {
        StringBuilder b = new StringBuilder(48).append("goroutine ").append(gp.goid).append(" [")
                .append(state(gp, status));
        if (status == G.WAITING) {
            long since = gp.waitSince;
            if (since == 0) {
                gp.waitSince = now; // the first to see it waiting stamps it (Go: the first GC)
            } else if (now - since >= MINUTE_NANOS) {
                long minutes = (now - since) / MINUTE_NANOS;
                b.append(", ").append(minutes).append(minutes == 1 ? " minute" : " minutes");
            }
        }
        if (gp.lockedm != null) b.append(", locked to thread");
        return b.append("]:").toString();
    }

    /** Go's status word in the header: {@code running}, {@code runnable}, {@code syscall}, or the wait reason. */
    private static String state(G gp, int status) {
        return switch (status) {
            case G.RUNNING -> "running";
            case G.RUNNABLE -> "runnable";
            case G.SYSCALL -> "syscall";
            case G.WAITING -> waitReason(gp);
            case G.IDLE -> "idle";
            default -> "dead";
        };
    }

    /** Go's wait reason of a waiting goroutine (see the class comment for the mapping). */
    static String waitReason(G gp) {
        Object blocker = LockSupport.getBlocker(gp.thread);
        if (blocker instanceof WaitReason r) return r.waitReason();
        Thread.State ts = gp.thread.getState();
        if (ts == Thread.State.BLOCKED) return "sync.Mutex.Lock"; // a monitor
        if (blocker instanceof AbstractQueuedSynchronizer.ConditionObject) return "sync.Cond.Wait";
        if (blocker != null) {
            String c = blocker.getClass().getName();
            if (c.contains("ReentrantLock") || c.contains("ReentrantReadWriteLock")) return "sync.Mutex.Lock";
            if (c.contains("CountDownLatch") || c.contains("Semaphore") || c.contains("Phaser")
                    || c.contains("CyclicBarrier")) {
                return "semacquire";
            }
            if (c.startsWith("sun.nio.ch.")) return "IO wait";
        }
        if (ts == Thread.State.TIMED_WAITING) return "sleep";
        StackTraceElement[] top = gp.thread.getStackTrace();
        for (int i = 0; i < Math.min(top.length, 8); i++) {
            String c = top[i].getClassName();
            if (c.equals("java.lang.Object") && top[i].getMethodName().equals("wait")) return "sync.Cond.Wait";
            if (c.startsWith("sun.nio.ch.")) return "IO wait";
        }
        return blocker != null ? blocker.getClass().getSimpleName().toLowerCase(Locale.ROOT) + " wait" : "park";
    }

    /** Every G of {@code s} found anywhere, by identity, in goid order. */
    static List<G> goroutines(Sched s) {
        Map<G, Boolean> seen = new IdentityHashMap<>();
        for (M mp : s.allmSnapshot()) {
            G curg = mp.curg;
            if (curg != null) seen.put(curg, Boolean.TRUE);
        }
        s.lock.lock();
        try {
            s.runq.forEach(gp -> seen.put(gp, Boolean.TRUE));
        } finally {
            s.lock.unlock();
        }
        for (P pp : s.allp) pp.runq.forEach(gp -> seen.put(gp, Boolean.TRUE));
        s.forEachG(gp -> seen.put(gp, Boolean.TRUE));
        List<G> gs = new ArrayList<>(seen.keySet());
        gs.removeIf(gp -> gp.goid == 0); // stand-ins of extra Ms and of Ms that could not unmount
        gs.sort(Comparator.comparingLong(gp -> gp.goid));
        return gs;
    }
}
