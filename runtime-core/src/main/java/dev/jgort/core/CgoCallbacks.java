package dev.jgort.core;

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
 * the next {@code needm}). As in Go, the M's own G ({@link M#callbackG}) is in a system call whenever
 * the thread runs its own C code, and each callback leaves that system call ({@code exitsyscall}),
 * runs, and enters it again ({@code reentersyscall}). The bracket is a goroutine's system call's,
 * representation included (see {@code Sched.entersyscall}): the P stays wired and {@code _Prunning}
 * between callbacks, the callback G's {@code _Gsyscall} says it may be taken, and sysmon, stop-the-world
 * and forEachP take it as they take a goroutine's ({@code Sched.takeRunningP}, the Dekker pair there).
 * So a thread that calls back again and again keeps its P at the cost of one CAS and two release
 * stores per callback, as a goroutine making system calls does; one that stays in C loses its P to
 * waiting work after a sysmon tick.
 *
 * <p>Ownership of an extra M: on the list, nobody's (its fields are touched only by whoever holds the
 * list); bound, its thread's ({@link Sched#foreignCarriers} maps the thread to it; only that thread
 * runs cgocallback with it, and dropm removes the binding once, settled by
 * {@code foreignCarriers.remove}). Its P follows the M protocol: {@code mp.p} and the P's status
 * change under pLock, or by a taker's CAS out of {@code _Prunning} while it holds pLock.
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
     * Always leaves a spare behind: taking the last one makes the callback create another. The thread
     * is in C: from now on the M's G is in a system call, without a P until the first callback.
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
        mp.callbackG.casRunningSyscall(G.DEAD, G.SYSCALL); // Go's needm: casgstatus(_Gdead, _Gsyscall)
        mp.curg = mp.callbackG;
        sched.foreignCarriers.put(t, mp);
        return mp;
    }

    /**
     * Go's {@code dropm}: the thread {@code mp} is bound to is ending, in C (not in a callback). The P it
     * kept after its last callback goes to work elsewhere; the M goes back on the extra list.
     */
    private void dropm(M mp) {
        Thread t = mp.thread;
        // The binding is removed once: two needm calls reaping the same dead thread drop its M once.
        if (t == null || !sched.foreignCarriers.remove(t, mp)) return;
        P pp;
        mp.lockP(); // no taker is halfway through taking the P, and none starts until we are done
        try {
            mp.callbackG.casRunningSyscall(G.SYSCALL, G.DEAD);
            mp.curg = null;
            mp.thread = null;
            long h = mp.carrier; // sysmon looks at a carrier only under pLock
            mp.carrier = 0;
            sched.watch.deregister(h);
            sched.clearStolen(mp);
            pp = mp.p != null ? sched.releasep(mp) : null;
        } finally {
            mp.unlockP();
        }
        if (pp != null) {
            if (sched.stopped) { // no M may start any more: the P just goes idle
                sched.lock.lock();
                try {
                    sched.pidleput(pp);
                } finally {
                    sched.lock.unlock();
                }
            } else {
                sched.handoffp(pp); // serves a pending forEachP or stop-the-world too
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
        if (mp != null && mp.callbackG.status() == G.RUNNING) {
            // A callback's native code calls back again on the same thread: it runs on the same M with
            // the P the outer callback holds (Go: cgocallback on an M whose curg is in a cgo call).
            return fn.applyAsLong(arg);
        }
        if (mp == null) mp = needm(t);
        exitsyscall(mp);
        mp.runs++; // for sysmon: a new callback is progress, not one callback stuck
        if (needextram) {
            needextram = false;
            newextram();
        }
        try {
            return fn.applyAsLong(arg);
        } finally {
            entersyscall(mp);
        }
    }

    /**
     * Go's {@code exitsyscall} at a callback's start: the thread leaves C with the P it kept, or any
     * idle P, or waits its turn in the global queue for one (Go's {@code exitsyscall0} for a G locked
     * to its M). The fast path is a goroutine's (the callback G's CAS, then {@code mp.p} read twice
     * around the P's status: see {@code Sched.exitsyscall}). A P that owes a safe point (a pending
     * forEachP, a stopping world) takes the slow path: a callback has no scheduling point before its end.
     *
     * @throws RuntimeStoppedException if the runtime stopped while the callback waited for a P
     */
    private void exitsyscall(M mp) {
        G cg = mp.callbackG;
        P pp = sched.exitsyscallFast(mp, cg); // the thread's side of the Dekker pair
        if (pp != null && pp.runSafePointFn == 0 && !sched.gcwaiting) return;
        mp.lockP(); // a taker holds it until it has decided
        try {
            // Under pLock a P still wired is ours and _Prunning: no taker is halfway through.
            boolean got = mp.p != null || (sched.npidle > 0 && sched.acquireIdleP(mp));
            if (!(got && sched.keepP(mp)) && !sched.waitForP(mp)) {
                cg.casRunningSyscall(G.RUNNING, G.SYSCALL); // back to C without having run
                throw stoppedForCallbacks();
            }
            mp.p.syscalltick++;
            sched.clearStolen(mp); // sysmon took the P while the previous callback was stuck
        } finally {
            mp.unlockP(); // free while fn runs: its go() uses this P's runnext; sysmon may take a blocked P
        }
    }

    /**
     * Go's {@code reentersyscall} at a callback's end: back to C, keeping the P for the thread's next
     * callback (sysmon hands it on if the thread stays away while work waits). The fast path is a
     * goroutine's: the P's syscalltick, then the callback G's {@code _Gsyscall}, as release stores. The
     * slow path serves a pending safe point (forEachP's function; a stopping world, Go's
     * {@code entersyscall_gcwait}) and a P that sysmon took while the callback was stuck.
     */
    private void entersyscall(M mp) {
        G cg = mp.callbackG;
        if (sched.entersyscallFast(mp.p, cg)) return;
        mp.lockP();
        try {
            cg.casRunningSyscall(G.RUNNING, G.SYSCALL);
            sched.clearStolen(mp);
            P pp = mp.p;
            if (pp == null) return;
            pp.syscalltick++;
            if (pp.runSafePointFn != 0) sched.world.runSafePointFn(pp);
            if (sched.gcwaiting) sched.world.gcstopP(mp);
        } finally {
            mp.unlockP();
        }
    }

    /** See {@link dev.jgort.spi.ExtraMs#dropm}. */
    void dropmCurrent() {
        M mp = boundExtraM(Thread.currentThread());
        if (mp != null) dropm(mp);
    }
}
