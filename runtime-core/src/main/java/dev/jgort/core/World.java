package dev.jgort.core;

import dev.jgort.core.trace.TraceFormat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * The world: Go's stop-the-world ({@code stopTheWorldWithSema}, {@code startTheWorldWithSema}),
 * {@code GOMAXPROCS} at run time ({@code procresize}), the Ms and Ps that stop for it
 * ({@code gcstopm}), and safe points ({@code forEachP}, {@code runSafePointFn}). The parts of Go's
 * {@code schedt} these own ({@code stopwait}, {@code stopnote}, {@code newprocs}, {@code safePointFn},
 * {@code safePointWait}, {@code safePointNote}, and {@code worldsema}) are private here; only
 * {@link Sched#gcwaiting}, which the schedule loop reads on every round, stays in {@link Sched}.
 *
 * <p>One stop-the-world or forEachP at a time ({@link #worldsema}). The stopper sets
 * {@code gcwaiting} and counts in {@link #stopwait} the Ps yet to stop; every P that stops for it goes
 * through {@link #stopP} under {@code sched.lock}, whoever stops it (the stopper itself for idle Ps and
 * Ps in a syscall, an M at its safe point, a P handed off or given back meanwhile), and the last one
 * wakes the stopper.
 */
final class World {
    private final Sched sched;

    /**
     * Go's {@code worldsema}: one stop-the-world or forEachP at a time. A semaphore, not a lock: the
     * world may be started by another thread than the one that stopped it.
     */
    private final Semaphore worldsema = new Semaphore(1);
    /** When the current stop began (Go's pause start); written and read by the worldsema holder only. */
    private long stwStartNanos;
    /** The JFR event of the current stop, if a recording wants it; the worldsema holder's, like stwStartNanos. */
    private JfrEvents.StopTheWorld stwEvent;
    /** Go's {@code sched.stopwait}: Ps yet to stop. sched.lock. */
    private int stopwait;
    private final Note stopnote = new Note();
    /** Go's {@code sched.newprocs}: GOMAXPROCS to apply at the next startTheWorld. sched.lock. */
    private int newprocs;
    /** Go's {@code sched.safePointFn} / {@code safePointWait}. sched.lock. */
    private IntConsumer safePointFn;
    private int safePointWait;
    private final Note safePointNote = new Note();
    /** The P of a goroutine that stopped the world (it keeps running on it), or null. */
    private volatile P stwOwnerP;
    /**
     * The goroutine that stopped the world, until it starts again: like Go's {@code m.preemptoff}, it
     * is not preempted meanwhile (it yields nowhere: no P could run it before the world starts).
     * Written under sched.lock by stopTheWorld and startTheWorld; read without it by that goroutine
     * itself ({@link G#checkPreempt}), which only needs to see its own write.
     */
    private volatile G stwOwnerG;

    World(Sched sched) {
        this.sched = sched;
    }

    /** Whether {@code gp} stopped the world and has not started it again. */
    boolean stoppedBy(G gp) {
        return stwOwnerG == gp;
    }

    /** Go's {@code sched.stopwait}, for traces. Must hold sched.lock. */
    int stopwait() {
        sched.lock.assertHeld();
        return stopwait;
    }

    /**
     * {@code pp}, which no M holds any more, stops for the world: {@code _Pgcstop}, counted, and the
     * last P wakes the stopper (Go writes these three lines in handoffp, entersyscall_gcwait, gcstopm
     * and the stopper's own loops). Must hold sched.lock, with {@code gcwaiting} set.
     */
    void stopP(P pp) {
        // Waking the stopper under sched.lock is safe, unlike safePointNote's waiter: a goroutine that
        // stops the world spins on the note instead of parking, so only a platform thread is unparked.
        sched.lock.assertHeld();
        pp.status = P.GCSTOP;
        if (--stopwait == 0) stopnote.wakeup();
    }

    /**
     * Go's {@code stopTheWorldWithSema}: stops every P. Idle Ps and Ps held in a syscall are stopped here;
     * running Ps stop themselves at their next safe point ({@code gcstopm} in schedule/findrunnable,
     * {@code handoffp}, {@code entersyscall}), asked to hurry by {@code preemptall} every 100 µs. A
     * goroutine caller keeps running on its own P (stopped, but still its) and must not block until
     * {@link #startTheWorld}. Takes {@code worldsema}, which startTheWorld releases.
     */
    void stopTheWorld() {
        stopTheWorld("stopTheWorld");
    }

    /** {@link #stopTheWorld()}, saying why (the JFR event's reason). */
    void stopTheWorld(String reason) {
        worldsema.acquireUninterruptibly();
        stwStartNanos = System.nanoTime();
        if (sched.tracing) sched.tracer.stw(true);
        JfrEvents.StopTheWorld e = new JfrEvents.StopTheWorld();
        if (e.isEnabled()) {
            e.runtime = sched.runtimeId;
            e.reason = reason;
            e.begin();
            stwEvent = e;
        }
        M mp = sched.currentM();
        boolean inG = mp != null && mp.running(); // a goroutine, or a callback on an extra M
        if (inG) mp.lockP(); // sysmon must not take our P between this read and its _Pgcstop
        P own = inG ? mp.p : null;
        boolean wait;
        sched.lock.lock();
        try {
            stopnote.clear();
            stopwait = sched.gomaxprocs;
            sched.gcwaiting = true;
            sched.preemptall();
            if (own != null) { // stop the current P
                stwOwnerP = own;
                stopP(own);
            }
            if (inG) stwOwnerG = JgortProvider.currentG(); // null for a callback on an extra M
            stopSyscallPs(); // Go: "try to retake all P's in Psyscall status"
            for (P pp = sched.pidleget(); pp != null; pp = sched.pidleget()) { // stop idle Ps
                stopP(pp);
            }
            wait = stopwait > 0;
        } finally {
            sched.lock.unlock();
            if (inG) mp.unlockP();
        }
        if (wait) {
            // A goroutine (even one whose P sysmon took) must not park here: no P could run it again
            // before the world starts. It spins between looks.
            boolean spin = Thread.currentThread().isVirtual();
            while (!(spin ? spinFor(stopnote, 100_000) : stopnote.sleep(100_000))) {
                sched.preemptall();
                // A goroutine that entered a syscall after we looked (its stores were not yet visible,
                // or its M held its pLock) is stopped now.
                sched.lock.lock();
                try {
                    stopSyscallPs();
                } finally {
                    sched.lock.unlock();
                }
            }
        }
        sched.lock.lock();
        try {
            if (stopwait != 0) throw new IllegalStateException("stopTheWorld: not stopped (stopwait=" + stopwait + ")");
        } finally {
            sched.lock.unlock();
        }
        for (P pp : sched.allp) {
            if (pp.status != P.GCSTOP) throw new IllegalStateException("stopTheWorld: not stopped: " + pp + " status " + pp.status);
        }
    }

    /**
     * Stop-the-world's part of Go's "retake all Ps in _Psyscall" for jgort's representation: the running
     * Ps whose goroutine is in a system call are stopped now. Must hold sched.lock (it counts stopwait).
     */
    private void stopSyscallPs() {
        sched.lock.assertHeld();
        for (P pp : sched.allp) {
            M mp = pp.m;
            if (pp.status == P.RUNNING && mp != null && Sched.inSyscall(pp)
                    && sched.takeRunningP(pp, mp, P.GCSTOP, Sched.TAKE_SYSCALL, -1, -1)) {
                stopP(pp);
            }
        }
    }

    private static boolean spinFor(Note note, long nanos) {
        long deadline = System.nanoTime() + nanos;
        while (!note.isFired()) {
            if (System.nanoTime() - deadline >= 0) return false;
            Thread.onSpinWait();
        }
        return true;
    }

    /**
     * Go's {@code startTheWorldWithSema}: applies a pending GOMAXPROCS ({@code procresize}), gives
     * every P with work an M, and wakes a spinning M for the rest. Releases {@code worldsema}.
     */
    void startTheWorld() {
        List<P> runnable;
        // The goroutine that stopped the world kept its P; the world may be started from another thread.
        P ownP = stwOwnerP;
        M ownM = ownP != null ? ownP.m : null;
        if (ownM != null) ownM.lockP(); // procresize may change that M's P; pLock before sched.lock
        sched.lock.lock();
        try {
            int procs = sched.gomaxprocs;
            if (newprocs != 0) {
                procs = newprocs;
                newprocs = 0;
            }
            runnable = procresize(procs, ownM);
            stwOwnerP = null;
            stwOwnerG = null;
            sched.gcwaiting = false;
        } finally {
            sched.lock.unlock();
            if (ownM != null) ownM.unlockP();
        }
        for (P pp : runnable) {
            M nmp = pp.m;
            pp.m = null;
            if (nmp != null) {
                if (nmp.nextp != null) throw new IllegalStateException("startTheWorld: inconsistent mp.nextp");
                nmp.nextp = pp;
                nmp.park.wakeup();
            } else {
                sched.newm(pp, false);
            }
        }
        sched.sysmon.wake();
        sched.wakep(); // the world may have more idle Ps than spinning Ms
        sched.pauses.record(System.nanoTime() - stwStartNanos);
        if (sched.tracing) sched.tracer.stw(false);
        JfrEvents.StopTheWorld e = stwEvent;
        if (e != null) {
            stwEvent = null;
            e.commit();
        }
        worldsema.release();
    }

    /** {@code GOMAXPROCS(n)} at run time: stop the world, resize, start it. Returns the previous value. */
    int setMaxProcs(int n) {
        stopTheWorld("GOMAXPROCS");
        int old;
        sched.lock.lock();
        try {
            old = sched.gomaxprocs;
            newprocs = n;
        } finally {
            sched.lock.unlock();
        }
        startTheWorld();
        if (sched.tracing) sched.tracer.procs(n);
        JfrEvents.goMaxProcs(sched, old, n);
        return old;
    }

    /**
     * Go's {@code procresize}: with the world stopped and sched.lock held, makes {@code nprocs} Ps. New
     * Ps are created; Ps beyond {@code nprocs} die, their runnext and queue going to the head of the
     * global queue in order; the P of {@code ownM} (the goroutine that stopped the world) is kept (or, if
     * it died, that M gets {@code allp[0]}); the others become idle, or, with work, are returned (each
     * with an idle M in {@code p.m} if one was free). Must hold {@code ownM}'s pLock.
     */
    private List<P> procresize(int nprocs, M ownM) {
        sched.lock.assertHeld();
        P[] old = sched.allp;
        int oldn = old.length;
        P[] ps = Arrays.copyOf(old, nprocs);
        for (int i = oldn; i < nprocs; i++) {
            ps[i] = new P(i);
            ps[i].status = P.GCSTOP;
        }
        // Free unused Ps: their Gs go to the head of the global queue, runnext at the very head.
        G[] buf = new G[LocalRunQueue.SIZE + 1];
        for (int i = oldn - 1; i >= nprocs; i--) {
            P pp = old[i];
            int n = pp.runq.drainTo(buf); // runnext first, then the ring in order
            for (int k = n - 1; k >= 0; k--) sched.runq.putHead(buf[k]);
            sched.retireP(pp); // before allp changes: a walker of the new allp finds its Gs
            pp.timers.moveTo(ps[0].timers); // Go's moveTimers (ps[0] survives)
            pp.status = P.DEAD;
        }
        M mp = ownM;
        P own = mp != null ? mp.p : null;
        if (own != null && own.id < nprocs && ps[own.id] == own) {
            own.status = P.RUNNING; // continue to use the current P
        } else {
            own = null;
            if (mp != null && mp.p != null) {
                // The caller's P died: take allp[0].
                P dead = mp.p;
                if (sched.tracing) sched.tracer.procStop(dead, TraceFormat.EV_GO_SCHED); // Go's procresize too
                mp.p = null;
                dead.m = null;
                P p0 = ps[0];
                p0.m = null;
                p0.status = P.IDLE;
                sched.acquirep(mp, p0);
                if (sched.tracing && mp.curg != null && !mp.curg.isStandIn()) sched.tracer.run(p0, mp.curg);
                own = p0;
            }
        }
        sched.setAllp(ps);
        List<P> runnable = new ArrayList<>();
        for (int i = nprocs - 1; i >= 0; i--) {
            P pp = ps[i];
            if (pp == own) continue;
            pp.status = P.IDLE;
            pp.m = null;
            if (pp.runq.isEmpty()) {
                sched.pidleput(pp);
            } else {
                pp.m = sched.mget();
                runnable.add(pp);
            }
        }
        return runnable;
    }

    /**
     * Go's {@code gcstopm}: the world is stopping; give up our P (counting it stopped) and wait until
     * startTheWorld hands one back.
     *
     * @return whether the M holds a P again (false: it must exit)
     */
    boolean gcstopm(M mp) {
        if (mp.spinning) {
            mp.spinning = false;
            if (sched.nmspinning.decrementAndGet() < 0) throw new IllegalStateException("gcstopm: negative nmspinning");
        }
        if (mp.p == stwOwnerP) {
            // The goroutine that stopped the world blocked before starting it again: nobody can run it.
            sched.fatal(new IllegalStateException("stopTheWorld: the goroutine that stopped the world blocked before "
                    + "starting it again; nothing can run until it does"));
        }
        gcstopP(mp);
        return sched.stopm(mp);
    }

    /** {@code gcstopm}'s part for the P: {@code mp}'s running P stops for the world-stopper. */
    void gcstopP(M mp) {
        P pp = mp.p;
        if (sched.tracing) sched.tracer.procStop(pp, TraceFormat.EV_GO_SYSBLOCK); // entersyscall_gcwait's G
        mp.p = null;
        pp.m = null;
        sched.lock.lock();
        try {
            stopP(pp);
        } finally {
            sched.lock.unlock();
        }
    }

    /**
     * Go's {@code forEachP}: runs {@code fn} once for every P at a safe point. Idle Ps run it at once
     * under the lock, the caller's P runs it here, Ps in a syscall are taken and handed off (which
     * runs it), running Ps run it at their next scheduling point; we wait in 100 µs slices, preempting
     * between. {@code fn} must not block; it may run under {@code sched.lock}.
     */
    void forEachP(IntConsumer userFn) {
        // fn runs inside the scheduler (under its lock, on Ms and sysmon): what it throws is kept for
        // the caller instead of unwinding a scheduler path.
        AtomicReference<Throwable> failed = new AtomicReference<>();
        IntConsumer fn = id -> {
            try {
                userFn.accept(id);
            } catch (Throwable t) {
                if (!failed.compareAndSet(null, t)) failed.get().addSuppressed(t);
            }
        };
        worldsema.acquireUninterruptibly();
        try {
            M mp = sched.currentM();
            P own = mp != null && mp.running() ? mp.p : null;
            List<Integer> idleIds = new ArrayList<>();
            boolean wait;
            sched.lock.lock();
            try {
                if (safePointWait != 0) throw new IllegalStateException("forEachP: safePointWait != 0");
                safePointNote.clear();
                safePointWait = sched.gomaxprocs - (own != null ? 1 : 0);
                safePointFn = fn;
                // Set runSafePointFn on every other P. Any P entering _Pidle or _Psyscall from now on
                // will run fn when it changes its status.
                for (P pp : sched.allp) {
                    if (pp != own) pp.runSafePointFn = 1;
                }
                sched.preemptall();
                // Claim fn for all idle Ps (the idle list does not change while we hold the lock). Go
                // runs it right here; jgort runs it after unlocking, so fn cannot block the scheduler.
                sched.forEachIdleP(pp -> {
                    if (pp.casRunSafePointFn(1, 0)) {
                        idleIds.add(pp.id);
                        safePointWait--;
                    }
                });
                wait = safePointWait > 0;
            } finally {
                sched.lock.unlock();
            }
            for (int id : idleIds) fn.accept(id);
            if (own != null) fn.accept(own.id); // run fn for the current P
            // Force Ps in a syscall into _Pidle and hand them off to make them run fn.
            handoffSyscallPs();
            if (wait) {
                while (!safePointNote.sleep(100_000)) {
                    sched.preemptall();
                    handoffSyscallPs(); // goroutines that entered a syscall since
                }
            }
            sched.lock.lock();
            try {
                if (safePointWait != 0) throw new IllegalStateException("forEachP: not done");
                for (P pp : sched.allp) {
                    if (pp.runSafePointFn != 0) throw new IllegalStateException("forEachP: P did not run fn");
                }
                safePointFn = null;
            } finally {
                sched.lock.unlock();
            }
        } finally {
            worldsema.release();
        }
        Throwable t = failed.get();
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error e) throw e;
        if (t != null) throw new IllegalStateException(t);
    }

    /**
     * forEachP's "force Ps in a syscall into _Pidle and hand them off": the running P of a goroutine
     * in a syscall (or of an extra M's thread between callbacks), if its fn is still pending.
     */
    private void handoffSyscallPs() {
        for (P pp : sched.allp) {
            if (pp.runSafePointFn != 1) continue;
            M mp = pp.m;
            if (pp.status == P.RUNNING && mp != null && Sched.inSyscall(pp)
                    && sched.takeRunningP(pp, mp, P.IDLE, Sched.TAKE_SYSCALL, -1, -1)) {
                sched.handoffp(pp);
            }
        }
    }

    /** Go's {@code runSafePointFn}: the owner of {@code pp} runs the pending forEachP function. */
    void runSafePointFn(P pp) {
        // Resolve the race between forEachP running the safe-point function on this P's behalf and
        // this P running it itself.
        if (!pp.casRunSafePointFn(1, 0)) return;
        IntConsumer fn = safePointFn;
        fn.accept(pp.id);
        boolean last;
        sched.lock.lock();
        try {
            last = --safePointWait == 0;
        } finally {
            sched.lock.unlock();
        }
        // Not under sched.lock (Go wakes it there): forEachP's caller may be a goroutine, and unparking
        // it readies it, which takes sched.lock. forEachP returns only once the note fires.
        if (last) safePointNote.wakeup();
    }
}
