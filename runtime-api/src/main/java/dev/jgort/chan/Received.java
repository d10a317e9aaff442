package dev.jgort.chan;

/**
 * The result of a receive that says whether the channel was closed: Go's {@code v, ok := <-ch}.
 *
 * @param value the value received, or {@code null} when {@code ok} is false
 * @param ok    true when the value came from a send; false when the channel is closed and drained
 * @param <T>   the element type
 */
public record Received<T>(T value, boolean ok) {
    private static final Received<?> CLOSED = new Received<>(null, false);

    /** A value from {@link Chan}'s receive path, or its CLOSED marker. */
    @SuppressWarnings("unchecked")
    static <T> Received<T> of(Object v) {
        return v == Chan.CLOSED ? (Received<T>) CLOSED : new Received<>((T) v, true);
    }
}
