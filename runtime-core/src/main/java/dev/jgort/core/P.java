package dev.jgort.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A processor: Go's {@code p}. The right to run Go code: an M must hold a P to run Gs. Each P has a
 * local run queue; there are exactly GOMAXPROCS of them.
 *
 * <p>Ownership: the M holding the P ({@link #m}) owns {@link #schedtick} and puts into {@link #runq};
 * {@link #status} changes only by its owner, or under {@code sched.lock} for idle Ps.
 */
final class P {
    // Go's P status values (runtime2.go).
    static final int IDLE = 0, RUNNING = 1, SYSCALL = 2, GCSTOP = 3, DEAD = 4;

    final int id;
    final LocalRunQueue runq = new LocalRunQueue();
    /** This P's part of Go's {@code allgs}; its owner is the owner of the P. */
    final AllGs allgs = new AllGs();

    /** Go's {@code p.status}: set by the owner; {@code _Psyscall} → other states only by CAS ({@link #casStatus}). */
    volatile int status = IDLE;
    /** The owning M, or null when idle. */
    volatile M m;
    /**
     * Go's {@code schedtick}: incremented by the owner on every execute that does not inherit the time
     * slice. Plain: other threads (traces) read it racily, as Go's sysmon does.
     */
    int schedtick;
    /** Go's {@code syscalltick}: incremented on every system call. */
    volatile int syscalltick;

    // Go's p.sysmontick: what sysmon saw at its last look. Sysmon's own (one thread).
    int sysmonSchedtick, sysmonSyscalltick;
    /** The M's run count at sysmon's last look, and since when one goroutine has held this P. */
    int sysmonRuns;
    long sysmonStuckSince;
    long sysmonSchedwhen, sysmonSyscallwhen;
    /** The carrier's CPU time when sysmon's current sampling window began, and when (-1: no window). */
    long sysmonCpu = -1, sysmonCpuWhen;

    /** Go's {@code p.runSafePointFn}: 1 while a forEachP function is pending for this P; cleared by CAS. */
    volatile int runSafePointFn;

    /** Link in the idle-P list; guarded by {@code sched.lock}. */
    P link;

    /**
     * Goroutines started and ended on this P: written only by the owner (release stores, so a reader
     * that sees an exit also sees the start counted before it), summed by anyone.
     */
    @SuppressWarnings("unused") private long gcreated, gexited;

    private static final VarHandle STATUS, RUN_SAFE_POINT_FN, GCREATED, GEXITED;
    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATUS = l.findVarHandle(P.class, "status", int.class);
            RUN_SAFE_POINT_FN = l.findVarHandle(P.class, "runSafePointFn", int.class);
            GCREATED = l.findVarHandle(P.class, "gcreated", long.class);
            GEXITED = l.findVarHandle(P.class, "gexited", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    P(int id) {
        this.id = id;
    }

    /**
     * Settles the race for a {@code _Psyscall} P between its M coming back ({@code exitsyscall}) and
     * sysmon or forEachP taking it ({@code retake}): exactly one CAS from {@code _Psyscall} wins.
     */
    boolean casStatus(int from, int to) {
        return STATUS.compareAndSet(this, from, to);
    }

    /** Settles who runs the pending safe-point function for this P: forEachP or the P's owner. */
    boolean casRunSafePointFn(int from, int to) {
        return RUN_SAFE_POINT_FN.compareAndSet(this, from, to);
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
