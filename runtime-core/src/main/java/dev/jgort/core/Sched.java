package dev.jgort.core;

import dev.jgort.api.RuntimeConfig;
import dev.jgort.spi.G0;
import dev.jgort.spi.RuntimeStoppedException;
import dev.jgort.spi.StackChoice;
import dev.jgort.spi.ThreadBackend;
import dev.jgort.spi.ThreadStart;
import dev.jgort.spi.ThreadStartException;
import dev.jgort.spi.TlsSlot;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongUnaryOperator;

/**
 * The scheduler: Go's {@code schedt} and the functions of {@code proc.go} that move Gs, Ms and Ps.
 * See {@code package-info.java} for the design; each method names its Go counterpart and says what
 * it must hold.
 */
final class Sched implements LocalRunQueue.Overflow {
    /** Go's {@code sched.lock}. Guards the fields marked "lock", the global run queue and the lists. */
    final SchedLock lock = new SchedLock();

    final JgortRuntime runtime;
    final RuntimeConfig config;
    final ThreadBackend backend;
    /** {@code allocm}'s stack decision for this runtime's Ms. */
    final StackChoice stackChoice;
    final int runtimeId;
    final long startNanos = System.nanoTime();

    /**
     * Go's {@code allp}: exactly {@link #gomaxprocs} Ps. Replaced (never mutated) by {@code procresize}
     * with the world stopped; readers take one snapshot of the array.
     */
    volatile P[] allp;
    /** Go's {@code gomaxprocs}; changes only with the world stopped. */
    volatile int gomaxprocs;
    /** Go's {@code stealOrder}: random permutations by coprime strides; reset by procresize. */
    private volatile RandomOrder stealOrder;

    // ---- stop-the-world and safe points --------------------------------------------------------------
    /**
     * Go's {@code worldsema}: one stop-the-world or forEachP at a time. A semaphore, not a lock: the
     * world may be started by another thread than the one that stopped it.
     */
    private final java.util.concurrent.Semaphore worldsema = new java.util.concurrent.Semaphore(1);
    /** Go's {@code sched.gcwaiting}: the world is stopping or stopped; running Ps stop at safe points. */
    volatile boolean gcwaiting;
    /** Go's {@code sched.stopwait}: Ps yet to stop. lock. */
    int stopwait;
    private final Note stopnote = new Note();
    /** Go's {@code sched.newprocs}: GOMAXPROCS to apply at the next startTheWorld. lock. */
    private int newprocs;
    /** Go's {@code sched.safePointFn} / {@code safePointWait}. lock. */
    private java.util.function.IntConsumer safePointFn;
    int safePointWait;
    private final Note safePointNote = new Note();
    /** The P of a goroutine that stopped the world (it keeps running on it), or null. */
    private volatile P stwOwnerP;
    /**
     * The goroutine that stopped the world, until it starts again: like Go's {@code m.preemptoff}, it
     * is not preempted meanwhile (it yields nowhere: no P could run it before the world starts).
     * Written under {@link #lock} by stopTheWorld and startTheWorld; read without it by that
     * goroutine itself ({@link G#checkPreempt}), which only needs to see its own write.
     */
    private volatile G stwOwnerG;

    // ---- guarded by lock --------------------------------------------------------------------------
    final GlobalRunQueue runq = new GlobalRunQueue();
    private M midle;                 // idle Ms, linked by schedlink
    int nmidle;                      // lock
    int nmidlelocked;                // lock: locked Ms waiting for their G
    private long mnext;              // lock: the next M id; also the number of Ms ever made
    long nmfreed;                    // lock: Ms that exited
    long nmextra;                    // lock: extra Ms made (for callbacks; not counted by mcount/maxmcount)
    private M freem;                 // lock: exited Ms whose records wait for the thread to end
    private P pidle;                 // lock: idle Ps, linked by link
    final List<M> allm = new ArrayList<>(); // lock

    // ---- atomics -----------------------------------------------------------------------------------
    /** Go's {@code sched.npidle}: written under the lock, read anywhere. */
    volatile int npidle;
    /** Ms wired to a goroutine by LockOSThread (each needs a thread of its own). */
    final AtomicInteger nlockedm = new AtomicInteger();
    /** Go's {@code sched.nmspinning}. */
    final AtomicInteger nmspinning = new AtomicInteger();
    private final AtomicLong goidgen = new AtomicLong();

    // ---- goroutines --------------------------------------------------------------------------------
    /** Goroutines started off any P (from platform threads); the rest are counted per P. */
    private final LongAdder gcreatedNoP = new LongAdder();
    /** Goroutines that ended on an M without a P (only after a failure); the rest are counted per P. */
    private final LongAdder gexitedNoP = new LongAdder();
    /**
     * The part of Go's {@code allgs} for Gs first seen unmounting by an M without a P, and for the Gs
     * of Ps that {@code procresize} frees; the rest are in each P's {@link P#allgs}. Owned by whoever
     * holds {@link #lock}. Walk them all with {@link #forEachG}.
     */
    private final AllGs allgsNoP = new AllGs();
    /** What the {@link GLink} of an ended G points at: keeps the runtime reachable, not the G. */
    final G deadG = new G(this);
    /** Virtual threads started inside goroutines by plain JDK APIs, by thread. */
    final ConcurrentHashMap<Thread, G> adopted = new ConcurrentHashMap<>();
    /** Carriers that are not {@link JavaThreadBackend.CarrierThread}s (other backends), by thread. */
    private final ConcurrentHashMap<Thread, M> foreignCarriers = new ConcurrentHashMap<>();

    // ---- counters ----------------------------------------------------------------------------------
    final LongAdder steals = new LongAdder();
    final LongAdder stolen = new LongAdder();
    final LongAdder mwakeups = new LongAdder();
    final LongAdder threadsExited = new LongAdder();
    /** Ms running a goroutine without a P because sysmon took it (blocked carrier or CPU hog). */
    final AtomicInteger oversubscribed = new AtomicInteger();
    /** Ps taken from stuck Ms (blocked in native code or parked while pinned, or CPU hogs). */
    final LongAdder stolenProcs = new LongAdder();
    /** Times an M was wanted but maxmcount said no. */
    final LongAdder threadLimitHits = new LongAdder();
    /** Ps taken from goroutines in a syscall (by sysmon's retake). */
    final LongAdder syscallRetakes = new LongAdder();
    /** Ps taken from goroutines whose carrier sat in native code for a whole tick (every native call is a cgo call). */
    final LongAdder nativeRetakes = new LongAdder();

    /** Sees carriers in native code ({@code RuntimeConfig.withNativeCallWatch}). */
    final CarrierWatch watch;
    final Sysmon sysmon;

    // ---- lifecycle ---------------------------------------------------------------------------------
    /** close() is waiting: exits signal {@link #closeWaiter}. */
    volatile boolean closing;
    volatile Thread closeWaiter;
    /** close() finished waiting: idle Ms exit instead of sleeping. */
    volatile boolean stopped;
    /** shutdownNow(): every G is interrupted before it runs. */
    volatile boolean interruptAll;
    /** The first fatal scheduler error (thread creation failure, broken invariant); set once by CAS. */
    volatile RuntimeException fatal;
    private static final VarHandle FATAL;
    static {
        try {
            FATAL = MethodHandles.lookup().findVarHandle(Sched.class, "fatal", RuntimeException.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long idleTimeoutNanos;

    private static final AtomicInteger RUNTIME_IDS = new AtomicInteger();

    Sched(JgortRuntime runtime, RuntimeConfig config, ThreadBackend backend) {
        this.runtime = runtime;
        this.config = config;
        this.backend = backend;
        this.stackChoice = StackPolicy.choose(backend);
        this.runtimeId = RUNTIME_IDS.incrementAndGet();
        this.gomaxprocs = config.maxProcs();
        this.allp = new P[config.maxProcs()];
        this.stealOrder = new RandomOrder(config.maxProcs());
        this.idleTimeoutNanos = config.idleThreadTimeout().toNanos();
        this.watch = CarrierWatch.choose(config.nativeCallWatch());
        this.sysmon = new Sysmon(this);
        this.extraLocked = new M(this, -1, new G0(-1, "extra-M list lock", new StackChoice(StackChoice.Kind.OS_PROVIDED, 0)),
                new TlsSlot(0));
        lock.lock();
        try {
            P[] ps = allp;
            for (int i = ps.length - 1; i >= 0; i--) {
                ps[i] = new P(i);
                pidleput(ps[i]);
            }
        } finally {
            lock.unlock();
        }
    }

    // =================================================================================================
    // Goroutine creation and readiness
    // =================================================================================================

    long newGoid() {
        return goidgen.incrementAndGet();
    }

    /** Go's {@code gcount}: exits are read before starts, so a transient count is never negative. */
    int numGoroutine() {
        long exited = 0, created = 0;
        P[] ps = allp; // one snapshot: procresize folds dead Ps' counts into the NoP sums (created first)
        for (P pp : ps) exited += pp.exited();
        exited += gexitedNoP.sum();
        for (P pp : ps) created += pp.created();
        return (int) (created + gcreatedNoP.sum() - exited);
    }

    /**
     * Calls {@code action} with every live G that has unmounted at least once (Go's {@code forEachG}),
     * and possibly with some that have ended or, while {@code procresize} runs, twice: callers check
     * the status. Any thread, no locks.
     */
    void forEachG(Consumer<G> action) {
        for (P pp : allp) pp.allgs.forEach(action); // Ps first: procresize moves their Gs to allgsNoP
        allgsNoP.forEach(action);
    }

    /** The Gs {@link #forEachG} walks, each once (G keeps Object's identity equality), in walk order. */
    Set<G> allgsSnapshot() {
        Set<G> gs = new LinkedHashSet<>();
        forEachG(gs::add);
        return gs;
    }

    /** Whether {@code gp} stopped the world and has not started it again. */
    boolean stoppedTheWorld(G gp) {
        return stwOwnerG == gp;
    }

    /** Goroutines ever started. */
    long goroutinesCreated() {
        long created = gcreatedNoP.sum();
        for (P pp : allp) created += pp.created();
        return created;
    }

    /**
     * Go's {@code ready} and {@code newproc}'s second half: {@code gp}'s thread became runnable. Called
     * from {@link G#execute}, on any thread. Never throws: a failure is recorded as {@link #fatal}.
     *
     * <p>On an M holding a P, a G readied by another G (or by the M after the previous G ended) goes to
     * that P's {@code runnext}, a G that yielded to its own M's tail (or, after {@code Gosched}, to the
     * global queue). Elsewhere (platform threads, JDK timer threads) it goes to the global queue.
     */
    void ready(G gp) {
        try {
            M mp = currentM();
            boolean held = mp != null && mp.tryLockP();
            try {
                readyLocked(gp, mp, held ? mp.p : null);
            } finally {
                if (held) mp.unlockP();
            }
            // Dekker with findrunnable: our queue store above, then its nmspinning/npidle loads below;
            // the spinning M decrements nmspinning, then re-reads the queues. Both need StoreLoad.
            VarHandle.fullFence();
            wakep();
        } catch (Throwable t) {
            fatal(new IllegalStateException("jgort: cannot schedule " + gp + ": " + t, t));
        }
    }

    /** {@link #ready}'s queueing, with {@code mp}'s P if the caller may use it ({@code pp}), else none. */
    private void readyLocked(G gp, M mp, P pp) {
        if (gp.casIdleToRunnable()) { // newproc: the thread was just started
            if (pp != null) {
                pp.countCreated();
                runqput(pp, gp, true);
            } else {
                gcreatedNoP.increment();
                globrunqput(gp);
            }
        } else {
            gp.makeRunnable();
            if (pp == null) {
                globrunqput(gp);
            } else if (mp.curg == gp && !Thread.currentThread().isVirtual()) {
                // Its own M, right after it unmounted: a yield (Thread.yield or Gosched).
                if (gp.toGlobal) globrunqput(gp); else runqput(pp, gp, false);
            } else {
                runqput(pp, gp, true);
            }
        }
    }

    /**
     * execute() got a Runnable that is not the G's own continuation: the continuation of a virtual
     * thread started inside a goroutine (which inherited the parent G as its scheduler). It becomes a
     * goroutine of its own. Anything else is run in a new goroutine, so nothing is ever dropped.
     */
    void readyForeign(Runnable r) {
        try {
            Thread vt = VThreads.ownerOf(r);
            if (vt == null) {
                new G(this, newGoid(), (String) null, r).thread.start();
                return;
            }
            G gp = adopted.get(vt);
            if (gp == null) {
                gp = adopted.computeIfAbsent(vt, t -> new G(this, newGoid(), t));
            }
            ready(gp);
        } catch (Throwable t) {
            fatal(new IllegalStateException("jgort: cannot schedule " + r + ": " + t, t));
        }
    }

    /** Go's {@code globrunqput}, taking the lock. */
    private void globrunqput(G gp) {
        lock.lock();
        try {
            runq.put(gp);
        } finally {
            lock.unlock();
        }
    }

    /** Go's {@code runqput}. Must be the owner of {@code pp}. */
    void runqput(P pp, G gp, boolean next) {
        pp.runq.put(gp, next, this);
    }

    /** {@code runqputslow}'s second half: a full local queue sheds half of itself here. */
    @Override
    public void putBatch(G[] batch, int n) {
        lock.lock();
        try {
            runq.putBatch(batch, n);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Go's {@code globrunqget}: takes a batch from the global queue onto {@code pp}'s local queue and
     * returns one G. Must hold the lock and own {@code pp}.
     */
    G globrunqget(P pp, int max) {
        int size = runq.size();
        if (size == 0) return null;
        int n = size / gomaxprocs + 1;
        if (n > size) n = size;
        if (max > 0 && n > max) n = max;
        if (n > LocalRunQueue.SIZE / 2) n = LocalRunQueue.SIZE / 2;
        G gp = runq.pop();
        for (n--; n > 0; n--) {
            runqput(pp, runq.pop(), false);
        }
        return gp;
    }

    // =================================================================================================
    // The M's loop: mstart, schedule, execute, findrunnable
    // =================================================================================================

    /** The M of the calling thread if it is one of this runtime's, else null. Safe from a G. */
    M currentM() {
        Thread c = VThreads.currentCarrier();
        M mp = c instanceof JavaThreadBackend.CarrierThread ct ? ct.m : foreignCarriers.get(c);
        return mp != null && mp.sched == this ? mp : null;
    }

    /** Go's {@code mstart}: runs on the new M's thread until the M exits. */
    private void mstart(M mp) {
        Thread t = Thread.currentThread();
        mp.thread = t;
        if (t instanceof JavaThreadBackend.CarrierThread ct) ct.m = mp; else foreignCarriers.put(t, mp);
        try {
            mp.carrier = watch.register(); // before any G runs here: sysmon may look from then on
            acquirep(mp, mp.nextp);
            mp.nextp = null;
            schedule(mp);
        } catch (Throwable e) {
            fatal(new IllegalStateException("jgort: " + mp + " failed: " + e, e));
        } finally {
            // Before the thread ends (the VM frees what the handle points into). We hold our pLock, so
            // sysmon is not looking.
            long h = mp.carrier;
            mp.carrier = 0;
            watch.deregister(h);
            if (!(t instanceof JavaThreadBackend.CarrierThread)) foreignCarriers.remove(t);
            mexit(mp);
        }
    }

    /**
     * Go's {@code schedule}: one round of scheduling per iteration: find a runnable G and execute it.
     * Returns when the M must exit (idle too long, runtime stopped, or its locked G ended).
     */
    private void schedule(M mp) {
        while (true) {
            if (mp.lockedg != null) {
                // Our locked G is not runnable here: give the P away and wait for the G.
                stoplockedm(mp);
                if (execute(mp, mp.lockedg, false)) return;
                continue;
            }
            if (mp.p == null) {
                // Its G left through exitsyscall's slow path (Go's exitsyscall0): no P, so stop.
                if (!stopm(mp)) return;
                continue;
            }
            if (gcwaiting) {
                if (!gcstopm(mp)) return;
                continue;
            }
            P pp = mp.p;
            if (pp.runSafePointFn != 0) runSafePointFn(pp);
            G gp = null;
            boolean inheritTime = false;
            // Fairness: now and then check the global queue first, so two goroutines that keep
            // re-spawning each other on a local queue cannot starve it.
            if (pp.schedtick % 61 == 0 && runq.size() > 0) {
                lock.lock();
                try {
                    gp = globrunqget(pp, 1);
                } finally {
                    lock.unlock();
                }
            }
            if (gp == null) {
                gp = pp.runq.get();
                inheritTime = pp.runq.inheritTime;
                // A spinning M may see local work here (a P handed over with its queue): resetspinning below.
            }
            if (gp == null) {
                gp = findrunnable(mp); // blocks until work
                if (gp == null) return;
                inheritTime = mp.p.runq.inheritTime;
            }
            // This M is about to run a G: if it was spinning, another M must take over the search.
            if (mp.spinning) resetspinning(mp);
            if (gp.lockedm != null) {
                // A stand-in G whose M gave up waiting (the runtime stopped): nothing to run.
                if (gp.isStandIn() && !gp.claim()) continue;
                // Hand our P to the G's own M and wait.
                if (!startlockedm(mp, gp)) return;
                continue;
            }
            if (execute(mp, gp, inheritTime)) return;
        }
    }

    /**
     * Go's {@code execute}: runs {@code gp} on the current M until it unmounts (parks, yields or ends).
     *
     * @return whether the M must exit (its locked G ended: the G takes the thread with it)
     */
    private boolean execute(M mp, G gp, boolean inheritTime) {
        long word = gp.beginRun();
        P pp = mp.p;
        gp.preempt = false;
        gp.m = mp; // before it mounts: its code runs on this thread
        mp.curg = gp;
        if (!inheritTime) pp.schedtick++;
        mp.runs++;
        if (interruptAll) gp.thread.interrupt();
        mp.unlockP(); // the G (and sysmon, if the G gets stuck) may use the P now
        try {
            gp.cont.run(); // mounts the virtual thread here until it unmounts
        } catch (Throwable t) {
            // The JDK reports a G's own uncaught exceptions itself; this is the continuation failing.
            fatal(new IllegalStateException("jgort: goroutine " + gp.goid + " failed to run: " + t, t));
        }
        mp.lockP();
        mp.curg = null;
        // Sysmon took our P while the G was stuck (in native code, or hogging the CPU). (If the G parked
        // inside Go.syscall, its P is still ours, unless a taker took it: then we simply have none.)
        clearStolen(mp);
        if (!gp.thread.isAlive()) {
            // Ended in our run, or (the CAS fails) resumed and ended on another M, which reports it.
            return gp.casRunningToDead(word) && goexit0(mp, gp);
        }
        if (gp.allgs() == null) {
            P p = mp.p; // ours while we hold the pLock
            boolean added;
            if (p != null) {
                added = p.allgs.add(gp);
            } else {
                lock.lock();
                try {
                    added = allgsNoP.add(gp);
                } finally {
                    lock.unlock();
                }
            }
            if (added) {
                // Dekker twice: our publication, then their flag. goexit0 sets DEAD, then reads the G's
                // part; shutdownNow sets interruptAll, then walks allgs. Each side misses the other's
                // store only if the other sees its own.
                VarHandle.fullFence();
                if (gp.status() == G.DEAD) AllGs.remove(gp); // it ended on another M meanwhile
                if (interruptAll) gp.thread.interrupt();
            }
        }
        if (gp.preempt) {
            // Its time slice ran out (sysmon) and it parked instead of calling checkPreempt. In Go it
            // would have been preempted to the global queue before readying its partner; here the
            // partner already sits in runnext. Send it to the global queue, so the chain's slice ends
            // and the Gs queued before it run first (else a ping-pong pair keeps the P forever).
            gp.preempt = false;
            P p = mp.p;
            G next = p != null ? p.runq.takeRunnext() : null;
            if (next != null) globrunqput(next);
        }
        gp.endRun(word); // → WAITING unless it was readied meanwhile
        return false;
    }

    /**
     * Go's {@code goexit0}: {@code gp} ended and is {@code _Gdead}.
     *
     * @return whether the M must exit with it (it ended while locked to this M)
     */
    private boolean goexit0(M mp, G gp) {
        AllGs.remove(gp);
        if (gp.adopted) {
            adopted.remove(gp.thread);
        } else {
            ((GLink) VThreads.scheduler(gp.thread)).g = deadG; // the thread may outlive us by far
        }
        boolean locked = gp.lockedm == mp;
        if (gp.lockedm != null) nlockedm.decrementAndGet();
        gp.lockedm = null;
        if (mp.lockedg == gp) mp.lockedg = null;
        P pp = mp.p;
        if (pp != null) pp.countExited(); else gexitedNoP.increment();
        if (closing) {
            Thread w = closeWaiter;
            if (w != null) LockSupport.unpark(w);
        }
        // A goroutine that ends locked may have left the thread in a state nobody else should
        // inherit: the M exits with it (mexit hands its P to another M).
        return locked;
    }

    /**
     * Go's {@code findrunnable}: finds a runnable G, stealing from other Ps, or parks the M until there
     * is one. Returns with the M holding a P (not necessarily the one it came with), or null if the M
     * must exit (it then holds no P).
     */
    private G findrunnable(M mp) {
        while (true) {
            if (gcwaiting) {
                if (!gcstopm(mp)) return null;
                continue;
            }
            P pp = mp.p;
            if (pp.runSafePointFn != 0) runSafePointFn(pp);
            // local runq
            G gp = pp.runq.get();
            if (gp != null) return gp;
            // global runq
            if (runq.size() != 0) {
                lock.lock();
                try {
                    gp = globrunqget(pp, 0);
                } finally {
                    lock.unlock();
                }
                pp.runq.inheritTime = false;
                if (gp != null) return gp;
            }
            // Steal, unless enough Ms already spin: limits CPU burnt when GOMAXPROCS >> real work.
            if (mp.spinning || 2 * nmspinning.get() < gomaxprocs - npidle) {
                if (!mp.spinning) {
                    mp.spinning = true;
                    nmspinning.incrementAndGet();
                }
                gp = stealWork(mp, pp);
                pp.runq.inheritTime = false;
                if (gp != null) return gp;
            }

            // Nothing found: give the P back, then stop spinning.
            lock.lock();
            try {
                if (gcwaiting || pp.runSafePointFn != 0) continue; // back to the top, which handles them
                if (runq.size() != 0) {
                    gp = globrunqget(pp, 0);
                    pp.runq.inheritTime = false;
                    return gp;
                }
                if (releasep(mp) != pp) throw new IllegalStateException("findrunnable: wrong p");
                pidleput(pp);
            } finally {
                lock.unlock();
            }

            // Delicate dance: a G may be readied right after we gave up. We drop nmspinning first and
            // then look at every queue again; the readier stores first and then reads nmspinning (see
            // ready). One of us sees the other, so no wake-up is lost.
            if (mp.spinning) {
                mp.spinning = false;
                if (nmspinning.decrementAndGet() < 0) throw new IllegalStateException("findrunnable: negative nmspinning");
                P p2 = recheckQueues();
                if (p2 != null) {
                    acquirep(mp, p2);
                    mp.spinning = true;
                    nmspinning.incrementAndGet();
                    continue;
                }
            }
            if (!stopm(mp)) return null;
        }
    }

    /** Four passes over all Ps in a random order; runnext is taken only in the last. */
    private G stealWork(M mp, P pp) {
        P[] ps = allp;
        RandomOrder order = stealOrder;
        if (ps.length != gomaxprocs) return null; // procresize in progress (cannot happen while we hold a P)
        for (int i = 0; i < 4; i++) {
            boolean stealRunNext = i == 3;
            for (RandomOrder.Enum e = order.start(ThreadLocalRandom.current().nextInt()); !e.done(); e.next()) {
                if (gcwaiting) return null;
                P p2 = ps[e.position()];
                if (p2 == pp) continue;
                int before = pp.runq.size();
                G gp = pp.runq.steal(p2.runq, stealRunNext, p2.status == P.RUNNING);
                if (gp != null) {
                    steals.increment();
                    stolen.add(1 + pp.runq.size() - before);
                    return gp;
                }
            }
        }
        return null;
    }

    /**
     * After dropping spinning without a P: if any queue has work, takes an idle P for it (or null).
     * Go's second look at {@code sched.runq} and {@code checkRunqsNoP}.
     */
    private P recheckQueues() {
        boolean work = runq.size() != 0;
        P[] ps = allp;
        for (int i = 0; !work && i < ps.length; i++) {
            work = !ps[i].runq.isEmpty();
        }
        if (!work) return null;
        lock.lock();
        try {
            return pidleget();
        } finally {
            lock.unlock();
        }
    }

    // =================================================================================================
    // Ps and Ms: acquirep, releasep, pidle, midle, startm, stopm, wakep, handoffp
    // =================================================================================================

    /** Go's {@code acquirep}: wires {@code pp} to {@code mp}. {@code pp} must be idle and off the list. */
    void acquirep(M mp, P pp) {
        if (mp.p != null || pp.m != null || pp.status != P.IDLE) {
            throw new IllegalStateException("acquirep: invalid p state: " + mp + ".p=" + mp.p + " " + pp
                    + ".m=" + pp.m + " status=" + pp.status);
        }
        mp.p = pp;
        pp.m = mp;
        pp.status = P.RUNNING;
        // Sysmon may be in a deep sleep (every P was idle): a running P needs it awake, to retake it
        // from a system call or a native call. Cheap when it is awake.
        sysmon.wake();
    }

    /** Go's {@code releasep}: unwires the M's P and returns it (idle, not on the list). */
    P releasep(M mp) {
        P pp = mp.p;
        if (pp == null || pp.m != mp || pp.status != P.RUNNING) {
            throw new IllegalStateException("releasep: invalid p state: " + mp + ".p=" + pp);
        }
        mp.p = null;
        pp.m = null;
        pp.status = P.IDLE;
        return pp;
    }

    /** Go's {@code pidleput}. Must hold the lock; the P's queue must be empty. */
    private void pidleput(P pp) {
        if (!pp.runq.isEmpty()) throw new IllegalStateException("pidleput: P has non-empty run queue");
        pp.link = pidle;
        pidle = pp;
        npidle = npidle + 1;
    }

    /** Go's {@code pidleget}. Must hold the lock. */
    private P pidleget() {
        P pp = pidle;
        if (pp != null) {
            pidle = pp.link;
            pp.link = null;
            npidle = npidle - 1;
        }
        return pp;
    }

    /** Go's {@code mput}. Must hold the lock. */
    private void mput(M mp) {
        mp.schedlink = midle;
        midle = mp;
        nmidle++;
    }

    /** Go's {@code mget}. Must hold the lock. */
    private M mget() {
        M mp = midle;
        if (mp != null) {
            midle = mp.schedlink;
            mp.schedlink = null;
            nmidle--;
        }
        return mp;
    }

    /** Takes {@code mp} off the idle list if it is there. Must hold the lock. */
    private boolean mremove(M mp) {
        for (M prev = null, m = midle; m != null; prev = m, m = m.schedlink) {
            if (m == mp) {
                if (prev == null) midle = m.schedlink; else prev.schedlink = m.schedlink;
                m.schedlink = null;
                nmidle--;
                return true;
            }
        }
        return false;
    }

    /**
     * Go's {@code stopm}: parks the M on the idle list until {@code startm} hands it a P.
     *
     * @return true with the M holding its new P; false if the M must exit (idle for longer than the
     *         idle timeout, or the runtime stopped), then off every list
     */
    private boolean stopm(M mp) {
        if (mp.p != null) throw new IllegalStateException("stopm holding p");
        if (mp.spinning) throw new IllegalStateException("stopm spinning");
        lock.lock();
        try {
            if (stopped) return false;
            mput(mp);
        } finally {
            lock.unlock();
        }
        mp.blocked = true;
        boolean woken = mp.park.sleep(idleTimeoutNanos);
        if (!woken) {
            lock.lock();
            try {
                if (mremove(mp)) return false; // nobody chose us: exit
            } finally {
                lock.unlock();
            }
            mp.park.sleep(); // mget took us: the wake-up is on its way
        }
        mp.blocked = false;
        mp.park.clear();
        P pp = mp.nextp;
        mp.nextp = null;
        if (pp == null) return false; // woken by close() to exit
        acquirep(mp, pp);
        mwakeups.increment();
        return true;
    }

    /**
     * Go's {@code startm}: runs {@code pp} (an idle P if null) on an idle or new M. With
     * {@code spinning}, the caller has counted the M in {@code nmspinning}, and the M starts spinning.
     * Never throws: a failure to make an M is recorded as {@link #fatal} and the P goes back idle.
     */
    void startm(P pp, boolean spinning) {
        M nmp;
        lock.lock();
        try {
            if (pp == null) {
                pp = pidleget();
                if (pp == null) {
                    if (spinning && nmspinning.decrementAndGet() < 0) {
                        throw new IllegalStateException("startm: negative nmspinning");
                    }
                    return;
                }
            }
            nmp = mget();
        } finally {
            lock.unlock();
        }
        sysmon.wake(); // a P is leaving the idle list
        if (nmp == null) {
            newm(pp, spinning);
            return;
        }
        if (nmp.spinning) throw new IllegalStateException("startm: m is spinning");
        if (nmp.nextp != null) throw new IllegalStateException("startm: m has p");
        nmp.spinning = spinning;
        nmp.nextp = pp;
        nmp.park.wakeup();
    }

    /**
     * Go's {@code wakep}: if a P is idle and nobody spins, start a spinning M. Only one M spins up per
     * wake-up: it wakes the next one itself when it finds work ({@code resetspinning}).
     */
    void wakep() {
        if (npidle == 0) return;
        if (nmspinning.get() != 0 || !nmspinning.compareAndSet(0, 1)) return;
        startm(null, true);
    }

    /** Go's {@code resetspinning}: the M found work and stops spinning; another one may start. */
    private void resetspinning(M mp) {
        mp.spinning = false;
        int n = nmspinning.decrementAndGet();
        if (n < 0) throw new IllegalStateException("resetspinning: negative nmspinning");
        // M wakeup policy is deliberately somewhat conservative, so check if we need to wake up
        // another P here.
        wakep();
    }

    /**
     * Go's {@code handoffp}: an M gives up {@code pp} (it blocks or exits). Start an M for it if it has
     * work or if nobody is looking for work; else make it idle.
     */
    void handoffp(P pp) {
        // if it has local work, start it straight away (but not while the world stops)
        if (!gcwaiting && (!pp.runq.isEmpty() || runq.size() != 0)) {
            startm(pp, false);
            return;
        }
        // No local work; if nobody spins and no P is idle, our help is needed to look for work.
        if (!gcwaiting && nmspinning.get() + npidle == 0 && nmspinning.compareAndSet(0, 1)) {
            startm(pp, true);
            return;
        }
        // Go runs a pending safe-point function here under sched.lock; jgort runs it just before, so a
        // function that blocks cannot hold the lock (the P, being handed off, is at a safe point).
        if (pp.runSafePointFn != 0) runSafePointFn(pp);
        lock.lock();
        try {
            if (gcwaiting) {
                pp.status = P.GCSTOP;
                if (--stopwait == 0) stopnote.wakeup();
                return;
            }
            // Go also starts an M here when this is the last running P and the network poller is in
            // use (sched.lastpoll != 0), so that someone polls. jgort has no netpoller (the JDK's
            // pollers wake goroutines through ready), so that step never applies.
            if (runq.size() == 0) {
                pidleput(pp);
                return;
            }
        } finally {
            lock.unlock();
        }
        startm(pp, false);
    }

    /**
     * Go's {@code stoplockedm}: the M's locked G cannot run now; hand the P off and sleep until
     * {@code startlockedm} hands one back with the G runnable.
     */
    private void stoplockedm(M mp) {
        G lg = mp.lockedg;
        if (lg == null || lg.lockedm != mp) throw new IllegalStateException("stoplockedm: inconsistent locking");
        if (mp.p != null) handoffp(releasep(mp));
        lock.lock();
        try {
            nmidlelocked++;
        } finally {
            lock.unlock();
        }
        mp.blocked = true;
        mp.park.sleep();
        mp.blocked = false;
        mp.park.clear();
        lock.lock();
        try {
            nmidlelocked--;
        } finally {
            lock.unlock();
        }
        P pp = mp.nextp;
        mp.nextp = null;
        acquirep(mp, pp);
    }

    /**
     * Go's {@code startlockedm}: {@code gp} is locked to another M: hand it our P, wake it, and stop.
     *
     * @return whether this M got a P again (false: it must exit)
     */
    private boolean startlockedm(M mp, G gp) {
        M lm = gp.lockedm;
        if (lm == mp) throw new IllegalStateException("startlockedm: locked to me");
        if (lm.nextp != null) throw new IllegalStateException("startlockedm: m has p");
        P pp = releasep(mp);
        lm.nextp = pp;
        lm.park.wakeup();
        return stopm(mp);
    }

    // =================================================================================================
    // System calls: entersyscall, exitsyscall, taking a P from a goroutine, preemption flags
    // =================================================================================================
    /*
     * A goroutine's system call (Go.syscall, a Cgo handle) is Go's, with one change of representation.
     * Go moves the P to _Psyscall and unwires it from the M; jgort leaves the P _Prunning and wired, and
     * the goroutine's own _Gsyscall says what _Psyscall would: "this P may be taken". Entering is then
     * two release stores (the P's syscalltick, the G's status) and leaving one CAS (the G's status)
     * plus two reads, where Go's pair costs four atomic operations (~9 ns over a bare downcall here,
     * against Go's 38-45 ns cgo call).
     *
     * Who takes such a P: sysmon (Go's retake rule), stop-the-world and forEachP, all through
     * takeRunningP, which also takes the P of a goroutine stuck outside a syscall (in native code, or
     * hogging the CPU). The races, and how each is settled:
     *  - takers against each other, and against scheduler code the goroutine runs on its M (ready):
     *    every taker holds the M's pLock, which such code holds too;
     *  - a taker against the goroutine leaving its syscall (exitsyscall's fast path holds no lock): a
     *    Dekker pair. The taker CASes the P's status away from _Prunning, then reads the G's status and
     *    syscalltick and gives the P back (status _Prunning again) if what it decided on has changed.
     *    The goroutine CASes its own status _Gsyscall -> _Grunning, then reads mp.p, the P's status and
     *    mp.p again, and keeps the P only if it is still wired and _Prunning; else it takes the slow
     *    path, which waits for the taker's pLock and then sees the outcome. Both sides' first steps are
     *    full fences, so at least one sees the other's: never both keep the P.
     *  - a taker that decided on a goroutine running (stuck) against that goroutine entering a syscall
     *    meanwhile (plain stores): the taker re-reads syscalltick after its CAS; if it moved, it gives
     *    the P back; if the goroutine's stores were not visible yet, the goroutine sees the take when it
     *    leaves the call (the Dekker pair above).
     * P status _Psyscall remains for an extra M between two callbacks (no goroutine), taken by CAS.
     */

    /**
     * Go's {@code reentersyscall} / {@code entersyscallblock}: called by {@code gp} on its M before a
     * blocking call. The P stays wired and {@code _Prunning}, marked by {@code gp}'s {@code _Gsyscall}
     * for a quick return; sysmon takes it if the call lasts. With {@code block} the P is handed off at
     * once.
     */
    void entersyscall(G gp, boolean block) {
        M mp = gp.m;
        if (mp == null || mp.curg != gp) {
            throw new IllegalStateException("entersyscall: goroutine " + gp.goid + " is not running on an M");
        }
        assert mp == currentM() : "entersyscall: goroutine " + gp.goid + " runs on " + currentM() + ", not on g.m " + mp;
        P pp = mp.p;
        if (!block && pp != null && pp.status == P.RUNNING && !gcwaiting && pp.runSafePointFn == 0) {
            // The fast path: syscalltick first, so a taker that sees _Gsyscall sees the new tick.
            pp.bumpSyscalltickRelease();
            gp.setRunningSyscall(G.SYSCALL);
            return;
        }
        P handoff = null;
        mp.lockP();
        try {
            gp.casRunningSyscall(G.RUNNING, G.SYSCALL);
            pp = mp.p;
            // No P (sysmon took it from this stuck G), or the stopped P of the goroutine that stopped the
            // world (it keeps it): the call runs as it is.
            if (pp == null || pp.status != P.RUNNING) return;
            pp.syscalltick++;
            if (pp.runSafePointFn != 0) runSafePointFn(pp);
            if (block) {
                handoff = releasep(mp);
            } else if (gcwaiting) {
                gcstopP(mp); // Go's entersyscall_gcwait: the world is stopping, and our P goes to it now
            }
        } finally {
            mp.unlockP();
        }
        // Not under pLock: handoffp may make a thread and print, which could unmount this G.
        if (handoff != null) handoffp(handoff);
    }

    /**
     * An extra M goes back to C after a callback: its P waits in {@code _Psyscall} for the thread's next
     * callback (sysmon, stop-the-world and forEachP take it by CAS meanwhile). Holding pLock.
     */
    private void entersyscallP(M mp) {
        P pp = mp.p;
        pp.syscalltick++;
        if (pp.runSafePointFn != 0) runSafePointFn(pp);
        mp.p = null;
        pp.m = null;
        mp.oldp = pp;
        pp.status = P.SYSCALL; // from now on anyone may take it by CAS
        if (gcwaiting) {
            // Go's entersyscall_gcwait: the world is stopping; count this P as stopped if nobody took it.
            lock.lock();
            try {
                if (stopwait > 0 && pp.casStatus(P.SYSCALL, P.GCSTOP)) {
                    if (--stopwait == 0) stopnote.wakeup();
                }
            } finally {
                lock.unlock();
            }
        }
        sysmon.wake();
    }

    /**
     * Go's {@code exitsyscall}: called by {@code gp} after the blocking call. Fast path: its P is still
     * wired and {@code _Prunning} (nobody took it), or any idle P. Slow path ({@code exitsyscall0}): the
     * G yields to the global queue, and its M, now without a P, stops. A G that cannot unmount (pinned
     * by a native frame) waits on its M for a P instead.
     */
    void exitsyscall(G gp) {
        M mp = gp.m;
        if (mp == null) throw new IllegalStateException("exitsyscall: goroutine " + gp.goid + " is not on an M");
        assert mp == currentM() : "exitsyscall: goroutine " + gp.goid + " runs on " + currentM() + ", not on g.m " + mp;
        if (gp.status() == G.RUNNING) {
            // It parked inside the call (its M made it _Gwaiting) and was run again like any readied
            // G, on an M that holds a P (or whose P sysmon has since taken): nothing to take back.
            return;
        }
        gp.casRunningSyscall(G.SYSCALL, G.RUNNING); // the goroutine's side of the Dekker pair (above)
        P pp = mp.p;
        if (pp != null && pp.status == P.RUNNING && mp.p == pp) {
            pp.bumpSyscalltickRelease();
            return;
        }
        mp.lockP(); // a taker holds it until it has decided
        try {
            pp = mp.p;
            if (pp != null) { // still ours: a taker gave it back, or the stopped P of the world's stopper
                pp.syscalltick++;
                return;
            }
            if (npidle > 0 && acquireIdleP(mp)) {
                mp.p.syscalltick++;
                clearStolen(mp); // sysmon had taken its P before the call: it has one again
                return;
            }
        } finally {
            mp.unlockP();
        }
        gp.gosched(); // to the global queue; the M, without a P, stops in schedule
        M now = currentM();
        if (now != null) {
            now.lockP();
            try {
                if (now.p == null) acquirepPinned(now); // the yield could not unmount: the G still runs here
            } finally {
                now.unlockP();
            }
        }
    }

    /** An extra M's way back from C: its P from {@code _Psyscall} by CAS, or any idle P. */
    private boolean exitsyscallfast(M mp, P oldp) {
        if (oldp != null && oldp.status == P.SYSCALL && oldp.casStatus(P.SYSCALL, P.IDLE)) {
            acquirep(mp, oldp);
            return true;
        }
        return npidle > 0 && acquireIdleP(mp);
    }

    /** Takes an idle P for {@code mp}, if there is one. */
    private boolean acquireIdleP(M mp) {
        P pp;
        lock.lock();
        try {
            pp = pidleget();
        } finally {
            lock.unlock();
        }
        if (pp == null) return false;
        acquirep(mp, pp);
        return true;
    }

    /**
     * For a G that could not unmount after a syscall (pinned): it keeps its M, so it waits there for a
     * P the way a callback does (a stand-in G locked to the M is queued and an M hands it a P).
     */
    private void acquirepPinned(M mp) {
        if (waitForP(mp)) return;
        while (!acquireIdleP(mp)) LockSupport.parkNanos(this, 50_000); // stopped: no M hands Ps over
    }

    /** Whether the goroutine on {@code pp} is in a system call (so its P may be taken). Racy: a hint. */
    static boolean inSyscall(P pp) {
        M mp = pp.m;
        G gp = mp != null ? mp.curg : null;
        return gp != null && gp.status() == G.SYSCALL;
    }

    /** {@link #takeRunningP}: what the taker decided on, to check again once it holds the P. */
    static final int TAKE_SYSCALL = 0, TAKE_STUCK = 1;

    /**
     * Takes {@code pp}, {@code _Prunning} and wired to {@code mp}, which runs a goroutine (or a callback)
     * on it, and leaves it unwired in status {@code to} ({@code _Pidle}, or {@code _Pgcstop} for a
     * stopping world) for the caller to hand on. What the taker decided on is checked again once the
     * P's status is changed (the Dekker pair in the comment above): with {@link #TAKE_SYSCALL}, the
     * goroutine is in a syscall (and, if {@code syscalltick >= 0}, still the same one); with
     * {@link #TAKE_STUCK}, no syscall began since the taker read {@code syscalltick}, and the goroutine's
     * next scheduling point takes the exitsyscall path ({@link #exitStolen}; the M counts as
     * oversubscribed until then). Never blocks: gives up if the M holds its pLock (it is in scheduler
     * code, where it reaches a safe point by itself).
     *
     * @param schedtick the P's schedtick the taker decided on, or -1 for any
     * @return whether the P was taken
     */
    boolean takeRunningP(P pp, M mp, int to, int why, int schedtick, int syscalltick) {
        if (!mp.tryLockP()) return false;
        try {
            // schedtick under pLock: the M bumps it in execute before it frees pLock for the G it mounts,
            // so a goroutine given a new time slice since the taker decided is not taken on its account
            // (as takeStuckP checked it before takeRunningP existed).
            if (mp.p != pp || pp.m != mp || !mp.running() || (schedtick >= 0 && pp.schedtick != schedtick)
                    || !pp.casStatus(P.RUNNING, to)) {
                return false;
            }
            G gp = mp.curg;
            boolean inSyscall = gp != null && gp.status() == G.SYSCALL;
            boolean same = syscalltick < 0 || pp.syscalltick == syscalltick;
            if (why == TAKE_SYSCALL ? !inSyscall || !same : inSyscall || !same) {
                pp.status = P.RUNNING; // changed meanwhile: give it back (nobody else saw it taken)
                return false;
            }
            mp.p = null;
            pp.m = null;
            if (why == TAKE_STUCK) {
                mp.pStolen = true;
                // Its next scheduling point (Go.checkPreempt, go(), a park) takes the exitsyscall path.
                if (gp != null) gp.preempt = true;
            }
            return true;
        } finally {
            mp.unlockP();
        }
    }

    /**
     * Sysmon: takes {@code pp} from {@code mp}, whose goroutine has kept it without a scheduling point,
     * and hands it off as for a syscall: its carrier sat in native code for a whole tick (Go's
     * {@code retake} of a P in a cgo call: every native call is a cgo call), or — not in Go — it is
     * parked while pinned, or ignores preemption. The G runs on without a P until its next scheduling
     * point: a park or yield (its M then stops), or {@code checkPreempt} / {@code go()}
     * ({@link #exitStolen}).
     *
     * @param schedtick   the P's schedtick sysmon saw stuck
     * @param syscalltick the P's syscalltick sysmon saw then
     * @param inNative    counted as a native-call retake (else as a stolen P)
     */
    boolean takeStuckP(P pp, M mp, int schedtick, int syscalltick, boolean inNative) {
        if (!takeRunningP(pp, mp, P.IDLE, TAKE_STUCK, schedtick, syscalltick)) return false;
        oversubscribed.incrementAndGet();
        if (inNative) nativeRetakes.increment(); else stolenProcs.increment();
        handoffp(pp);
        return true;
    }

    /** Must hold {@code mp}'s pLock: its G runs on a P again after sysmon had taken the previous one. */
    private void clearStolen(M mp) {
        if (mp.pStolen) {
            mp.pStolen = false;
            oversubscribed.decrementAndGet();
        }
    }

    /**
     * Go's {@code exitsyscall} for a goroutine whose P sysmon took while it sat in native code or
     * hogged the CPU, at its next scheduling point ({@link G#checkPreempt}): takes an idle P if there
     * is one and returns true (the goroutine runs on, now with a P); false otherwise (the caller yields
     * to the global queue, and its M, without a P, stops).
     */
    boolean exitStolen(G gp) {
        M mp = gp.m;
        if (mp == null || mp.curg != gp) return false;
        mp.lockP();
        try {
            if (!mp.pStolen || mp.p != null || npidle == 0 || !acquireIdleP(mp)) return false;
            if (!keepP(mp)) return false; // the world is stopping: the P went to the stopper
            clearStolen(mp);
            return true;
        } finally {
            mp.unlockP();
        }
    }

    /**
     * Go's {@code preemptone}: asks the G running on {@code pp} to yield at its next check. Never the
     * caller's own G (stopTheWorld and forEachP call this from a goroutine that must keep running).
     */
    boolean preemptone(P pp) {
        return preemptone(pp, currentM());
    }

    private static boolean preemptone(P pp, M self) {
        M mp = pp.m;
        if (mp == null || mp == self) return false;
        G gp = mp.curg;
        if (gp == null) return false;
        gp.preempt = true;
        return true;
    }

    /** Go's {@code preemptall}. */
    boolean preemptall() {
        boolean res = false;
        M self = currentM();
        for (P pp : allp) { // a snapshot
            if (pp.status == P.RUNNING && preemptone(pp, self)) res = true;
        }
        return res;
    }

    // =================================================================================================
    // Stop the world, GOMAXPROCS, safe points: stopTheWorld, startTheWorld, procresize, forEachP
    // =================================================================================================

    /**
     * Go's {@code stopTheWorldWithSema}: stops every P. Idle and {@code _Psyscall} Ps are stopped here;
     * running Ps stop themselves at their next safe point ({@code gcstopm} in schedule/findrunnable,
     * {@code handoffp}, {@code entersyscall}), asked to hurry by {@code preemptall} every 100 µs. A
     * goroutine caller keeps running on its own P (stopped, but still its) and must not block until
     * {@link #startTheWorld}. Takes {@code worldsema}, which startTheWorld releases.
     */
    void stopTheWorld() {
        worldsema.acquireUninterruptibly();
        M mp = currentM();
        boolean inG = mp != null && mp.running(); // a goroutine, or a callback on an extra M
        if (inG) mp.lockP(); // sysmon must not take our P between this read and its _Pgcstop
        P own = inG ? mp.p : null;
        boolean wait;
        lock.lock();
        try {
            stopnote.clear();
            stopwait = gomaxprocs;
            gcwaiting = true;
            preemptall();
            if (own != null) { // stop the current P
                own.status = P.GCSTOP;
                stwOwnerP = own;
                stopwait--;
            }
            if (inG) stwOwnerG = JgortProvider.currentG(); // null for a callback on an extra M
            for (P pp : allp) { // try to retake all Ps in _Psyscall (an extra M's, between callbacks)
                if (pp.status == P.SYSCALL && pp.casStatus(P.SYSCALL, P.GCSTOP)) {
                    pp.syscalltick++;
                    stopwait--;
                }
            }
            stopSyscallPs(); // and the running Ps of goroutines in a syscall
            for (P pp = pidleget(); pp != null; pp = pidleget()) { // stop idle Ps
                pp.status = P.GCSTOP;
                stopwait--;
            }
            wait = stopwait > 0;
        } finally {
            lock.unlock();
            if (inG) mp.unlockP();
        }
        if (wait) {
            // A goroutine (even one whose P sysmon took) must not park here: no P could run it again
            // before the world starts. It spins between looks.
            boolean spin = Thread.currentThread().isVirtual();
            while (!(spin ? spinFor(stopnote, 100_000) : stopnote.sleep(100_000))) {
                preemptall();
                // A goroutine that entered a syscall after we looked (its stores were not yet visible,
                // or its M held its pLock) is stopped now.
                lock.lock();
                try {
                    stopSyscallPs();
                } finally {
                    lock.unlock();
                }
            }
        }
        if (stopwait != 0) throw new IllegalStateException("stopTheWorld: not stopped (stopwait=" + stopwait + ")");
        for (P pp : allp) {
            if (pp.status != P.GCSTOP) throw new IllegalStateException("stopTheWorld: not stopped: " + pp + " status " + pp.status);
        }
    }

    /**
     * Stop-the-world's part of Go's "retake all Ps in _Psyscall" for jgort's representation: the running
     * Ps whose goroutine is in a system call are stopped now. Must hold the lock (it counts stopwait).
     */
    private void stopSyscallPs() {
        for (P pp : allp) {
            M mp = pp.m;
            if (pp.status == P.RUNNING && mp != null && inSyscall(pp) && takeRunningP(pp, mp, P.GCSTOP, TAKE_SYSCALL, -1, -1)) {
                if (--stopwait == 0) stopnote.wakeup();
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
        lock.lock();
        try {
            int procs = gomaxprocs;
            if (newprocs != 0) {
                procs = newprocs;
                newprocs = 0;
            }
            runnable = procresize(procs, ownM);
            stwOwnerP = null;
            stwOwnerG = null;
            gcwaiting = false;
        } finally {
            lock.unlock();
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
                newm(pp, false);
            }
        }
        sysmon.wake();
        wakep(); // the world may have more idle Ps than spinning Ms
        worldsema.release();
    }

    /** {@code GOMAXPROCS(n)} at run time: stop the world, resize, start it. Returns the previous value. */
    int setMaxProcs(int n) {
        stopTheWorld();
        int old;
        lock.lock();
        try {
            old = gomaxprocs;
            newprocs = n;
        } finally {
            lock.unlock();
        }
        startTheWorld();
        return old;
    }

    /**
     * Go's {@code procresize}: with the world stopped and the lock held, makes {@code nprocs} Ps. New Ps
     * are created; Ps beyond {@code nprocs} die, their runnext and queue going to the head of the global
     * queue in order; the P of {@code ownM} (the goroutine that stopped the world) is kept (or, if it
     * died, that M gets {@code allp[0]}); the others become idle, or, with work, are returned (each with
     * an idle M in {@code p.m} if one was free). Must hold {@code ownM}'s pLock.
     */
    private List<P> procresize(int nprocs, M ownM) {
        P[] old = allp;
        int oldn = old.length;
        P[] ps = java.util.Arrays.copyOf(old, nprocs);
        for (int i = oldn; i < nprocs; i++) {
            ps[i] = new P(i);
            ps[i].status = P.GCSTOP;
        }
        // Free unused Ps: their Gs go to the head of the global queue, runnext at the very head.
        G[] buf = new G[LocalRunQueue.SIZE + 1];
        for (int i = oldn - 1; i >= nprocs; i--) {
            P pp = old[i];
            int n = pp.runq.drainTo(buf); // runnext first, then the ring in order
            for (int k = n - 1; k >= 0; k--) runq.putHead(buf[k]);
            gcreatedNoP.add(pp.created());
            gexitedNoP.add(pp.exited());
            pp.allgs.moveTo(allgsNoP); // before allp changes: a walker of the new allp finds them here
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
                mp.p = null;
                dead.m = null;
                P p0 = ps[0];
                p0.m = null;
                p0.status = P.IDLE;
                acquirep(mp, p0);
                own = p0;
            }
        }
        allp = ps;
        stealOrder = new RandomOrder(nprocs);
        gomaxprocs = nprocs;
        List<P> runnable = new ArrayList<>();
        for (int i = nprocs - 1; i >= 0; i--) {
            P pp = ps[i];
            if (pp == own) continue;
            pp.status = P.IDLE;
            pp.m = null;
            if (pp.runq.isEmpty()) {
                pidleput(pp);
            } else {
                pp.m = mget();
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
    private boolean gcstopm(M mp) {
        if (mp.spinning) {
            mp.spinning = false;
            if (nmspinning.decrementAndGet() < 0) throw new IllegalStateException("gcstopm: negative nmspinning");
        }
        if (mp.p == stwOwnerP) {
            // The goroutine that stopped the world blocked before starting it again: nobody can run it.
            fatal(new IllegalStateException("stopTheWorld: the goroutine that stopped the world blocked before "
                    + "starting it again; nothing can run until it does"));
        }
        gcstopP(mp);
        return stopm(mp);
    }

    /** {@code gcstopm}'s part for the P: {@code mp}'s running P stops for the world-stopper. */
    private void gcstopP(M mp) {
        P pp = mp.p;
        mp.p = null;
        pp.m = null;
        lock.lock();
        try {
            pp.status = P.GCSTOP;
            if (--stopwait == 0) stopnote.wakeup();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Go's {@code forEachP}: runs {@code fn} once for every P at a safe point. Idle Ps run it at once
     * under the lock, the caller's P runs it here, {@code _Psyscall} Ps are taken and handed off (which
     * runs it), running Ps run it at their next scheduling point; we wait in 100 µs slices, preempting
     * between. {@code fn} must not block; it may run under {@code sched.lock}.
     */
    void forEachP(java.util.function.IntConsumer userFn) {
        // fn runs inside the scheduler (under its lock, on Ms and sysmon): what it throws is kept for
        // the caller instead of unwinding a scheduler path.
        AtomicReference<Throwable> failed = new AtomicReference<>();
        java.util.function.IntConsumer fn = id -> {
            try {
                userFn.accept(id);
            } catch (Throwable t) {
                if (!failed.compareAndSet(null, t)) failed.get().addSuppressed(t);
            }
        };
        worldsema.acquireUninterruptibly();
        try {
            M mp = currentM();
            P own = mp != null && mp.running() ? mp.p : null;
            List<Integer> idleIds = new ArrayList<>();
            boolean wait;
            lock.lock();
            try {
                if (safePointWait != 0) throw new IllegalStateException("forEachP: safePointWait != 0");
                safePointNote.clear();
                safePointWait = gomaxprocs - (own != null ? 1 : 0);
                safePointFn = fn;
                // Set runSafePointFn on every other P. Any P entering _Pidle or _Psyscall from now on
                // will run fn when it changes its status.
                for (P pp : allp) {
                    if (pp != own) pp.runSafePointFn = 1;
                }
                preemptall();
                // Claim fn for all idle Ps (the idle list does not change while we hold the lock). Go
                // runs it right here; jgort runs it after unlocking, so fn cannot block the scheduler.
                for (P pp = pidle; pp != null; pp = pp.link) {
                    if (pp.casRunSafePointFn(1, 0)) {
                        idleIds.add(pp.id);
                        safePointWait--;
                    }
                }
                wait = safePointWait > 0;
            } finally {
                lock.unlock();
            }
            for (int id : idleIds) fn.accept(id);
            if (own != null) fn.accept(own.id); // run fn for the current P
            // Force Ps in a syscall into _Pidle and hand them off to make them run fn.
            handoffSyscallPs();
            if (wait) {
                while (!safePointNote.sleep(100_000)) {
                    preemptall();
                    handoffSyscallPs(); // goroutines that entered a syscall since
                }
            }
            lock.lock();
            try {
                if (safePointWait != 0) throw new IllegalStateException("forEachP: not done");
                for (P pp : allp) {
                    if (pp.runSafePointFn != 0) throw new IllegalStateException("forEachP: P did not run fn");
                }
                safePointFn = null;
            } finally {
                lock.unlock();
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
     * forEachP's "force Ps in a syscall into _Pidle and hand them off": an extra M's P in
     * {@code _Psyscall}, and the running P of a goroutine in a syscall, if its fn is still pending.
     */
    private void handoffSyscallPs() {
        for (P pp : allp) {
            if (pp.runSafePointFn != 1) continue;
            M mp = pp.m;
            if (pp.status == P.SYSCALL && pp.casStatus(P.SYSCALL, P.IDLE)) {
                pp.syscalltick++;
                handoffp(pp);
            } else if (pp.status == P.RUNNING && mp != null && inSyscall(pp)
                    && takeRunningP(pp, mp, P.IDLE, TAKE_SYSCALL, -1, -1)) {
                handoffp(pp);
            }
        }
    }

    /** Go's {@code runSafePointFn}: the owner of {@code pp} runs the pending forEachP function. */
    void runSafePointFn(P pp) {
        // Resolve the race between forEachP running the safe-point function on this P's behalf and
        // this P running it itself.
        if (!pp.casRunSafePointFn(1, 0)) return;
        java.util.function.IntConsumer fn = safePointFn;
        fn.accept(pp.id);
        lock.lock();
        try {
            if (--safePointWait == 0) safePointNote.wakeup();
        } finally {
            lock.unlock();
        }
    }

    // =================================================================================================
    // M lifecycle: allocm, newm, mexit
    // =================================================================================================

    /**
     * Go's {@code newm}: makes an M for {@code pp} and starts its thread. Never throws: on failure the
     * P goes back idle and the error is recorded as {@link #fatal}.
     */
    private void newm(P pp, boolean spinning) {
        M mp;
        try {
            mp = allocm();
        } catch (IllegalStateException e) {
            // maxmcount. Go dies here ("thread exhaustion"); jgort keeps the work queued for the Ms it
            // has. One of them is always free to run it: LockOSThread never lets locked Ms take the
            // last thread (reserveLockedM), and sysmon re-wakes an M while work waits on idle Ps.
            threadLimitHits.increment();
            if (threadLimitHits.sum() == 1) System.err.println(e.getMessage() + "; goroutines wait for a thread");
            undoStart(pp, spinning, null);
            return;
        }
        mp.nextp = pp;
        mp.spinning = spinning; // Go: mstartfn = mspinning
        try {
            backend.newThread(new ThreadStart(mp.g0, mp.tls, () -> mstart(mp)));
        } catch (ThreadStartException | RuntimeException e) {
            int errno = e instanceof ThreadStartException tse ? tse.errno() : 0;
            long have;
            lock.lock();
            try {
                allm.remove(mp);
                nmfreed++;
                have = mnext - nmfreed - nmextra;
            } finally {
                lock.unlock();
            }
            String msg = "runtime: failed to create new OS thread (have " + have + " already; errno=" + errno + ")"
                    + (errno == 11 ? "\nruntime: may need to increase max user processes (ulimit -u)" : "");
            undoStart(pp, spinning, new IllegalStateException(msg, e));
        }
    }

    /** Gives back a P that got no M; {@code e}, if any, is fatal. */
    private void undoStart(P pp, boolean spinning, IllegalStateException e) {
        if (e != null) fatal(e);
        if (pp.runSafePointFn != 0) runSafePointFn(pp);
        lock.lock();
        try {
            if (!pp.runq.isEmpty()) {
                // Keep its Gs reachable: move them to the global queue, where any running M finds them.
                G[] gs = new G[LocalRunQueue.SIZE + 1];
                int n = pp.runq.drainTo(gs);
                runq.putBatch(gs, n);
            }
            if (gcwaiting) { // as handoffp: a stopping world counts this P
                pp.status = P.GCSTOP;
                if (--stopwait == 0) stopnote.wakeup();
            } else {
                pidleput(pp);
            }
        } finally {
            lock.unlock();
        }
        if (spinning) nmspinning.decrementAndGet(); // sysmon re-wakes an M for the global queue
    }

    /**
     * Go's {@code allocm} and {@code mcommoninit}: frees the records of exited Ms whose threads have
     * ended, reserves an id (checking {@code maxmcount}), and decides the M's stack.
     *
     * @throws IllegalStateException Go's {@code program exceeds N-thread limit}
     */
    private M allocm() {
        lock.lock();
        try {
            sweepFreem();
            long id = mnext++;
            if (mnext - nmfreed - nmextra > config.maxThreads()) { // checkmcount: extra Ms do not count
                mnext--;
                throw new IllegalStateException("runtime: program exceeds " + config.maxThreads()
                        + "-thread limit (thread exhaustion): raise it with RuntimeConfig.withMaxThreads");
            }
            G0 g0 = new G0(id, "jgort" + runtimeId + "-m" + id, stackChoice);
            M mp = new M(this, id, g0, backend.newTlsSlot(id));
            allm.add(mp);
            return mp;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sweeps the free-M list (must hold the lock): a record, and the stack and TLS slot the backend
     * holds for it, are freed only once its thread has ended.
     */
    private void sweepFreem() {
        M prev = null;
        for (M m = freem; m != null; ) {
            M next = m.freelink;
            if (backend.reap(m.g0, m.tls)) {
                if (prev == null) freem = next; else prev.freelink = next;
                m.freelink = null;
            } else {
                prev = m;
            }
            m = next;
        }
    }

    /** For {@code close()}, after the Ms exited: sweeps the free-M list; true once it is empty. */
    boolean freeExitedMs() {
        lock.lock();
        try {
            sweepFreem();
            return freem == null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Go's {@code mexit}: the M leaves {@code allm}, its record goes on the free-M list until the thread
     * has ended, and a P it still holds goes to another M. Unlike Go, the M counts as freed before that
     * hand-off, so an M exiting with its locked goroutine never pushes its successor over maxmcount.
     */
    private void mexit(M mp) {
        lock.lock();
        try {
            mremove(mp);
            allm.remove(mp);
            mp.freelink = freem;
            freem = mp;
            nmfreed++;
        } finally {
            lock.unlock();
        }
        if (mp.p != null) handoffp(releasep(mp)); // its goroutines must not be stranded
        threadsExited.increment();
        Thread w = closeWaiter;
        if (w != null) LockSupport.unpark(w);
    }

    /**
     * Counts a goroutine's first LockOSThread. Its M becomes its own; at least one more M must remain
     * possible for everything else, or the program could only hang.
     *
     * @throws IllegalStateException Go's "program exceeds N-thread limit", before it can happen
     */
    void reserveLockedM(G gp) {
        int n = nlockedm.incrementAndGet();
        if (n + 1 > config.maxThreads()) {
            nlockedm.decrementAndGet();
            throw new IllegalStateException("runtime: program exceeds " + config.maxThreads()
                    + "-thread limit: locking goroutine " + gp.goid + " to its thread would leave no thread for the"
                    + " other goroutines (" + (n - 1) + " already locked); raise RuntimeConfig.withMaxThreads");
        }
    }

    // =================================================================================================
    // Extra Ms: callbacks from threads the runtime did not create (needm, cgocallback, dropm)
    // =================================================================================================

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
    /*
     * Ownership of an extra M: on the list, nobody's (its fields are touched only by whoever holds the
     * list); bound, its thread's (foreignCarriers maps the thread to it; only that thread runs
     * cgocallback with it, and dropm removes the binding once, settled by foreignCarriers.remove).
     * Its P follows the M protocol: mp.p and the P's status change under pLock, or by CAS out of
     * _Psyscall (sysmon's retake, stop-the-world, dropm).
     */

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
        M mp;
        lock.lock();
        try {
            long id = mnext++;
            nmextra++;
            G0 g0 = new G0(id, "jgort" + runtimeId + "-extram" + id, new StackChoice(StackChoice.Kind.OS_PROVIDED, 0));
            mp = new M(this, id, g0, new TlsSlot(0));
            mp.extra = true;
            allm.add(mp);
        } finally {
            lock.unlock();
        }
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
        mp.carrier = watch.register(); // this thread, until dropm
        foreignCarriers.put(t, mp);
        return mp;
    }

    /**
     * Go's {@code dropm}: the thread {@code mp} is bound to is ending. A P it left in {@code _Psyscall}
     * after its last callback goes to work elsewhere; the M goes back on the extra list.
     */
    private void dropm(M mp) {
        Thread t = mp.thread;
        // The binding is removed once: two needm calls reaping the same dead thread drop its M once.
        if (t == null || !foreignCarriers.remove(t, mp)) return;
        mp.thread = null;
        // No callback runs on it (its thread is ending, or has ended), so sysmon is not looking.
        long h = mp.carrier;
        mp.carrier = 0;
        watch.deregister(h);
        P oldp = mp.oldp;
        mp.oldp = null;
        if (oldp != null && oldp.status == P.SYSCALL && oldp.casStatus(P.SYSCALL, P.IDLE)) {
            if (stopped) { // no M may start any more: the P just goes idle
                lock.lock();
                try {
                    pidleput(oldp);
                } finally {
                    lock.unlock();
                }
            } else {
                handoffp(oldp);
            }
        }
        mp.extraLink = lockextra(true);
        unlockextra(mp);
    }

    /** The extra M bound to the calling thread, or null. */
    private M boundExtraM(Thread t) {
        M mp = foreignCarriers.get(t);
        return mp != null && mp.extra ? mp : null;
    }

    /**
     * Threads the JVM made and ends itself (not attached by jgort, so no exit hook tells us): their
     * extra Ms are dropped once they are seen dead.
     */
    private void reapDeadForeignThreads() {
        for (M mp : foreignCarriers.values()) {
            Thread t = mp.thread;
            if (mp.extra && t != null && !t.isAlive()) dropm(mp);
        }
    }

    private RuntimeStoppedException stoppedForCallbacks() {
        return new RuntimeStoppedException("jgort runtime " + runtimeId + " has stopped: callbacks are refused");
    }

    /** See {@link dev.jgort.spi.ExtraMs#bindCurrentThread}. */
    long bindCurrentThread() {
        if (stopped) throw stoppedForCallbacks();
        G gp = JgortProvider.currentG();
        if (gp != null && gp.sched == this) return -1;
        Thread t = Thread.currentThread();
        M mp = boundExtraM(t);
        if (mp == null) mp = needm(t);
        return mp.id;
    }

    /** See {@link dev.jgort.spi.ExtraMs#callback}. */
    long cgocallback(LongUnaryOperator fn, long arg) {
        if (stopped) throw stoppedForCallbacks();
        G gp = JgortProvider.currentG();
        if (gp != null && gp.sched == this) {
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
            if (!(exitsyscallfast(mp, oldp) && keepP(mp)) && !waitForP(mp)) throw stoppedForCallbacks();
            mp.p.syscalltick++;
            mp.runs++;
            mp.incallback = true;
        } finally {
            mp.unlockP(); // free while fn runs: its go() uses this P's runnext; sysmon may take a blocked P
        }
        sysmon.wake(); // sysmon watches a running P (a callback that blocks, a stop-the-world)
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
                clearStolen(mp); // sysmon took the P while the callback was blocked
                if (mp.p != null) entersyscallP(mp);
            } finally {
                mp.unlockP();
            }
        }
    }

    /**
     * Go's {@code exitsyscall0} for a G locked to {@code mp}, which cannot leave it: every P is busy, so
     * a stand-in G locked to {@code mp} goes to the global queue and the M sleeps until the M that takes
     * it from a queue hands over its P ({@link #startlockedm}). The waiter thus takes its turn with the
     * goroutines, and sysmon retakes a P in {@code _Psyscall} for it as for any queued work.
     *
     * <p>Called holding {@code mp}'s pLock, as the fast path is. Sleeping with it held stalls nobody: no
     * P names {@code mp} while it waits, so sysmon, stop-the-world and forEachP have no reason to take
     * it. The hand-over is settled by the stand-in's CAS ({@link G#claim}): the winning M writes
     * {@code mp.nextp} (volatile) before it fires {@code mp.park}, and only that M fires it; the
     * waiter claims the stand-in itself only once the runtime has stopped.
     *
     * @return true holding a P; false if the runtime stopped first (no M will hand a P over)
     */
    private boolean waitForP(M mp) {
        while (true) {
            G cg = new G(this, mp);
            P pp;
            lock.lock();
            try {
                pp = pidleget();
                if (pp == null) runq.put(cg);
            } finally {
                lock.unlock();
            }
            if (pp == null) {
                sysmon.wake(); // it may be in deep sleep, and only its retake frees a P held in a syscall
                while (!mp.park.sleep(STOP_CHECK_NS)) {
                    // Claiming the G settles the race with an M handing us its P: if we win, none will.
                    if (stopped && cg.claim()) return false;
                }
                mp.park.clear();
                pp = mp.nextp;
                mp.nextp = null;
            }
            acquirep(mp, pp);
            if (keepP(mp)) return true;
        }
    }

    /**
     * For an M that got a P back without passing through {@code schedule} (a callback, a pinned
     * goroutine): the safe point {@code schedule} would have been. Runs a pending safe-point function;
     * if the world is stopping, stops the P for it (the stopper counted it as running, and neither a
     * callback nor a pinned goroutine can be preempted) and returns false: the caller waits again.
     */
    private boolean keepP(M mp) {
        P pp = mp.p;
        if (pp.runSafePointFn != 0) runSafePointFn(pp);
        if (!gcwaiting) return true;
        gcstopP(mp);
        return false;
    }

    /** How often an M waiting in {@link #waitForP} looks whether the runtime has stopped. */
    private static final long STOP_CHECK_NS = 10_000_000L;

    /** See {@link dev.jgort.spi.ExtraMs#dropm}. */
    void dropmCurrent() {
        M mp = boundExtraM(Thread.currentThread());
        if (mp != null) dropm(mp);
    }

    /** The id of the M the calling thread is or runs on, or -1. */
    long currentMId() {
        M mp = currentM();
        return mp != null ? mp.id : -1;
    }

    /** Go's {@code mcount}: Ms alive. */
    int mcount() {
        lock.lock();
        try {
            return (int) (mnext - nmfreed - nmextra);
        } finally {
            lock.unlock();
        }
    }

    long threadsCreated() {
        lock.lock();
        try {
            return mnext;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every idle M so it exits (runtime stopped). */
    void stopIdleMs() {
        stopped = true;
        sysmon.stop();
        lock.lock();
        try {
            for (M mp = mget(); mp != null; mp = mget()) {
                mp.nextp = null;
                mp.park.wakeup();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records the first fatal error and prints it once, as Go's {@code throw} would. A CAS, not a
     * monitor: a goroutine contending a monitor would unmount in the middle of scheduler code.
     */
    void fatal(RuntimeException e) {
        if (FATAL.compareAndSet(this, null, e)) System.err.println("fatal error: " + e.getMessage());
    }

    /** Snapshots of lists for traces: must not be called with the lock held by the caller. */
    List<M> allmSnapshot() {
        lock.lock();
        try {
            return new ArrayList<>(allm);
        } finally {
            lock.unlock();
        }
    }
}
