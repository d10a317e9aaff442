package dev.jgort.core.trace;

import java.util.Arrays;
import java.util.List;

/**
 * One event of a read {@link Trace}, as Go's parser ({@code internal/trace.Event}) gives it: its type,
 * its time, the P whose batch held it, the goroutine it happened on, up to three arguments after the
 * timestamp (the stack id apart), its stack and the event it is linked to.
 *
 * <p>{@link TraceReader} fills an event in while it reads; once the {@link Trace} is returned nothing
 * changes it any more. Invariants of a returned event:
 * <ul>
 *   <li>{@link #type()} is never one of the "Local" types ({@code GoStartLocal}, {@code GoUnblockLocal},
 *       {@code GoSysExitLocal}): ordering turned them into {@code GoStart}, {@code GoUnblock} and
 *       {@code GoSysExit}, whose argument names they then print with (a Local event has no seq: it prints
 *       as {@code seq=0}; a former {@code GoSysExitLocal} prints its real timestamp as {@code seq}).</li>
 *   <li>{@link #ts()} is in nanoseconds since the trace's first event (after the {@code GoSysExit}
 *       timestamp fix-up), never smaller than the previous event's.</li>
 *   <li>{@link #p()} is a P id, {@link TraceFormat#GLOBAL_P} for events written without a P, or one of
 *       Go's pseudo-Ps {@link Trace#TIMER_P}, {@link Trace#NETPOLL_P}, {@link Trace#SYSCALL_P} (every
 *       {@code GoSysExit}), {@link Trace#GC_P} (every {@code GCStart}).</li>
 * </ul>
 */
public final class TraceEvent {
    final long offset;
    int type;
    long ts;
    int p;
    long g;
    final long[] args = new long[3];
    List<String> stringArgs = List.of();
    long stackId;
    List<Frame> stack = List.of();
    TraceEvent link;
    int index = -1;

    TraceEvent(long offset, int type, int p, long g) {
        this.offset = offset;
        this.type = type;
        this.p = p;
        this.g = g;
    }

    /** The byte offset of the event in the trace file (its type byte). */
    public long offset() {
        return offset;
    }

    /** Its type, a {@code TraceFormat.EV_*} number. */
    public int type() {
        return type;
    }

    /** Go's name of its type ({@code "GoStart"}). */
    public String typeName() {
        return TraceFormat.name(type);
    }

    /** Nanoseconds since the trace's first event. */
    public long ts() {
        return ts;
    }

    /** The P it happened on (see the class comment for the pseudo-Ps). */
    public int p() {
        return p;
    }

    /**
     * The goroutine it happened on: the one last started in its P's batches (Go's {@code lastG}; 0 after a
     * blocking event, or on a P that runs none), except for {@code GoSysExit}, {@code GoWaiting} and
     * {@code GoInSyscall}, whose goroutine is their argument, and GC and STW events (0).
     */
    public long g() {
        return g;
    }

    /** Argument {@code i} (0 to 2) after the timestamp, as an unsigned 64-bit value; 0 past the event's own. */
    public long arg(int i) {
        return args[i];
    }

    /** Its arguments named as Go names them ({@link TraceFormat#argNames}), in order. */
    public long[] args() {
        return Arrays.copyOf(args, TraceFormat.argNames(type).size());
    }

    /** The strings Go's parser attaches: a STW kind, a goroutine label, a task or region name, a log's key and value. */
    public List<String> stringArgs() {
        return stringArgs;
    }

    /**
     * Its stack id (0: none). A goroutine's first {@code GoStart} has the stack its {@code GoCreate}
     * gave the new goroutine (where it starts), as Go's parser sets.
     */
    public long stackId() {
        return stackId;
    }

    /** Its stack, innermost frame first; empty when it has none or its id is not in the stack table. */
    public List<Frame> stack() {
        return stack;
    }

    /**
     * The event Go's parser links it to, or null: a {@code GoStart}'s end of the running slice (block,
     * sched, preempt, end, syscall block...), a blocking event's unblock, an unblock's or
     * {@code GoSched}'s next {@code GoStart}, a blocking {@code GoSysCall}'s {@code GoSysExit}, a
     * {@code GoCreate}'s first {@code GoStart}, {@code GCStart}'s {@code GCDone}, a STW start's end, a
     * sweep's or mark assist's end, a task's end, a region start's end.
     */
    public TraceEvent link() {
        return link;
    }

    /** Its position in {@link Trace#events()}. */
    public int index() {
        return index;
    }

    /**
     * One line as Go's {@code trace.Print} (and so {@code go tool trace -d}) prints the event:
     * {@code ts Name p=P g=G off=OFFSET} and then each argument and string argument as {@code name=value}.
     */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(64);
        b.append(ts).append(' ').append(typeName()).append(" p=").append(p)
                .append(" g=").append(Long.toUnsignedString(g)).append(" off=").append(offset);
        List<String> names = TraceFormat.argNames(type);
        for (int i = 0; i < names.size(); i++) {
            b.append(' ').append(names.get(i)).append('=').append(Long.toUnsignedString(args[i]));
        }
        List<String> snames = TraceFormat.stringArgNames(type);
        for (int i = 0; i < snames.size(); i++) {
            b.append(' ').append(snames.get(i)).append('=').append(i < stringArgs.size() ? stringArgs.get(i) : "");
        }
        return b.toString();
    }
}
