package dev.jgort.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A processor: Go's {@code p}. The right to run Go code: an M must hold a P to run Gs. Each P has a
 * local run queue; there are exactly GOMAXPROCS of them.
 *
 * <p>Ownership: the M holding the P ({@link #m}) owns {@link #schedtick} and puts into {@link #runq};
 * {@link #status} changes only by its owner, under {@code sched.lock} for idle Ps, or by CAS out of
 * {@code _Prunning} by a taker holding the owner's pLock ({@code Sched.takeRunningP}). No P is ever in
 * {@code _Psyscall}: a P whose goroutine (or extra M's thread) is in a system call stays
 * {@code _Prunning}, and the G's {@code _Gsyscall} says so (see {@code Sched.entersyscall}).
 */
final class P {
    // Go's P status values (runtime2.go); SYSCALL only as schedtrace shows a P held in a syscall.
    static final int IDLE = 0, RUNNING = 1, SYSCALL = 2, GCSTOP = 3, DEAD = 4;

    final int id;
    final LocalRunQueue runq = new LocalRunQueue();
    /** This P's part of Go's {@code allgs}; its owner is the owner of the P. */
    final AllGs allgs = new AllGs();
    /** Go's {@code p.timers}: timeouts of the goroutines that parked while running here. */
    final Timers timers = new Timers();

    /** Go's {@code p.status}: set by the owner; taken out of {@code _Prunning} only by CAS ({@link #casStatus}). */
    volatile int status = IDLE;
    /** The owning M, or null when idle. */
    volatile M m;
    /**
     * Go's {@code schedtick}: incremented by the owner on every execute that does not inherit the time
     * slice. Plain: other threads (traces) read it racily, as Go's sysmon does.
     */
    int schedtick;
    /**
     * Go's {@code syscalltick}: incremented on every system call, by the goroutine (or the extra M's
     * thread, around each callback) entering it and leaving it (release stores on the fast paths).
     * Read by sysmon to tell a new system call from an old one, and by
     * {@code takeRunningP} to see that none began since it decided.
     */
    volatile int syscalltick;

    // Go's p.sysmontick: what sysmon saw at its last look. Sysmon's own (one thread).
    int sysmonSchedtick, sysmonSyscalltick;
    /** The M's run count at sysmon's last look, and since when one goroutine has held this P. */
    int sysmonRuns;
    long sysmonStuckSince;
    long sysmonSchedwhen, sysmonSyscallwhen;
    /** The carrier's CPU time when sysmon's current sampling window began, and when (-1: no window). */
    long sysmonCpu = -1, sysmonCpuWhen;
    /** Sysmon's: the carrier's CPU time when it first saw this P stuck (-1: not yet). */
    long sysmonHogCpu = -1;
    /**
     * Since when sysmon has seen this P's carrier in native code at every look, with schedtick and the
     * M's run count unchanged (-1: it was not at the last look), and the carrier's CPU time then.
     */
    long sysmonNativeSince = -1, sysmonNativeCpu;
    /** The carrier's CPU time at sysmon's latest look ({@link CarrierWatch#look}). */
    long sysmonLookCpu;

    /** Go's {@code p.runSafePointFn}: 1 while a forEachP function is pending for this P; cleared by CAS. */
    volatile int runSafePointFn;

    /** Link in the idle-P list; guarded by {@code sched.lock}. */
    P link;

    /**
     * Goroutines started and ended on this P: written only by the owner (release stores, so a reader
     * that sees an exit also sees the start counted before it), summed by anyone.
     */
    @SuppressWarnings("unused") private long gcreated, gexited;

    private static final VarHandle STATUS, RUN_SAFE_POINT_FN, GCREATED, GEXITED, SYSCALLTICK;
    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATUS = l.findVarHandle(P.class, "status", int.class);
            RUN_SAFE_POINT_FN = l.findVarHandle(P.class, "runSafePointFn", int.class);
            GCREATED = l.findVarHandle(P.class, "gcreated", long.class);
            GEXITED = l.findVarHandle(P.class, "gexited", long.class);
            SYSCALLTICK = l.findVarHandle(P.class, "syscalltick", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    P(int id) {
        this.id = id;
    }

    /**
     * A taker's first step on a {@code _Prunning} P ({@code Sched.takeRunningP}): one side of the Dekker
     * pair with a goroutine leaving its system call.
     */
    boolean casStatus(int from, int to) {
        return STATUS.compareAndSet(this, from, to);
    }

    /** Settles who runs the pending safe-point function for this P: forEachP or the P's owner. */
    boolean casRunSafePointFn(int from, int to) {
        return RUN_SAFE_POINT_FN.compareAndSet(this, from, to);
    }

    /**
     * The system-call bracket's increment (fast paths of entersyscall / exitsyscall, on the owner's
     * thread): a release store, where a volatile one would cost a fence (see {@code Sched.entersyscall}
     * for why none is needed).
     */
    void bumpSyscalltickRelease() {
        SYSCALLTICK.setRelease(this, syscalltick + 1);
    }

    /** Owner only. */
    void countCreated() {
        GCREATED.setRelease(this, (long) GCREATED.getOpaque(this) + 1);
    }

    /** Owner only. */
    void countExited() {
        GEXITED.setRelease(this, (long) GEXITED.getOpaque(this) + 1);
    }

    long created() {
        return (long) GCREATED.getAcquire(this);
    }

    long exited() {
        return (long) GEXITED.getAcquire(this);
    }

    @Override
    public String toString() {
        return "P" + id;
    }
}
