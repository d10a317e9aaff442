package dev.jgort.bench;

import dev.jgort.api.GoRuntime;
import dev.jgort.api.Goroutine;
import dev.jgort.api.RuntimeConfig;
import dev.jgort.chan.Chan;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.OutputStream;

/**
 * The execution tracer's cost (issue 14, item 2): an unbuffered-channel ping-pong of
 * {@value #ROUNDS} rounds on jgort (GOMAXPROCS 2), with no trace and with a trace running into a
 * discarding stream. The {@code events} counter is the trace events one operation wrote; the cost of
 * an event is (time on − time off) ÷ events. Go's tracer: ~100 ns an event is its stated budget.
 */
public class TraceBench extends BenchBase {
    static final int ROUNDS = 10_000;

    @Param({"off", "on"})
    public String trace;

    private GoRuntime rt;

    /** The trace events written per operation (JMH's secondary result). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Events {
        public long events;
    }

    @Setup(Level.Trial)
    public void start() {
        rt = GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(2));
        if (trace.equals("on")) rt.startTrace(OutputStream.nullOutputStream());
    }

    @TearDown(Level.Trial)
    public void stop() {
        if (trace.equals("on")) rt.stopTrace();
        rt.close();
    }

    @Benchmark
    public long pingPong(Events ev) throws InterruptedException {
        long before = (Long) rt.metrics().get("/jgort/trace/events:events");
        Chan<Integer> ping = Chan.make(), pong = Chan.make();
        Goroutine a = rt.go(() -> {
            try {
                for (int i = 0; i < ROUNDS; i++) {
                    ping.send(i);
                    pong.recv();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Goroutine b = rt.go(() -> {
            try {
                for (int i = 0; i < ROUNDS; i++) {
                    pong.send(ping.recv());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        a.join();
        b.join();
        long n = (Long) rt.metrics().get("/jgort/trace/events:events") - before;
        ev.events += n;
        return n;
    }
}
