package dev.jgort.core.trace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static dev.jgort.core.trace.TraceFormat.*;

/**
 * Reads a Go 1.19 execution trace ({@link TraceFormat}) into a {@link Trace}, with the semantics of Go
 * 1.19's own parser ({@code internal/trace}: {@code readTrace}, {@code parseEvents}, {@code order1007},
 * {@code removeFutile}, {@code postProcessTrace}), so that a trace this reads is one {@code go tool trace}
 * reads, with the same events, times, Ps and goroutines:
 * <ol>
 *   <li>the wire format: the header, the events and their varint arguments, the string table
 *       (this class);</li>
 *   <li>the events of each P's batches in order, each given its P, its time in ticks (a batch's
 *       timestamps are differences), and the goroutine it happened on, tracked per P as Go does: a
 *       {@code GoStart} sets it, a blocking event clears it, a new batch of a P goes on with what the
 *       previous batch of that P left (this class);</li>
 *   <li>the merge of the batches into one stream that every goroutine's sequence numbers agree with,
 *       the time-order check, the real timestamps of {@code GoSysExit} ({@link EventOrder});</li>
 *   <li>ticks to nanoseconds since the first event; the pseudo-Ps of syscall exits and timer unblocks
 *       (this class);</li>
 *   <li>futile wakeups removed ({@link FutileWakeups});</li>
 *   <li>the state checks and links between events ({@link TraceConsistency});</li>
 *   <li>the stacks attached.</li>
 * </ol>
 *
 * <p>What it does not do, or does otherwise than Go 1.19:
 * <ul>
 *   <li>It reads version 1019 only; Go's parser also reads 1.5 to 1.11 traces (1.5's needs the binary
 *       for symbols).</li>
 *   <li>Where Go's merge picks among events of equal time in map order (at random), this picks the one
 *       of the lowest P id: events of equal time may be in another order than {@code go tool trace -d}
 *       prints in one run, never in an order that breaks a goroutine's sequence.</li>
 *   <li>When no consistent order exists, the message says which event each P waits at and why, where Go
 *       only says that none exists; a merge whose chosen event turns out not ready (two events of one
 *       sequence number), where Go panics, is an exception here.</li>
 *   <li>A {@code UserLog} whose value string is cut short is an error; Go 1.19 drops that error.</li>
 *   <li>It does not check what Go's parser does not check either: that stack ids exist in the stack
 *       table (an event's stack is then empty), that string ids exist (they resolve to {@code ""}), that
 *       every {@code GoStart} has a link, that tasks and regions are ended (a region end without its
 *       start, a task end without its create are allowed), that heap sizes, GOMAXPROCS values, thread
 *       ids or the P and goroutine of a CPU sample make sense, that goroutines and Ps are stopped when
 *       the trace ends, or that a trace is complete: one cut between two events reads as a shorter
 *       trace (only a cut inside an event is an error).</li>
 *   <li>As in Go 1.19, a {@code GoSysExitLocal}'s real timestamp is not applied (the merge leaves it in
 *       the second argument, where the fix-up does not look), and a {@code GoSysExitLocal}'s goroutine is
 *       its P's current one, not its argument. Go 1.19's runtime writes neither Local form of syscall
 *       exit.</li>
 * </ul>
 *
 * <p>Errors are {@link TraceException}s with Go's wording where Go has one, and the offset of the event
 * (and its time, once known) at fault.
 */
public final class TraceReader {
    /** A stack of more frames is refused, as Go refuses it. */
    private static final int MAX_FRAMES = 1000;
    /** A string (or a log value) longer than this is refused, as Go refuses it. */
    private static final int MAX_STRING = 1_000_000;

    /** An event as the bytes hold it: its type and raw arguments (the timestamp a tick difference). */
    private record RawEvent(int offset, int type, long[] args, String stringArg) {}

    private final byte[] data;
    private int pos;

    private TraceReader(byte[] data) {
        this.data = data;
    }

    /** Reads a whole trace from {@code in} (it is read to its end, not closed). */
    public static Trace read(InputStream in) throws IOException {
        return read(in.readAllBytes());
    }

    /** Reads a trace from its bytes. */
    public static Trace read(byte[] data) throws TraceException {
        TraceReader r = new TraceReader(data);
        int version = r.header();
        Map<Long, String> strings = new HashMap<>();
        List<RawEvent> raw = r.rawEvents(strings);
        return parse(version, raw, strings);
    }

    // ---- 1. the wire format ----

    /** Reads and checks the 16-byte header {@code "go 1.N trace\0..."}; returns the version (1019). */
    private int header() throws TraceException {
        if (data.length < 16) {
            throw new TraceException("failed to read header: read " + data.length + " bytes of 16", 0);
        }
        byte[] h = data;
        if (h[0] != 'g' || h[1] != 'o' || h[2] != ' ' || h[3] < '1' || h[3] > '9' || h[4] != '.'
                || h[5] < '1' || h[5] > '9') {
            throw new TraceException("not a trace file (the header is not \"go 1.N trace\")", 0);
        }
        int ver = h[5] - '0';
        int i = 0;
        for (; i < 2 && h[6 + i] >= '0' && h[6 + i] <= '9'; i++) {
            ver = ver * 10 + h[6 + i] - '0';
        }
        byte[] rest = " trace\0\0\0\0".getBytes(StandardCharsets.US_ASCII);
        for (int k = 0; k < 10 - i; k++) {
            if (h[6 + i + k] != rest[k]) {
                throw new TraceException("not a trace file (the header is not \"go 1.N trace\")", 0);
            }
        }
        ver += (h[3] - '0') * 1000;
        if (ver != VERSION) {
            throw new TraceException("unsupported trace file version " + ver / 1000 + "." + ver % 1000 + " (" + ver
                    + "): only Go 1.19's format (" + VERSION + ") is read", 0);
        }
        pos = 16;
        return ver;
    }

    /** The events after the header, strings taken out into {@code strings}. */
    private List<RawEvent> rawEvents(Map<Long, String> strings) throws TraceException {
        List<RawEvent> events = new ArrayList<>(data.length / 4);
        long[] argBuf = new long[8];
        while (pos < data.length) {
            int off0 = pos;
            int b = data[pos++] & 0xff;
            int type = b & 0x3f;
            int narg = (b >> 6) + 1; // counts the timestamp and the stack id; 4 means "4 or more, length first"
            if (name(type) == null) {
                throw new TraceException(String.format("unknown event type %d at offset 0x%x", type, off0), off0);
            }
            if (type == EV_STRING) {
                long id = varint(off0, "String");
                if (id == 0) throw new TraceException("string at offset " + pos + " has invalid id 0", off0);
                if (strings.containsKey(id)) {
                    throw new TraceException("string at offset " + pos + " has duplicate id " + id, off0);
                }
                strings.put(id, string(off0, "String", false));
                continue;
            }
            int n = 0;
            if (narg < 4) {
                for (; n < narg; n++) {
                    argBuf = grow(argBuf, n);
                    argBuf[n] = varint(off0, name(type));
                }
            } else {
                long len = varint(off0, name(type));
                int start = pos;
                while (len > pos - start) {
                    argBuf = grow(argBuf, n);
                    argBuf[n++] = varint(off0, name(type));
                }
                if (len != pos - start) {
                    throw new TraceException(String.format("event has wrong length at offset 0x%x: want %d, got %d",
                            off0, len, pos - start), off0);
                }
            }
            String sarg = type == EV_USER_LOG ? string(off0, "UserLog", true) : null;
            events.add(new RawEvent(off0, type, Arrays.copyOf(argBuf, n), sarg));
        }
        return events;
    }

    private static long[] grow(long[] buf, int n) {
        return n < buf.length ? buf : Arrays.copyOf(buf, buf.length * 2);
    }

    /**
     * An unsigned LEB128 value of at most 10 bytes (bits past 64 are dropped, as Go drops them);
     * {@code eventOff} and {@code what} only name the event in an error.
     */
    private long varint(int eventOff, String what) throws TraceException {
        int off0 = pos;
        long v = 0;
        for (int i = 0; i < 10; i++) {
            if (pos >= data.length) {
                throw new TraceException(String.format("failed to read %s argument at offset %d (event at offset 0x%x): "
                        + "the trace ends there (truncated)", what, off0, eventOff), eventOff);
            }
            int b = data[pos++] & 0xff;
            v |= (long) (b & 0x7f) << (i * 7);
            if ((b & 0x80) == 0) return v;
        }
        throw new TraceException(String.format("bad value at offset 0x%x (more than 10 bytes)", off0), eventOff);
    }

    /** A length-prefixed UTF-8 string; a log value may be empty, a string-table entry may not. */
    private String string(int eventOff, String what, boolean mayBeEmpty) throws TraceException {
        long len = varint(eventOff, what);
        if (len == 0 && !mayBeEmpty) throw new TraceException("string at offset " + pos + " has invalid length 0", eventOff);
        if (len > MAX_STRING || len < 0) {
            throw new TraceException("string at offset " + pos + " has too large length " + Long.toUnsignedString(len), eventOff);
        }
        if (len > data.length - pos) {
            throw new TraceException(String.format("failed to read %s string at offset %d: want %d bytes, the trace has %d "
                    + "(truncated)", what, pos, len, data.length - pos), eventOff);
        }
        String s = new String(data, pos, (int) len, StandardCharsets.UTF_8);
        pos += (int) len;
        return s;
    }

    // ---- 2. per-P batches ----

    /** How many raw arguments an event of {@code raw}'s type must have (Go's argNum, version 1019). */
    private static int argNum(RawEvent raw) {
        if (raw.type == EV_STACK) return raw.args.length;
        return argCount(raw.type) + (hasTimestamp(raw.type) ? 1 : 0);
    }

    private static Trace parse(int version, List<RawEvent> raws, Map<Long, String> strings) throws TraceException {
        long ticksPerSec = 0;
        long lastTs = 0;
        long lastG = 0;
        int lastP = 0;
        Set<Long> timerGoids = new HashSet<>();
        Map<Integer, Long> lastGs = new HashMap<>(); // the goroutine a P's batches last left running
        Map<Long, List<Frame>> stacks = new HashMap<>();
        TreeMap<Integer, List<TraceEvent>> batches = new TreeMap<>(); // every event of a P, in its order
        for (RawEvent raw : raws) {
            int narg = argNum(raw);
            if (raw.args.length != narg) {
                throw new TraceException(String.format("%s has wrong number of arguments at offset 0x%x: want %d, got %d",
                        name(raw.type), raw.offset, narg, raw.args.length), raw.offset);
            }
            switch (raw.type) {
                case EV_BATCH -> {
                    lastGs.put(lastP, lastG);
                    lastP = (int) raw.args[0]; // GLOBAL_P is written as 2^64 - 1
                    lastG = lastGs.getOrDefault(lastP, 0L);
                    lastTs = raw.args[1];
                }
                case EV_FREQUENCY -> {
                    ticksPerSec = raw.args[0];
                    if (ticksPerSec <= 0) {
                        throw new TraceException(String.format("time stamps out of order: EvFrequency at offset 0x%x gives "
                                + "%s ticks a second", raw.offset, Long.toUnsignedString(ticksPerSec)), raw.offset);
                    }
                }
                case EV_TIMER_GOROUTINE -> timerGoids.add(raw.args[0]);
                case EV_STACK -> stacks(raw, strings, stacks);
                default -> {
                    TraceEvent e = event(raw, lastP, lastG, lastTs, strings);
                    lastTs += raw.args[0];
                    switch (raw.type) {
                        case EV_GO_START, EV_GO_START_LOCAL, EV_GO_START_LABEL -> lastG = e.g;
                        case EV_GO_END, EV_GO_STOP, EV_GO_SCHED, EV_GO_PREEMPT, EV_GO_SLEEP, EV_GO_BLOCK,
                             EV_GO_BLOCK_SEND, EV_GO_BLOCK_RECV, EV_GO_BLOCK_SELECT, EV_GO_BLOCK_SYNC,
                             EV_GO_BLOCK_COND, EV_GO_BLOCK_NET, EV_GO_SYSBLOCK, EV_GO_BLOCK_GC -> lastG = 0;
                        default -> {}
                    }
                    // CPU samples are written late, by another goroutine: they get a batch of their own,
                    // re-sorted by the time the sample was taken before the merge.
                    int key = raw.type == EV_CPU_SAMPLE ? Trace.PROFILE_P : lastP;
                    batches.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
                }
            }
        }
        if (batches.isEmpty()) throw new TraceException("trace is empty", -1);
        if (ticksPerSec == 0) throw new TraceException("no EvFrequency event", -1);

        List<TraceEvent> events = EventOrder.merge(batches);

        // Ticks to nanoseconds since the first event, in floating point as Go computes them.
        long minTs = events.getFirst().ts;
        double nsPerTick = 1e9 / (double) ticksPerSec;
        for (TraceEvent e : events) {
            e.ts = (long) ((double) (e.ts - minTs) * nsPerTick);
            if (e.type == EV_GO_UNBLOCK && timerGoids.contains(e.g)) e.p = Trace.TIMER_P;
            if (e.type == EV_GO_SYSEXIT) e.p = Trace.SYSCALL_P;
        }
        events = FutileWakeups.remove(events);
        TraceConsistency.check(events);
        for (int i = 0; i < events.size(); i++) {
            TraceEvent e = events.get(i);
            e.index = i;
            if (e.stackId != 0) e.stack = stacks.getOrDefault(e.stackId, List.of());
        }
        return new Trace(version, ticksPerSec, events, stacks, strings);
    }

    /** An {@code EvStack [id, n, {pc, func, file, line}...]} into the stack table. */
    private static void stacks(RawEvent raw, Map<Long, String> strings, Map<Long, List<Frame>> stacks)
            throws TraceException {
        long[] a = raw.args;
        if (a.length < 2) {
            throw new TraceException(String.format("EvStack has wrong number of arguments at offset 0x%x: want at least 2, "
                    + "got %d", raw.offset, a.length), raw.offset);
        }
        long size = a[1];
        if (size < 0 || size > MAX_FRAMES) {
            throw new TraceException(String.format("EvStack has bad number of frames at offset 0x%x: %s", raw.offset,
                    Long.toUnsignedString(size)), raw.offset);
        }
        if (a.length != 2 + 4 * size) {
            throw new TraceException(String.format("EvStack has wrong number of arguments at offset 0x%x: want %d, got %d",
                    raw.offset, 2 + 4 * size, a.length), raw.offset);
        }
        if (a[0] == 0 || size == 0) return;
        List<Frame> frames = new ArrayList<>((int) size);
        for (int i = 0; i < size; i++) {
            int k = 2 + 4 * i;
            frames.add(new Frame(a[k], strings.getOrDefault(a[k + 1], ""), strings.getOrDefault(a[k + 2], ""),
                    (int) a[k + 3]));
        }
        stacks.put(a[0], List.copyOf(frames));
    }

    /** A timed event of P {@code p}'s batch, whose previous event was at {@code lastTs} ticks. */
    private static TraceEvent event(RawEvent raw, int p, long g, long lastTs, Map<Long, String> strings)
            throws TraceException {
        TraceEvent e = new TraceEvent(raw.offset, raw.type, p, g);
        e.ts = lastTs + raw.args[0];
        int narg = raw.args.length;
        boolean stack = hasStack(raw.type);
        for (int i = 1; i < narg; i++) {
            if (i == narg - 1 && stack) e.stackId = raw.args[i];
            else e.args[i - 1] = raw.args[i];
        }
        switch (raw.type) {
            case EV_GO_START, EV_GO_START_LOCAL -> e.g = e.args[0];
            case EV_GO_START_LABEL -> {
                e.g = e.args[0];
                e.stringArgs = List.of(strings.getOrDefault(e.args[2], ""));
            }
            case EV_STW_START -> {
                e.g = 0;
                if (e.args[0] == 0) e.stringArgs = List.of("mark termination");
                else if (e.args[0] == 1) e.stringArgs = List.of("sweep termination");
                else throw new TraceException(String.format("unknown STW kind %s at offset 0x%x",
                            Long.toUnsignedString(e.args[0]), raw.offset), raw.offset);
            }
            case EV_GC_START, EV_GC_DONE, EV_STW_DONE -> e.g = 0;
            case EV_GO_SYSEXIT, EV_GO_WAITING, EV_GO_IN_SYSCALL -> e.g = e.args[0];
            case EV_USER_TASK_CREATE, EV_USER_REGION -> e.stringArgs = List.of(strings.getOrDefault(e.args[2], ""));
            case EV_USER_LOG -> e.stringArgs = List.of(strings.getOrDefault(e.args[1], ""), raw.stringArg);
            case EV_CPU_SAMPLE -> {
                // [ts, real ts, real P, g, stack]: the sample's own time and P replace the batch's
                e.ts = e.args[0];
                e.p = (int) e.args[1];
                e.g = e.args[2];
                e.args[0] = 0;
            }
            default -> {}
        }
        return e;
    }
}
