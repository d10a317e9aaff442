package dev.jgort.core;

import dev.jgort.spi.CarrierStates;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Go's {@code sysmon}: a thread without a P that watches the scheduler. It sleeps 20 µs, doubling after
 * 50 idle rounds up to 10 ms, and on each round
 * <ul>
 *   <li>{@code retake}s a P that has sat in {@code _Psyscall} for a whole tick while there is other
 *       work (or for 10 ms), and hands it to another M;</li>
 *   <li>flags the goroutine of a P whose {@code schedtick} has not moved for 10 ms
 *       ({@code preemptone}), honoured at {@code Go.checkPreempt()};</li>
 *   <li>prints {@code schedtrace} when {@code GODEBUG=schedtrace=N} asks for it;</li>
 *   <li>treats every native call as Go treats a cgo call ({@link #retakeNative}): a P whose carrier
 *       has sat in native code (a JNI method, an FFM downcall, a JDK native) for a whole tick, with
 *       {@code schedtick} and the M's run count unchanged, is retaken by Go's rule for a P in
 *       {@code _Psyscall}, as the {@link CarrierWatch} sees it from the VM's own thread state, if the
 *       call blocks (a busy one is a CPU hog, below: jgort cannot tell it from quick calls);</li>
 *   <li>(not in Go, which never needs it) takes the P of an M whose goroutine keeps it without a
 *       scheduling point while others need it: its carrier is parked while pinned, or (without a
 *       {@link CarrierWatch}) seems blocked in native code (CPU time flat over {@link #CPU_FLAT_NS}),
 *       or it has ignored its preempt flag for {@link #HOG_HANDOFF_NS}. Bounded by
 *       {@code maxOversubscription}.</li>
 * </ul>
 * When every P is idle (and no trace is wanted) it sleeps deeply until {@link #wake()}: a P leaving the
 * idle list ({@code acquirep}, {@code startm}) or an extra M's P entering a syscall wakes it.
 *
 * <p>With continuous deadlock detection on ({@code RuntimeConfig.withDeadlockDetection}), it also looks
 * for a deadlock ({@link Deadlock}) every {@link #deadlockLookNanos} — waking from a deep sleep for it,
 * since a deadlock is exactly when every P is idle — and hands a report to the handler on a thread of
 * its own, so that a slow handler never holds sysmon up.
 */
final class Sysmon implements Runnable {
    static final long FORCE_PREEMPT_NS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MIN_DELAY_NS = TimeUnit.MICROSECONDS.toNanos(20);
    private static final long MAX_DELAY_NS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long SYSCALL_RETAKE_NS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long DEEP_SLEEP_NS = TimeUnit.SECONDS.toNanos(60);
    /** How late an idle P's timer may be before sysmon wakes an M for it (see run()). */
    private static final long TIMER_OVERDUE_NS = TimeUnit.MILLISECONDS.toNanos(10);
    /** A P whose schedtick has not moved for this long, and whose carrier is blocked, is taken. */
    static final long STUCK_NS = TimeUnit.MILLISECONDS.toNanos(1);
    /**
     * A RUNNABLE carrier counts as blocked in native code when it used under 5% CPU over this window:
     * long enough that a thread merely waiting for a core (2 cores, JIT threads) is not mistaken.
     */
    static final long CPU_FLAT_NS = TimeUnit.MILLISECONDS.toNanos(10);
    /** A G that has ignored its preempt flag for this long loses its P even if it is running. */
    static final long HOG_HANDOFF_NS = 2 * FORCE_PREEMPT_NS;
    /**
     * Not in Go: for this long after the native-call watch last saw a carrier in native code, sysmon
     * sleeps at most {@link #NATIVE_MAX_DELAY_NS} between looks. Go's sysmon may back off to 10 ms
     * because a goroutine returning from a cgo call takes its P back or queues itself; one stuck in an
     * unannotated native call is found only by sysmon's looks, so their spacing is its latency.
     */
    static final long NATIVE_RECENT_NS = TimeUnit.MILLISECONDS.toNanos(100);
    static final long NATIVE_MAX_DELAY_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean CPU_TIME = THREADS.isThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();

    private final Sched sched;
    private final long traceNanos;
    private volatile Thread thread;
    /** Sysmon's own: when a look last saw a carrier in native code (for {@link #NATIVE_RECENT_NS}). */
    private long nativeSeenAt = Long.MIN_VALUE / 2;
    /** Sysmon's own: the last {@link #retake} opened a native-call window (decide at the next tick), and when. */
    private boolean nativeWindowOpened;
    private long nativeWindowAt;
    /**
     * Sysmon's own: native-call windows in a row that closed without a retake, because the call had
     * returned by the next look (a server's socket writes: many short native calls). Once there are
     * {@link #WASTED_WINDOWS} of them, sysmon stops spinning for a window's second look and lets its
     * ticks back off as Go's do when nothing is retaken, until a retake shows calls that block again.
     * Spinning for every short call made sysmon use 16–25% of a core behind a Jetty server (2 cores;
     * with this and the deep-sleep rule below, 2–3%: bench/README, "HTTP servers").
     */
    private int wastedWindows;
    static final int WASTED_WINDOWS = 8;
    /**
     * Sysmon's own: since when every look has found every P idle ({@link #NOT_IDLE}: the last one did
     * not). Go deep-sleeps at the first such look, and only a syscall's exit or a world start wakes it.
     * Here every {@code acquirep} wakes it (a running P may sit in a native call that only sysmon can
     * find), so a server whose Ps are all idle for a moment between requests put sysmon to sleep and
     * woke it ~3,000 times a second: a futex wake on the M's path each time, 20 µs ticks after each, 6%
     * of a core on sysmon alone. It deep-sleeps once the Ps have been idle at its looks for
     * {@link #DEEP_SLEEP_AFTER_NS}, during which its ticks back off as usual.
     */
    private long allIdleSince = NOT_IDLE;
    private static final long NOT_IDLE = Long.MIN_VALUE;
    static final long DEEP_SLEEP_AFTER_NS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Go's {@code sched.sysmonwait}: set by sysmon before a deep sleep, cleared by CAS by whoever wakes it. */
    private final AtomicBoolean sysmonwait = new AtomicBoolean();

    /** Continuous deadlock detection: sysmon's own watcher and when it last looked; null when off. */
    private final Deadlock deadlock;
    private final long deadlockLookNanos;
    private long deadlockLookedAt;

    Sysmon(Sched sched) {
        this.sched = sched;
        this.traceNanos = TimeUnit.MILLISECONDS.toNanos(sched.config.schedTraceMillis());
        long grace = sched.config.deadlockGrace().toNanos();
        this.deadlock = sched.config.deadlockHandler() == null ? null : new Deadlock(sched, grace);
        this.deadlockLookNanos = deadlockLookNanos(grace);
    }

    /** A quarter of the grace period, within 10..250 ms: a report comes at most that late. */
    static long deadlockLookNanos(long graceNanos) {
        return Math.clamp(graceNanos / 4, TimeUnit.MILLISECONDS.toNanos(10), TimeUnit.MILLISECONDS.toNanos(250));
    }

    void start() {
        thread = Thread.ofPlatform().daemon().name("jgort" + sched.runtimeId + "-sysmon").start(this);
    }

    /** Whether sysmon is in a deep sleep (Go's {@code sysmonwait}). */
    boolean isWaiting() {
        return sysmonwait.get();
    }

    /** Ends a deep sleep; cheap when sysmon is awake. Never throws (called from ready paths). */
    void wake() {
        if (sysmonwait.get() && sysmonwait.compareAndSet(true, false)) {
            Thread t = thread;
            if (t != null) LockSupport.unpark(t);
        }
    }

    /** Wakes sysmon unconditionally (the runtime stops). */
    void stop() {
        sysmonwait.set(false);
        Thread t = thread;
        if (t != null) LockSupport.unpark(t);
    }

    @Override
    public void run() {
        long delay = 0;
        int idle = 0;
        long lasttrace = System.nanoTime();
        while (!sched.stopped) {
            if (idle == 0) {
                delay = MIN_DELAY_NS;
            } else if (idle > 50) {
                delay = Math.min(delay * 2, MAX_DELAY_NS);
            }
            if (System.nanoTime() - nativeSeenAt < NATIVE_RECENT_NS) delay = Math.min(delay, NATIVE_MAX_DELAY_NS);
            if (nativeWindowOpened && wastedWindows < WASTED_WINDOWS) {
                // The last look saw a carrier newly in native code: look again exactly one tick after
                // it, spinning (a sleep of 20 µs lasts ~100 µs here, and that wait is time the P is lost).
                long until = nativeWindowAt + MIN_DELAY_NS;
                while (System.nanoTime() - until < 0) Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, delay);
            }
            if (deadlock != null) lookForDeadlock();
            long now = System.nanoTime();
            if (traceNanos <= 0 && sched.npidle == sched.gomaxprocs && sched.runq.size() == 0) {
                if (allIdleSince == NOT_IDLE) allIdleSince = now;
                if (now - allIdleSince >= DEEP_SLEEP_AFTER_NS) {
                    deepSleep();
                    idle = 0;
                    allIdleSince = NOT_IDLE;
                    continue;
                }
            } else {
                allIdleSince = NOT_IDLE;
            }
            if (traceNanos > 0 && now - lasttrace >= traceNanos) {
                lasttrace = now;
                System.err.print(SchedTrace.format(sched, sched.config.schedDetail()));
            }
            boolean looked = nativeWindowOpened;
            nativeWindowOpened = false;
            int took = retake(now);
            if (looked && nativeWindowOpened) nativeWindowOpened = false; // spin once per window, not forever
            // A look that found a carrier newly in native code decides at the next tick, as Go decides
            // on a syscall at the look after the one that saw it begin. And while native calls are
            // being made and goroutines wait for a P, every goroutine that gets a P may be the next to
            // sit in one: keep looking every tick, as Go's sysmon does while it keeps retaking. Not once
            // the windows keep closing with nothing to retake (wastedWindows): then Go's back-off holds.
            boolean watching = wastedWindows < WASTED_WINDOWS
                    && (nativeWindowOpened || (now - nativeSeenAt < NATIVE_RECENT_NS && workWaiting()));
            if (took != 0 || watching) idle = 0; else idle++;
            // Not in Go: work on the global queue (or an idle P's timer 10 ms overdue), a P idle, nobody
            // looking. Only after an M could not be made (maxmcount); a wake-up is then retried here
            // rather than lost.
            if ((sched.runq.size() != 0 || sched.idleTimerOverdue(now, TIMER_OVERDUE_NS))
                    && sched.npidle > 0 && sched.nmspinning.get() == 0) {
                sched.wakep();
            }
        }
    }

    /**
     * Continuous deadlock detection's look, at most every {@link #deadlockLookNanos}; a deadlock found
     * is reported on a new daemon thread (the report is taken here, while the goroutines are stuck).
     */
    private void lookForDeadlock() {
        long now = System.nanoTime();
        if (now - deadlockLookedAt < deadlockLookNanos) return;
        deadlockLookedAt = now;
        if (!deadlock.look(now)) return;
        var report = Deadlock.exception(sched);
        JfrEvents.deadlock(sched, report);
        var handler = sched.config.deadlockHandler();
        Thread.ofPlatform().daemon().name("jgort" + sched.runtimeId + "-deadlock-report").start(() -> {
            try {
                handler.accept(report);
            } catch (RuntimeException | Error e) {
                System.getLogger("dev.jgort").log(System.Logger.Level.ERROR,
                        "jgort: the deadlock handler " + handler + " failed", e);
            }
        });
    }

    /** Sleeps until woken while every P stays idle. Dekker with {@link #wake()}: flag, then re-check. */
    private void deepSleep() {
        sysmonwait.set(true);
        // With deadlock detection on, a deep sleep lasts one look: a deadlock keeps every P idle.
        long deadline = System.nanoTime() + (deadlock != null ? deadlockLookNanos : DEEP_SLEEP_NS);
        while (sysmonwait.get() && !sched.stopped && sched.npidle == sched.gomaxprocs && sched.runq.size() == 0
                && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(this, deadline - System.nanoTime());
        }
        sysmonwait.set(false);
    }

    /** Whether goroutines wait in a run queue. */
    private boolean workWaiting() {
        if (sched.runq.size() != 0) return true;
        for (P pp : sched.allp) {
            if (!pp.runq.isEmpty()) return true;
        }
        return false;
    }

    /** Whether runnable work, a stop-the-world or a forEachP waits for {@code pp}. */
    private boolean othersNeed(P pp) {
        if (sched.gcwaiting || pp.runSafePointFn != 0) return true;
        return (!pp.runq.isEmpty() || sched.runq.size() != 0) && sched.npidle == 0 && sched.nmspinning.get() == 0;
    }

    /**
     * Go's {@code retake} for a P whose goroutine is in a native call made without {@code Go.syscall}
     * (jgort's {@code _Psyscall} for it is "the carrier is in native code, and schedtick and the M's run
     * count have not moved"). Called on each look at a running P that is not in a system call. The
     * first look that sees the carrier in native code opens a window (also the look that sees a new
     * goroutine on the P: it may have gone straight into native code); a later look with the ticks
     * unchanged that still sees it there, a whole tick on (sysmon spins to it), decides as Go's retake
     * does: take the P unless there is no other work and someone is idle or spinning, for up to 10 ms.
     *
     * <p>Only a native call that blocks counts at once (the carrier used under a quarter of the window
     * in CPU time, and the OS has its thread waiting, not runnable): a goroutine that runs many short
     * native calls with Java in between is in native code at many looks, but busy (or, when the OS
     * keeps it off a core, runnable). So is a long CPU-bound native call, which jgort cannot tell from
     * such a loop: both lose the P as CPU hogs do ({@link #takeIfStuck}), not here.
     *
     * @return whether the P was taken
     */
    private boolean retakeNative(P pp, int schedtick, int syscalltick, long now) {
        M mp = pp.m;
        int st = mp != null ? sched.watch.look(mp, pp, true) : CarrierWatch.NO_LOOK;
        if (st != CarrierStates.NATIVE) {
            closeNativeWindow(pp);
            return false;
        }
        long cpu = pp.sysmonLookCpu;
        nativeSeenAt = now;
        if (pp.sysmonNativeSince < 0) {
            pp.sysmonNativeSince = now;
            pp.sysmonNativeCpu = cpu;
            nativeWindowOpened = true;
            nativeWindowAt = now;
            return false;
        }
        long inNative = now - pp.sysmonNativeSince;
        // Blocked: hardly any CPU used over the window, and the OS has the thread waiting (a thread the
        // OS merely keeps off a core uses no CPU either, and is runnable).
        boolean blocked = cpu >= 0 && pp.sysmonNativeCpu >= 0 && cpu - pp.sysmonNativeCpu <= inNative / 4
                && sched.watch.osWaiting(mp, pp);
        // Busy in native code at every look (one long CPU-bound call, or quick calls that the looks
        // happened to catch in native code): not retaken as a native call, but as any CPU hog is
        // (takeIfStuck), after 20 ms of CPU while others need the P. Go retakes a cgo call after 10 ms
        // whatever it does, but counts its calls (syscalltick); jgort cannot count unannotated calls,
        // and the VM's state cannot tell them apart: back-to-back loads of a getpid loop's thread state
        // saw 12 changes during 23,000 calls (each leaves native code for a few nanoseconds). Counting
        // looks did not tell them apart either: 20 looks in a row caught a quick-call loop in native
        // code now and then, and each such retake cost a hand-off.
        if (!blocked) return false;
        // Go: don't retake if there is no other work to do and someone can do it when it comes.
        if (inNative < SYSCALL_RETAKE_NS && !sched.gcwaiting && pp.runSafePointFn == 0 && pp.runq.isEmpty()
                && sched.runq.size() == 0 && sched.nmspinning.get() + sched.npidle > 0) {
            return false;
        }
        return takeStuckP(pp, mp, schedtick, syscalltick, true);
    }

    /**
     * Ends {@code pp}'s native-call window, if open, without a retake: the call returned, or the P
     * moved on to other goroutines, before the look that would have decided ({@link #wastedWindows}).
     */
    private void closeNativeWindow(P pp) {
        if (pp.sysmonNativeSince >= 0 && wastedWindows < WASTED_WINDOWS) wastedWindows++;
        pp.sysmonNativeSince = -1;
    }

    /** Takes {@code pp} if its M's carrier is blocked, or its G has ignored preemption for too long. */
    private boolean takeIfStuck(P pp, int schedtick, int syscalltick, long stuck, long now) {
        if (sched.oversubscribed.get() >= sched.config.maxOversubscription()) return false;
        M mp = pp.m;
        if (mp == null || !mp.running()) return false;
        Thread carrier = mp.thread;
        if (carrier == null) return false;
        boolean blocked = switch (carrier.getState()) {
            case WAITING, TIMED_WAITING, BLOCKED -> true; // parked or blocked while pinned
            // RUNNABLE: in native code if no CPU is used (the watch, when active, has looked already)
            default -> !sched.watch.active() && cpuFlat(pp, carrier, now);
        };
        if (!blocked && !hogged(pp, carrier, stuck)) return false;
        return takeStuckP(pp, mp, schedtick, syscalltick, false);
    }

    /**
     * Whether a goroutine that has kept its P without a scheduling point for {@code stuck} ns is a
     * hog to hand its P away from: it has used {@link #HOG_HANDOFF_NS} of CPU since sysmon first saw
     * it stuck, not merely that much time. Under load the OS time-slices more runnable threads than
     * there are cores, and a goroutine that keeps working (Jetty's VirtualThreadPool: a selector or
     * a connection's thread that finds data at every read, at 256 connections on 2 cores beside
     * wrk) goes 20 ms without a scheduling point while using 30–60% of a core. Taking its P then only
     * adds an M competing for the same cores, and the next one looks stuck in turn: 240–400 Ps taken
     * in 15 s and 12–17 Ms, where the JDK's scheduler keeps 2 carriers. Without CPU times (the VM
     * cannot read them) the time held decides, as before.
     */
    private static boolean hogged(P pp, Thread carrier, long stuck) {
        long cpu = CPU_TIME ? THREADS.getThreadCpuTime(carrier.threadId()) : -1;
        if (cpu < 0) return stuck >= HOG_HANDOFF_NS;
        if (pp.sysmonHogCpu < 0) { // the first look at this stuck stretch: the baseline
            pp.sysmonHogCpu = cpu;
            return false;
        }
        return cpu - pp.sysmonHogCpu >= HOG_HANDOFF_NS - STUCK_NS;
    }

    /**
     * Takes {@code pp} from {@code mp}, whose goroutine has kept it without a scheduling point,
     * and hands it off as for a syscall: its carrier sat in native code for a whole tick (Go's
     * {@code retake} of a P in a cgo call: every native call is a cgo call), or — not in Go — it is
     * parked while pinned, or ignores preemption. The G runs on without a P until its next scheduling
     * point: a park or yield (its M then stops), or {@code checkPreempt} / {@code go()}
     * ({@link Sched#exitStolen}).
     *
     * @param schedtick   the P's schedtick sysmon saw stuck
     * @param syscalltick the P's syscalltick sysmon saw then
     * @param inNative    counted as a native-call retake (else as a stolen P)
     */
    private boolean takeStuckP(P pp, M mp, int schedtick, int syscalltick, boolean inNative) {
        if (!sched.takeRunningP(pp, mp, P.IDLE, Sched.TAKE_STUCK, schedtick, syscalltick)) return false;
        sched.oversubscribed.incrementAndGet(); // until the G takes a P again: Sched.clearStolen
        if (inNative) {
            sched.nativeRetakes.increment();
            wastedWindows = 0; // calls that block are being made: look closely again
        } else {
            sched.stolenProcs.increment();
        }
        JfrEvents.retake(sched, pp, inNative ? "native call" : "stuck M");
        sched.handoffp(pp);
        return true;
    }


    /**
     * Whether the carrier used (almost) no CPU over the last {@link #CPU_FLAT_NS} or more: blocked in a
     * native call. Under 5% tolerates a loop of short native waits; a CPU-bound carrier uses ~100%.
     */
    private static boolean cpuFlat(P pp, Thread carrier, long now) {
        if (!CPU_TIME) return false;
        long cpu = THREADS.getThreadCpuTime(carrier.threadId());
        if (cpu < 0) return false;
        if (pp.sysmonCpu < 0) {
            pp.sysmonCpu = cpu;
            pp.sysmonCpuWhen = now;
            return false;
        }
        long window = now - pp.sysmonCpuWhen;
        if (window < CPU_FLAT_NS) return false;
        boolean flat = cpu - pp.sysmonCpu < window / 20;
        pp.sysmonCpu = cpu;
        pp.sysmonCpuWhen = now;
        return flat;
    }

    /**
     * Go's {@code retake}: returns how many Ps it took (from system calls, native calls and stuck Ms).
     * A running P whose goroutine is in a system call is jgort's {@code _Psyscall} (see
     * {@link Sched#entersyscall}); so is an extra M's between callbacks (its callback G's
     * {@code _Gsyscall}).
     */
    int retake(long now) {
        int n = 0;
        for (P pp : sched.allp) {
            if (pp.status != P.RUNNING) continue;
            boolean syscall = Sched.inSyscall(pp);
            int st = pp.syscalltick; // what the decisions below rest on; takeRunningP checks it again
            boolean sysretake = false;
            // Preempt a G that has run for too long (schedtick does not move on inheritTime: a runnext
            // chain shares one time slice).
            int t = pp.schedtick;
            if (pp.sysmonSchedtick != t) {
                pp.sysmonSchedtick = t;
                pp.sysmonSchedwhen = now;
                pp.sysmonCpu = -1;
                pp.sysmonHogCpu = -1;
                pp.sysmonStuckSince = now;
                closeNativeWindow(pp);
                M mp = pp.m;
                if (mp != null) pp.sysmonRuns = mp.runs;
                // A goroutine that began since the last look may already be in native code: open the
                // window now, so that the next look (a tick on) can decide.
                if (!syscall && sched.watch.active()) retakeNative(pp, t, st, now);
            } else {
                if (now - pp.sysmonSchedwhen >= FORCE_PREEMPT_NS) {
                    sched.preemptone(pp);
                    sysretake = true; // a syscall that long is retaken whatever its tick says
                }
                // Taking the P needs one goroutine stuck, not a runnext chain of many sharing a time
                // slice: the M's run count must not have moved either.
                M mp = pp.m;
                int runs = mp != null ? mp.runs : 0;
                if (runs != pp.sysmonRuns) {
                    pp.sysmonRuns = runs;
                    pp.sysmonStuckSince = now;
                    pp.sysmonCpu = -1;
                    pp.sysmonHogCpu = -1;
                    closeNativeWindow(pp);
                } else if (!syscall) {
                    if (sched.watch.active() && retakeNative(pp, t, st, now)) {
                        n++;
                        continue;
                    }
                    if (now - pp.sysmonStuckSince >= STUCK_NS && othersNeed(pp)
                            && takeIfStuck(pp, t, st, now - pp.sysmonStuckSince, now)) {
                        n++;
                        continue;
                    }
                }
            }
            if (!syscall) continue;
            if (!sysretake && pp.sysmonSyscalltick != st) {
                pp.sysmonSyscalltick = st;
                pp.sysmonSyscallwhen = now;
                continue;
            }
            // On the one hand we don't want to retake Ps if there is no other work to do, but on the
            // other hand we want to retake them eventually because they can prevent sysmon from deep
            // sleeping. (Not in Go: a pending forEachP or stop-the-world counts as other work.)
            if (pp.runq.isEmpty() && sched.runq.size() == 0
                    && sched.nmspinning.get() + sched.npidle > 0
                    && !sched.gcwaiting && pp.runSafePointFn == 0
                    && now - pp.sysmonSyscallwhen < SYSCALL_RETAKE_NS) {
                continue;
            }
            M mp = pp.m;
            if (mp != null && sched.takeRunningP(pp, mp, P.IDLE, Sched.TAKE_SYSCALL, -1, st)) {
                n++;
                sched.syscallRetakes.increment();
                JfrEvents.retake(sched, pp, "syscall");
                sched.handoffp(pp);
            }
        }
        return n;
    }
}
