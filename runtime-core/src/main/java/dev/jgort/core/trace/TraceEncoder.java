package dev.jgort.core.trace;

import java.util.Arrays;

/**
 * One batch of Go's trace format being written ({@link TraceFormat}): the bytes of events of one P
 * (or of {@link TraceFormat#GLOBAL_P}), each timestamp written as its difference from the previous
 * one. Not thread-safe: its owner serializes the calls (jgort's tracer holds the P's trace lock).
 *
 * <p>A batch starts with {@code EvBatch [pid, ticks]} at its first event; {@link #take()} ends it and
 * returns its bytes, and the next event starts a new batch. Timestamps must not decrease within a
 * batch (a smaller one is written as +0, so the stream always parses; the caller takes them under
 * its lock, so they never do).
 */
public final class TraceEncoder {
    private final long pid;
    private byte[] buf;
    private int pos;
    private long lastTicks;

    /** An encoder for the batches of P {@code pid} ({@link TraceFormat#GLOBAL_P} for "no P"). */
    public TraceEncoder(int pid, int capacity) {
        this.pid = pid; // -1 becomes 2^64 - 1 as an unsigned varint, as Go writes traceGlobProc
        this.buf = new byte[Math.max(capacity, 64)];
    }

    /** Bytes written in the current batch (0: none, the next event starts one). */
    public int size() {
        return pos;
    }

    /** An event with no argument but its timestamp. */
    public void event(int type, long ticks) {
        begin(type, 1, ticks);
    }

    /** An event with one argument after its timestamp. */
    public void event(int type, long ticks, long a) {
        begin(type, 2, ticks);
        varint(a);
    }

    /** An event with two arguments after its timestamp. */
    public void event(int type, long ticks, long a, long b) {
        begin(type, 3, ticks);
        varint(a);
        varint(b);
    }

    /** An event with three arguments after its timestamp (written with its length, as Go's format wants). */
    public void event(int type, long ticks, long a, long b, long c) {
        int lenPos = beginLong(type, ticks);
        varint(a);
        varint(b);
        varint(c);
        endLong(lenPos);
    }

    /** {@code EvString [id, length, bytes]} (no timestamp: it may go anywhere in the stream). */
    public void string(long id, byte[] utf8) {
        ensure(22 + utf8.length);
        startBatchIfNeeded(lastTicks);
        put(TraceFormat.EV_STRING);
        varint(id);
        varint(utf8.length);
        System.arraycopy(utf8, 0, buf, pos, utf8.length);
        pos += utf8.length;
    }

    /**
     * {@code EvStack [id, n, {pc, func, file, line}...]}: {@code frames} holds 4 values a frame
     * (a pc, which may be 0, and the string ids of the function and file, and the line).
     */
    public void stack(long id, long[] frames) {
        ensure(30 + frames.length * 10);
        startBatchIfNeeded(lastTicks);
        put(TraceFormat.EV_STACK | 3 << 6);
        int lenPos = pos++;
        int start = pos;
        varint(id);
        varint(frames.length / 4);
        for (long v : frames) varint(v);
        patchLength(lenPos, start);
    }

    /** {@code EvFrequency [ticks per second]} (no timestamp). */
    public void frequency(long ticksPerSecond) {
        ensure(16);
        startBatchIfNeeded(lastTicks);
        put(TraceFormat.EV_FREQUENCY);
        varint(ticksPerSecond);
    }

    /** Ends the current batch and returns its bytes (empty if it has none). */
    public byte[] take() {
        byte[] out = Arrays.copyOf(buf, pos);
        pos = 0;
        return out;
    }

    // ---- encoding ---------------------------------------------------------------------------------

    /** The type byte with {@code narg} (timestamp included, at most 3 inline) and the tick difference. */
    private void begin(int type, int narg, long ticks) {
        ensure(2 + 3 * 10);
        startBatchIfNeeded(ticks);
        put(type | (narg - 1) << 6);
        varint(delta(ticks));
    }

    /** An event of 4+ values: type byte with 3, a length byte to patch, then the tick difference. */
    private int beginLong(int type, long ticks) {
        ensure(2 + 4 * 10);
        startBatchIfNeeded(ticks);
        put(type | 3 << 6);
        int lenPos = pos++;
        varint(delta(ticks));
        return lenPos;
    }

    private void endLong(int lenPos) {
        patchLength(lenPos, lenPos + 1);
    }

    /** Writes the length of the bytes from {@code start} as a one-byte varint at {@code lenPos} (< 128), else shifts. */
    private void patchLength(int lenPos, int start) {
        int len = pos - start;
        if (len < 128) {
            buf[lenPos] = (byte) len;
            return;
        }
        // A long stack: the length needs more than one varint byte; move the body up.
        int extra = varintSize(len) - 1;
        ensure(extra);
        System.arraycopy(buf, start, buf, start + extra, len);
        int p = lenPos;
        long v = len;
        while (v >= 0x80) {
            buf[p++] = (byte) (v | 0x80);
            v >>>= 7;
        }
        buf[p] = (byte) v;
        pos += extra;
    }

    private long delta(long ticks) {
        long d = ticks - lastTicks;
        if (d < 0) d = 0;
        lastTicks += d;
        return d;
    }

    private void startBatchIfNeeded(long ticks) {
        if (pos != 0) return;
        put(TraceFormat.EV_BATCH | 1 << 6);
        varint(pid);
        varint(ticks);
        lastTicks = ticks;
    }

    private void ensure(int n) {
        if (pos + n + 24 > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n + 24));
    }

    private void put(int b) {
        buf[pos++] = (byte) b;
    }

    private void varint(long v) {
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) (v | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    private static int varintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            n++;
            v >>>= 7;
        }
        return n;
    }
}
