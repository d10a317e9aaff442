package dev.jgort.core.trace;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.jgort.core.trace.HandBuiltTrace.MAIN;
import static dev.jgort.core.trace.HandBuiltTrace.SENDER;
import static dev.jgort.core.trace.HandBuiltTrace.SYSCALLER;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link GoroutineStats} on {@link HandBuiltTrace#sample()}, whose times are known (ns since its first
 * event, at tick 500): each goroutine's execution, scheduler wait, block, syscall, GC and total time,
 * worked out by hand from the events as Go 1.19's goroutine analysis counts them.
 */
class GoroutineStatsTest {
    @Test
    void eachGoroutinesTimesAreGosGoroutineAnalysis() throws Exception {
        List<GoroutineStats.Stat> stats = GoroutineStats.of(TraceReader.read(HandBuiltTrace.sample()));
        assertEquals(List.of(
                // main: runs 600-2500 and 6600-11500; waits runnable 500-600 and 5500-6600 (unblocked at
                // 5500); blocked in a receive 2500-5500; alive through the GC at 8500-9000.
                new GoroutineStats.Stat(MAIN, "main.main", 500, 600, 11500, 6800, 1200, 3000, 0, 0, 500, 11000),
                // the syscaller: runs 2600-7600 (its syscall blocks at 7600: sysmon took the P) and
                // 11700-12500; in the blocked syscall 7600-10500 (its exit's real time); runnable
                // 1500-2600 and 10500-11700.
                new GoroutineStats.Stat(SYSCALLER, "main.worker", 1500, 2600, 12500, 5800, 2300, 0, 0, 2900, 500, 11000),
                // the sender: runnable 1600-2100, runs 2100-6500, ended before the GC.
                new GoroutineStats.Stat(SENDER, "main.worker", 1600, 2100, 6500, 4400, 500, 0, 0, 0, 0, 4900)),
                stats);
    }
}
