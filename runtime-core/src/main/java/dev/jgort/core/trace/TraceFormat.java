package dev.jgort.core.trace;

import java.util.List;

/**
 * Go's execution-trace wire format, version 1.19 ({@code go 1.19 trace}): the one that Go 1.19's
 * {@code go tool trace} parses and that newer Go (1.22+, through its old-format converter) still reads.
 * The event numbers, names and argument lists are Go's ({@code runtime/trace.go},
 * {@code internal/trace/parser.go}); the writer ({@code dev.jgort.core.Tracer}) and
 * {@link TraceReader} share them from here.
 *
 * <p>The stream: the 16-byte {@link #HEADER}, then events. An event starts with one byte,
 * {@code type | (min(narg, 4) - 1) << 6}, where {@code narg} counts the timestamp and the stack id;
 * with 4 or more arguments a varint byte length of the rest follows. Arguments are unsigned LEB128
 * varints. Events sit in batches ({@link #EV_BATCH} {@code [p, ticks]}), one P's events in order; an
 * event's first argument is its tick difference from the previous event of its batch. A batch of the
 * pseudo-P {@link #GLOBAL_P} ({@code -1}, written as 2^64 - 1) holds events that had no P.
 */
public final class TraceFormat {
    private TraceFormat() {}

    /** {@code "go 1.19 trace\0\0\0"}. */
    public static final byte[] HEADER = {'g', 'o', ' ', '1', '.', '1', '9', ' ', 't', 'r', 'a', 'c', 'e', 0, 0, 0};
    /** The version number Go's parser derives from {@link #HEADER}. */
    public static final int VERSION = 1019;
    /** The P id of events written without a P (Go's {@code traceGlobProc}). */
    public static final int GLOBAL_P = -1;

    public static final int EV_BATCH = 1;          // [pid, timestamp]
    public static final int EV_FREQUENCY = 2;      // [ticks per second]
    public static final int EV_STACK = 3;          // [stack id, number of frames, {pc, func string id, file string id, line}...]
    public static final int EV_GOMAXPROCS = 4;     // [timestamp, gomaxprocs, stack id]
    public static final int EV_PROC_START = 5;     // [timestamp, thread id]
    public static final int EV_PROC_STOP = 6;      // [timestamp]
    public static final int EV_GC_START = 7;       // [timestamp, seq, stack id]
    public static final int EV_GC_DONE = 8;        // [timestamp]
    public static final int EV_STW_START = 9;      // [timestamp, kind]
    public static final int EV_STW_DONE = 10;      // [timestamp]
    public static final int EV_GC_SWEEP_START = 11; // [timestamp, stack id]
    public static final int EV_GC_SWEEP_DONE = 12; // [timestamp, swept, reclaimed]
    public static final int EV_GO_CREATE = 13;     // [timestamp, new goroutine id, new stack id, stack id]
    public static final int EV_GO_START = 14;      // [timestamp, goroutine id, seq]
    public static final int EV_GO_END = 15;        // [timestamp]
    public static final int EV_GO_STOP = 16;       // [timestamp, stack]
    public static final int EV_GO_SCHED = 17;      // [timestamp, stack]
    public static final int EV_GO_PREEMPT = 18;    // [timestamp, stack]
    public static final int EV_GO_SLEEP = 19;      // [timestamp, stack]
    public static final int EV_GO_BLOCK = 20;      // [timestamp, stack]
    public static final int EV_GO_UNBLOCK = 21;    // [timestamp, goroutine id, seq, stack]
    public static final int EV_GO_BLOCK_SEND = 22; // [timestamp, stack]
    public static final int EV_GO_BLOCK_RECV = 23; // [timestamp, stack]
    public static final int EV_GO_BLOCK_SELECT = 24; // [timestamp, stack]
    public static final int EV_GO_BLOCK_SYNC = 25; // [timestamp, stack]
    public static final int EV_GO_BLOCK_COND = 26; // [timestamp, stack]
    public static final int EV_GO_BLOCK_NET = 27;  // [timestamp, stack]
    public static final int EV_GO_SYSCALL = 28;    // [timestamp, stack]
    public static final int EV_GO_SYSEXIT = 29;    // [timestamp, goroutine id, seq, real timestamp]
    public static final int EV_GO_SYSBLOCK = 30;   // [timestamp]
    public static final int EV_GO_WAITING = 31;    // [timestamp, goroutine id]: blocked when tracing started
    public static final int EV_GO_IN_SYSCALL = 32; // [timestamp, goroutine id]: in a syscall when tracing started
    public static final int EV_HEAP_ALLOC = 33;    // [timestamp, heap live bytes]
    public static final int EV_HEAP_GOAL = 34;     // [timestamp, heap goal bytes]
    public static final int EV_TIMER_GOROUTINE = 35; // [timer goroutine id] (no timestamp; not written since Go 1.14)
    public static final int EV_FUTILE_WAKEUP = 36; // [timestamp]
    public static final int EV_STRING = 37;        // [string id, length, bytes]
    public static final int EV_GO_START_LOCAL = 38;   // [timestamp, goroutine id]
    public static final int EV_GO_UNBLOCK_LOCAL = 39; // [timestamp, goroutine id, stack]
    public static final int EV_GO_SYSEXIT_LOCAL = 40; // [timestamp, goroutine id, real timestamp]
    public static final int EV_GO_START_LABEL = 41;   // [timestamp, goroutine id, seq, label string id]
    public static final int EV_GO_BLOCK_GC = 42;   // [timestamp, stack]
    public static final int EV_GC_MARK_ASSIST_START = 43; // [timestamp, stack]
    public static final int EV_GC_MARK_ASSIST_DONE = 44;  // [timestamp]
    public static final int EV_USER_TASK_CREATE = 45; // [timestamp, task id, parent task id, name string id, stack]
    public static final int EV_USER_TASK_END = 46; // [timestamp, task id, stack]
    public static final int EV_USER_REGION = 47;   // [timestamp, task id, mode (0 start, 1 end), name string id, stack]
    public static final int EV_USER_LOG = 48;      // [timestamp, task id, key string id, stack, value string]
    public static final int EV_CPU_SAMPLE = 49;    // [timestamp, real timestamp, real P id, goroutine id, stack]
    /** One past the last event type. */
    public static final int EV_COUNT = 50;

    private static final String[] NAMES = new String[EV_COUNT];
    /** The argument counts after the timestamp, the stack id included (Go's EventDescriptions). */
    private static final int[] ARGS = new int[EV_COUNT];
    private static final boolean[] STACK = new boolean[EV_COUNT];

    private static void describe(int ev, String name, int args, boolean stack) {
        NAMES[ev] = name;
        ARGS[ev] = args + (stack ? 1 : 0);
        STACK[ev] = stack;
    }

    static {
        describe(EV_BATCH, "Batch", 2, false);
        describe(EV_FREQUENCY, "Frequency", 1, false);
        describe(EV_STACK, "Stack", 2, false);
        describe(EV_GOMAXPROCS, "Gomaxprocs", 1, true);
        describe(EV_PROC_START, "ProcStart", 1, false);
        describe(EV_PROC_STOP, "ProcStop", 0, false);
        describe(EV_GC_START, "GCStart", 1, true);
        describe(EV_GC_DONE, "GCDone", 0, false);
        describe(EV_STW_START, "GCSTWStart", 1, false);
        describe(EV_STW_DONE, "GCSTWDone", 0, false);
        describe(EV_GC_SWEEP_START, "GCSweepStart", 0, true);
        describe(EV_GC_SWEEP_DONE, "GCSweepDone", 2, false);
        describe(EV_GO_CREATE, "GoCreate", 2, true);
        describe(EV_GO_START, "GoStart", 2, false);
        describe(EV_GO_END, "GoEnd", 0, false);
        describe(EV_GO_STOP, "GoStop", 0, true);
        describe(EV_GO_SCHED, "GoSched", 0, true);
        describe(EV_GO_PREEMPT, "GoPreempt", 0, true);
        describe(EV_GO_SLEEP, "GoSleep", 0, true);
        describe(EV_GO_BLOCK, "GoBlock", 0, true);
        describe(EV_GO_UNBLOCK, "GoUnblock", 2, true);
        describe(EV_GO_BLOCK_SEND, "GoBlockSend", 0, true);
        describe(EV_GO_BLOCK_RECV, "GoBlockRecv", 0, true);
        describe(EV_GO_BLOCK_SELECT, "GoBlockSelect", 0, true);
        describe(EV_GO_BLOCK_SYNC, "GoBlockSync", 0, true);
        describe(EV_GO_BLOCK_COND, "GoBlockCond", 0, true);
        describe(EV_GO_BLOCK_NET, "GoBlockNet", 0, true);
        describe(EV_GO_SYSCALL, "GoSysCall", 0, true);
        describe(EV_GO_SYSEXIT, "GoSysExit", 3, false);
        describe(EV_GO_SYSBLOCK, "GoSysBlock", 0, false);
        describe(EV_GO_WAITING, "GoWaiting", 1, false);
        describe(EV_GO_IN_SYSCALL, "GoInSyscall", 1, false);
        describe(EV_HEAP_ALLOC, "HeapAlloc", 1, false);
        describe(EV_HEAP_GOAL, "HeapGoal", 1, false);
        describe(EV_TIMER_GOROUTINE, "TimerGoroutine", 1, false);
        describe(EV_FUTILE_WAKEUP, "FutileWakeup", 0, false);
        describe(EV_STRING, "String", 0, false);
        describe(EV_GO_START_LOCAL, "GoStartLocal", 1, false);
        describe(EV_GO_UNBLOCK_LOCAL, "GoUnblockLocal", 1, true);
        describe(EV_GO_SYSEXIT_LOCAL, "GoSysExitLocal", 2, false);
        describe(EV_GO_START_LABEL, "GoStartLabel", 3, false);
        describe(EV_GO_BLOCK_GC, "GoBlockGC", 0, true);
        describe(EV_GC_MARK_ASSIST_START, "GCMarkAssistStart", 0, true);
        describe(EV_GC_MARK_ASSIST_DONE, "GCMarkAssistDone", 0, false);
        describe(EV_USER_TASK_CREATE, "UserTaskCreate", 3, true);
        describe(EV_USER_TASK_END, "UserTaskEnd", 1, true);
        describe(EV_USER_REGION, "UserRegion", 3, true);
        describe(EV_USER_LOG, "UserLog", 2, true);
        describe(EV_CPU_SAMPLE, "CPUSample", 3, true);
    }

    /**
     * Go's names of the arguments after the timestamp, the stack id left out ({@code EventDescriptions[].Args}):
     * what {@code go tool trace -d} prints as {@code name=value}. Their count plus one for a stack id is
     * {@link #argCount}; the static block below checks that.
     */
    private static final String[][] ARG_NAMES = new String[EV_COUNT][];
    /** Go's names of the string arguments the parser derives ({@code EventDescriptions[].SArgs}). */
    private static final String[][] STRING_ARG_NAMES = new String[EV_COUNT][];

    private static void args(int ev, String... names) {
        ARG_NAMES[ev] = names;
    }

    static {
        args(EV_BATCH, "p", "ticks");
        args(EV_FREQUENCY, "freq");
        args(EV_STACK, "id", "siz");
        args(EV_GOMAXPROCS, "procs");
        args(EV_PROC_START, "thread");
        args(EV_PROC_STOP);
        args(EV_GC_START, "seq");
        args(EV_GC_DONE);
        args(EV_STW_START, "kindid");
        args(EV_STW_DONE);
        args(EV_GC_SWEEP_START);
        args(EV_GC_SWEEP_DONE, "swept", "reclaimed");
        args(EV_GO_CREATE, "g", "stack");
        args(EV_GO_START, "g", "seq");
        args(EV_GO_END);
        args(EV_GO_STOP);
        args(EV_GO_SCHED);
        args(EV_GO_PREEMPT);
        args(EV_GO_SLEEP);
        args(EV_GO_BLOCK);
        args(EV_GO_UNBLOCK, "g", "seq");
        args(EV_GO_BLOCK_SEND);
        args(EV_GO_BLOCK_RECV);
        args(EV_GO_BLOCK_SELECT);
        args(EV_GO_BLOCK_SYNC);
        args(EV_GO_BLOCK_COND);
        args(EV_GO_BLOCK_NET);
        args(EV_GO_SYSCALL);
        args(EV_GO_SYSEXIT, "g", "seq", "ts");
        args(EV_GO_SYSBLOCK);
        args(EV_GO_WAITING, "g");
        args(EV_GO_IN_SYSCALL, "g");
        args(EV_HEAP_ALLOC, "mem");
        args(EV_HEAP_GOAL, "mem");
        args(EV_TIMER_GOROUTINE, "g");
        args(EV_FUTILE_WAKEUP);
        args(EV_STRING);
        args(EV_GO_START_LOCAL, "g");
        args(EV_GO_UNBLOCK_LOCAL, "g");
        args(EV_GO_SYSEXIT_LOCAL, "g", "ts");
        args(EV_GO_START_LABEL, "g", "seq", "labelid");
        args(EV_GO_BLOCK_GC);
        args(EV_GC_MARK_ASSIST_START);
        args(EV_GC_MARK_ASSIST_DONE);
        args(EV_USER_TASK_CREATE, "taskid", "pid", "typeid");
        args(EV_USER_TASK_END, "taskid");
        args(EV_USER_REGION, "taskid", "mode", "typeid");
        args(EV_USER_LOG, "id", "keyid");
        args(EV_CPU_SAMPLE, "ts", "p", "g");
        STRING_ARG_NAMES[EV_STW_START] = new String[] {"kind"};
        STRING_ARG_NAMES[EV_GO_START_LABEL] = new String[] {"label"};
        STRING_ARG_NAMES[EV_USER_TASK_CREATE] = new String[] {"name"};
        STRING_ARG_NAMES[EV_USER_REGION] = new String[] {"name"};
        STRING_ARG_NAMES[EV_USER_LOG] = new String[] {"category", "message"};
        for (int ev = 1; ev < EV_COUNT; ev++) {
            if (NAMES[ev] == null || ARG_NAMES[ev] == null) throw new AssertionError("event type " + ev + " is not described");
            if (ev != EV_STACK && ARG_NAMES[ev].length + (STACK[ev] ? 1 : 0) != ARGS[ev]) {
                throw new AssertionError(NAMES[ev] + ": " + ARG_NAMES[ev].length + " argument names for " + ARGS[ev] + " arguments");
            }
        }
    }

    /** Go's name of an event type ({@code "GoUnblock"}), or null for a type Go does not define. */
    public static String name(int ev) {
        return ev > 0 && ev < EV_COUNT ? NAMES[ev] : null;
    }

    /**
     * How many arguments follow an event's timestamp, its stack id included (for {@link #EV_BATCH},
     * {@link #EV_FREQUENCY} and {@link #EV_STACK}, which have no timestamp: all of them, or the fixed
     * ones); -1 for an unknown type.
     */
    public static int argCount(int ev) {
        return name(ev) == null ? -1 : ARGS[ev];
    }

    /** Whether an event's last argument is a stack id. */
    public static boolean hasStack(int ev) {
        return name(ev) != null && STACK[ev];
    }

    /**
     * Go's names of an event type's arguments after its timestamp, its stack id left out, as
     * {@code go tool trace -d} prints them; empty for an unknown type.
     */
    public static List<String> argNames(int ev) {
        return name(ev) == null ? List.of() : List.of(ARG_NAMES[ev]);
    }

    /** Go's names of the string arguments its parser attaches to an event type (a label, a task name...). */
    public static List<String> stringArgNames(int ev) {
        return name(ev) == null || STRING_ARG_NAMES[ev] == null ? List.of() : List.of(STRING_ARG_NAMES[ev]);
    }

    /**
     * Whether an event's first argument is its timestamp (a tick difference within its batch): all but
     * {@link #EV_BATCH}, {@link #EV_FREQUENCY}, {@link #EV_STACK}, {@link #EV_STRING} and
     * {@link #EV_TIMER_GOROUTINE}, which are not events in time.
     */
    public static boolean hasTimestamp(int ev) {
        return name(ev) != null && ev != EV_BATCH && ev != EV_FREQUENCY && ev != EV_STACK && ev != EV_STRING
                && ev != EV_TIMER_GOROUTINE;
    }
}
