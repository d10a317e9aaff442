package dev.jgort.core.trace;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

import static dev.jgort.core.trace.TraceFormat.*;

/**
 * The merge of a trace's per-P batches into one stream (Go's {@code order1007}), then its time-order check
 * and the {@code GoSysExit} timestamp fix-up.
 *
 * <p>The events of one P are in order; what the merge must find is an interleaving of the Ps in which
 * every goroutine goes through its states in order. A goroutine's events that move it between Ps carry a
 * sequence number ({@code GoStart}, {@code GoUnblock}, {@code GoSysExit} and {@code GCStart}, whose
 * pseudo-goroutine is the GC): the event is ready to merge when the goroutine is in the state it expects
 * with that sequence number. Events that happen where the goroutine already is (the blocking ones, and
 * the Local forms of start, unblock and syscall exit) need its state only. Every other event is ready at
 * once. The merge takes the head event of each P that is ready (the frontier, at most one per P) and
 * merges the earliest of them, again and again: so it forms a consistent stream even when clocks of
 * different CPUs disagree, and the check after it reports such a trace rather than misorders it.
 *
 * <p>Timestamps are still ticks here. A {@code GoSysExit} carries the real time the syscall returned in
 * its third argument, while its own timestamp is when it was written (when the goroutine got a P back):
 * after the check the real time replaces it (it must not be before the syscall blocked) and the
 * events are sorted by time again, stably, so that ties keep the merged order.
 */
final class EventOrder {
    private EventOrder() {}

    static final int DEAD = 0, RUNNABLE = 1, RUNNING = 2, WAITING = 3;
    private static final String[] STATUS = {"dead", "runnable", "running", "waiting"};

    /** The pseudo-goroutine of an event with no ordering need. */
    private static final long UNORDERED = -1L;
    /** The pseudo-goroutine whose sequence is the GCs' ({@code GCStart}'s seq argument). */
    private static final long GARBAGE = -2L;
    /** As a needed seq: any; as a next seq: unchanged. */
    private static final long NOSEQ = -1L;
    /** As a next seq: one more than it was (a Local event, which carries none). */
    private static final long SEQINC = -2L;

    /** A goroutine's place in its sequence: the seq its next sequenced event carries, and its status. */
    private record GState(long seq, int status) {
        static final GState INITIAL = new GState(0, DEAD);
    }

    /** What merging an event needs ({@code init}) and makes ({@code next}) of goroutine {@code g}. */
    private record Transition(long g, GState init, GState next) {
        static final Transition NONE = new Transition(UNORDERED, null, null);
    }

    /** A P's head event taken into the frontier. */
    private record Head(TraceEvent event, int batch, Transition transition) {}

    private static Transition transition(TraceEvent e) {
        return switch (e.type) {
            case EV_GO_CREATE -> new Transition(e.args[0], new GState(0, DEAD), new GState(1, RUNNABLE));
            case EV_GO_WAITING, EV_GO_IN_SYSCALL -> new Transition(e.g, new GState(1, RUNNABLE), new GState(2, WAITING));
            case EV_GO_START, EV_GO_START_LABEL ->
                    new Transition(e.g, new GState(e.args[1], RUNNABLE), new GState(e.args[1] + 1, RUNNING));
            // written on the P that made the goroutine runnable, so that event is merged already
            case EV_GO_START_LOCAL -> new Transition(e.g, new GState(NOSEQ, RUNNABLE), new GState(SEQINC, RUNNING));
            case EV_GO_BLOCK, EV_GO_BLOCK_SEND, EV_GO_BLOCK_RECV, EV_GO_BLOCK_SELECT, EV_GO_BLOCK_SYNC,
                 EV_GO_BLOCK_COND, EV_GO_BLOCK_NET, EV_GO_SLEEP, EV_GO_SYSBLOCK, EV_GO_BLOCK_GC ->
                    new Transition(e.g, new GState(NOSEQ, RUNNING), new GState(NOSEQ, WAITING));
            case EV_GO_SCHED, EV_GO_PREEMPT -> new Transition(e.g, new GState(NOSEQ, RUNNING), new GState(NOSEQ, RUNNABLE));
            case EV_GO_UNBLOCK, EV_GO_SYSEXIT ->
                    new Transition(e.args[0], new GState(e.args[1], WAITING), new GState(e.args[1] + 1, RUNNABLE));
            case EV_GO_UNBLOCK_LOCAL, EV_GO_SYSEXIT_LOCAL ->
                    new Transition(e.args[0], new GState(NOSEQ, WAITING), new GState(SEQINC, RUNNABLE));
            case EV_GC_START -> new Transition(GARBAGE, new GState(e.args[0], DEAD), new GState(e.args[0] + 1, DEAD));
            default -> Transition.NONE;
        };
    }

    private static boolean ready(Transition t, GState curr) {
        return t.g == UNORDERED || (t.init.seq == NOSEQ || t.init.seq == curr.seq) && t.init.status == curr.status;
    }

    /** The batches (by P, each in its P's order) merged, checked and fixed up as the class comment says. */
    static List<TraceEvent> merge(SortedMap<Integer, List<TraceEvent>> byP) throws TraceException {
        List<Integer> ps = new ArrayList<>(byP.keySet());
        List<List<TraceEvent>> batches = new ArrayList<>();
        int pending = 0;
        for (int p : ps) {
            List<TraceEvent> b = byP.get(p);
            // CPU samples were written in the order their handler got the lock: put them in the order taken
            if (p == Trace.PROFILE_P) b.sort(Comparator.comparingLong(e -> e.ts));
            batches.add(b);
            pending += b.size();
        }
        int[] next = new int[batches.size()];
        boolean[] selected = new boolean[batches.size()];
        Map<Long, GState> gs = new HashMap<>();
        List<Head> frontier = new ArrayList<>(batches.size());
        List<TraceEvent> events = new ArrayList<>(pending);
        for (; pending > 0; pending--) {
            for (int i = 0; i < batches.size(); i++) {
                List<TraceEvent> b = batches.get(i);
                if (selected[i] || next[i] == b.size()) continue;
                TraceEvent e = b.get(next[i]);
                Transition t = transition(e);
                if (!ready(t, gs.getOrDefault(t.g, GState.INITIAL))) continue;
                frontier.add(new Head(e, i, t));
                next[i]++;
                selected[i] = true;
                // the Local forms exist for this merge only
                switch (e.type) {
                    case EV_GO_START_LOCAL -> e.type = EV_GO_START;
                    case EV_GO_UNBLOCK_LOCAL -> e.type = EV_GO_UNBLOCK;
                    case EV_GO_SYSEXIT_LOCAL -> e.type = EV_GO_SYSEXIT;
                    default -> {}
                }
            }
            if (frontier.isEmpty()) throw stuck(ps, batches, next, gs);
            int best = 0;
            for (int i = 1; i < frontier.size(); i++) {
                Head h = frontier.get(i), b = frontier.get(best);
                if (h.event.ts < b.event.ts || h.event.ts == b.event.ts && h.batch < b.batch) best = i;
            }
            Head h = frontier.get(best);
            frontier.set(best, frontier.getLast());
            frontier.removeLast();
            events.add(h.event);
            apply(gs, h);
            selected[h.batch] = false;
        }

        for (int i = 1; i < events.size(); i++) {
            TraceEvent prev = events.get(i - 1), e = events.get(i);
            if (e.ts < prev.ts) {
                throw new TraceException(String.format("time stamps out of order: %s at offset %d (tick %d) must come after "
                        + "%s at offset %d (tick %d)", e.typeName(), e.offset, e.ts, prev.typeName(), prev.offset, prev.ts),
                        e.offset);
            }
        }

        Map<Long, Long> lastSysBlock = new HashMap<>();
        for (TraceEvent e : events) {
            switch (e.type) {
                case EV_GO_SYSBLOCK, EV_GO_IN_SYSCALL -> lastSysBlock.put(e.g, e.ts);
                case EV_GO_SYSEXIT -> {
                    long ts = e.args[2];
                    if (ts == 0) continue;
                    long block = lastSysBlock.getOrDefault(e.g, 0L);
                    if (block == 0) {
                        throw new TraceException("stray syscall exit of g " + Long.toUnsignedString(e.g) + " at offset "
                                + e.offset + ": it has a real timestamp but did not block in a syscall", e.offset);
                    }
                    if (ts < block) {
                        throw new TraceException(String.format("time stamps out of order: GoSysExit of g %s at offset %d "
                                + "returned at tick %d, before it blocked (tick %d)", Long.toUnsignedString(e.g), e.offset,
                                ts, block), e.offset);
                    }
                    e.ts = ts;
                }
                default -> {}
            }
        }
        events.sort(Comparator.comparingLong(e -> e.ts)); // stable: ties keep the merged order
        return events;
    }

    private static void apply(Map<Long, GState> gs, Head h) throws TraceException {
        Transition t = h.transition;
        if (t.g == UNORDERED) return;
        GState curr = gs.getOrDefault(t.g, GState.INITIAL);
        if (!ready(t, curr)) {
            // another P's event of the same goroutine and seq was merged in between
            throw new TraceException(String.format("event sequences are broken: %s at offset %d needs g %s %s, but it is %s",
                    h.event.typeName(), h.event.offset, goroutine(t.g), describe(t.init), describe(curr)), h.event.offset);
        }
        long seq = t.next.seq == NOSEQ ? curr.seq : t.next.seq == SEQINC ? curr.seq + 1 : t.next.seq;
        gs.put(t.g, new GState(seq, t.next.status));
    }

    /** No P's next event can be merged: say, for each, what it waits for. */
    private static TraceException stuck(List<Integer> ps, List<List<TraceEvent>> batches, int[] next,
                                         Map<Long, GState> gs) {
        StringBuilder b = new StringBuilder("no consistent ordering of events possible:");
        long offset = -1;
        for (int i = 0; i < batches.size(); i++) {
            List<TraceEvent> batch = batches.get(i);
            if (next[i] == batch.size()) continue;
            TraceEvent e = batch.get(next[i]);
            Transition t = transition(e);
            if (offset < 0) offset = e.offset;
            b.append(String.format(" p %d's next event %s at offset %d needs g %s %s, but it is %s;", ps.get(i),
                    e.typeName(), e.offset, goroutine(t.g), describe(t.init), describe(gs.getOrDefault(t.g, GState.INITIAL))));
        }
        b.setLength(b.length() - 1);
        return new TraceException(b.toString(), offset);
    }

    private static String goroutine(long g) {
        return g == GARBAGE ? "(the GC sequence)" : Long.toUnsignedString(g);
    }

    private static String describe(GState s) {
        return STATUS[s.status] + (s.seq == NOSEQ ? "" : " with seq " + Long.toUnsignedString(s.seq));
    }
}
