package dev.jgort.core;

import dev.jgort.core.trace.TraceFormat;
import dev.jgort.spi.G0;
import dev.jgort.spi.RuntimeStoppedException;
import dev.jgort.spi.StackChoice;
import dev.jgort.spi.TlsSlot;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongUnaryOperator;

/**
 * Callbacks from threads the runtime did not create: Go's extra Ms ({@code needm}, {@code dropm},
 * {@code oneNewExtraM}, {@code newextram}, the lock-free {@code extraM} list: proc.go) and
 * {@code cgocallback} (cgocall.go), behind {@link dev.jgort.spi.ExtraMs}.
 *
 * <p>A foreign thread's first callback binds an extra M to it ({@code needm}); the M stays bound until
 * the thread ends ({@code dropm}: runtime-jni's thread-exit hook, or the reaping of a dead thread in
 * the next {@code needm}). Each callback takes a P as a goroutine leaving a system call does, runs,
 * and leaves the P in {@code _Psyscall} for the thread's next callback ({@link #entersyscallP}),
 * where sysmon, stop-the-world and forEachP may take it by CAS meanwhile.
 *
 * <p>Ownership of an extra M: on the list, nobody's (its fields are touched only by whoever holds the
 * list); bound, its thread's ({@link Sched#foreignCarriers} maps the thread to it; only that thread
 * runs cgocallback with it, and dropm removes the binding once, settled by
 * {@code foreignCarriers.remove}). Its P follows the M protocol: {@code mp.p} and the P's status
 * change under pLock, or by CAS out of {@code _Psyscall} (sysmon's retake, stop-the-world, dropm).
 */
final class CgoCallbacks {
    private final Sched sched;

    /**
     * Go's {@code extraM}: the list of spare extra Ms, linked through {@link M#extraLink}. Its lock is
     * the head itself: whoever swaps the head for {@link #extraLocked} by CAS owns the list until it
     * stores a head again ({@code lockextra} / {@code unlockextra}).
     */
    private final AtomicReference<M> extraM = new AtomicReference<>();
    private final M extraLocked;
    /** Go's {@code extraMWaiters}: threads waiting in needm for an extra M; newextram makes as many. */
    private final AtomicInteger extraMWaiters = new AtomicInteger();
    /**
     * Go's {@code sched.needextram}: the last spare was taken; the callback that took it makes another.
     * A racy flag as in Go: two callbacks may both see it and both make one (harmless: one spare more).
     */
    private volatile boolean needextram;
    /** Whether the first extra M was made (Go makes it at start-up; here on the first needm). CAS once. */
    private final AtomicBoolean extraMsStarted = new AtomicBoolean();

    CgoCallbacks(Sched sched) {
        this.sched = sched;
        this.extraLocked = new M(sched, -1, new G0(-1, "extra-M list lock", new StackChoice(StackChoice.Kind.OS_PROVIDED, 0)),
                new TlsSlot(0));
    }

    /** Go's {@code lockextra}: takes the list; with {@code nilokay} false, waits until it is non-empty. */
    private M lockextra(boolean nilokay) {
        boolean waiting = false;
        while (true) {
            M old = extraM.get();
            if (old == extraLocked) {
                Thread.yield(); // Go: osyield; the holder is a few instructions from unlocking
                continue;
            }
            if (old == null && !nilokay) {
                if (!waiting) {
                    extraMWaiters.incrementAndGet(); // the callback that took the last one makes ours
                    waiting = true;
                }
                Thread.yield();
                continue;
            }
            if (extraM.compareAndSet(old, extraLocked)) return old;
        }
    }

    private void unlockextra(M head) {
        extraM.set(head);
    }

    /** Go's {@code oneNewExtraM}: an M record for a foreign thread, put on the extra list. */
    private void oneNewExtraM() {
        M mp = sched.allocExtraM();
        mp.unlockP(); // nobody runs scheduler code on it until a thread binds it
        mp.extraLink = lockextra(true);
        unlockextra(mp);
    }

    /** Go's {@code newextram}: one extra M per waiter, or one if the list is empty. */
    private void newextram() {
        int c = extraMWaiters.getAndSet(0);
        if (c > 0) {
            for (int i = 0; i < c; i++) oneNewExtraM();
        } else if (extraM.get() == null) {
            oneNewExtraM();
        }
    }

    /**
     * Go's {@code needm}: binds an extra M to the calling thread, which keeps it until {@link #dropm}.
     * Always leaves a spare behind: taking the last one makes the callback create another.
     */
    private M needm(Thread t) {
        if (extraMsStarted.compareAndSet(false, true)) oneNewExtraM(); // Go makes the first at start-up
        reapDeadForeignThreads();
        M mp = lockextra(false);
        M next = mp.extraLink;
        mp.extraLink = null;
        if (next == null) needextram = true;
        unlockextra(next);
        mp.thread = t;
        mp.carrier = sched.watch.register(); // this thread, until dropm
        sched.foreignCarriers.put(t, mp);
        return mp;
    }

    /**
     * Go's {@code dropm}: the thread {@code mp} is bound to is ending. A P it left in {@code _Psyscall}
     * after its last callback goes to work elsewhere; the M goes back on the extra list.
     */
    private void dropm(M mp) {
        Thread t = mp.thread;
        // The binding is removed once: two needm calls reaping the same dead thread drop its M once.
        if (t == null || !sched.foreignCarriers.remove(t, mp)) return;
        mp.thread = null;
        // No callback runs on it (its thread is ending, or has ended), so sysmon is not looking.
        long h = mp.carrier;
        mp.carrier = 0;
        sched.watch.deregister(h);
        P oldp = mp.oldp;
        mp.oldp = null;
        if (oldp != null && oldp.status == P.SYSCALL && oldp.casStatus(P.SYSCALL, P.IDLE)) {
            if (sched.stopped) { // no M may start any more: the P just goes idle
                sched.lock.lock();
                try {
                    sched.pidleput(oldp);
                } finally {
                    sched.lock.unlock();
                }
            } else {
                sched.handoffp(oldp);
            }
        }
        mp.extraLink = lockextra(true);
        unlockextra(mp);
    }

    /** The extra M bound to the calling thread, or null. */
    private M boundExtraM(Thread t) {
        M mp = sched.foreignCarriers.get(t);
        return mp != null && mp.extra ? mp : null;
    }

    /**
     * Threads the JVM made and ends itself (not attached by jgort, so no exit hook tells us): their
     * extra Ms are dropped once they are seen dead.
     */
    private void reapDeadForeignThreads() {
        for (M mp : sched.foreignCarriers.values()) {
            Thread t = mp.thread;
            if (mp.extra && t != null && !t.isAlive()) dropm(mp);
        }
    }

    private RuntimeStoppedException stoppedForCallbacks() {
        return new RuntimeStoppedException("jgort runtime " + sched.runtimeId + " has stopped: callbacks are refused");
    }

    /** See {@link dev.jgort.spi.ExtraMs#bindCurrentThread}. */
    long bindCurrentThread() {
        if (sched.stopped) throw stoppedForCallbacks();
        G gp = JgortProvider.currentG();
        if (gp != null && gp.sched == sched) return -1;
        Thread t = Thread.currentThread();
        M mp = boundExtraM(t);
        if (mp == null) mp = needm(t);
        return mp.id;
    }

    /** Go's {@code cgocallback}; see {@link dev.jgort.spi.ExtraMs#callback}. */
    long cgocallback(LongUnaryOperator fn, long arg) {
        if (sched.stopped) throw stoppedForCallbacks();
        G gp = JgortProvider.currentG();
        if (gp != null && gp.sched == sched) {
            // Native code called by one of our goroutines calls back: the goroutine's own M, no needm.
            boolean insyscall = gp.syscallDepth > 0;
            if (insyscall) gp.exitsyscall();
            try {
                return fn.applyAsLong(arg);
            } finally {
                if (insyscall) gp.entersyscall(false);
            }
        }
        Thread t = Thread.currentThread();
        M mp = boundExtraM(t);
        if (mp != null && mp.incallback) {
            // A callback's native code calls back again on the same thread: it runs on the same M with
            // the P the outer callback holds (Go: cgocallback on an M whose curg is in a cgo call).
            return fn.applyAsLong(arg);
        }
        if (mp == null) mp = needm(t);
        // exitsyscall: the callback needs a P, as a goroutine returning from a system call.
        mp.lockP();
        try {
            P oldp = mp.oldp;
            mp.oldp = null;
            // Else Go's exitsyscall0 for a callback, whose G is locked to its extra M.
            if (!(exitsyscallfast(mp, oldp) && sched.keepP(mp)) && !sched.waitForP(mp)) throw stoppedForCallbacks();
            mp.p.syscalltick++;
            mp.runs++;
            mp.incallback = true;
        } finally {
            mp.unlockP(); // free while fn runs: its go() uses this P's runnext; sysmon may take a blocked P
        }
        sched.sysmon.wake(); // sysmon watches a running P (a callback that blocks, a stop-the-world)
        if (needextram) {
            needextram = false;
            newextram();
        }
        try {
            return fn.applyAsLong(arg);
        } finally {
            // entersyscall: back to C, the P waits in _Psyscall for this thread's next callback.
            mp.lockP();
            try {
                mp.incallback = false;
                sched.clearStolen(mp); // sysmon took the P while the callback was blocked
                if (mp.p != null) entersyscallP(mp);
            } finally {
                mp.unlockP();
            }
        }
    }

    /**
     * An extra M goes back to C after a callback: its P waits in {@code _Psyscall} for the thread's next
     * callback (sysmon, stop-the-world and forEachP take it by CAS meanwhile). Holding pLock.
     */
    private void entersyscallP(M mp) {
        P pp = mp.p;
        pp.syscalltick++;
        if (pp.runSafePointFn != 0) sched.world.runSafePointFn(pp);
        if (sched.tracing) sched.tracer.procStop(pp, TraceFormat.EV_GO_SYSBLOCK);
        mp.p = null;
        pp.m = null;
        mp.oldp = pp;
        pp.status = P.SYSCALL; // from now on anyone may take it by CAS
        if (sched.gcwaiting) sched.world.entersyscallGcwait(pp);
        sched.sysmon.wake();
    }

    /** An extra M's way back from C: its P from {@code _Psyscall} by CAS, or any idle P. */
    private boolean exitsyscallfast(M mp, P oldp) {
        if (oldp != null && oldp.status == P.SYSCALL && oldp.casStatus(P.SYSCALL, P.IDLE)) {
            sched.acquirep(mp, oldp);
            return true;
        }
        return sched.npidle > 0 && sched.acquireIdleP(mp);
    }

    /** See {@link dev.jgort.spi.ExtraMs#dropm}. */
    void dropmCurrent() {
        M mp = boundExtraM(Thread.currentThread());
        if (mp != null) dropm(mp);
    }
}
