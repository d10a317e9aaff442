package dev.jgort.jni;

/**
 * The natives of libjgort (registered by its {@code JNI_OnLoad}; see native-src's jgort_jni.c). Usable
 * only once {@link NativeLibrary#LOAD_ERROR} is null.
 */
final class NativeThreads {
    private NativeThreads() {}

    /** Encodes a thread that started but could not attach to the JVM: {@code -1000 + JNI error}. */
    static final int ATTACH_FAILED = 1000;

    /** A TLS slot (Go's {@code m.tls}) holding {@code mId}; 0 when out of memory. Freed by {@link #freeTls}. */
    static native long allocTls(long mId);

    static native void freeTls(long tls);

    /**
     * Starts an M's thread running {@code body}, attached to the JVM as daemon {@code name}, with its
     * identity in {@code tls}; on a stack of {@code stackSize} bytes mapped by the runtime (with a
     * guard page below) or provided by the OS. Returns once the thread has attached.
     *
     * @return the thread's handle; or {@code -errno} if it could not be made, or
     *         {@code -(ATTACH_FAILED - jniError)} if it could not attach
     */
    static native long start(Runnable body, String name, long tls, boolean runtimeStack, long stackSize);

    /** Go's freem sweep for one thread: 0 once it has ended (handle and stack released), 1 while it runs, else -errno. */
    static native int reap(long handle);

    /** The calling thread's stack {@code {lo, hi}} as the OS knows it; null if unknown. */
    static native long[] currentStack();

    /** What native code calling {@code jgort_current_m()} on this thread gets: the M's id, or -1. */
    static native long currentM();

    static native String errorText(int errno);

    /** The OS page size in bytes ({@code jgort_os_page_size}); 0 if the OS would not say. */
    static native long pageSize();

    /** Makes {@code jgort_current_m()} on the calling (callback) thread return {@code mId}. */
    static native void bindCallbackThread(long mId);

    /** The address of {@code jgort_invoke}. */
    static native long invokeAddress();

    /** Hands {@code jgort_invoke} the FFM upcall stub of {@code NativeCallbacks.invoke}. */
    static native void setInvokeUpcall(long address);

    /** The JVM is shutting down: callback threads that exit from now on do not call into it. */
    static native void vmExiting();

    // ---- carrier states (carrier_state.c): HotSpot's JavaThread::_thread_state ------------------------

    /**
     * Finds {@code JavaThread::_thread_state} in the VM's exported tables and checks it on {@code self},
     * the calling platform thread (which reads as in native code during this very call).
     *
     * @return null once states can be read, else why not
     */
    static native String carrierStateInit(Thread self);

    /** The calling platform thread {@code self}'s handle, or 0 if it cannot be watched. */
    static native long registerCarrier(Thread self);

    /** Frees a handle; before its thread ends. */
    static native void deregisterCarrier(long handle);

    /** One of {@link dev.jgort.spi.CarrierStates#JAVA}, {@code NATIVE}, {@code BLOCKED}, {@code OTHER}. */
    static native int carrierState(long handle);

    /** The carrier's CPU time in ns, -1 if unknown. */
    static native long carrierCpuNanos(long handle);

    /** {@link dev.jgort.spi.CarrierStates#OS_RUNNABLE}, {@code OS_WAITING} or {@code OS_UNKNOWN}. */
    static native int carrierOsState(long handle);
}
