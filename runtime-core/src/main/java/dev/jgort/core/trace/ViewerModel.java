package dev.jgort.core.trace;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static dev.jgort.core.trace.TraceFormat.*;

/**
 * What the trace viewer's page draws, built from a {@link Trace} and written as JSON
 * ({@link #json}). The page gets rows, each with items (boxes from a start to an end time) and marks
 * (instants), and the events they refer to by index:
 * <pre>
 * { "name": file name, "duration": ns,
 *   "types": [Go's name by event type], "argNames": [[names] by type], "stringArgNames": [[names] by type],
 *   "events": [[ts, type, p, g, offset, stackId, [args], [string args]], ...]   (index = Trace.events() index)
 *   "stacks": {"id": [[func, file, line], ...]},
 *   "rows": [{"name": "P0", "items": [[start, end, g, startEvent, endEvent, kind], ...],
 *             "marks": [[ts, event], ...]}, ...],
 *   "goroutines": [[id, name, creation, start, end, exec, schedWait, block, io, syscall, gc, total], ...] }
 * </pre>
 * {@code goroutines} is the goroutine analysis of {@code go tool trace} ({@link GoroutineStats}; times
 * in ns, start and end -1 when the goroutine did not start or end in the trace).
 * Rows, top to bottom: {@code GC} and {@code STW} (when the trace has any), one per P ({@code P0}...) whose
 * items are the goroutines' running slices ({@link #RUN}: from a {@code GoStart} to the event that
 * ended it, or to the end of the trace; its marks are the syscalls made there), {@code Syscalls} lanes
 * whose items are blocking syscalls ({@link #SYSCALL}: from {@code GoSysCall} or {@code GoInSyscall} to the
 * {@code GoSysExit}), and {@code No P} whose marks are the events written without a P (or on Go's pseudo-Ps
 * of timers and the network poller). Invariant: in every row items are sorted by start and do not
 * overlap, so the page finds the visible ones and the one under the mouse by binary search. An end event
 * of -1 means the item lasts to the end of the trace.
 */
final class ViewerModel {
    private ViewerModel() {}

    /** Item kinds. */
    static final int RUN = 0, SYSCALL = 1, GC = 2, STW = 3;

    /** A box of a row: [start, end] in ns; {@code endEvent} -1 when the trace ends first. */
    private record Item(long start, long end, long g, int startEvent, int endEvent, int kind) {}

    /** A row being built. */
    private static final class Row {
        final String name;
        final List<Item> items = new ArrayList<>();
        final List<TraceEvent> marks = new ArrayList<>();

        Row(String name) {
            this.name = name;
        }
    }

    static String json(Trace trace, String name) {
        List<TraceEvent> events = trace.events();
        long end = trace.duration();
        Row gc = new Row("GC"), stw = new Row("STW"), noP = new Row("No P");
        Map<Integer, Row> procs = new HashMap<>();
        TreeSet<Integer> procIds = new TreeSet<>();
        List<Item> syscalls = new ArrayList<>();
        Map<Long, TraceEvent> inSyscall = new HashMap<>(); // GoInSyscall until its goroutine's exit
        for (TraceEvent e : events) {
            if (e.p >= 0 && e.p < Trace.TIMER_P) procIds.add(e.p);
        }
        for (int p : procIds) procs.put(p, new Row("P" + p));
        for (TraceEvent e : events) {
            switch (e.type) {
                case EV_GO_START, EV_GO_START_LABEL -> {
                    Row r = procs.get(e.p); // none for a start written without a P, which no runtime writes
                    if (r != null) r.items.add(item(e, end, e.g, RUN));
                }
                case EV_GO_SYSCALL -> {
                    Row r = procs.get(e.p);
                    if (r != null) r.marks.add(e);
                    if (e.link != null) syscalls.add(item(e, end, e.g, SYSCALL));
                }
                case EV_GO_IN_SYSCALL -> inSyscall.put(e.g, e);
                case EV_GO_SYSEXIT -> {
                    TraceEvent s = inSyscall.remove(e.g);
                    if (s != null) syscalls.add(new Item(s.ts, e.ts, e.g, s.index, e.index, SYSCALL));
                }
                case EV_GC_START -> gc.items.add(item(e, end, 0, GC));
                case EV_STW_START -> stw.items.add(item(e, end, 0, STW));
                default -> {}
            }
            if (e.p == GLOBAL_P || e.p == Trace.TIMER_P || e.p == Trace.NETPOLL_P) noP.marks.add(e);
        }
        for (TraceEvent s : inSyscall.values()) syscalls.add(new Item(s.ts, end, s.g, s.index, -1, SYSCALL));

        List<Row> rows = new ArrayList<>();
        if (!gc.items.isEmpty()) rows.add(gc);
        if (!stw.items.isEmpty()) rows.add(stw);
        for (int p : procIds) rows.add(procs.get(p));
        rows.addAll(lanes(syscalls));
        if (!noP.marks.isEmpty()) rows.add(noP);

        StringBuilder sb = new StringBuilder(events.size() * 48 + 4096);
        JsonWriter w = new JsonWriter(sb);
        w.beginObject().name("name").value(name).name("duration").value(end);
        w.name("types").beginArray();
        for (int t = 0; t < EV_COUNT; t++) w.value(name(t) == null ? "" : name(t));
        w.endArray().name("argNames").beginArray();
        for (int t = 0; t < EV_COUNT; t++) strings(w, argNames(t));
        w.endArray().name("stringArgNames").beginArray();
        for (int t = 0; t < EV_COUNT; t++) strings(w, stringArgNames(t));
        w.endArray();
        w.name("events").beginArray();
        for (TraceEvent e : events) {
            w.beginArray().value(e.ts).value(e.type).signed(e.p).value(e.g).value(e.offset).value(e.stackId).beginArray();
            for (long a : e.args()) w.value(a);
            w.endArray();
            if (!e.stringArgs.isEmpty()) strings(w, e.stringArgs);
            w.endArray();
        }
        w.endArray().name("stacks").beginObject();
        for (Map.Entry<Long, List<Frame>> s : trace.stacks().entrySet()) {
            w.name(Long.toUnsignedString(s.getKey())).beginArray();
            for (Frame f : s.getValue()) w.beginArray().value(f.func()).value(f.file()).value(f.line()).endArray();
            w.endArray();
        }
        w.endObject().name("rows").beginArray();
        for (Row r : rows) {
            w.beginObject().name("name").value(r.name).name("items").beginArray();
            for (Item i : r.items) {
                w.beginArray().value(i.start).value(i.end).value(i.g).value(i.startEvent).signed(i.endEvent)
                        .value(i.kind).endArray();
            }
            w.endArray().name("marks").beginArray();
            for (TraceEvent m : r.marks) w.beginArray().value(m.ts).value(m.index).endArray();
            w.endArray().endObject();
        }
        w.endArray().name("goroutines").beginArray();
        for (GoroutineStats.Stat g : GoroutineStats.of(trace)) {
            w.beginArray().value(g.id()).value(g.name()).value(g.creation()).signed(g.start()).signed(g.end())
                    .value(g.exec()).value(g.schedWait()).value(g.block()).value(g.io()).value(g.syscall())
                    .value(g.gc()).value(g.total()).endArray();
        }
        w.endArray().endObject();
        return sb.toString();
    }

    /** The item from {@code e} to its link (or to {@code end}). */
    private static Item item(TraceEvent e, long end, long g, int kind) {
        TraceEvent to = e.link;
        return new Item(e.ts, to == null ? end : to.ts, g, e.index, to == null ? -1 : to.index, kind);
    }

    /** Syscalls overlap: each goes into the first lane where the previous one has ended. */
    private static List<Row> lanes(List<Item> syscalls) {
        syscalls.sort(Comparator.comparingLong(Item::start).thenComparingLong(Item::end));
        List<Row> lanes = new ArrayList<>();
        List<Long> laneEnd = new ArrayList<>();
        for (Item s : syscalls) {
            int lane = 0;
            while (lane < lanes.size() && laneEnd.get(lane) > s.start) lane++;
            if (lane == lanes.size()) {
                lanes.add(new Row(lane == 0 ? "Syscalls" : "Syscalls " + (lane + 1)));
                laneEnd.add(0L);
            }
            lanes.get(lane).items.add(s);
            laneEnd.set(lane, Math.max(s.end, s.start + 1));
        }
        return lanes;
    }

    private static void strings(JsonWriter w, List<String> strings) {
        w.beginArray();
        for (String s : strings) w.value(s);
        w.endArray();
    }
}
