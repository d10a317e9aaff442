package dev.jgort.spi;

/**
 * An M's thread-local slot, Go's {@code m.tls}: the new thread stores its identity here first, so the
 * scheduler (and, for the native backend, native code through {@link #address()}) finds the M of a
 * thread without a lookup.
 */
public final class TlsSlot {
    private final long address;
    private volatile Thread thread;

    /** @param address the native address of the slot, or 0 when the backend has none */
    public TlsSlot(long address) {
        this.address = address;
    }

    public long address() { return address; }

    /** Set by the M's thread itself, once, at start. */
    public void set(Thread t) {
        if (thread != null) throw new IllegalStateException("TLS slot already set to " + thread);
        thread = t;
    }

    /** The M's thread, or null before it started. */
    public Thread thread() { return thread; }
}
