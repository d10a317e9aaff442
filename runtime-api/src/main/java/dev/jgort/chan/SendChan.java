package dev.jgort.chan;

/**
 * The send side of a channel: Go's {@code chan<- T}. A {@link Chan} is one; hand out a channel as this
 * to a producer that must not receive from it.
 *
 * @param <T> the element type
 */
public sealed interface SendChan<T> permits Chan {
    /** See {@link Chan#send}. */
    void send(T v) throws InterruptedException;

    /** See {@link Chan#trySend}. */
    boolean trySend(T v);

    /** See {@link Chan#close()}. */
    void close();

    /** The number of values buffered: Go's {@code len(ch)}. */
    int len();

    /** The buffer's capacity: Go's {@code cap(ch)}. */
    int cap();
}
