package dev.jgort.spi;

import java.util.Objects;

/**
 * What a new M's thread starts from: Go's {@code cgothreadstart { g; tls; fn }}.
 *
 * @param g0  the M's scheduling context (its id, thread name and stack)
 * @param tls the M's thread-local slot: the new thread stores its identity there first
 * @param fn  the M's start function ({@code mstart}); returns when the M exits
 */
public record ThreadStart(G0 g0, TlsSlot tls, Runnable fn) {
    public ThreadStart {
        Objects.requireNonNull(g0, "g0");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(fn, "fn");
    }
}
