package dev.jgort.core;

import dev.jgort.api.RuntimeConfig;
import dev.jgort.core.trace.TraceFormat;
import dev.jgort.spi.G0;
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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

/**
 * The scheduler: Go's {@code schedt} and the functions of {@code proc.go} that move Gs, Ms and Ps:
 * readying and queueing Gs, the M's loop ({@code schedule}, {@code findrunnable}), the idle lists,
 * {@code startm} / {@code stopm} / {@code handoffp}, system calls and the M lifecycle. Stop-the-world,
 * GOMAXPROCS and safe points are in {@link World}, callbacks from foreign threads in
 * {@link CgoCallbacks}, sysmon in {@link Sysmon}. See {@code package-info.java} for the design and a
 * table of where each Go function lives; each method names its Go counterpart and says what it must
 * hold ("must hold the lock" means sched.lock, asserted as Go's {@code assertLockHeld}; "pLock" is the
 * M's, {@link M#tryLockP}).
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

    /**
     * Go's {@code sched.gcwaiting}: the world is stopping or stopped; running Ps stop at safe points.
     * Written only by {@link World} (stopTheWorld sets it, startTheWorld clears it), under the lock;
     * read anywhere without it, then re-checked under the lock where a decision depends on it
     * (findrunnable before it gives up its P, handoffp, undoStart).
     */
    volatile boolean gcwaiting;
    /** Stop-the-world, GOMAXPROCS and safe points, with the parts of schedt they own. */
    final World world;
    /** Callbacks from foreign threads: the extra Ms. */
    final CgoCallbacks callbacks;

    // ---- guarded by lock --------------------------------------------------------------------------
    final GlobalRunQueue runq = new GlobalRunQueue(lock);
    private M midle;                 // idle Ms, linked by schedlink
    int nmidle;                      // lock
    int nmidlelocked;                // lock: locked Ms waiting for their G
    private long mnext;              // lock: the next M id; also the number of Ms ever made
    private long nmfreed;            // lock: Ms that exited or whose thread could not be started
    private long nmexited;           // lock: Ms that exited (mexit)
    private long nmextra;            // lock: extra Ms made (for callbacks; not counted by mcount/maxmcount)
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
    /**
     * Carriers that are not {@link JavaThreadBackend.CarrierThread}s (other backends' Ms, and the
     * threads extra Ms are bound to), by thread.
     */
    final ConcurrentHashMap<Thread, M> foreignCarriers = new ConcurrentHashMap<>();

    // ---- counters ----------------------------------------------------------------------------------
    final LongAdder steals = new LongAdder();
    final LongAdder stolen = new LongAdder();
    final LongAdder mwakeups = new LongAdder();
    /** Ms running a goroutine without a P because sysmon took it (blocked carrier or CPU hog). */
    final AtomicInteger oversubscribed = new AtomicInteger();
    /** Ps taken from stuck Ms (blocked in native code or parked while pinned, or CPU hogs). */
    final LongAdder stolenProcs = new LongAdder();
    /** Times an M was wanted but maxmcount said no. */
    final LongAdder threadLimitHits = new LongAdder();
    /** Go's {@code sched.timeToRun}: how long sampled goroutines stayed runnable ({@code /sched/latencies:seconds}). */
    final TimeHistogram latencies = new TimeHistogram();
    /** Go's stop-the-world pause times ({@code /sched/pauses/total/other:seconds}): stop to start, by {@link World}. */
    final TimeHistogram pauses = new TimeHistogram();
    /** Whether the thread-limit message was printed; set once by CAS (the first hit to win prints). */
    private volatile boolean threadLimitReported;
    /** Ps taken from goroutines in a syscall (by sysmon's retake). */
    final LongAdder syscallRetakes = new LongAdder();
    /** Ps taken from goroutines whose carrier sat in native code for a whole tick (every native call is a cgo call). */
    final LongAdder nativeRetakes = new LongAdder();

    /** Sees carriers in native code ({@code RuntimeConfig.withNativeCallWatch}). */
    final CarrierWatch watch;
    /** Where goroutines were created; null unless {@code RuntimeConfig.withCreationSites(true)}. */
    final CreationSites creationSites;
    final Sysmon sysmon;

    // ---- lifecycle ---------------------------------------------------------------------------------
    /** close() is waiting: exits signal {@link #closeWaiter}. */
    volatile boolean closing;
    /**
     * A trace runs ({@link Tracer}): every tracing hook is {@code if (tracing) tracer.x(...)}, one
     * volatile read and a branch not taken while no trace runs. Written by the tracer's start and stop.
     */
    volatile boolean tracing;
    final Tracer tracer = new Tracer(this);
    volatile Thread closeWaiter;
    /** close() finished waiting: idle Ms exit instead of sleeping. */
    volatile boolean stopped;
    /** shutdownNow(): every G is interrupted before it runs. */
    volatile boolean interruptAll;
    /** The first fatal scheduler error (thread creation failure, broken invariant); set once by CAS. */
    volatile RuntimeException fatal;

    // ---- timers: Go's per-P timers (time.go) and findrunnable's sleep until the next one ------------
    /**
     * Where this runtime's timers go back to when it stops (the JDK's unparker executor); null if it
     * keeps none: {@code -Djgort.timers=jdk}, or {@link TimerRouter} could not be installed. Then every
     * goroutine timeout fires on the JDK's unparker thread, and every channel timer on jgort's timer
     * threads, as before jgort had timers.
     */
    final ScheduledExecutorService jdkTimers;
    /**
     * Go's {@code sched.lastpoll == 0} ("an M is in netpoll"): the one idle M that sleeps only until the
     * earliest timer of all Ps, not indefinitely ({@link #stopm}); null if none does. Unlike Go's
     * netpoller it stays on the idle list, so that startm can still hand it a P (under a thread limit
     * it may be the only M left). Written under the lock, read racily by {@link #wakeTimerSleeper}.
     */
    private volatile M timerSleeper;
    /**
     * Go's {@code sched.pollUntil}: when the timer sleeper wakes; 0 when there is none. Written under
     * the lock (before {@link #timerSleeper} when set, after it when cleared, so that a racy reader
     * that sees a sleeper sees its time), or by the sleeper itself when it finds an earlier timer.
     */
    private volatile long pollUntil;
    /** Timers fired on this runtime's Ps (for tests and metrics). */
    final LongAdder timersFired = new LongAdder();

    private static final VarHandle FATAL, THREAD_LIMIT_REPORTED;
    static {
        try {
            FATAL = MethodHandles.lookup().findVarHandle(Sched.class, "fatal", RuntimeException.class);
            THREAD_LIMIT_REPORTED = MethodHandles.lookup().findVarHandle(Sched.class, "threadLimitReported", boolean.class);
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
        this.creationSites = config.creationSites() ? new CreationSites() : null;
        this.sysmon = new Sysmon(this);
        this.world = new World(this);
        this.callbacks = new CgoCallbacks(this);
        this.jdkTimers = ownTimers() ? TimerRouter.install() : null;
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

    /** {@code -Djgort.timers}: {@code p} (the default: timers on the Ps) or {@code jdk} (the JDK's unparker threads). */
    private static boolean ownTimers() {
        String v = System.getProperty("jgort.timers", "p");
        return switch (v) {
            case "p" -> true;
            case "jdk" -> false;
            default -> throw new IllegalArgumentException("-Djgort.timers=" + v + ": use p (goroutine timeouts"
                    + " fire on the Ps, the default) or jdk (on the JDK's unparker threads)");
        };
    }

    // =================================================================================================
    // Goroutine creation and readiness
    // =================================================================================================

    /** The goid of the calling goroutine if it is one of this runtime's, else 0: a new G's {@code parentGoid}. */
    long callerGoid() {
        G caller = JgortProvider.currentG();
        return caller != null && caller.sched == this ? caller.goid : 0;
    }

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

    /** Goroutines ever started. */
    long goroutinesCreated() {
        long created = gcreatedNoP.sum();
        for (P pp : allp) created += pp.created();
        return created;
    }

    /**
     * For {@code procresize}, before a dying P leaves {@link #allp}: its goroutine counts and its part of
     * {@code allgs} move to the runtime's own (counts first: {@link #numGoroutine} reads a P's counts,
     * then the NoP sums). Must hold the lock, with the world stopped.
     */
    void retireP(P pp) {
        lock.assertHeld();
        gcreatedNoP.add(pp.created());
        gexitedNoP.add(pp.exited());
        pp.allgs.moveTo(allgsNoP);
    }

    /** For {@code procresize}: the new {@code allp}, its steal order and {@code gomaxprocs}. Must hold the lock, world stopped. */
    void setAllp(P[] ps) {
        lock.assertHeld();
        allp = ps;
        stealOrder = new RandomOrder(ps.length);
        gomaxprocs = ps.length;
    }

    /** Calls {@code action} with every idle P, in list order. Must hold the lock (the list stays as it is). */
    void forEachIdleP(Consumer<P> action) {
        lock.assertHeld();
        for (P pp = pidle; pp != null; pp = pp.link) action.accept(pp);
    }

    /**
     * Go's {@code ready} and {@code newproc}'s second half: {@code gp}'s thread became runnable. Called
     * from {@link G#execute}, on any thread. Never throws: a failure is recorded as {@link #fatal}.
     *
     * <p>On an M holding a P, a G readied by another G (or by the M after the previous G ended) goes to
     * that P's {@code runnext}, a G that yielded to its own M's tail (or, after {@code Gosched}, to the
     * global queue). Elsewhere (platform threads, JDK timer threads and pollers) it goes to the global
     * queue's {@code woken} FIFO, which every P reads once a round ({@link #injectWoken}).
     */
    void ready(G gp) {
        try {
            M mp = currentM();
            // A timer's task, run by this M in its scheduling loop (checkTimers), holds our pLock already.
            boolean firing = mp != null && mp.firingTimers;
            boolean held = !firing && mp != null && tryLockPBriefly(mp);
            try {
                readyPut(gp, mp, firing || held ? mp.p : null);
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

    /**
     * {@code mp}'s pLock for {@link #ready}, retried a few times: every holder keeps it for a few
     * instructions (sysmon's look, a taker's CAS, the M around its G's run), and a G readied while
     * sysmon merely looked at its M would otherwise lose its P's runnext to the global queue, and its
     * trace unblock would be written from no P. Not a plain {@link M#lockP}: the M's own thread may
     * ready a G while it holds its pLock (an interrupt in execute's bookkeeping), and then it must
     * fall back rather than spin on itself.
     */
    private static boolean tryLockPBriefly(M mp) {
        for (int i = 0; i < 64; i++) {
            if (mp.tryLockP()) return true;
            Thread.onSpinWait();
        }
        return false;
    }

    /**
     * {@link #ready}'s queueing, with {@code mp}'s P if the caller holds {@code mp}'s pLock and so may
     * use it ({@code pp}), else none.
     */
    private void readyPut(G gp, M mp, P pp) {
        if (gp.casIdleToRunnable()) { // newproc: the thread was just started
            if (tracing) tracer.create(pp, gp);
            if (pp != null) {
                pp.countCreated();
                runqput(pp, gp, true);
            } else {
                gcreatedNoP.increment();
                putWoken(gp);
            }
        } else {
            int was = gp.makeRunnable();
            boolean ownM = pp != null && mp.curg == gp && !Thread.currentThread().isVirtual();
            // A G readied while its M has not yet seen it unmount: that M writes the unblock (Tracer).
            if (tracing && (was == G.WAITING || ownM)) tracer.runnable(pp, gp, was == G.WAITING);
            if (pp == null) {
                putWoken(gp);
            } else if (ownM) {
                // Its own M, right after it unmounted: a yield (Thread.yield or Gosched).
                if (gp.toGlobal) putGlobal(gp); else runqput(pp, gp, false);
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
            long parent = callerGoid(); // the goroutine starting the thread
            if (vt == null) {
                new G(this, newGoid(), parent, (String) null, r).thread.start();
                return;
            }
            G gp = adopted.get(vt);
            if (gp == null) {
                gp = adopted.computeIfAbsent(vt, t -> {
                    G g = new G(this, newGoid(), parent, t);
                    if (creationSites != null) creationSites.record(g);
                    return g;
                });
            }
            ready(gp);
        } catch (Throwable t) {
            fatal(new IllegalStateException("jgort: cannot schedule " + r + ": " + t, t));
        }
    }

    /** Go's {@code lock(&sched.lock); globrunqput(gp); unlock(&sched.lock)} ({@link GlobalRunQueue#put}). */
    private void putGlobal(G gp) {
        lock.lock();
        try {
            runq.put(gp);
        } finally {
            lock.unlock();
        }
    }

    /** A G readied with no P to put it on: to the global queue's {@code woken} FIFO ({@link GlobalRunQueue}). */
    private void putWoken(G gp) {
        lock.lock();
        try {
            runq.putWoken(gp);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Once a round, when the global queue holds Gs readied from outside the scheduler: takes this P's
     * share of them (as {@link #globrunqget} shares the global queue: {@code woken / gomaxprocs + 1}, at
     * most what the local ring has room for) to the tail of {@code pp}'s local queue, in order. The
     * tail, not {@code runnext}: a steady stream of wake-ups (a server's selector readying handlers)
     * must not keep the local queue's head from running. Must own {@code pp}.
     */
    private void injectWoken(P pp) {
        // runqput below must not overflow: runqputslow would take sched.lock, which we hold (not
        // re-entrant). It cannot: only we, the owner, add to the ring, thieves only take from it, and
        // size() counts runnext too, so the ring has at least this much room until we add.
        int room = LocalRunQueue.SIZE - pp.runq.size();
        if (room <= 0) return;
        lock.lock();
        try {
            runq.takeWoken(Math.min(runq.woken() / gomaxprocs + 1, room), gp -> runqput(pp, gp, false));
        } finally {
            lock.unlock();
        }
    }

    /** Go's {@code runqput}. Must be the owner of {@code pp}. */
    void runqput(P pp, G gp, boolean next) {
        pp.runq.put(gp, next, this);
    }

    /**
     * {@code runqputslow}'s second half: a full local queue sheds half of itself here. Go's
     * {@code lock(&sched.lock); globrunqputbatch(...); unlock(&sched.lock)} ({@link GlobalRunQueue#putBatch}).
     */
    @Override
    public void putGlobalBatch(G[] batch, int n) {
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
        lock.assertHeld();
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
        M.setCurrent(mp);
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
            M.setCurrent(null);
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
                if (!world.gcstopm(mp)) return;
                continue;
            }
            P pp = mp.p;
            if (pp.runSafePointFn != 0) world.runSafePointFn(pp);
            // Gs readied from outside (timers, pollers, platform threads) join our queue every round,
            // as Go's timers fire from schedule (GlobalRunQueue says why).
            if (runq.woken() != 0) injectWoken(pp);
            // Go's checkTimers at the top of findRunnable: our due timers ready their Gs into our queue.
            if (pp.timers.any()) checkTimers(mp, pp.timers);
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
                // Go's runqget, whose second result is inheritTime: a G from runnext shares the time slice.
                // A spinning M may see local work here (a P handed over with its queue): resetspinning below.
                gp = pp.runq.getRunnext();
                inheritTime = gp != null;
                if (gp == null) gp = pp.runq.getHead();
            }
            if (gp == null) {
                gp = findrunnable(mp); // blocks until work
                if (gp == null) {
                    if (mp.p == null) return; // the M must exit
                    continue; // it holds a P again (perhaps another): its queue first, as at the top of Go's findrunnable
                }
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
        if (gp.sampled(word)) {
            long since = gp.waitSince;
            if (since != 0) latencies.record(System.nanoTime() - since);
        }
        P pp = mp.p;
        gp.preempt = false;
        if (tracing) tracer.start(mp, pp, gp); // reads the previous g.m
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
        // curg stays set until our last word on this run (tracing: the next M to start gp waits for it).
        // Sysmon took our P while the G was stuck (in native code, or hogging the CPU). (If the G parked
        // inside Go.syscall, its P is still ours, unless a taker took it: then we simply have none.)
        clearStolen(mp);
        boolean alive = gp.thread.isAlive();
        if (tracing) tracer.stop(mp.p, gp, !alive);
        if (!alive) {
            // Ended in our run, or (the CAS fails) resumed and ended on another M, which reports it.
            boolean exit = gp.casRunningToDead(word) && goexit0(mp, gp);
            mp.curg = null;
            return exit;
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
            G next = p != null ? p.runq.getRunnext() : null;
            if (next != null) putGlobal(next);
        }
        // → WAITING unless it was readied meanwhile: then the readier left the trace's unblock to us.
        if (!gp.endRun(word) && tracing) tracer.runnable(mp.p, gp, false);
        mp.curg = null;
        return false;
    }

    /**
     * Go's {@code goexit0}: {@code gp} ended and is {@code _Gdead}.
     *
     * @return whether the M must exit with it (it ended while locked to this M)
     */
    private boolean goexit0(M mp, G gp) {
        AllGs.remove(gp);
        if (creationSites != null) creationSites.remove(gp);
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
     * Go's {@code findrunnable}, after {@link #schedule} found the P's own queue empty: takes a G from
     * the global queue or steals one from another P (such a G never inherits a time slice), or parks
     * the M until there is work. Returns the G, with the M holding a P; or null, either with the M
     * holding a P (perhaps another one: a stopped world started again, a woken M, work seen after
     * spinning), whose own queue the caller looks at first, as Go's {@code goto top} does; or with none,
     * when the M must exit.
     */
    private G findrunnable(M mp) {
        if (gcwaiting) {
            world.gcstopm(mp);
            return null;
        }
        P pp = mp.p;
        if (pp.runSafePointFn != 0) world.runSafePointFn(pp);
        G gp;
        // global runq
        if (runq.size() != 0) {
            lock.lock();
            try {
                gp = globrunqget(pp, 0);
            } finally {
                lock.unlock();
            }
            if (gp != null) return gp;
        }
        // Steal, unless enough Ms already spin: limits CPU burnt when GOMAXPROCS >> real work.
        if (mp.spinning || 2 * nmspinning.get() < gomaxprocs - npidle) {
            if (!mp.spinning) {
                mp.spinning = true;
                nmspinning.incrementAndGet();
            }
            gp = stealWork(mp, pp);
            if (gp != null) return gp;
        }

        // Nothing found: give the P back, then stop spinning.
        lock.lock();
        try {
            if (gcwaiting || pp.runSafePointFn != 0) return null; // back to schedule's top, which handles them
            if (runq.size() != 0) return globrunqget(pp, 0);
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
                return null;
            }
        }
        stopm(mp);
        return null;
    }

    // =================================================================================================
    // Timers: Go's per-P timers (time.go): addtimer, checkTimers, wakeNetPoller, and findrunnable's
    // sleep until the next timer
    // =================================================================================================

    /** Longest timeout kept exact (73 years): longer ones are clamped so that due times never wrap. */
    private static final long MAX_TIMER_DELAY = Long.MAX_VALUE >> 2;

    /**
     * Go's {@code addtimer}, for {@link TimerRouter} and channel timers ({@link G#addTimer}): a
     * goroutine that ran on {@code mp} (the calling thread, or its carrier) parked with a timeout, or
     * armed a channel timer; the timer goes to {@code mp}'s P, and an M is made sure to wake for it if
     * it is the P's first ({@link #wakeTimerSleeper}).
     *
     * @return the timer, or null when this runtime keeps no timers now (it stops, or {@code mp} has no
     *         P: sysmon took it meanwhile): the caller then fires it by its own means (TimerRouter: the
     *         JDK's executor; a channel timer: jgort's timer threads)
     */
    RuntimeTimer addtimer(M mp, Runnable task, long delayNanos) {
        if (jdkTimers == null || stopped) return null;
        P pp = mp.p; // racy: if a taker just took it, the heap is still a live P's (or dead: null below)
        if (pp == null) return null;
        RuntimeTimer t = new RuntimeTimer(task, System.nanoTime() + Math.clamp(delayNanos, 0, MAX_TIMER_DELAY));
        int added = pp.timers.add(t);
        if (added == Timers.DEAD) return null;
        if (added == Timers.EARLIEST) wakeTimerSleeper(t.when);
        return t;
    }

    /**
     * Go's {@code checkTimers}: runs the due timers of {@code timers} on this M, which holds its P (and
     * its pLock: {@link #ready} sees {@link M#firingTimers} and puts each G on our P).
     *
     * @return whether any ran
     */
    private boolean checkTimers(M mp, Timers timers) {
        long now = System.nanoTime();
        if (timers.when0() - now > 0) return false;
        mp.firingTimers = true;
        int ran;
        try {
            ran = timers.runDue(now);
        } finally {
            mp.firingTimers = false;
        }
        if (ran > 0) timersFired.add(ran);
        return ran > 0;
    }

    /**
     * Go's {@code wakeNetPoller}: a timer due at {@code when} became a P's first. If the timer sleeper
     * sleeps until later, hand it an idle P now (it finds nothing due yet and sleeps again, until this
     * one); if there is no sleeper, start an M ({@code wakep}: it finds nothing yet and becomes one).
     */
    void wakeTimerSleeper(long when) {
        // Dekker with stopm: our heap store above, then its fields here; the sleeper stores them, then
        // reads the heaps again. One of us sees the other.
        VarHandle.fullFence();
        if (timerSleeper == null) {
            wakep();
            return;
        }
        long until = pollUntil;
        if (until != 0 && when - until >= 0) return; // it wakes in time for ours
        M s;
        P pp = null;
        lock.lock();
        try {
            s = timerSleeper;
            // No idle P: every P runs, and its M fires its own timers (ours too) every round.
            if (s != null && npidle > 0 && mremove(s)) {
                clearTimerSleeper();
                pp = pidleget();
                s.nextp = pp;
            }
        } finally {
            lock.unlock();
        }
        if (pp != null) {
            sysmon.wake(); // as startm: a P leaves the idle list
            s.park.wakeup();
        } else if (s == null) {
            wakep(); // it left meanwhile (woken, or gone: it saw no timers), so nobody sleeps for ours
        }
    }

    /**
     * Under the lock, as {@code mp} joins the idle list: if a P has a live timer and no other M sleeps
     * until it, {@code mp} becomes the timer sleeper. That includes a sleeper that sleeps past it (Go's
     * findrunnable then calls {@code netpollBreak}): the P just given up may hold an earlier timer than
     * the one the sleeper waits for. That M goes on sleeping as a plain idle M. The heaps' cancelled
     * tops are dropped first, so that an M never stays for a timeout that was cancelled.
     *
     * @return whether {@code mp} is the timer sleeper now
     */
    private boolean takeTimerSleeper(M mp) {
        lock.assertHeld();
        for (P p : allp) p.timers.clean();
        P first = firstTimerP();
        if (first == null) return false;
        long until = first.timers.when0();
        M s = timerSleeper;
        if (s != null && s != mp && pollUntil - until <= 0) return false; // it wakes in time
        pollUntil = until;
        timerSleeper = mp;
        return true;
    }

    /** Under the lock: there is no timer sleeper any more. */
    private void clearTimerSleeper() {
        lock.assertHeld();
        timerSleeper = null;
        pollUntil = 0;
    }

    /**
     * Dekker with {@link #wakeTimerSleeper}, after the lock that made {@code mp} the timer sleeper: its
     * pollUntil is stored, now the heaps are read again. A timer added before that store is seen here;
     * one added after sees our pollUntil and wakes us if it is earlier.
     */
    private void recheckTimers(M mp) {
        long until = pollUntil;
        if (until == 0) return; // not the sleeper any more
        P first = firstTimerP();
        if (first != null && first.timers.when0() - until < 0 && timerSleeper == mp) pollUntil = first.timers.when0();
    }

    /** The P whose timer is due first (Go's {@code timeSleepUntil}, from lock-free glances), or null if no P has one. */
    private P firstTimerP() {
        P first = null;
        for (P p : allp) {
            if (p.timers.any() && (first == null || p.timers.when0() - first.timers.when0() < 0)) first = p;
        }
        return first;
    }

    /** For sysmon: whether an idle P holds a timer due more than {@code lateNanos} ago. */
    boolean idleTimerOverdue(long now, long lateNanos) {
        for (P p : allp) {
            if (p.status == P.IDLE && p.timers.any() && now - p.timers.when0() > lateNanos) return true;
        }
        return false;
    }

    /**
     * When the runtime stops: every timer left goes to the JDK's executor, to fire there (a goroutine
     * that outlives its runtime's Ms is woken as before jgort had timers). Idempotent.
     */
    private void drainTimers() {
        if (jdkTimers == null) return;
        for (P p : allp) {
            for (RuntimeTimer t : p.timers.drain()) jdkTimers.schedule(t, t.getDelay(NANOSECONDS), NANOSECONDS);
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
                if (stealRunNext && p2.timers.any()) {
                    // Go's stealWork runs the other P's due timers in its last pass (that P may be idle,
                    // or busy in one long turn); their Gs come to our queue.
                    if (checkTimers(mp, p2.timers)) {
                        G gp = pp.runq.getRunnext();
                        if (gp == null) gp = pp.runq.getHead();
                        if (gp != null) return gp;
                    }
                }
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
        if (tracing) tracer.procStart(mp, pp);
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
        if (tracing) tracer.procStop(pp, TraceFormat.EV_GO_SYSBLOCK); // a G left on it is in a syscall
        mp.p = null;
        pp.m = null;
        pp.status = P.IDLE;
        return pp;
    }

    /** Go's {@code pidleput}. Must hold the lock; the P's queue must be empty. */
    void pidleput(P pp) {
        lock.assertHeld();
        if (!pp.runq.isEmpty()) throw new IllegalStateException("pidleput: P has non-empty run queue");
        pp.link = pidle;
        pidle = pp;
        npidle = npidle + 1;
    }

    /** Go's {@code pidleget}. Must hold the lock. */
    P pidleget() {
        lock.assertHeld();
        P pp = pidle;
        if (pp != null) {
            pidle = pp.link;
            pp.link = null;
            npidle = npidle - 1;
        }
        return pp;
    }

    /** Takes {@code pp} off the idle list if it is there. Must hold the lock. */
    private boolean pidleremove(P pp) {
        lock.assertHeld();
        for (P prev = null, p = pidle; p != null; prev = p, p = p.link) {
            if (p == pp) {
                if (prev == null) pidle = p.link; else prev.link = p.link;
                p.link = null;
                npidle = npidle - 1;
                return true;
            }
        }
        return false;
    }

    /** Go's {@code mput}. Must hold the lock. */
    private void mput(M mp) {
        lock.assertHeld();
        mp.schedlink = midle;
        midle = mp;
        nmidle++;
    }

    /** Go's {@code mget}. Must hold the lock. */
    M mget() {
        lock.assertHeld();
        M mp = midle;
        if (mp != null && mp == timerSleeper && mp.schedlink != null) {
            // Not in Go (its sleeper is not on the list): keep the timer sleeper for the timers.
            mp = mp.schedlink;
            midle.schedlink = mp.schedlink;
            mp.schedlink = null;
            nmidle--;
            return mp;
        }
        if (mp != null) {
            midle = mp.schedlink;
            mp.schedlink = null;
            nmidle--;
            if (mp == timerSleeper) clearTimerSleeper(); // the only idle M: it runs, and sleeps for them later
        }
        return mp;
    }

    /** Takes {@code mp} off the idle list if it is there. Must hold the lock. */
    private boolean mremove(M mp) {
        lock.assertHeld();
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
    boolean stopm(M mp) {
        if (mp.p != null) throw new IllegalStateException("stopm holding p");
        if (mp.spinning) throw new IllegalStateException("stopm spinning");
        boolean sleeper;
        lock.lock();
        try {
            if (stopped) return false;
            mput(mp);
            sleeper = takeTimerSleeper(mp);
        } finally {
            lock.unlock();
        }
        if (sleeper) recheckTimers(mp);
        mp.blocked = true;
        long idleSince = System.nanoTime();
        while (true) {
            // The timer sleeper (Go's M in netpoll(delay)) wakes for the first timer; any idle M wakes
            // after the idle timeout, to exit unless it sleeps for a live timer.
            long now = System.nanoTime();
            long nanos = Math.max(0, idleSince + idleTimeoutNanos - now);
            long until = pollUntil;
            if (sleeper && until != 0) nanos = Math.min(nanos, Math.max(0, until - now));
            if (mp.park.sleep(nanos)) break; // startm (or wakeTimerSleeper) chose us
            P timerP = null, dueOn = null;
            boolean chosen = false;
            lock.lock();
            try {
                if (!mremove(mp)) {
                    chosen = true; // mget took us: the wake-up is on its way
                } else if (timerSleeper != mp) {
                    // Idle for the whole timeout, and nobody chose us: exit. Or another M took the
                    // sleeper's role from us (it had an earlier timer): sleep on as a plain idle M.
                    if (System.nanoTime() - idleSince >= idleTimeoutNanos) return false;
                    mput(mp);
                    sleeper = takeTimerSleeper(mp);
                } else {
                    clearTimerSleeper();
                    if (until - System.nanoTime() <= 0) {
                        // Our timer is due: take its P if it is idle (not in Go: then the timer fires at
                        // the top of schedule, not in stealWork's last pass), else any idle one, and
                        // fire the due timers of the one that runs from there, as stealWork's last pass
                        // does. Not just back to sleep: its M has not fired them yet (busy, or off the
                        // CPU), so we would wake at once for them again, and again, spinning on
                        // the lock and the CPU that M needs (a 2-core probe spun so for 1.5 ms).
                        P want = firstTimerP();
                        if (want != null && pidleremove(want)) {
                            timerP = want;
                        } else {
                            timerP = pidleget();
                            if (timerP != null) dueOn = want;
                        }
                    }
                    if (timerP == null) {
                        // The idle timeout while the timers are further away (stay for them if one is
                        // live), or due with no P idle: the Ps that run fire their own every round.
                        // Either way a new idle period begins.
                        idleSince = System.nanoTime();
                        mput(mp);
                        sleeper = takeTimerSleeper(mp);
                        if (sleeper && pollUntil - System.nanoTime() <= 0) {
                            clearTimerSleeper();
                            sleeper = false;
                        }
                    }
                }
            } finally {
                lock.unlock();
            }
            if (chosen) {
                mp.park.sleep();
                break;
            }
            if (timerP != null) {
                mp.blocked = false;
                acquirep(mp, timerP);
                if (dueOn != null) checkTimers(mp, dueOn.timers);
                return true;
            }
            if (sleeper) recheckTimers(mp);
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
        if (pp.runSafePointFn != 0) world.runSafePointFn(pp);
        boolean idle = false;
        lock.lock();
        try {
            if (gcwaiting) {
                world.stopP(pp);
                return;
            }
            // Go also starts an M here when this is the last running P and the network poller is in
            // use (sched.lastpoll != 0), so that someone polls. jgort has no netpoller (the JDK's
            // pollers wake goroutines through ready), so that step never applies.
            if (runq.size() == 0) {
                pidleput(pp);
                idle = true;
            }
        } finally {
            lock.unlock();
        }
        if (!idle) {
            startm(pp, false);
        } else if (pp.timers.any()) {
            wakeTimerSleeper(pp.timers.when0()); // Go's handoffp: nobarrierWakeTime, wakeNetPoller
        }
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
     * An extra M's thread between two callbacks is in such a syscall too: its callback G
     * ({@link M#callbackG}) is _Gsyscall while the thread runs its own C code, and its P stays wired
     * (CgoCallbacks). So no P is ever in status _Psyscall.
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
        if (tracing) tracer.syscall(pp, gp);
        if (!block && entersyscallFast(pp, gp)) return;
        P handoff = null;
        mp.lockP();
        try {
            gp.casRunningSyscall(G.RUNNING, G.SYSCALL);
            pp = mp.p;
            // No P (sysmon took it from this stuck G), or the stopped P of the goroutine that stopped the
            // world (it keeps it): the call runs as it is.
            if (pp == null || pp.status != P.RUNNING) return;
            pp.syscalltick++;
            if (pp.runSafePointFn != 0) world.runSafePointFn(pp);
            if (block) {
                handoff = releasep(mp);
            } else if (gcwaiting) {
                world.gcstopP(mp); // Go's entersyscall_gcwait: the world is stopping, and our P goes to it now
            }
        } finally {
            mp.unlockP();
        }
        // Not under pLock: handoffp may make a thread and print, which could unmount this G.
        if (handoff != null) handoffp(handoff);
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
        if (exitsyscallFast(mp, gp) != null) return;
        mp.lockP(); // a taker holds it until it has decided
        try {
            P pp = mp.p;
            if (pp != null) { // still ours: a taker gave it back, or the stopped P of the world's stopper
                pp.syscalltick++;
                return;
            }
            if (npidle > 0 && acquireIdleP(mp)) {
                mp.p.syscalltick++;
                clearStolen(mp); // sysmon had taken its P before the call: it has one again
                if (tracing) tracer.run(mp.p, gp); // GoSysExit + GoStart on the new P
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
                if (now.p == null) {
                    acquirepPinned(now); // the yield could not unmount: the G still runs here
                    if (tracing) tracer.run(now.p, gp);
                }
            } finally {
                now.unlockP();
            }
        }
    }

    /**
     * The system-call bracket's entry fast path, for a goroutine or an extra M's callback G on its own
     * thread: with {@code pp} running and no safe point owed, two release stores, syscalltick first
     * (so a taker that sees {@code _Gsyscall} sees the new tick). @return false: take the slow path
     */
    boolean entersyscallFast(P pp, G gp) {
        if (pp == null || pp.status != P.RUNNING || gcwaiting || pp.runSafePointFn != 0) return false;
        pp.bumpSyscalltickRelease();
        gp.setRunningSyscall(G.SYSCALL);
        return true;
    }

    /**
     * The bracket's exit fast path: the G's side of the Dekker pair (above), its CAS out of
     * {@code _Gsyscall}, then {@code mp.p}, its status and {@code mp.p} again. The G is {@code _Grunning}
     * either way. @return the P still wired and {@code _Prunning}, or null: take the slow path
     */
    P exitsyscallFast(M mp, G gp) {
        gp.casRunningSyscall(G.SYSCALL, G.RUNNING);
        P pp = mp.p;
        if (pp == null || pp.status != P.RUNNING || mp.p != pp) return null;
        pp.bumpSyscalltickRelease();
        return pp;
    }

    /** Takes an idle P for {@code mp}, if there is one. */
    boolean acquireIdleP(M mp) {
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
            if (mp.p != pp || pp.m != mp || mp.curg == null || (schedtick >= 0 && pp.schedtick != schedtick)
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
            if (tracing) tracer.procStop(pp, TraceFormat.EV_GO_SYSBLOCK); // Go's retake: GoSysBlock, ProcStop
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

    /** Must hold {@code mp}'s pLock: its G runs on a P again after sysmon had taken the previous one. */
    void clearStolen(M mp) {
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
            if (tracing) tracer.run(mp.p, gp);
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
    // M lifecycle: allocm, newm, mexit
    // =================================================================================================

    /**
     * Go's {@code newm}: makes an M for {@code pp} and starts its thread. Never throws: on failure the
     * P goes back idle and the error is recorded as {@link #fatal}.
     */
    void newm(P pp, boolean spinning) {
        M mp;
        try {
            mp = allocm();
        } catch (IllegalStateException e) {
            // maxmcount. Go dies here ("thread exhaustion"); jgort keeps the work queued for the Ms it
            // has. One of them is always free to run it: LockOSThread never lets locked Ms take the
            // last thread (reserveLockedM), and sysmon re-wakes an M while work waits on idle Ps.
            threadLimitHits.increment();
            if (!threadLimitReported && THREAD_LIMIT_REPORTED.compareAndSet(this, false, true)) {
                System.err.println(e.getMessage() + "; goroutines wait for a thread"); // once per runtime
            }
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
                have = mcount();
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
        if (pp.runSafePointFn != 0) world.runSafePointFn(pp);
        lock.lock();
        try {
            if (!pp.runq.isEmpty()) {
                // Keep its Gs reachable: move them to the global queue, where any running M finds them.
                G[] gs = new G[LocalRunQueue.SIZE + 1];
                int n = pp.runq.drainTo(gs);
                runq.putBatch(gs, n);
            }
            if (gcwaiting) { // as handoffp: a stopping world counts this P
                world.stopP(pp);
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
            if (mcount() > config.maxThreads()) { // checkmcount: extra Ms do not count
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
     * {@code allocm} for Go's {@code oneNewExtraM}: an M record for a thread the runtime did not create,
     * on {@code allm} but counted in {@link #nmextra}, not by {@code mcount} or maxmcount.
     */
    M allocExtraM() {
        lock.lock();
        try {
            long id = mnext++;
            nmextra++;
            G0 g0 = new G0(id, "jgort" + runtimeId + "-extram" + id, new StackChoice(StackChoice.Kind.OS_PROVIDED, 0));
            M mp = new M(this, id, g0, new TlsSlot(0));
            mp.extra = true;
            mp.callbackG = new G(mp);
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
        lock.assertHeld();
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
            nmexited++;
        } finally {
            lock.unlock();
        }
        if (mp.p != null) handoffp(releasep(mp)); // its goroutines must not be stranded
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

    /**
     * Go's {@code exitsyscall0} for a G locked to {@code mp}, which cannot leave it: every P is busy, so
     * a stand-in G locked to {@code mp} goes to the global queue and the M sleeps until the M that takes
     * it from a queue hands over its P ({@link #startlockedm}). The waiter thus takes its turn with the
     * goroutines, and sysmon retakes a P held in a syscall for it as for any queued work.
     *
     * <p>Called holding {@code mp}'s pLock, as the fast path is. Sleeping with it held stalls nobody: no
     * P names {@code mp} while it waits, so sysmon, stop-the-world and forEachP have no reason to take
     * it. The hand-over is settled by the stand-in's CAS ({@link G#claim}): the winning M writes
     * {@code mp.nextp} (volatile) before it fires {@code mp.park}, and only that M fires it; the
     * waiter claims the stand-in itself only once the runtime has stopped.
     *
     * @return true holding a P; false if the runtime stopped first (no M will hand a P over)
     */
    boolean waitForP(M mp) {
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
    boolean keepP(M mp) {
        P pp = mp.p;
        if (pp.runSafePointFn != 0) world.runSafePointFn(pp);
        if (!gcwaiting) return true;
        world.gcstopP(mp);
        return false;
    }

    /** How often an M waiting in {@link #waitForP} looks whether the runtime has stopped. */
    private static final long STOP_CHECK_NS = 10_000_000L;

    /** The id of the M the calling thread is or runs on, or -1. */
    long currentMId() {
        M mp = currentM();
        return mp != null ? mp.id : -1;
    }

    /** Go's {@code mcount}: Ms alive, extra Ms not counted (nor by maxmcount). Must hold the lock. */
    int mcount() {
        lock.assertHeld();
        return (int) (mnext - nmfreed - nmextra);
    }

    /**
     * Ms whose thread was started ({@code newm}), extra Ms not included, as {@link #mcount} does not
     * count them: {@code mcount() == threadsCreated() - threadsExited()} under the lock. Must hold it.
     */
    long threadsCreated() {
        lock.assertHeld();
        return mcount() + nmexited;
    }

    /** Extra Ms made for callbacks ({@code oneNewExtraM}). Must hold the lock. */
    long extraMsMade() {
        lock.assertHeld();
        return nmextra;
    }

    /** Ms that exited ({@code mexit}). Must hold the lock. */
    long threadsExited() {
        lock.assertHeld();
        return nmexited;
    }

    /** Wakes every idle M so it exits (runtime stopped). */
    void stopIdleMs() {
        stopped = true;
        sysmon.stop();
        drainTimers();
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
