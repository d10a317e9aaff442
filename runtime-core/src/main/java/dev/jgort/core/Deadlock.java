package dev.jgort.core;

import dev.jgort.api.DeadlockException;
import dev.jgort.spi.WaitReason;

import java.util.concurrent.locks.LockSupport;

/**
 * Go's {@code checkdead}: are all remaining goroutines asleep with nothing that could wake them? Go
 * knows every waker (channels, timers, the netpoller) and checks when the last M goes idle; jgort
 * cannot see a platform thread that may still unpark a goroutine (a {@code LinkedBlockingQueue} fed
 * from outside, a JDK timer), so a deadlock is reported only once every goroutine has been asleep for
 * a grace period <em>with no progress in between</em>. An instance is one watcher's view:
 * {@code close()} makes one, and sysmon one when continuous detection is on.
 *
 * <p>Looks are samples: a goroutine may wake, run and park again between two of them. So each look
 * also reads {@link #progress}, a sum that every {@code execute} moves (the Ms' run counts, which also
 * count a woken goroutine that inherits its P's time slice) as does every goroutine created; the grace
 * period restarts whenever it has changed. A goroutine that wakes can only run through
 * {@code execute}, so "asleep at both looks, same progress" means nothing ran in between.
 *
 * <p>Ownership: the fields are the polling thread's own (the closer, or sysmon); no synchronization.
 * The run counts are read racily, as sysmon reads them: an M's count only grows while it lives, and a
 * stale read can only make a look see progress late, which restarts the grace period once more.
 */
final class Deadlock {
    private final Sched sched;
    private final long graceNanos;
    /** Whether the last look found every goroutine asleep, and since when (with {@link #progressAtStart}). */
    private boolean asleep;
    private long asleepSince;
    private long progressAtStart;
    /** Whether this episode (asleep, no progress) was reported already. */
    private boolean reported;

    Deadlock(Sched sched, long graceNanos) {
        this.sched = sched;
        this.graceNanos = graceNanos;
    }

    /**
     * One look at time {@code now}: true exactly once per episode, when every goroutine has been asleep
     * for the grace period with no progress since the episode began. Any progress, or a look that finds
     * a goroutine awake, ends the episode.
     */
    boolean look(long now) {
        if (!allAsleep(sched)) {
            asleep = false;
            return false;
        }
        long progress = progress(sched);
        if (!asleep || progress != progressAtStart) {
            asleep = true;
            asleepSince = now;
            progressAtStart = progress;
            reported = false;
            return false;
        }
        if (reported || now - asleepSince < graceNanos) return false;
        reported = true;
        return true;
    }

    /** What every goroutine's run moves: the Ms' {@code execute} counts and the goroutines created. */
    static long progress(Sched s) {
        long p = s.goroutinesCreated();
        for (M mp : s.allmSnapshot()) p += mp.runs;
        return p;
    }

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
        long now = System.nanoTime();
        for (G gp : s.allgsSnapshot()) {
            if (gp.status() == G.DEAD) continue;
            if (gp.status() != G.WAITING) return false;
            if (gp.waitSince == 0) gp.waitSince = now; // Go's waitsince, stamped by its first observer
            Thread.State ts = gp.thread.getState();
            if (ts != Thread.State.WAITING && ts != Thread.State.BLOCKED) return false; // a timed wait ends
            // Waiting on an armed timer's channel: the timer will wake it (Go's checkdead: timers pending).
            if (LockSupport.getBlocker(gp.thread) instanceof WaitReason r && r.timerPending()) return false;
            asleep++;
        }
        return asleep == live;
    }

    /** The report of the goroutines now stuck, as {@code close()} throws it and continuous detection hands it on. */
    static DeadlockException exception(Sched s) {
        return new DeadlockException(s.numGoroutine(), report(s));
    }

    /** The goroutines, in Go's goroutine-dump format ({@link GoroutineDump}). */
    static String report(Sched s) {
        return GoroutineDump.toString(s);
    }
}
