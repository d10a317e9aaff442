package dev.jgort.core.trace;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static dev.jgort.core.trace.TraceFormat.*;

/**
 * A tiny encoder of Go 1.19 traces for tests: the bytes of a trace written event by event, right or
 * deliberately wrong. Timestamps are given in absolute ticks; each is written as its difference from the
 * previous event of the current batch (or the batch's own ticks), as the format wants.
 */
final class HandBuiltTrace {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private long lastTicks;

    /** A trace with Go 1.19's header. */
    HandBuiltTrace() {
        this(HEADER);
    }

    /** A trace with this 16-byte header. */
    HandBuiltTrace(byte[] header) {
        out.writeBytes(header);
    }

    /** {@code EvFrequency [ticks a second]}. */
    HandBuiltTrace frequency(long ticksPerSecond) {
        out.write(EV_FREQUENCY);
        varint(ticksPerSecond);
        return this;
    }

    /** {@code EvBatch [p, ticks]}: the events after it are P {@code p}'s ({@link TraceFormat#GLOBAL_P} for none). */
    HandBuiltTrace batch(int p, long ticks) {
        out.write(EV_BATCH | 1 << 6);
        varint(p);
        varint(ticks);
        lastTicks = ticks;
        return this;
    }

    /** {@code EvString [id, length, bytes]}. */
    HandBuiltTrace string(long id, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(EV_STRING);
        varint(id);
        varint(b.length);
        out.writeBytes(b);
        return this;
    }

    /** {@code EvStack [id, n, {pc, func, file, line}...]}: {@code frames} holds 3 values a frame (func and file string ids, line); pcs are 0. */
    HandBuiltTrace stack(long id, long... frames) {
        if (frames.length % 3 != 0) throw new IllegalArgumentException("3 values a frame");
        long[] values = new long[2 + frames.length / 3 * 4];
        values[0] = id;
        values[1] = frames.length / 3;
        for (int i = 0; i < frames.length / 3; i++) {
            values[2 + 4 * i] = 0x1000 + i;
            values[3 + 4 * i] = frames[3 * i];
            values[4 + 4 * i] = frames[3 * i + 1];
            values[5 + 4 * i] = frames[3 * i + 2];
        }
        return withLength(EV_STACK, values);
    }

    /** An event at {@code ticks} with these arguments after the timestamp (the stack id last, where it has one). */
    HandBuiltTrace event(int type, long ticks, long... args) {
        long[] values = new long[args.length + 1];
        values[0] = ticks - lastTicks;
        System.arraycopy(args, 0, values, 1, args.length);
        lastTicks = ticks;
        if (values.length >= 4) return withLength(type, values);
        out.write(type | (values.length - 1) << 6);
        for (long v : values) varint(v);
        return this;
    }

    /** Raw bytes, for breaking the format. */
    HandBuiltTrace raw(int... bytes) {
        for (int b : bytes) out.write(b);
        return this;
    }

    /** The trace so far. */
    byte[] bytes() {
        return out.toByteArray();
    }

    private HandBuiltTrace withLength(int type, long[] values) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (long v : values) varint(body, v);
        out.write(type | 3 << 6);
        varint(body.size());
        out.writeBytes(body.toByteArray());
        return this;
    }

    private void varint(long v) {
        varint(out, v);
    }

    private static void varint(ByteArrayOutputStream o, long v) {
        while (Long.compareUnsigned(v, 0x80) >= 0) {
            o.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        o.write((int) v);
    }

    // ---- the sample trace ----

    /** The goroutines of {@link #sample()}: the main one, the worker that makes a syscall, the one that ends first. */
    static final long MAIN = 1, SYSCALLER = 5, SENDER = 6;

    /**
     * A small consistent trace at 1 GHz (a tick is a nanosecond; times below are ticks, the trace starts at 500):
     * 2 Ps; on P0 the main goroutine 1 starts (GoStartLocal), creates goroutines 5 and 6 and blocks on a
     * receive; 5 runs and enters a syscall that blocks (8000-8100), P0 stops. On P1 goroutine 6 starts,
     * unblocks 1 (as a send would) and ends; 1 runs, a GC runs (9000-9500), 1 ends; 5 returns from its
     * syscall (written at 12100, really returned at 11000), runs and ends; P1 stops. A GOMAXPROCS event
     * sits in the batch without P, and P0's events are in two batches, P1's between them.
     */
    static byte[] sample() {
        return new HandBuiltTrace()
                .frequency(1_000_000_000L)
                .string(1, "main.main").string(2, "/src/app/main.go").string(3, "main.worker")
                .string(4, "syscall.Read").string(5, "runtime.chanrecv1").string(6, "runtime.chansend1")
                .stack(1, 1, 2, 10)                 // main's start
                .stack(2, 3, 2, 20)                 // a worker's start
                .stack(3, 1, 2, 12)                 // main creating the workers
                .stack(4, 5, 2, 100, 1, 2, 14)      // main receiving
                .stack(5, 6, 2, 200, 3, 2, 22)      // a worker sending
                .stack(6, 4, 2, 300, 3, 2, 25)      // a worker's syscall
                .batch(GLOBAL_P, 500)
                .event(EV_GOMAXPROCS, 500, 2, 0)
                .batch(0, 1000)
                .event(EV_GO_CREATE, 1000, MAIN, 1, 0)
                .event(EV_PROC_START, 1050, 10)
                .event(EV_GO_START_LOCAL, 1100, MAIN)
                .event(EV_GO_CREATE, 2000, SYSCALLER, 2, 3)
                .event(EV_GO_CREATE, 2100, SENDER, 2, 3)
                .event(EV_GO_BLOCK_RECV, 3000, 4)
                .event(EV_GO_START_LOCAL, 3100, SYSCALLER)
                .batch(1, 2500)
                .event(EV_PROC_START, 2500, 11)
                .event(EV_GO_START, 2600, SENDER, 1)
                .event(EV_GO_UNBLOCK, 6000, MAIN, 2, 5)
                .event(EV_GO_END, 7000)
                .event(EV_GO_START, 7100, MAIN, 3)
                .batch(0, 8000)
                .event(EV_GO_SYSCALL, 8000, 6)
                .event(EV_GO_SYSBLOCK, 8100)
                .event(EV_PROC_STOP, 8200)
                .batch(1, 9000)
                .event(EV_GC_START, 9000, 0, 1)
                .event(EV_GC_DONE, 9500)
                .event(EV_GO_END, 12000)
                .event(EV_GO_SYSEXIT, 12100, SYSCALLER, 2, 11000)
                .event(EV_GO_START, 12200, SYSCALLER, 3)
                .event(EV_GO_END, 13000)
                .event(EV_PROC_STOP, 13100)
                .bytes();
    }
}
