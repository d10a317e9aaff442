package dev.jgort.core.trace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.jgort.core.trace.TraceFormat.*;

/**
 * Removes futile wakeups (Go's {@code removeFutile}): a goroutine unblocked (on a mutex, a buffered
 * channel) that found, once it ran, that another got there first and blocked again, marked by
 * {@code FutileWakeup}. The whole sequence goes: the unblock, the starts and preemptions after it, the
 * {@code FutileWakeup} and the block that ends it. A sequence cut by the start of the trace (a
 * {@code FutileWakeup} with no unblock before it) loses what the trace has of it. Runs on the merged
 * events, before {@link TraceConsistency}, which checks that what is left is consistent.
 */
final class FutileWakeups {
    private FutileWakeups() {}

    /** A goroutine's wakeup so far: its events since its last unblock, and whether one was a FutileWakeup. */
    private static final class Wakeup {
        final List<TraceEvent> events = new ArrayList<>();
        boolean futile;
    }

    static List<TraceEvent> remove(List<TraceEvent> events) {
        Map<Long, Wakeup> gs = new HashMap<>();
        Set<TraceEvent> futile = Collections.newSetFromMap(new IdentityHashMap<>());
        for (TraceEvent e : events) {
            switch (e.type) {
                case EV_GO_UNBLOCK -> {
                    Wakeup w = new Wakeup();
                    w.events.add(e);
                    gs.put(e.args[0], w);
                }
                // only GoStart: a GoStartLabel is not part of a wakeup, as in Go
                case EV_GO_START, EV_GO_PREEMPT, EV_FUTILE_WAKEUP -> {
                    Wakeup w = gs.computeIfAbsent(e.g, g -> new Wakeup());
                    w.events.add(e);
                    if (e.type == EV_FUTILE_WAKEUP) w.futile = true;
                }
                case EV_GO_BLOCK, EV_GO_BLOCK_SEND, EV_GO_BLOCK_RECV, EV_GO_BLOCK_SELECT, EV_GO_BLOCK_SYNC,
                     EV_GO_BLOCK_COND -> {
                    Wakeup w = gs.remove(e.g);
                    if (w != null && w.futile) {
                        futile.add(e);
                        futile.addAll(w.events);
                    }
                }
                default -> {}
            }
        }
        if (futile.isEmpty()) return events;
        List<TraceEvent> kept = new ArrayList<>(events.size() - futile.size());
        for (TraceEvent e : events) {
            if (!futile.contains(e)) kept.add(e);
        }
        return kept;
    }
}
