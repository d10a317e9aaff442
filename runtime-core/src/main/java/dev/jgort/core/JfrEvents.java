package dev.jgort.core;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * jgort's JFR events ({@code jdk.jfr}), category "jgort": what a Java programmer sees in JMC beside
 * the JVM's own. Each is emitted where the scheduler does the thing, behind {@code shouldCommit()},
 * which is one predictable branch while no recording asks for it:
 * <ul>
 *   <li>{@link StopTheWorld}: a stop-the-world, from the stop's start to the world's start;
 *   <li>{@link GoMaxProcs}: a GOMAXPROCS change;
 *   <li>{@link Retake}: sysmon took a P (a goroutine in {@code Go.syscall}, one whose carrier sat in
 *       native code, or a stuck M) and handed it off;
 *   <li>{@link Deadlock}: a deadlock report ({@code close()} or continuous detection);
 *   <li>{@link Statistics}: every second while a recording wants it (periodic), per open runtime.
 * </ul>
 */
final class JfrEvents {
    private JfrEvents() {}

    @Name("dev.jgort.StopTheWorld")
    @Label("Stop The World")
    @Category("jgort")
    @Description("All Ps stopped: GOMAXPROCS changes, GoRuntime.stopTheWorld")
    @StackTrace(false)
    static final class StopTheWorld extends Event {
        @Label("Runtime") int runtime;
        @Label("Reason") String reason;
    }

    @Name("dev.jgort.GoMaxProcs")
    @Label("GOMAXPROCS Change")
    @Category("jgort")
    static final class GoMaxProcs extends Event {
        @Label("Runtime") int runtime;
        @Label("From") int from;
        @Label("To") int to;
    }

    @Name("dev.jgort.Retake")
    @Label("P Retaken")
    @Category("jgort")
    @Description("Sysmon took a P from a goroutine in a system call, in native code, or stuck, and handed it off")
    @StackTrace(false)
    static final class Retake extends Event {
        @Label("Runtime") int runtime;
        @Label("P") int p;
        @Label("Kind") String kind;
    }

    @Name("dev.jgort.Deadlock")
    @Label("Deadlock")
    @Category("jgort")
    @Description("All goroutines are asleep - deadlock!")
    @StackTrace(false)
    static final class Deadlock extends Event {
        @Label("Runtime") int runtime;
        @Label("Goroutines") int goroutines;
        @Label("Report") String report;
    }

    @Name("dev.jgort.Statistics")
    @Label("Runtime Statistics")
    @Category("jgort")
    @Period("1 s")
    @StackTrace(false)
    static final class Statistics extends Event {
        @Label("Runtime") int runtime;
        @Label("Goroutines") long goroutines;
        @Label("GOMAXPROCS") int gomaxprocs;
        @Label("Threads") int threads;
        @Label("Idle Ps") int idleProcs;
        @Label("Global Run Queue") int globalRunqueue;
        @Label("Scheduler Latency p99") @Timespan(Timespan.NANOSECONDS) long latencyP99;
    }

    /** The open runtimes the periodic event reports on. */
    private static final Set<Sched> OPEN = ConcurrentHashMap.newKeySet();

    static {
        FlightRecorder.addPeriodicEvent(Statistics.class, JfrEvents::emitStatistics);
    }

    static void opened(Sched s) {
        OPEN.add(s);
    }

    static void closed(Sched s) {
        OPEN.remove(s);
    }

    private static void emitStatistics() {
        for (Sched s : OPEN) {
            var st = SchedTrace.stats(s);
            Statistics e = new Statistics();
            e.runtime = s.runtimeId;
            e.goroutines = st.numGoroutine();
            e.gomaxprocs = st.maxProcs();
            e.threads = st.threads();
            e.idleProcs = st.idleProcs();
            e.globalRunqueue = st.globalRunqueue();
            double p99 = s.latencies.snapshot().quantile(0.99);
            e.latencyP99 = Double.isNaN(p99) || Double.isInfinite(p99) ? 0 : (long) (p99 * 1e9);
            e.commit();
        }
    }

    static void retake(Sched s, P pp, String kind) {
        Retake e = new Retake();
        if (!e.shouldCommit()) return;
        e.runtime = s.runtimeId;
        e.p = pp.id;
        e.kind = kind;
        e.commit();
    }

    static void deadlock(Sched s, dev.jgort.api.DeadlockException report) {
        Deadlock e = new Deadlock();
        if (!e.shouldCommit()) return;
        e.runtime = s.runtimeId;
        e.goroutines = report.goroutines();
        e.report = report.getMessage();
        e.commit();
    }

    static void goMaxProcs(Sched s, int from, int to) {
        GoMaxProcs e = new GoMaxProcs();
        if (!e.shouldCommit()) return;
        e.runtime = s.runtimeId;
        e.from = from;
        e.to = to;
        e.commit();
    }
}
