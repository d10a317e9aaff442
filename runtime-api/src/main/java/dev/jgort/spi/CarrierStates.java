package dev.jgort.spi;

/**
 * Sees what a carrier thread is doing right now — running Java code, inside native code (a JNI
 * method, an FFM downcall, a JDK native such as {@code FileInputStream.read}), or blocked — from the
 * VM's own state of that thread. With it, sysmon treats an M whose carrier has sat in native code
 * for a whole tick as Go treats a P in {@code _Psyscall}: every native call is a cgo call.
 *
 * <p>Found with {@link java.util.ServiceLoader} ({@code META-INF/services/dev.jgort.spi.CarrierStates});
 * runtime-jni implements it from HotSpot's {@code JavaThread::_thread_state}. Without one (or where
 * {@link #unavailableReason()} says why not) the scheduler falls back to sampling thread states and
 * CPU time.
 *
 * <p>Contract: a carrier {@linkplain #register() registers} itself, from its own thread, and
 * {@linkplain #deregister deregisters} before that thread ends; {@link #state} and
 * {@link #cpuTimeNanos} may be called from any thread, but only while the caller knows the carrier's
 * thread has not ended (the VM frees what the handle points into when the thread exits).
 */
public interface CarrierStates {
    /** {@link #state} results. Between two states (a transition). */
    int OTHER = 0;
    /** Running Java code, or inside the VM on its behalf. */
    int JAVA = 1;
    /** Inside native code: a JNI method, an FFM downcall, a JDK native method. */
    int NATIVE = 2;
    /** Blocked: parked, sleeping, waiting for a monitor, or stopped at a safepoint. */
    int BLOCKED = 3;

    /** A short name for traces, e.g. {@code "hotspot"}. */
    String name();

    /** {@code null} if states can be read in this VM, else why not (shown to the user once). */
    String unavailableReason();

    /**
     * Registers the calling platform thread (a carrier about to run goroutines).
     *
     * @return a handle for {@link #state}, or 0 if this thread cannot be watched
     */
    long register();

    /** Releases a handle; called by its carrier before the carrier's thread ends. 0 is ignored. */
    void deregister(long handle);

    /** The carrier's state now: {@link #JAVA}, {@link #NATIVE}, {@link #BLOCKED} or {@link #OTHER}. */
    int state(long handle);

    /** The CPU time the carrier has used so far, in ns, or -1 if unknown. */
    long cpuTimeNanos(long handle);

    /** {@link #osState} results: the OS does not tell. */
    int OS_UNKNOWN = 0;
    /** Running, or ready to run and waiting for a core. */
    int OS_RUNNABLE = 1;
    /** Asleep in the kernel: a sleep, a read that waits for data, a lock. */
    int OS_WAITING = 2;

    /**
     * What the OS says of the carrier's thread: {@link #OS_RUNNABLE}, {@link #OS_WAITING} or
     * {@link #OS_UNKNOWN}. Tells a thread blocked in a native call from one that merely waits for a
     * core (both use no CPU meanwhile). May cost microseconds: for decisions, not for every look.
     */
    int osState(long handle);
}
