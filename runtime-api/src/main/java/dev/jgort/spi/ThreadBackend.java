package dev.jgort.spi;

/**
 * Makes OS threads to be Ms: Go's {@code newosproc} / {@code _cgo_thread_start}. Found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/dev.jgort.spi.ThreadBackend}); the
 * scheduler picks one by {@link #name()} as {@link dev.jgort.api.RuntimeConfig#withBackend} says.
 *
 * <p>The scheduler decides each M's stack as Go's {@code allocm} does (see {@link StackChoice}) and
 * hands the backend a {@link ThreadStart}; the backend makes the thread, which must
 * <ol>
 *   <li>store its {@link Thread} in {@link ThreadStart#tls()} before anything else,
 *   <li>run {@link ThreadStart#fn()} (the M's {@code mstart}, which returns when the M exits), and
 *   <li>end, after which {@link G0#threadEnded()} must be called once the thread no longer runs on
 *       its stack (so a runtime-allocated stack may be freed).
 * </ol>
 */
public interface ThreadBackend {

    /** {@code "java"} or {@code "native"}. */
    String name();

    /** {@code null} if the backend can make threads here, else why not (shown to the user). */
    String unavailableReason();

    /**
     * The error behind {@link #unavailableReason()}, if one was caught (the native loader's
     * {@link UnsatisfiedLinkError}, say); the scheduler makes it the cause of the error it throws when
     * this backend was asked for and is unavailable. {@code null} when there is none.
     */
    default Throwable unavailableCause() {
        return null;
    }

    /**
     * The OS page size in bytes as the backend's native side reads it ({@code sysconf(_SC_PAGESIZE)},
     * {@code GetSystemInfo}; Go's {@code physPageSize}), which the scheduler sizes runtime-allocated
     * stacks with; {@code 0} if the backend does not know it. The default is 0: the Java backend maps
     * no stacks (the scheduler then assumes 4 KiB where it needs a value).
     */
    default long pageSize() {
        return 0;
    }

    /**
     * Whether this backend can run an M on a stack the runtime allocated ({@link StackChoice.Kind#RUNTIME_ALLOCATED}).
     * A backend that cannot always gets {@link StackChoice.Kind#OS_PROVIDED}.
     */
    boolean supportsRuntimeAllocatedStacks();

    /**
     * The TLS slot for a new M ({@code allocm}): where its thread stores its identity. The default has
     * no native address.
     */
    default TlsSlot newTlsSlot(long mId) {
        return new TlsSlot(0);
    }

    /**
     * Go's free-M sweep for one exited M: whether its thread has ended, after which the backend has
     * released what it held for it (its handle, a stack the runtime mapped, the TLS slot) and called
     * {@link G0#threadEnded()}. Called under the scheduler's lock; must not block. The default waits
     * for the backend's own {@link G0#threadEnded()} call.
     */
    default boolean reap(G0 g0, TlsSlot tls) {
        return g0.isThreadEnded();
    }

    /**
     * Starts a thread for an M.
     *
     * @throws ThreadStartException if the OS refused (Go's {@code failed to create new OS thread})
     */
    void newThread(ThreadStart start) throws ThreadStartException;
}
