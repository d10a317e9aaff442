package dev.jgort.core.trace;

import java.io.IOException;

/**
 * A trace that cannot be read: its bytes are not Go 1.19's wire format, or its events are not a
 * consistent execution (a P running two goroutines, an unblock of a goroutine that is not waiting...).
 * The message says what is wrong and where, in Go's parser's words where it has some: the byte offset
 * of the event in the file and, once the events are in time, its time in nanoseconds.
 */
public final class TraceException extends IOException {
    private static final long serialVersionUID = 1L;

    private final long offset;

    /** A problem at byte {@code offset} of the trace (-1: at no one place). */
    public TraceException(String message, long offset) {
        super(message);
        this.offset = offset;
    }

    /** The byte offset of the event (or the bytes) at fault, -1 when the problem is not at one place. */
    public long offset() {
        return offset;
    }
}
