package dev.jgort.core.trace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * A parsed Go 1.19 execution trace ({@link TraceReader#read}): its events in one consistent global order
 * by time, the stack table and the string table.
 *
 * @param version        the format version from the header (1019)
 * @param ticksPerSecond the clock frequency of the timestamps as written ({@code EvFrequency})
 * @param events         the events, ordered by {@link TraceEvent#ts()}, each at its {@link TraceEvent#index()}
 * @param stacks         the stack table by stack id (ids with no frames are absent)
 * @param strings        the string table by string id
 */
public record Trace(int version, long ticksPerSecond, List<TraceEvent> events, Map<Long, List<Frame>> stacks,
                    Map<Long, String> strings) {

    /** Go's pseudo-P of goroutine unblocks done by the timer goroutine (only traces before Go 1.14 name one). */
    public static final int TIMER_P = 1_000_001;
    /** Go's pseudo-P of the unblocks of goroutines that blocked on the network poller ({@code GoBlockNet}). */
    public static final int NETPOLL_P = 1_000_002;
    /** Go's pseudo-P of every {@code GoSysExit}. */
    public static final int SYSCALL_P = 1_000_003;
    /** Go's pseudo-P of every {@code GCStart}. */
    public static final int GC_P = 1_000_004;
    /** The batch key Go's parser keeps CPU samples under until they are merged (no event keeps it). */
    static final int PROFILE_P = 1_000_005;

    public Trace {
        events = List.copyOf(events);
        stacks = Map.copyOf(stacks);
        strings = Map.copyOf(strings);
    }

    /** The time of the last event, in nanoseconds since the first (0 for a trace of one event). */
    public long duration() {
        return events.isEmpty() ? 0 : events.getLast().ts();
    }

    /** Writes one line per event, as {@code go tool trace -d} prints them ({@link TraceEvent#toString()}). */
    public void print(Appendable out) throws IOException {
        for (TraceEvent e : events) {
            out.append(e.toString()).append('\n');
        }
    }

    /** {@link #print} into a string. */
    public String dump() {
        StringBuilder b = new StringBuilder(events.size() * 48);
        try {
            print(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringBuilder does not throw
        }
        return b.toString();
    }
}
