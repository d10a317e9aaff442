package dev.jgort.jni;

import dev.jgort.spi.G0;
import dev.jgort.spi.StackChoice;
import dev.jgort.spi.ThreadBackend;
import dev.jgort.spi.ThreadStart;
import dev.jgort.spi.ThreadStartException;
import dev.jgort.spi.TlsSlot;

/**
 * The native backend ({@code RuntimeConfig.withBackend("native")}, or {@code "auto"} where libjgort
 * loads): every M is a native thread made by libjgort as Go's {@code newosproc} makes one, on the
 * stack {@code allocm} chose — on Linux a stack the runtime maps itself (size: the VM's guard zones +
 * Go's g0 budget + the JVM's thread stack size; a guard page below), elsewhere one the OS provides.
 *
 * <p>The thread stores its M's id in its TLS slot (native code finds it with {@code jgort_current_m()}),
 * attaches to the JVM as a daemon named after its M, records its real stack bounds in the M's g0, runs
 * the M's {@code mstart}, detaches and ends. Its stack is unmapped by the scheduler's next free-M
 * sweep after the thread has ended ({@link #reap}, {@code pthread_tryjoin_np} on Linux).
 */
// Public, in the exported package, because ServiceLoader needs a public provider on the class path;
// its SPI supertype is exported only to dev.jgort.core, which is the point (javac's "exports" lint
// says module-path users cannot see it).
@SuppressWarnings("exports")
public final class NativeBackend implements ThreadBackend {

    public NativeBackend() {}

    @Override
    public String name() {
        return "native";
    }

    @Override
    public String unavailableReason() {
        return NativeLibrary.LOAD_ERROR;
    }

    @Override
    public Throwable unavailableCause() {
        return NativeLibrary.LOAD_CAUSE;
    }

    /** The OS page size libjgort reads ({@code sysconf(_SC_PAGESIZE)}, {@code GetSystemInfo}); 0 where it does not load. */
    @Override
    public long pageSize() {
        return NativeLibrary.LOAD_ERROR == null ? NativeThreads.pageSize() : 0;
    }

    @Override
    public boolean supportsRuntimeAllocatedStacks() {
        return true;
    }

    @Override
    public TlsSlot newTlsSlot(long mId) {
        long address = NativeThreads.allocTls(mId);
        if (address == 0) throw new OutOfMemoryError("jgort: no memory for the TLS slot of M " + mId);
        return new TlsSlot(address);
    }

    @Override
    public void newThread(ThreadStart start) throws ThreadStartException {
        G0 g0 = start.g0();
        Runnable body = () -> {
            start.tls().set(Thread.currentThread());
            long[] bounds = NativeThreads.currentStack();
            if (bounds != null) g0.setStackBounds(bounds[0], bounds[1]);
            start.fn().run();
        };
        StackChoice stack = g0.stack();
        long h = NativeThreads.start(body, g0.threadName(), start.tls().address(),
                stack.kind() == StackChoice.Kind.RUNTIME_ALLOCATED, stack.size());
        if (h < 0) {
            NativeThreads.freeTls(start.tls().address());
            int code = (int) -h;
            if (code >= NativeThreads.ATTACH_FAILED) {
                throw new ThreadStartException("the new thread could not attach to the JVM (JNI error "
                        + (NativeThreads.ATTACH_FAILED - code) + ")", 0, null);
            }
            throw new ThreadStartException(NativeThreads.errorText(code), code, null);
        }
        g0.setThreadHandle(h);
    }

    @Override
    public boolean reap(G0 g0, TlsSlot tls) {
        long h = g0.threadHandle();
        if (h == 0) return false; // newThread has not recorded it yet
        int r = NativeThreads.reap(h);
        if (r == 1) return false; // still running
        if (r < 0) {
            throw new IllegalStateException("jgort: cannot join the thread of M " + g0.mId() + ": "
                    + NativeThreads.errorText(-r));
        }
        g0.setThreadHandle(0);
        NativeThreads.freeTls(tls.address());
        g0.threadEnded();
        return true;
    }
}
