package dev.jgort.core;

import dev.jgort.api.RuntimeStats;

import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Go's {@code schedtrace}: the {@code SCHED} line and, with detail, one line per P, M and G, in the
 * format of Go 1.14–1.16. Run-queue sizes count {@code runnext}.
 *
 * <p>As Go's, a trace is taken under {@code sched.lock} (the G lines after it: they read each G's park
 * blocker), so everything that lock guards is one snapshot: {@code idleprocs}, {@code threads},
 * {@code idlethreads}, {@code runqueue}, {@code nmidlelocked}, {@code stopwait}, the set of Ms, and
 * which Ps are on the idle list. The rest changes without the lock and is exact only when read, as in
 * Go ("even if we hold schedlock, most data can be changed concurrently"): a P's {@code status},
 * {@code m}, ticks and run queue, an M's {@code p}, {@code curg} and {@code spinning},
 * {@code spinningthreads}, and goroutine counts. So a P on the idle list always shows
 * {@code status=0}, but a P shown {@code status=0 m=-1} may already be off it ({@code idleprocs}
 * smaller): an M took it with {@code pidleget} and has not yet wired it ({@code acquirep}), which is
 * what a spinning M does on finding work.
 */
final class SchedTrace {
    private SchedTrace() {}

    static String format(Sched s, boolean detail) {
        StringBuilder b = new StringBuilder(128);
        Set<G> gs = new LinkedHashSet<>();
        Map<G, M> runningOn = new IdentityHashMap<>();
        RuntimeStats st;
        s.lock.lock();
        try {
            st = statsLocked(s);
            b.append("SCHED ").append((System.nanoTime() - s.startNanos) / 1_000_000).append("ms: gomaxprocs=")
                    .append(st.maxProcs()).append(" idleprocs=").append(st.idleProcs())
                    .append(" threads=").append(st.threads()).append(" spinningthreads=").append(st.spinningThreads())
                    .append(" idlethreads=").append(st.idleThreads()).append(" runqueue=").append(st.globalRunqueue());
            if (!detail) {
                b.append(" [");
                int[] q = st.localRunqueues();
                for (int i = 0; i < q.length; i++) {
                    if (i > 0) b.append(' ');
                    b.append(q[i]);
                }
                return b.append("]\n").toString();
            }
            b.append(" gcwaiting=").append(s.gcwaiting ? 1 : 0).append(" nmidlelocked=").append(s.nmidlelocked)
                    .append(" stopwait=").append(s.world.stopwait()).append(" sysmonwait=")
                    .append(s.sysmon.isWaiting() ? 1 : 0).append('\n');
            for (P pp : s.allp) {
                M mp = pp.m;
                // A running P whose goroutine is in a system call is jgort's _Psyscall (Sched.entersyscall):
                // shown as Go would show it, though still wired to its M.
                int status = pp.status;
                if (status == P.RUNNING && Sched.inSyscall(pp)) status = P.SYSCALL;
                b.append("  P").append(pp.id).append(": status=").append(status).append(" schedtick=")
                        .append(pp.schedtick).append(" syscalltick=").append(pp.syscalltick).append(" m=")
                        .append(mp != null ? mp.id : -1).append(" runqsize=").append(pp.runq.size())
                        .append(" gfreecnt=0 timerslen=0\n");
            }
            for (M mp : s.allm) {
                P pp = mp.p;
                G curg = mp.curg;
                G lockedg = mp.lockedg;
                if (curg != null && !curg.isStandIn()) { // not an extra M's callback G
                    gs.add(curg);
                    runningOn.put(curg, mp);
                }
                b.append("  M").append(mp.id).append(": p=").append(pp != null ? pp.id : -1)
                        .append(" curg=").append(curg != null && !curg.isStandIn() ? curg.goid : -1)
                        .append(" mallocing=0 throwing=0 preemptoff= locks=0 dying=0 spinning=").append(mp.spinning)
                        .append(" blocked=").append(mp.blocked).append(" lockedg=")
                        .append(lockedg != null ? lockedg.goid : -1).append('\n');
            }
        } finally {
            s.lock.unlock();
        }
        s.forEachG(gs::add);
        for (G gp : gs) {
            int status = gp.status();
            if (status == G.DEAD) continue;
            M mp = status == G.RUNNING ? runningOn.get(gp) : null;
            M lm = gp.lockedm;
            b.append("  G").append(gp.goid).append(": status=").append(status).append('(')
                    .append(waitReason(gp, status)).append(") m=").append(mp != null ? mp.id : -1)
                    .append(" lockedm=").append(lm != null ? lm.id : -1).append('\n');
        }
        // Not in Go's format: which kind of threads the Ms are, allocm's stack choice, how native calls
        // are seen, and the Ps sysmon took (from Go.syscall; from native calls; from other stuck Ms;
        // the goroutines of the last two now run without a P: oversubscribed).
        b.append("  backend=").append(st.backend()).append(" stack=").append(st.stackPolicy())
                .append(" nativewatch=").append(st.nativeCallWatch())
                .append(" syscallretakes=").append(st.syscallRetakes())
                .append(" nativeretakes=").append(st.nativeCallRetakes())
                .append(" stolenprocs=").append(st.stolenProcs())
                .append(" oversubscribed=").append(st.oversubscribed()).append('\n');
        return b.toString();
    }

    /** Go's wait reason of a waiting G ({@link GoroutineDump#waitReason}), "" for any other status. */
    static String waitReason(G gp, int status) {
        return status == G.WAITING ? GoroutineDump.waitReason(gp) : "";
    }

    static RuntimeStats stats(Sched s) {
        s.lock.lock();
        try {
            return statsLocked(s);
        } finally {
            s.lock.unlock();
        }
    }

    /** {@link #stats}, the caller holding {@code sched.lock}: what it guards is one snapshot. */
    private static RuntimeStats statsLocked(Sched s) {
        s.lock.assertHeld();
        P[] ps = s.allp;
        int[] q = new int[ps.length];
        for (int i = 0; i < q.length; i++) q[i] = ps[i].runq.size();
        return new RuntimeStats(ps.length, s.numGoroutine(), s.mcount(), s.nmidle, s.nmspinning.get(), s.npidle,
                s.runq.size(), q, s.goroutinesCreated(), s.steals.sum(), s.stolen.sum(), s.mwakeups.sum(),
                s.threadsCreated(), s.threadsExited(), s.backend.name(), s.stackChoice.toString(),
                s.syscallRetakes.sum(), s.stolenProcs.sum(), s.oversubscribed.get(), s.nativeRetakes.sum(),
                s.watch.description, s.extraMsMade());
    }
}
