package dev.jgort.chan;

/**
 * The receive side of a channel: Go's {@code <-chan T}. A {@link Chan} is one; a {@link Timer}'s or
 * {@link Ticker}'s channel is handed out only as this, so it cannot be sent to or closed.
 *
 * @param <T> the element type
 */
public sealed interface RecvChan<T> extends Iterable<T> permits Chan {
    /** See {@link Chan#recv()}. */
    T recv() throws InterruptedException;

    /** See {@link Chan#recvOk()}. */
    Received<T> recvOk() throws InterruptedException;

    /** See {@link Chan#tryRecv()}. */
    Received<T> tryRecv();

    /** The number of values buffered: Go's {@code len(ch)}. */
    int len();

    /** The buffer's capacity: Go's {@code cap(ch)}. */
    int cap();
}
