package dev.jgort.core;

import dev.jgort.spi.StackChoice;
import dev.jgort.spi.ThreadBackend;
import dev.jgort.spi.ThreadStart;
import dev.jgort.spi.ThreadStartException;

/**
 * The pure-Java backend: each M is a daemon platform thread ({@link CarrierThread}) whose stack the JVM
 * provides, so {@code allocm}'s choice is always {@link StackChoice.Kind#OS_PROVIDED}.
 */
public final class JavaThreadBackend implements ThreadBackend {

    @Override
    public String name() {
        return "java";
    }

    @Override
    public String unavailableReason() {
        return null;
    }

    @Override
    public boolean supportsRuntimeAllocatedStacks() {
        return false;
    }

    @Override
    public void newThread(ThreadStart start) throws ThreadStartException {
        CarrierThread t = new CarrierThread(start);
        try {
            t.start();
        } catch (OutOfMemoryError e) {
            // What the JVM throws when pthread_create fails (EAGAIN: out of threads or memory).
            throw new ThreadStartException(e.getMessage(), 11, e);
        }
    }

    /** An M's platform thread. Knowing its M makes "which M runs me?" a field read. */
    static final class CarrierThread extends Thread {
        private final ThreadStart start;
        /** Set by the thread itself in {@code mstart}, before it runs any G. */
        M m;

        CarrierThread(ThreadStart start) {
            super(null, null, start.g0().threadName(), start.g0().stack().size(), false);
            this.start = start;
            setDaemon(true);
        }

        @Override
        public void run() {
            start.tls().set(this);
            try {
                start.fn().run();
            } finally {
                m = null;
                // Go clears freeWait once the thread is off its stack; a JVM thread's stack belongs to
                // the JVM, which frees it itself, so the M's record may be reused from here on.
                start.g0().threadEnded();
            }
        }
    }
}
