package dev.jgort.core;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The JDK internals a G needs: a virtual thread with a scheduler of our choosing, its continuation
 * (running it mounts the G on the calling M), the carrier of the calling code, whether a thread is
 * running its own code or in the middle of parking or yielding, and the JDK's timer executors for
 * virtual threads' timeouts ({@link TimerRouter} takes their place).
 *
 * <p>All of it lives in {@code java.lang}, reached through {@link MethodHandles#privateLookupIn}, which
 * needs {@code java.lang} opened to this code: {@code --add-opens java.base/java.lang=ALL-UNNAMED} on
 * the class path, {@code --add-opens java.base/java.lang=dev.jgort.core} on the module path. Without
 * it {@link #check()} fails with a message naming the flag for the way this runtime was loaded.
 */
final class VThreads {
    private VThreads() {}

    /** Whether runtime-core was loaded as the named module {@code dev.jgort.core} (from the module path). */
    static final boolean NAMED_MODULE = VThreads.class.getModule().isNamed();

    /** The flag that opens {@code java.lang} to this code, as it was loaded. */
    static final String ADD_OPENS = "--add-opens java.base/java.lang="
            + (NAMED_MODULE ? VThreads.class.getModule().getName() : "ALL-UNNAMED");

    private static final MethodHandle NEW_VTHREAD;     // ThreadBuilders.newVirtualThread(Executor, String, int, Runnable)
    // Field getters adapted to (Thread) and (Runnable) receivers and called with invokeExact: the JIT
    // then inlines each to a type check and a load. (A VarHandle on VirtualThread called with a Thread
    // goes through a type adaptation at every call, and showed up in profiles.)
    private static final MethodHandle RUN_CONTINUATION; // VirtualThread.runContinuation
    private static final MethodHandle SCHEDULER;        // VirtualThread.scheduler
    private static final MethodHandle CONT_OWNER;       // the VirtualThread bound into runContinuation's lambda
    private static final Class<?> CONT_CLASS;          // the class of every runContinuation lambda
    private static final MethodHandle CURRENT_CARRIER;  // Thread.currentCarrierThread()
    private static final MethodHandle STATE;            // VirtualThread.state
    private static final int RUNNING, SUSPENDED;        // VirtualThread.RUNNING, VirtualThread.SUSPENDED
    private static final Throwable FAILURE;

    static {
        MethodHandle newVThread = null, currentCarrier = null, runCont = null, scheduler = null, contOwner = null, state = null;
        int running = -1, suspended = 0;
        Class<?> contClass = null;
        Throwable failure = null;
        try {
            Class<?> vt = Class.forName("java.lang.VirtualThread");
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(vt, MethodHandles.lookup());
            // The JDK's own factory (Thread.ofVirtual() ends here) rather than the constructor: a static
            // call inlines to a plain `new`, where a constructor handle allocates out of line
            // (DirectMethodHandle.allocateInstance was a top frame of spawn-heavy profiles).
            Class<?> builders = Class.forName("java.lang.ThreadBuilders");
            newVThread = MethodHandles.privateLookupIn(builders, MethodHandles.lookup()).findStatic(builders,
                    "newVirtualThread", MethodType.methodType(Thread.class, Executor.class, String.class,
                            int.class, Runnable.class));
            runCont = l.findGetter(vt, "runContinuation", Runnable.class)
                    .asType(MethodType.methodType(Runnable.class, Thread.class));
            scheduler = l.findGetter(vt, "scheduler", Executor.class)
                    .asType(MethodType.methodType(Executor.class, Thread.class));
            state = l.findGetter(vt, "state", int.class).asType(MethodType.methodType(int.class, Thread.class));
            running = (int) l.findStaticGetter(vt, "RUNNING", int.class).invokeExact();
            suspended = (int) l.findStaticGetter(vt, "SUSPENDED", int.class).invokeExact();
            MethodHandles.Lookup tl = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
            currentCarrier = tl.findStatic(Thread.class, "currentCarrierThread", MethodType.methodType(Thread.class));
            // Every runContinuation is `this::runContinuation`: one hidden lambda class with one
            // captured field, the thread. Reading it maps a Runnable handed to execute() to its thread.
            Thread probe = (Thread) newVThread.invokeExact((Executor) r -> { }, "", 0, (Runnable) () -> { });
            Runnable cont = (Runnable) runCont.invokeExact(probe);
            contClass = cont.getClass();
            var fields = contClass.getDeclaredFields();
            if (fields.length != 1 || fields[0].getType() != vt) {
                throw new IllegalStateException("unexpected VirtualThread.runContinuation shape: " + contClass);
            }
            contOwner = MethodHandles.privateLookupIn(contClass, MethodHandles.lookup())
                    .findGetter(contClass, fields[0].getName(), vt)
                    .asType(MethodType.methodType(Thread.class, Runnable.class));
            if ((Thread) contOwner.invokeExact(cont) != probe) {
                throw new IllegalStateException("VirtualThread.runContinuation is not bound to its thread");
            }
        } catch (Throwable t) {
            failure = t;
        }
        NEW_VTHREAD = newVThread;
        RUN_CONTINUATION = runCont;
        SCHEDULER = scheduler;
        CONT_OWNER = contOwner;
        CONT_CLASS = contClass;
        CURRENT_CARRIER = currentCarrier;
        STATE = state;
        RUNNING = running;
        SUSPENDED = suspended;
        FAILURE = failure;
    }

    /** Throws a clear error if the JDK internals are out of reach. */
    static void check() {
        if (FAILURE == null) return;
        if (FAILURE instanceof IllegalAccessException || FAILURE instanceof IllegalAccessError
                || FAILURE instanceof SecurityException) {
            // A manifest's Add-Opens opens to the class path only (and only for java -jar): no help to a module.
            throw new IllegalStateException("jgort cannot reach java.lang.VirtualThread: start the JVM with "
                    + ADD_OPENS + (NAMED_MODULE ? "" : " (or run a jar whose manifest has 'Add-Opens: java.base/java.lang')"),
                    FAILURE);
        }
        throw new IllegalStateException("jgort cannot use this JDK's virtual threads (it needs JDK 25 and "
                + ADD_OPENS + "): " + FAILURE, FAILURE);
    }

    /** A new, unstarted virtual thread whose scheduler is {@code scheduler}. */
    static Thread newThread(Executor scheduler, String name, Runnable task) {
        try {
            return (Thread) NEW_VTHREAD.invokeExact(scheduler, name, 0, task);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The Runnable that mounts {@code vthread} on the calling thread and runs it until it unmounts. */
    static Runnable continuation(Thread vthread) {
        try {
            return (Runnable) RUN_CONTINUATION.invokeExact(vthread);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The scheduler object of a virtual thread. */
    static Executor scheduler(Thread vthread) {
        try {
            return (Executor) SCHEDULER.invokeExact(vthread);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Whether {@code vthread} is running its own code (VirtualThread's state RUNNING, suspended or not),
     * not in the middle of parking, yielding or blocking on a monitor.
     */
    static boolean isRunning(Thread vthread) {
        try {
            return ((int) STATE.invokeExact(vthread) & ~SUSPENDED) == RUNNING;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The virtual thread whose continuation {@code r} is, or null if {@code r} is something else. */
    static Thread ownerOf(Runnable r) {
        if (r.getClass() != CONT_CLASS) return null;
        try {
            return (Thread) CONT_OWNER.invokeExact(r);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The platform thread the caller runs on: itself, or the carrier of the calling virtual thread. */
    static Thread currentCarrier() {
        try {
            return (Thread) CURRENT_CARRIER.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * The JDK's timer executors for virtual threads with a custom scheduler: the array
     * {@code VirtualThread.DelayedTaskSchedulers.INSTANCE}, whose entries {@link TimerRouter} replaces.
     * Null if this JDK has no such array (then the JDK keeps its timers).
     */
    static ScheduledExecutorService[] delayedTaskSchedulers() {
        try {
            Class<?> c = Class.forName("java.lang.VirtualThread$DelayedTaskSchedulers");
            return (ScheduledExecutorService[]) MethodHandles.privateLookupIn(c, MethodHandles.lookup())
                    .findStaticGetter(c, "INSTANCE", ScheduledExecutorService[].class).invoke();
        } catch (Throwable t) {
            return null;
        }
    }

    /** Loads the JDK's socket poller threads from a platform thread, so they never run as goroutines. */
    static void startPollers() {
        try {
            Class.forName("sun.nio.ch.Poller", true, ClassLoader.getSystemClassLoader());
        } catch (Throwable ignored) {
            // Not fatal: pollers then start on first use (-Djdk.pollerMode=1 avoids that too).
        }
    }
}
