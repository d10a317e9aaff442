package dev.jgort.chan;

/**
 * A misuse of a closed channel, where Go panics: sending on it, or closing it again. The message is
 * Go's panic message.
 */
public class ClosedChanException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public ClosedChanException(String message) {
        super(message);
    }

    static ClosedChanException send() {
        return new ClosedChanException("send on closed channel");
    }

    static ClosedChanException close() {
        return new ClosedChanException("close of closed channel");
    }
}
