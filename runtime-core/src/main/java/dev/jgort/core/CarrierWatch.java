package dev.jgort.core;

import dev.jgort.spi.CarrierStates;

import java.lang.System.Logger.Level;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sysmon's view into the carriers: whether an M's carrier thread is inside native code right now (a
 * JNI method, an FFM downcall, a JDK native such as {@code FileInputStream.read}), from the VM's own
 * state of that thread ({@link CarrierStates}, HotSpot's {@code JavaThread::_thread_state} read by
 * runtime-jni). This is what lets jgort treat every native call as Go treats a cgo call: an M whose
 * carrier sits in native code for a whole sysmon tick loses its P by Go's {@code retake} rule.
 *
 * <p>Without a {@link CarrierStates} (runtime-jni absent, libjgort missing, another VM), or with
 * {@code RuntimeConfig.withNativeCallWatch("heuristic")}, the watch is inactive and sysmon falls back to
 * the carrier's {@link Thread.State} and a flat CPU time (see {@link Sysmon}); one log line says so.
 *
 * <p>Who does what: every M's thread registers itself when it starts ({@code mstart}, or {@code needm}
 * for an extra M) and deregisters before its thread ends ({@code mexit}, {@code dropm}); the handle
 * lives in {@link M#carrier}, written only by that thread, or by {@code dropm} on an extra M no thread
 * runs. Sysmon reads a carrier's state only while it holds the M's pLock and the M runs a goroutine or
 * a callback ({@link #look}): the M holds its own pLock whenever it is outside a goroutine, and in
 * particular from the moment its goroutine unmounts until it exits, so a look never reads the state
 * of a thread that is ending or has ended (the VM frees that memory when the thread exits).
 */
final class CarrierWatch {
    /** Not a state: {@link #look} could not look (the M is busy or runs nothing). */
    static final int NO_LOOK = -1;

    /** The setting {@code RuntimeConfig.withNativeCallWatch} names. */
    static final String AUTO = "auto", THREAD_STATE = "threadstate", HEURISTIC = "heuristic";

    private static final AtomicBoolean LOGGED = new AtomicBoolean();

    /** The states, or null (inactive: sysmon uses its heuristics). */
    private final CarrierStates states;
    /** For traces and stats: {@code "hotspot"}, or {@code "heuristic"}. */
    final String description;

    private CarrierWatch(CarrierStates states, String description) {
        this.states = states;
        this.description = description;
    }

    /**
     * The watch {@code setting} asks for: {@code "auto"} (the VM's thread states where they can be
     * read, else the heuristics with one log line), {@code "threadstate"} (the thread states or an
     * error saying why not) or {@code "heuristic"}.
     */
    static CarrierWatch choose(String setting) {
        if (setting.equals(HEURISTIC)) return new CarrierWatch(null, HEURISTIC);
        CarrierStates found = null;
        String why = "no provider of dev.jgort.spi.CarrierStates on the class or module path (add dev.jgort:runtime-jni)";
        for (CarrierStates s : ServiceLoader.load(CarrierStates.class, CarrierWatch.class.getClassLoader())) {
            String reason = s.unavailableReason();
            if (reason == null) {
                found = s;
                break;
            }
            why = s.name() + ": " + reason;
        }
        if (found != null) return new CarrierWatch(found, found.name());
        if (setting.equals(THREAD_STATE)) {
            throw new IllegalStateException("native-call watch \"threadstate\" is not available here: " + why
                    + "; use RuntimeConfig.withNativeCallWatch(\"auto\") or \"heuristic\"");
        }
        if (LOGGED.compareAndSet(false, true)) {
            System.getLogger("dev.jgort").log(Level.INFO, "jgort: cannot see carriers in native code (" + why
                    + "); sysmon falls back to thread states and CPU time, which notice a blocked native call after ~10 ms");
        }
        return new CarrierWatch(null, HEURISTIC);
    }

    /** Whether carrier states are read (else sysmon uses its heuristics). */
    boolean active() {
        return states != null;
    }

    /** Registers the calling thread, an M's carrier; returns its handle (0: not watched). */
    long register() {
        return states != null ? states.register() : 0;
    }

    /** Before the registered thread ends (or for an extra M whose thread is gone). */
    void deregister(long handle) {
        if (states != null && handle != 0) states.deregister(handle);
    }

    /**
     * Sysmon only: the state of {@code mp}'s carrier ({@link CarrierStates#NATIVE} etc.) if {@code mp}
     * still runs a goroutine or a callback on {@code pp}, else {@link #NO_LOOK}; with {@code cpu}, its
     * CPU time goes into {@link P#sysmonLookCpu} (-1 if unknown). Holds {@code mp}'s pLock for the
     * look, which keeps the carrier's thread alive (see the class comment); gives up at once if the M
     * holds it.
     */
    int look(M mp, P pp, boolean cpu) {
        if (!mp.tryLockP()) return NO_LOOK;
        try {
            long h = mp.carrier;
            if (h == 0 || mp.p != pp || !mp.running()) return NO_LOOK;
            int st = states.state(h);
            // A goroutine in the middle of parking or yielding runs JDK code that may sit in a native
            // transition (held there by a safepoint, say): that is no native call of its own.
            G gp = mp.curg;
            if (st == CarrierStates.NATIVE && gp != null && !gp.isStandIn() && !VThreads.isRunning(gp.thread)) {
                st = CarrierStates.OTHER;
            }
            if (cpu) pp.sysmonLookCpu = st == CarrierStates.NATIVE ? states.cpuTimeNanos(h) : -1;
            return st;
        } finally {
            mp.unlockP();
        }
    }

    /**
     * Sysmon only, to decide on a carrier that used no CPU while in native code: whether its OS thread
     * is waiting in the kernel (blocked in the call) rather than runnable (waiting for a core, which
     * uses no CPU either). {@link CarrierStates#OS_UNKNOWN} counts as waiting. Under pLock, as
     * {@link #look}; false if the M is no longer in the same place.
     */
    boolean osWaiting(M mp, P pp) {
        if (!mp.tryLockP()) return false;
        try {
            long h = mp.carrier;
            if (h == 0 || mp.p != pp || !mp.running()) return false;
            return states.osState(h) != CarrierStates.OS_RUNNABLE;
        } finally {
            mp.unlockP();
        }
    }
}
