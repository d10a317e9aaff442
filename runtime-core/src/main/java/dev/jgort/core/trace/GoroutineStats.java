package dev.jgort.core.trace;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.jgort.core.trace.TraceFormat.*;

/**
 * How each goroutine of a trace spent its time, as {@code go tool trace}'s goroutine analysis counts it
 * (Go 1.19's {@code internal/trace.GoroutineStats}), over the events in their merged order:
 * <ul>
 *   <li>execution: from a {@code GoStart} to the event that stops the goroutine;</li>
 *   <li>scheduler wait: runnable (created, unblocked, back from a blocking syscall, yielded or
 *       preempted) until the next {@code GoStart};</li>
 *   <li>synchronization block (channels, {@code select}, locks, conditions) and network wait, until the
 *       {@code GoUnblock}; a sleep or a plain park counts in neither (as in Go);</li>
 *   <li>syscall: from {@code GoSysBlock} (sysmon took the P) to the {@code GoSysExit};</li>
 *   <li>GC: the part of every GC (from {@code GCStart} to {@code GCDone}) that the goroutine lived
 *       through (jgort's stop-the-world is no GC: it writes none);</li>
 *   <li>total: from its {@code GoCreate} to its {@code GoEnd} or {@code GoStop}, or to the trace's
 *       last event.</li>
 * </ul>
 * A goroutine's name is the function of its start stack (its first {@code GoStart}'s), as Go names it:
 * for jgort, the creation site where {@code RuntimeConfig.withCreationSites} recorded it, else empty.
 * Not kept: user regions and GC sweeping (jgort writes neither). Unlike Go, "not since" is not written
 * as time 0, so a goroutine started at the trace's first instant is counted too.
 */
final class GoroutineStats {
    private GoroutineStats() {}

    /** One goroutine's times in ns since the trace's first event ({@code end} -1: it did not end). */
    record Stat(long id, String name, long creation, long start, long end, long exec, long schedWait,
                long block, long io, long syscall, long gc, long total) {}

    private static final long NONE = Long.MIN_VALUE;

    /** A goroutine being counted: Go's {@code GDesc} and its private {@code gdesc}. */
    private static final class Acc {
        final long id, creation;
        String name = "";
        boolean named;
        long start = NONE, end = NONE;
        long exec, schedWait, block, io, syscall, gc, total = NONE;
        long lastStart = NONE, blockSync = NONE, blockNet = NONE, blockSyscall = NONE, blockSched;

        Acc(long id, long creation) {
            this.id = id;
            this.creation = creation;
            this.blockSched = creation;
        }

        void stopRunning(long ts) {
            if (lastStart != NONE) exec += ts - lastStart;
            lastStart = NONE;
        }

        /** Go's {@code finalize}: folds what is pending up to {@code ts} into the totals. */
        void finish(long ts, long gcStart) {
            if (gcStart != NONE) gc += ts - Math.max(gcStart, creation);
            if (total == NONE) total = ts - creation;
            if (lastStart != NONE) exec += ts - lastStart;
            if (blockNet != NONE) io += ts - blockNet;
            if (blockSync != NONE) block += ts - blockSync;
            if (blockSyscall != NONE) syscall += ts - blockSyscall;
            if (blockSched != NONE) schedWait += ts - blockSched;
            lastStart = blockNet = blockSync = blockSyscall = blockSched = NONE;
        }

        Stat stat() {
            return new Stat(id, name, creation, start == NONE ? -1 : start, end == NONE ? -1 : end, exec, schedWait,
                    block, io, syscall, gc, total);
        }
    }

    /** Every goroutine the trace creates, by id. */
    static List<Stat> of(Trace trace) {
        Map<Long, Acc> gs = new HashMap<>();
        long last = 0, gcStart = NONE;
        for (TraceEvent e : trace.events()) {
            last = e.ts;
            switch (e.type) {
                case EV_GO_CREATE -> gs.put(e.arg(0), new Acc(e.arg(0), e.ts));
                case EV_GO_START, EV_GO_START_LABEL -> {
                    Acc g = gs.get(e.g);
                    if (g == null) continue;
                    if (!g.named && !e.stack().isEmpty()) {
                        g.name = e.stack().get(0).func();
                        g.named = true;
                    }
                    g.lastStart = e.ts;
                    if (g.start == NONE) g.start = e.ts;
                    if (g.blockSched != NONE) {
                        g.schedWait += e.ts - g.blockSched;
                        g.blockSched = NONE;
                    }
                }
                case EV_GO_END, EV_GO_STOP -> {
                    Acc g = gs.get(e.g);
                    if (g == null) continue;
                    g.end = e.ts;
                    g.finish(e.ts, gcStart);
                }
                case EV_GO_BLOCK_SEND, EV_GO_BLOCK_RECV, EV_GO_BLOCK_SELECT, EV_GO_BLOCK_SYNC, EV_GO_BLOCK_COND -> {
                    Acc g = gs.get(e.g);
                    if (g == null) continue;
                    g.stopRunning(e.ts);
                    g.blockSync = e.ts;
                }
                case EV_GO_SCHED, EV_GO_PREEMPT -> {
                    Acc g = gs.get(e.g);
                    if (g == null) continue;
                    g.stopRunning(e.ts);
                    g.blockSched = e.ts;
                }
                case EV_GO_SLEEP, EV_GO_BLOCK, EV_GO_BLOCK_GC -> {
                    Acc g = gs.get(e.g);
                    if (g != null) g.stopRunning(e.ts);
                }
                case EV_GO_BLOCK_NET -> {
                    Acc g = gs.get(e.g);
                    if (g == null) continue;
                    g.stopRunning(e.ts);
                    g.blockNet = e.ts;
                }
                case EV_GO_UNBLOCK -> {
                    Acc g = gs.get(e.arg(0));
                    if (g == null) continue;
                    if (g.blockNet != NONE) {
                        g.io += e.ts - g.blockNet;
                        g.blockNet = NONE;
                    }
                    if (g.blockSync != NONE) {
                        g.block += e.ts - g.blockSync;
                        g.blockSync = NONE;
                    }
                    g.blockSched = e.ts;
                }
                case EV_GO_SYSBLOCK -> {
                    Acc g = gs.get(e.g);
                    if (g == null) continue;
                    g.stopRunning(e.ts);
                    g.blockSyscall = e.ts;
                }
                case EV_GO_SYSEXIT -> {
                    Acc g = gs.get(e.g);
                    if (g == null) continue;
                    if (g.blockSyscall != NONE) {
                        g.syscall += e.ts - g.blockSyscall;
                        g.blockSyscall = NONE;
                    }
                    g.blockSched = e.ts;
                }
                case EV_GC_START -> gcStart = e.ts;
                case EV_GC_DONE -> {
                    for (Acc g : gs.values()) {
                        if (g.end == NONE) g.gc += e.ts - Math.max(gcStart == NONE ? e.ts : gcStart, g.creation);
                    }
                    gcStart = NONE;
                }
                default -> { }
            }
        }
        List<Stat> out = new ArrayList<>(gs.size());
        for (Acc g : gs.values()) {
            g.finish(last, gcStart);
            out.add(g.stat());
        }
        out.sort(Comparator.comparingLong(Stat::id));
        return out;
    }
}
