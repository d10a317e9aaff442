package dev.jgort.core.trace;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.jgort.core.trace.TraceFormat.*;

/**
 * The state checks of Go's {@code postProcessTrace}, over the merged events in time order, and the links
 * between events they find ({@link TraceEvent#link()}). A trace that passes is consistent:
 * <ul>
 *   <li>a P starts only when stopped and stops only when started, and runs no goroutine when it stops;</li>
 *   <li>a P runs one goroutine at a time: a start on a P that runs one is an error;</li>
 *   <li>only a runnable goroutine starts; only the running goroutine of its P blocks, yields, ends,
 *       enters a syscall or creates a goroutine (checkRunning), and never goroutine 0 but for creating;</li>
 *   <li>a goroutine is created once; an unblock is of a waiting goroutine, by the running one (or the
 *       timer goroutine); a syscall exit is of a goroutine that waits (in the syscall);</li>
 *   <li>GoWaiting and GoInSyscall, written when tracing starts, are of a runnable (just "created") goroutine;</li>
 *   <li>GCs, stop-the-worlds (one at a time over all Ps), sweeps (per P) do not overlap and end after
 *       they start; a mark assist starts once before it ends (an end alone is allowed: tracing may start
 *       during one);</li>
 *   <li>task ids are unique; a region ends the innermost one open on its goroutine, with the same task
 *       and name; the mode is 0 (start) or 1 (end).</li>
 * </ul>
 * It also moves {@code GCStart} to {@link Trace#GC_P} and the unblocks of goroutines blocked on the
 * network to {@link Trace#NETPOLL_P}, and gives a goroutine's first {@code GoStart} the start stack of
 * its {@code GoCreate}.
 *
 * <p>Goroutine 0 (the scheduler, or no goroutine) counts as always running. Like Go's, the state of a
 * goroutine is created by the first event that names it, whatever it is, so that a later {@code GoCreate}
 * of it is an error.
 */
final class TraceConsistency {
    private TraceConsistency() {}

    private static final int DEAD = 0, RUNNABLE = 1, RUNNING = 2, WAITING = 3;

    /** What is known of a goroutine. */
    private static final class G {
        int state = DEAD;
        TraceEvent ev;           // its last event that something later links to (a block, an unblock...)
        TraceEvent evStart;      // the start of its running slice
        TraceEvent evCreate;     // its GoCreate, until its first start
        TraceEvent evMarkAssist; // an open mark assist
    }

    /** What is known of a P. */
    private static final class P {
        boolean running;
        long g;                  // the goroutine it runs, 0 for none
        TraceEvent evSweep;      // an open sweep
    }

    static void check(List<TraceEvent> events) throws TraceException {
        Map<Long, G> gs = new HashMap<>();
        Map<Integer, P> ps = new HashMap<>();
        Map<Long, TraceEvent> tasks = new HashMap<>();
        Map<Long, Deque<TraceEvent>> activeRegions = new HashMap<>();
        G g0 = new G();
        g0.state = RUNNING;
        gs.put(0L, g0);
        TraceEvent evGC = null, evSTW = null;

        for (TraceEvent ev : events) {
            // Every event names its goroutine and P into the tables (a later GoCreate of it is an error).
            G g = gs.computeIfAbsent(ev.g, k -> new G());
            P p = ps.computeIfAbsent(ev.p, k -> new P());
            switch (ev.type) {
                case EV_PROC_START -> {
                    if (p.running) throw error("p %d is running before start", ev, ev.p);
                    p.running = true;
                }
                case EV_PROC_STOP -> {
                    if (!p.running) throw error("p %d is not running before stop", ev, ev.p);
                    if (p.g != 0) throw error("p %d is running a goroutine %s during stop", ev, ev.p, u(p.g));
                    p.running = false;
                }
                case EV_GC_START -> {
                    if (evGC != null) throw error("previous GC is not ended before a new one", ev);
                    evGC = ev;
                    ev.p = Trace.GC_P;
                }
                case EV_GC_DONE -> {
                    if (evGC == null) throw error("bogus GC end", ev);
                    evGC.link = ev;
                    evGC = null;
                }
                case EV_STW_START -> {
                    if (evSTW != null) throw error("previous STW is not ended before a new one", ev);
                    evSTW = ev;
                }
                case EV_STW_DONE -> {
                    if (evSTW == null) throw error("bogus STW end", ev);
                    evSTW.link = ev;
                    evSTW = null;
                }
                case EV_GC_SWEEP_START -> {
                    if (p.evSweep != null) throw error("previous sweeping is not ended before a new one", ev);
                    p.evSweep = ev;
                }
                case EV_GC_SWEEP_DONE -> {
                    if (p.evSweep == null) throw error("bogus sweeping end", ev);
                    p.evSweep.link = ev;
                    p.evSweep = null;
                }
                case EV_GC_MARK_ASSIST_START -> {
                    if (g.evMarkAssist != null) throw error("previous mark assist is not ended before a new one", ev);
                    g.evMarkAssist = ev;
                }
                case EV_GC_MARK_ASSIST_DONE -> {
                    if (g.evMarkAssist != null) {
                        g.evMarkAssist.link = ev;
                        g.evMarkAssist = null;
                    }
                }
                case EV_GO_WAITING, EV_GO_IN_SYSCALL -> {
                    if (g.state != RUNNABLE) throw error("g %s is not runnable before Ev%s", ev, u(ev.g), ev.typeName());
                    g.state = WAITING;
                    g.ev = ev;
                }
                case EV_GO_CREATE -> {
                    checkRunning(p, g, ev, true);
                    if (gs.containsKey(ev.args[0])) throw error("g %s already exists", ev, u(ev.args[0]));
                    G created = new G();
                    created.state = RUNNABLE;
                    created.ev = ev;
                    created.evCreate = ev;
                    gs.put(ev.args[0], created);
                }
                case EV_GO_START, EV_GO_START_LABEL -> {
                    if (g.state != RUNNABLE) throw error("g %s is not runnable before start", ev, u(ev.g));
                    if (p.g != 0) {
                        throw error("p %d is already running g %s while start g %s", ev, ev.p, u(p.g), u(ev.g));
                    }
                    g.state = RUNNING;
                    g.evStart = ev;
                    p.g = ev.g;
                    if (g.evCreate != null) {
                        ev.stackId = g.evCreate.args[1];
                        g.evCreate = null;
                    }
                    if (g.ev != null) {
                        g.ev.link = ev;
                        g.ev = null;
                    }
                }
                case EV_GO_END, EV_GO_STOP -> {
                    checkRunning(p, g, ev, false);
                    g.evStart.link = ev;
                    g.evStart = null;
                    g.state = DEAD;
                    p.g = 0;
                    if (ev.type == EV_GO_END) {
                        Deque<TraceEvent> regions = activeRegions.remove(ev.g);
                        if (regions != null) regions.forEach(r -> r.link = ev);
                    }
                }
                case EV_GO_SCHED, EV_GO_PREEMPT -> {
                    checkRunning(p, g, ev, false);
                    g.state = RUNNABLE;
                    g.evStart.link = ev;
                    g.evStart = null;
                    p.g = 0;
                    g.ev = ev;
                }
                case EV_GO_UNBLOCK -> {
                    if (g.state != RUNNING) throw error("g %s is not running while unpark", ev, u(ev.g));
                    if (ev.p != Trace.TIMER_P && p.g != ev.g) {
                        throw error("p %d is not running g %s while unpark", ev, ev.p, u(ev.g));
                    }
                    G g1 = gs.computeIfAbsent(ev.args[0], k -> new G());
                    if (g1.state != WAITING) {
                        throw error("g %s is not waiting before unpark (it is %s)", ev, u(ev.args[0]), state(g1.state));
                    }
                    if (g1.ev != null && g1.ev.type == EV_GO_BLOCK_NET && ev.p != Trace.TIMER_P) ev.p = Trace.NETPOLL_P;
                    if (g1.ev != null) g1.ev.link = ev;
                    g1.state = RUNNABLE;
                    g1.ev = ev;
                }
                case EV_GO_SYSCALL -> {
                    checkRunning(p, g, ev, false);
                    g.ev = ev;
                }
                case EV_GO_SYSBLOCK -> {
                    checkRunning(p, g, ev, false);
                    g.state = WAITING;
                    g.evStart.link = ev;
                    g.evStart = null;
                    p.g = 0;
                }
                case EV_GO_SYSEXIT -> {
                    if (g.state != WAITING) throw error("g %s is not waiting during syscall exit", ev, u(ev.g));
                    if (g.ev != null && g.ev.type == EV_GO_SYSCALL) g.ev.link = ev;
                    g.state = RUNNABLE;
                    g.ev = ev;
                }
                case EV_GO_SLEEP, EV_GO_BLOCK, EV_GO_BLOCK_SEND, EV_GO_BLOCK_RECV, EV_GO_BLOCK_SELECT,
                     EV_GO_BLOCK_SYNC, EV_GO_BLOCK_COND, EV_GO_BLOCK_NET, EV_GO_BLOCK_GC -> {
                    checkRunning(p, g, ev, false);
                    g.state = WAITING;
                    g.ev = ev;
                    g.evStart.link = ev;
                    g.evStart = null;
                    p.g = 0;
                }
                case EV_USER_TASK_CREATE -> {
                    TraceEvent prev = tasks.putIfAbsent(ev.args[0], ev);
                    if (prev != null) throw error("task id conflicts (id:%s), %s vs %s", ev, u(ev.args[0]), ev, prev);
                }
                case EV_USER_TASK_END -> {
                    TraceEvent create = tasks.remove(ev.args[0]);
                    if (create != null) create.link = ev;
                }
                case EV_USER_REGION -> region(ev, activeRegions);
                default -> {}
            }
        }
    }

    private static void region(TraceEvent ev, Map<Long, Deque<TraceEvent>> activeRegions) throws TraceException {
        long mode = ev.args[1];
        if (mode == 0) {
            activeRegions.computeIfAbsent(ev.g, k -> new ArrayDeque<>()).push(ev);
        } else if (mode == 1) {
            Deque<TraceEvent> regions = activeRegions.get(ev.g);
            if (regions == null) return; // its start is before the trace
            TraceEvent s = regions.peek();
            if (s.args[0] != ev.args[0] || !s.stringArgs.getFirst().equals(ev.stringArgs.getFirst())) {
                throw error("misuse of region in goroutine %s: span end %s when the inner-most active span start event is %s",
                        ev, u(ev.g), ev, s);
            }
            s.link = ev;
            regions.pop();
            if (regions.isEmpty()) activeRegions.remove(ev.g);
        } else {
            throw error("invalid user region mode: %s", ev, ev);
        }
    }

    /** That {@code ev} happens on the goroutine its P runs, which is running (and is not 0 unless allowed). */
    private static void checkRunning(P p, G g, TraceEvent ev, boolean allowG0) throws TraceException {
        if (g.state != RUNNING) {
            throw error("g %s is not running while %s (it is %s)", ev, u(ev.g), ev.typeName(), state(g.state));
        }
        if (p.g != ev.g) throw error("p %d is not running g %s while %s", ev, ev.p, u(ev.g), ev.typeName());
        if (!allowG0 && ev.g == 0) throw error("g 0 did %s", ev, ev.typeName());
    }

    private static String state(int s) {
        return switch (s) {
            case DEAD -> "dead";
            case RUNNABLE -> "runnable";
            case RUNNING -> "running";
            default -> "waiting";
        };
    }

    private static String u(long v) {
        return Long.toUnsignedString(v);
    }

    /** Go's wording with the place appended: {@code ... (offset 123, time 4567)}. */
    private static TraceException error(String format, TraceEvent ev, Object... args) {
        return new TraceException(String.format(format, args) + " (offset " + ev.offset + ", time " + ev.ts + ")", ev.offset);
    }
}
