package dev.jgort.core;

import dev.jgort.spi.WaitReason;

import java.util.concurrent.locks.LockSupport;

/**
 * Go's {@code checkdead}, for {@code close()}: are all remaining goroutines asleep with nothing that
 * could wake them? Go knows every waker (channels, timers, the netpoller); jgort cannot see a
 * platform thread that may still unpark a goroutine, so {@code close()} reports a deadlock only after
 * this has held for a grace period.
 */
final class Deadlock {
    private Deadlock() {}

    /**
     * True when goroutines remain and every one is parked without a timeout (or blocked on a monitor),
     * no G is running or runnable, no M runs a G, and none waits on an armed timer's channel.
     */
    static boolean allAsleep(Sched s) {
        int live = s.numGoroutine();
        if (live <= 0) return false;
        if (s.runq.size() != 0) return false;
        for (P pp : s.allp) {
            if (!pp.runq.isEmpty()) return false;
        }
        for (M mp : s.allmSnapshot()) {
            if (mp.running()) return false;
        }
        int asleep = 0;
        for (G gp : s.allgsSnapshot()) {
            if (gp.status() == G.DEAD) continue;
            if (gp.status() != G.WAITING) return false;
            Thread.State ts = gp.thread.getState();
            if (ts != Thread.State.WAITING && ts != Thread.State.BLOCKED) return false; // a timed wait ends
            // Waiting on an armed timer's channel: the timer will wake it (Go's checkdead: timers pending).
            if (LockSupport.getBlocker(gp.thread) instanceof WaitReason r && r.timerPending()) return false;
            asleep++;
        }
        return asleep == live;
    }

    /** Go's goroutine dump: a header and the stack of each goroutine. */
    static String report(Sched s) {
        StringBuilder b = new StringBuilder();
        for (G gp : s.allgsSnapshot()) {
            if (gp.status() == G.DEAD) continue;
            b.append("goroutine ").append(gp.goid).append(" [").append(SchedTrace.waitReason(gp, gp.status()))
                    .append(", ").append(gp.state().name().toLowerCase(java.util.Locale.ROOT)).append("] \"").append(gp.name())
                    .append("\":\n");
            for (StackTraceElement e : gp.thread.getStackTrace()) {
                b.append("\tat ").append(e).append('\n');
            }
            b.append('\n');
        }
        return b.toString();
    }
}
