package dev.jgort.core;

import dev.jgort.api.GState;
import dev.jgort.api.GoRuntime;
import dev.jgort.api.Goroutine;
import dev.jgort.spi.CurrentGoroutine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

/**
 * A goroutine: Go's {@code g}. Its body is a virtual thread whose scheduler object is a {@link GLink}
 * to this G, so every time the JDK makes the thread runnable (start, unpark, yield, timeout, ...) the
 * scheduler knows at once which G became runnable.
 *
 * <p>The status word packs Go's {@code atomicstatus} (low 8 bits, Go's numbering) with a sequence
 * number (high bits) that {@link #makeRunnable()} increments. The M that ran the G settles the race
 * between "the G parked" and "the G was readied again before its M got back" with one CAS on the
 * whole word in {@link #endRun}: a ready in between changed the word, so the CAS fails and the G
 * stays runnable (possibly already running on another M).
 */
final class G implements Goroutine, CurrentGoroutine {
    // Go's G status values (runtime2.go).
    static final int IDLE = 0, RUNNABLE = 1, RUNNING = 2, SYSCALL = 3, WAITING = 4, DEAD = 6;
    private static final long STATE_MASK = 0xFF, SEQ_ONE = 0x100;

    // A million live goroutines are a million Gs: the G holds only what the scheduler needs (88 bytes
    // with compressed references, the goroutine dump's parentGoid and waitSince and the trace word included: hence the two
    // nesting counts are shorts). Its name is its thread's.
    // Once it ends, its thread no longer keeps it (GLink).
    final Sched sched;
    final long goid;
    final Thread thread;
    final Runnable cont;              // the thread's runContinuation: running it mounts the G
    final boolean adopted;            // a virtual thread started inside a G by plain JDK APIs

    @SuppressWarnings("unused") private volatile long status; // (seq << 8) | state, see STATUS
    /** Go's {@code g.parentGoid}: the goroutine of this runtime that created it, 0 if none did. */
    final long parentGoid;
    /**
     * Go's {@code g.waitsince}: roughly since when it waits, in {@code System.nanoTime()}; 0 if not
     * known yet. (While the G is runnable after a sampled turn, since when it is runnable: see
     * {@link #sampled}.) Set lazily, as Go's garbage collector sets it: the M zeroes it when the G parks
     * ({@link #endRun}, no clock read on the hot path), and the first observer that finds the G waiting
     * with 0 (a goroutine dump, a deadlock look) stamps its own time. Writers: the M in endRun (0),
     * whoever makes a sampled turn runnable (its stamp), observers of a waiting G (theirs). Racy plain
     * reads and writes, no lock: an observer that read _Gwaiting just before a sampled ready may
     * overwrite that ready's stamp with a slightly later time (one latency sample reads short), and a
     * lost stamp only makes the next observer stamp later.
     */
    long waitSince;

    /**
     * The execution trace's view of this G ({@link Tracer}: epoch, state, P, sequence); 0: never traced.
     * Written only by CAS, by the Tracer's hooks, each holding the monitor of the buffer it writes the
     * event into; the clock is read between the read and the CAS, so a later CAS has a later timestamp.
     */
    volatile long traceWord;

    /** Go's {@code g.lockedm}: the M this G is wired to. Written by the G itself while running. */
    volatile M lockedm;
    /**
     * Go's {@code g.m}: the M this G runs on. Written by that M in {@code execute}, before it mounts the
     * G, and never cleared (another M may already run the G when the first gets back), so it is only
     * meaningful to the G itself while it runs: it is the M whose thread the G's code runs on. The
     * system-call bracket reads it instead of looking the carrier up.
     */
    M m;

    /**
     * Go's {@code lockedExt}: the nesting count of {@code lockOSThread}; touched only by the G itself.
     * (Go's {@code lockedInt} counts the runtime's own internal locks; jgort's runtime takes none.)
     */
    short lockedExt;

    /** Go's {@code g.preempt}: set by sysmon ({@code preemptone}), honoured at {@link #checkPreempt()}. */
    volatile boolean preempt;

    /** Nesting of {@code Go.syscall}; touched only by the G itself. Only the outermost call is a syscall. */
    short syscallDepth;

    /**
     * Set by {@link #gosched()} just before it yields, read by the M in the {@code execute} call that
     * follows the unmount (same OS thread, after the unmount's fences): send the G to the global queue.
     */
    boolean toGlobal;

    /**
     * The part of allgs ({@link AllGs}) this G is in: null until an M first sees it unmount,
     * {@link AllGs#CLAIMING} while that M adds it, then the part. Set by CAS (the claim) and volatile
     * stores (publication, procresize's moves); read by {@link AllGs#remove} on the M the G ends on.
     */
    @SuppressWarnings("unused") private volatile AllGs allgs;
    /**
     * Its index in the part's array: written by the part's owner before it publishes the part (or,
     * after a copy, the array). A stale index only makes a remove miss; see {@link AllGs}.
     */
    int allgIndex;

    private static final VarHandle STATUS, ALLGS;
    static {
        try {
            STATUS = MethodHandles.lookup().findVarHandle(G.class, "status", long.class);
            ALLGS = MethodHandles.lookup().findVarHandle(G.class, "allgs", AllGs.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A G with a new virtual thread running {@code task}. */
    G(Sched sched, long goid, long parentGoid, String name, Runnable task) {
        this.sched = sched;
        this.goid = goid;
        this.parentGoid = parentGoid;
        GLink link = new GLink();
        link.g = this;
        this.thread = VThreads.newThread(link, name == null ? "" : name, task);
        this.cont = VThreads.continuation(thread);
        this.adopted = false;
    }

    /** A G for a virtual thread started inside a goroutine. */
    G(Sched sched, long goid, long parentGoid, Thread vthread) {
        this.sched = sched;
        this.goid = goid;
        this.parentGoid = parentGoid;
        this.thread = vthread;
        this.cont = VThreads.continuation(vthread);
        this.adopted = true;
    }

    /**
     * A stand-in G for an M that must get a P without leaving its thread: a callback on an extra M (Go
     * runs it on the extra M's locked G; here it runs on the foreign thread itself), or a goroutine that
     * could not unmount after a system call. It has no virtual thread and only ever stands in a run
     * queue, locked to {@code m}: the M that takes it from the queue hands its P to {@code m}
     * ({@code startlockedm}). Whoever moves it out of {@code _Grunnable} by {@link #claim()} decides:
     * an M (it hands its P over) or the waiting M itself (the runtime stopped; the entry left in the
     * queue is then skipped).
     */
    G(Sched sched, M m) {
        this(sched, m, IDLE);
        casIdleToRunnable();
    }

    /**
     * An extra M's callback G ({@link M#callbackG}): a stand-in locked to {@code extraM}, never queued,
     * {@code _Gdead} until a thread binds the M ({@code needm}).
     */
    G(M extraM) {
        this(extraM.sched, extraM, DEAD);
        this.m = extraM;
    }

    /** A runtime's {@link Sched#deadG}: no thread, never queued, {@code _Gdead} from the start. */
    G(Sched sched) {
        this(sched, null, DEAD);
    }

    /** The Gs without a virtual thread (stand-ins, callback Gs, deadG): goid 0, locked to {@code lockedm}. */
    private G(Sched sched, M lockedm, int state) {
        this.sched = sched;
        this.goid = 0;
        this.parentGoid = 0;
        this.thread = null;
        this.cont = null;
        this.adopted = false;
        this.lockedm = lockedm;
        STATUS.setVolatile(this, (long) state);
    }

    /** The part of allgs this G is in (null: none yet; {@link AllGs#CLAIMING}: being added). */
    AllGs allgs() {
        return allgs;
    }

    /** Claims this G for an add to allgs. @return false if some M has claimed it before */
    boolean claimAllgs() {
        return ALLGS.compareAndSet(this, null, AllGs.CLAIMING);
    }

    /** Publishes the part this G is now in (after its index and slot are written). */
    void publishAllgs(AllGs part) {
        allgs = part;
    }

    /** Whether this is a stand-in G (no virtual thread; so is {@link Sched#deadG}, which is never queued). */
    boolean isStandIn() {
        return thread == null;
    }

    /** A stand-in G: {@code _Grunnable} → {@code _Grunning} once. @return whether this call won */
    boolean claim() {
        long w = (long) STATUS.getVolatile(this);
        return (w & STATE_MASK) == RUNNABLE && STATUS.compareAndSet(this, w, (w & ~STATE_MASK) | RUNNING);
    }

    // ---- status ---------------------------------------------------------------------------------

    /** Go's {@code readgstatus}. */
    int status() {
        return (int) ((long) STATUS.getVolatile(this) & STATE_MASK);
    }

    /** {@code _Gidle} → {@code _Grunnable} (newproc). @return false if the G was not idle */
    boolean casIdleToRunnable() {
        long w = (long) STATUS.getVolatile(this);
        if ((w & STATE_MASK) != IDLE) return false;
        long next = (w & ~STATE_MASK) | RUNNABLE;
        if (sampled(next)) waitSince = System.nanoTime();
        return STATUS.compareAndSet(this, w, next);
    }

    /**
     * Go's scheduler-latency sampling ({@code gTrackingPeriod}): one in 8 of a goroutine's turns to
     * {@code _Grunnable}, chosen from the status word's sequence and the goid so that no clock is read
     * for the other 7. For a sampled word the one who makes the G runnable stamps {@link #waitSince}
     * with the time (it is free: a runnable G waits for nothing), and {@code execute} records how long
     * it stayed runnable ({@code /sched/latencies:seconds}). A stamp lost to a race with {@link #endRun}
     * (which zeroes it) is skipped.
     */
    boolean sampled(long word) {
        return ((word >>> 8) + goid & 7) == 0;
    }

    /**
     * {@code _Grunning} ↔ {@code _Gsyscall}, keeping the sequence (the running M's word stays valid);
     * for an extra M's callback G also {@code _Gdead} ↔ {@code _Gsyscall} (needm, dropm).
     */
    void casRunningSyscall(int from, int to) {
        long w = (long) STATUS.getVolatile(this);
        if ((w & STATE_MASK) != from || !STATUS.compareAndSet(this, w, (w & ~STATE_MASK) | to)) {
            throw new IllegalStateException("syscall: bad g status " + (w & STATE_MASK) + " for goroutine " + goid
                    + " (want " + from + ")");
        }
    }

    /**
     * The system-call bracket's fast paths: {@code _Grunning} ↔ {@code _Gsyscall} by the running G
     * itself, as a release store keeping the sequence. No CAS is needed: while a G runs, nobody else
     * writes its status (readying needs it parked; its M's {@code endRun} comes after it unmounts),
     * and the P-status CAS that follows on the same path publishes it.
     */
    void setRunningSyscall(int to) {
        long w = (long) STATUS.getOpaque(this);
        STATUS.setRelease(this, (w & ~STATE_MASK) | to);
    }

    /**
     * {@code _Gwaiting} (or a {@code _Grunning} G whose M has not yet seen it unmount) →
     * {@code _Grunnable}, bumping the sequence. Go's {@code ready} throws on any other status.
     *
     * @return the status it had
     */
    int makeRunnable() {
        while (true) {
            long w = (long) STATUS.getVolatile(this);
            int s = (int) (w & STATE_MASK);
            if (s != WAITING && s != RUNNING && s != SYSCALL) {
                throw new IllegalStateException("ready: bad g status " + s + " for goroutine " + goid);
            }
            long next = ((w & ~STATE_MASK) + SEQ_ONE) | RUNNABLE;
            if (sampled(next)) waitSince = System.nanoTime(); // runnable since (see sampled)
            if (STATUS.compareAndSet(this, w, next)) return s;
        }
    }

    /** {@code _Grunnable} → {@code _Grunning} (execute). @return the word to hand to {@link #endRun} */
    long beginRun() {
        long w = (long) STATUS.getVolatile(this);
        long running = (w & ~STATE_MASK) | RUNNING;
        if ((w & STATE_MASK) != RUNNABLE || !STATUS.compareAndSet(this, w, running)) {
            throw new IllegalStateException("execute: bad g status " + (w & STATE_MASK) + " for goroutine " + goid);
        }
        return running;
    }

    /**
     * After the G unmounted alive: {@code _Grunning} (or {@code _Gsyscall}) → {@code _Gwaiting}, unless
     * it was readied in between (then it stays runnable).
     *
     * @return whether it is now {@code _Gwaiting} (false: it was readied in between)
     */
    boolean endRun(long runningWord) {
        long waiting = (runningWord & ~STATE_MASK) | WAITING;
        waitSince = 0; // before the CAS publishes _Gwaiting: an observer that sees it waiting stamps it
        if (STATUS.compareAndSet(this, runningWord, waiting)) return true;
        // Parked inside Go.syscall: _Gsyscall → _Gwaiting (it is asleep like any parked G). When it is
        // readied and run again it is _Grunning, and exitsyscall finds it so.
        return STATUS.compareAndSet(this, (runningWord & ~STATE_MASK) | SYSCALL, waiting);
    }

    /**
     * {@code _Grunning} → {@code _Gdead} (goexit0), by the M whose run ended the G. A G found dead by
     * an M whose run it outlived (readied and finished elsewhere since) fails the CAS: its word moved.
     */
    boolean casRunningToDead(long runningWord) {
        return STATUS.compareAndSet(this, runningWord, (runningWord & ~STATE_MASK) | DEAD);
    }

    // ---- Goroutine ------------------------------------------------------------------------------

    @Override
    public long id() {
        return goid;
    }

    @Override
    public String name() {
        String n = thread != null ? thread.getName() : "";
        return n.isEmpty() ? "goroutine-" + goid : n;
    }

    @Override
    public Thread thread() {
        return thread;
    }

    /**
     * The G's state. A thread that has terminated is {@link GState#DEAD} even before its M has seen it
     * unmount, so {@code join()} followed by {@code state()} always says DEAD.
     */
    @Override
    public GState state() {
        int s = status();
        if (s != IDLE && s != DEAD && !thread.isAlive()) return GState.DEAD;
        return switch (s) {
            case IDLE -> GState.IDLE;
            case RUNNABLE -> GState.RUNNABLE;
            case RUNNING -> GState.RUNNING;
            case SYSCALL -> GState.SYSCALL;
            case WAITING -> GState.WAITING;
            default -> GState.DEAD;
        };
    }

    @Override
    public void join() throws InterruptedException {
        thread.join();
    }

    @Override
    public boolean join(Duration timeout) throws InterruptedException {
        return thread.join(timeout);
    }

    // ---- CurrentGoroutine (called by the G itself) ------------------------------------------------

    @Override
    public GoRuntime runtime() {
        return sched.runtime;
    }

    @Override
    public long goid() {
        return goid;
    }

    /** Go's {@code Gosched}: yield, and come back through the global queue. */
    @Override
    public void gosched() {
        toGlobal = true;
        try {
            Thread.yield();
        } finally {
            toGlobal = false; // also when the yield did nothing (a pinned thread cannot unmount)
        }
    }

    /**
     * Go's {@code LockOSThread}. jgort refuses the first lock when the locked Ms plus one M to run the
     * other goroutines would exceed {@code maxThreads} (Go dies later with "thread exhaustion").
     */
    @Override
    public void lockOSThread() {
        if (lockedExt == Short.MAX_VALUE) throw new IllegalStateException("LockOSThread nesting overflow");
        M mp = sched.currentM();
        if (mp == null) throw new IllegalStateException("lockOSThread: goroutine " + goid + " is not on an M");
        if (lockedExt == 0) sched.reserveLockedM(this);
        lockedExt++;
        lockedm = mp;
        mp.lockedg = this;
    }

    /** Go's {@code UnlockOSThread}: extra calls do nothing. */
    @Override
    public void unlockOSThread() {
        if (lockedExt == 0) return;
        lockedExt--;
        if (lockedExt == 0) {
            M mp = lockedm;
            if (mp != null) mp.lockedg = null;
            lockedm = null;
            sched.nlockedm.decrementAndGet();
        }
    }

    @Override
    public void entersyscall(boolean block) {
        short d = syscallDepth;
        if (d == Short.MAX_VALUE) throw new IllegalStateException("Go.syscall nesting overflow");
        syscallDepth = (short) (d + 1);
        if (d == 0) sched.entersyscall(this, block);
    }

    @Override
    public void exitsyscall() {
        short d = syscallDepth;
        if (d == 0) throw new IllegalStateException("exitsyscall without entersyscall");
        syscallDepth = (short) (d - 1);
        if (d == 1) sched.exitsyscall(this);
    }

    /** A channel timer armed by this goroutine goes on the P it runs on ({@link Sched#addtimer}). */
    @Override
    public ScheduledFuture<?> addTimer(Runnable task, long delayNanos) {
        M mp = sched.currentM();
        return mp == null ? null : sched.addtimer(mp, task, delayNanos);
    }

    @Override
    public boolean checkPreempt() {
        // Go's canPreemptM: not in a system call, not while holding a stopped world (preemptoff).
        if (!preempt || syscallDepth > 0 || sched.world.stoppedBy(this)) return false;
        preempt = false;
        // Sysmon took its P while it sat in native code (or hogged the CPU): Go's exitsyscall, here.
        if (sched.exitStolen(this)) return false; // an idle P: it runs on with that one
        gosched();
        return true;
    }

    @Override
    public String toString() {
        if (isStandIn()) return "stand-in for M" + (lockedm != null ? lockedm.id : -1);
        return "goroutine " + goid + " [" + state().name().toLowerCase(java.util.Locale.ROOT) + "]";
    }
}
