package dev.jgort.chan;

import dev.jgort.spi.WaitReason;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Go's {@code select} statement ({@code runtime/select.go}'s {@code selectgo}): waits until one of
 * its send or receive cases can proceed, performs exactly that one, and runs its handler.
 *
 * <pre>{@code
 * int chosen = new Select()
 *         .recv(jobs, job -> process(job))
 *         .send(results, last, () -> sent++)
 *         .recv(Timer.after(Duration.ofSeconds(1)), t -> log("timeout"))
 *         .select();
 * }</pre>
 *
 * <ul>
 *   <li>When several cases are ready, one is chosen uniformly at random (Go's shuffled poll order),
 *       so no case starves.</li>
 *   <li>With {@link #onDefault}, {@link #select()} never blocks: it runs the default when no case is
 *       ready.</li>
 *   <li>A case on a {@code null} channel is never ready (Go's nil channel), which disables it.
 *       A select with no cases, or only such cases, and no default blocks forever (until interrupted),
 *       and a goroutine blocked so counts for deadlock detection.</li>
 *   <li>A send case on a closed channel throws {@link ClosedChanException}, as Go panics; a receive
 *       case on a closed channel is ready and gets {@code (null, false)}.</li>
 * </ul>
 *
 * <p>Handlers run in the selecting thread after every channel lock is released, and may block on
 * channels themselves ({@code case v := <-in: out <- v}); an {@link InterruptedException} they throw
 * leaves {@link #select()} as it is. A {@code null} handler does nothing (the returned index still
 * tells which case fired). A {@code Select} may be
 * run again and again (a send case sends the same value each time); it is not thread-safe.
 *
 * <p>How it works (Go's three passes): lock every channel of the select in a global order (by channel
 * id, as Go sorts by address, so two selects never deadlock); poll the cases in a random order and
 * perform the first that is ready; otherwise enqueue one {@link Sudog} per case, all sharing one
 * {@link Waiter}, unlock, and park. The partner that claims the waiter (a CAS) completes that one
 * case; on waking, the selecting thread unlinks the sudogs of the other cases.
 */
public final class Select {
    /** What a receive case runs with the value received. May itself block on channels. */
    @FunctionalInterface
    public interface RecvHandler<T> {
        void received(T value) throws InterruptedException;
    }

    /** A receive handler that also gets Go's {@code ok}: false when the channel is closed and drained. */
    @FunctionalInterface
    public interface RecvOkHandler<T> {
        void received(T value, boolean ok) throws InterruptedException;
    }

    /** What a send case or the default runs. May itself block on channels. */
    @FunctionalInterface
    public interface Handler {
        void run() throws InterruptedException;
    }

    private record Case(Chan<?> c, boolean send, Object value, RecvOkHandler<Object> onRecv, Handler onSent) {}

    private static final WaitReason NO_CASES = () -> "select (no cases)";

    private final ArrayList<Case> cases = new ArrayList<>();
    private Handler onDefault;
    private boolean hasDefault;
    /** The distinct non-null channels sorted by id; recomputed after a case is added. */
    private Chan<?>[] lockOrder;

    /** An empty select; add cases, then call {@link #select()}. */
    public Select() {}

    /**
     * A receive case, Go's {@code case v := <-c:}. On a closed, drained channel the handler gets
     * {@code null}.
     *
     * @param c       the channel, or null for a case that is never ready
     * @param handler gets the value; may be null
     */
    @SuppressWarnings("unchecked")
    public <T> Select recv(RecvChan<T> c, RecvHandler<? super T> handler) {
        return add(new Case((Chan<?>) c, false, null, handler == null ? null : (v, ok) -> handler.received((T) v), null));
    }

    /**
     * A receive case with Go's {@code ok}: {@code case v, ok := <-c:}.
     *
     * @param c       the channel, or null for a case that is never ready
     * @param handler gets the value and whether it came from a send; may be null
     */
    @SuppressWarnings("unchecked")
    public <T> Select recvOk(RecvChan<T> c, RecvOkHandler<? super T> handler) {
        return add(new Case((Chan<?>) c, false, null, handler == null ? null : (v, ok) -> handler.received((T) v, ok), null));
    }

    /**
     * A send case, Go's {@code case c <- value:}.
     *
     * @param c       the channel, or null for a case that is never ready
     * @param value   the value to send (evaluated now, as Go evaluates it before selecting)
     * @param handler runs after the value was sent; may be null
     */
    public <T> Select send(SendChan<T> c, T value, Handler handler) {
        return add(new Case((Chan<?>) c, true, value, null, handler));
    }

    /**
     * Go's {@code default:}: makes {@link #select()} non-blocking.
     *
     * @param handler runs when no case is ready; may be null
     * @throws IllegalStateException if this select already has a default
     */
    public Select onDefault(Handler handler) {
        if (hasDefault) throw new IllegalStateException("multiple defaults in select");
        hasDefault = true;
        onDefault = handler;
        return this;
    }

    private Select add(Case c) {
        cases.add(c);
        lockOrder = null;
        return this;
    }

    /**
     * Runs the select: performs one ready case (chosen at random among the ready ones), or the
     * default, or waits until a case is ready; then runs that case's handler.
     *
     * @return the index of the case that fired, in the order the cases were added, or -1 for the
     *         default
     * @throws ClosedChanException  if the chosen case is a send on a closed channel
     * @throws InterruptedException if interrupted while waiting (no case fired), or thrown by the
     *                              chosen case's handler (the case did fire)
     */
    public int select() throws InterruptedException {
        Chan<?>[] order = lockOrder();
        if (order.length == 0) {
            if (hasDefault) return runDefault();
            blockForever();
        }
        int n = cases.size();
        boolean timers = false;
        for (Case cs : cases) {
            TimerSource t = timerOf(cs);
            if (t != null) {
                t.maybeRunChan(); // a due timer sends now, so that pass 1 sees it ready
                timers = true;
            }
        }
        int[] poll = pollOrder(n);
        int chosen = -1;
        Object got = null;
        boolean ok = false;
        Sudog wake = null;
        Waiter w = null;
        Sudog[] sgs = null;
        int locked = 0;
        try {
            for (Chan<?> c : order) {
                c.lock.lock();
                locked++;
            }
            // Pass 1: look for a case that is ready, in random order.
            for (int i : poll) {
                Case cs = cases.get(i);
                if (cs.c == null) continue;
                if (cs.send) {
                    Sudog r = cs.c.sendLocked(cs.value);
                    if (r == null) continue;
                    chosen = i;
                    if (r != Chan.BUFFERED) wake = r;
                    break;
                }
                Object r = cs.c.recvLocked();
                if (r == Chan.BLOCK) continue;
                chosen = i;
                got = r; // a value, CLOSED, or the parked sender whose elem now holds the value
                break;
            }
            // Pass 2: enqueue on every channel and park (below, once unlocked).
            if (chosen < 0 && !hasDefault) {
                w = new Waiter("select");
                sgs = new Sudog[n];
                for (int i = 0; i < n; i++) { // every allocation first: a failure must leave no waiter queued
                    Case cs = cases.get(i);
                    if (cs.c != null) sgs[i] = new Sudog(w, cs.c, i, cs.send ? cs.value : null);
                }
                // In poll order, as Go enqueues in a lock order built from it: of two cases on one
                // channel, either may be first in its queue, so either may fire.
                w.waitingOn(sgs);
                for (int i : poll) {
                    Case cs = cases.get(i);
                    if (cs.c != null) (cs.send ? cs.c.sendq : cs.c.recvq).enqueue(sgs[i]);
                }
            }
        } finally {
            for (int j = locked - 1; j >= 0; j--) order[j].lock.unlock();
        }
        if (chosen >= 0) {
            if (cases.get(chosen).send) {
                if (wake != null) LockSupport.unpark(wake.waiter.thread);
            } else {
                got = Chan.wakeSender(got);
                ok = got != Chan.CLOSED;
            }
            return fire(chosen, ok ? got : null, ok);
        }
        if (w == null) return runDefault();

        if (timers) blockTimerChans(true);
        Sudog fired;
        try {
            fired = w.await();
        } finally {
            if (timers) blockTimerChans(false);
        }
        // Pass 3: unlink the cases that did not fire (a partner that claimed or skipped one unlinked it).
        for (Sudog s : sgs) {
            if (s != null && s != fired) s.c.unlink(s);
        }
        if (fired == null) throw new InterruptedException("interrupted while waiting in select");
        Case cs = cases.get(fired.caseIndex);
        if (cs.send && !fired.success) throw ClosedChanException.send();
        return fire(fired.caseIndex, fired.success ? fired.elem : null, fired.success);
    }

    private int fire(int i, Object value, boolean ok) throws InterruptedException {
        Case cs = cases.get(i);
        if (cs.send) {
            if (cs.onSent != null) cs.onSent.run();
        } else if (cs.onRecv != null) {
            cs.onRecv.received(value, ok);
        }
        return i;
    }

    /** The timer or ticker a receive case waits on, or null (a send, a nil channel, a plain channel). */
    private static TimerSource timerOf(Case cs) {
        return cs.c == null || cs.send ? null : cs.c.timer;
    }

    /** Go's {@code blockTimerChan} / {@code unblockTimerChan} for each receive case on a timer's channel. */
    private void blockTimerChans(boolean block) {
        for (Case cs : cases) {
            TimerSource t = timerOf(cs);
            if (t == null) continue;
            if (block) t.blockTimerChan(); else t.unblockTimerChan();
        }
    }

    private int runDefault() throws InterruptedException {
        if (onDefault != null) onDefault.run();
        return -1;
    }

    /** Go's {@code block()}: a select with nothing to wait for parks until interrupted. */
    private static void blockForever() throws InterruptedException {
        for (;;) {
            LockSupport.park(NO_CASES);
            if (Thread.interrupted()) throw new InterruptedException("interrupted while blocked in a select with no cases");
        }
    }

    /**
     * The distinct channels of the cases in lock order (by id). Insertion sort: selects are small and
     * often built per call, and Go's own {@code sellock} order is a heap sort only to bound huge selects.
     */
    private Chan<?>[] lockOrder() {
        Chan<?>[] order = lockOrder;
        if (order != null) return order;
        order = new Chan<?>[cases.size()];
        int m = 0;
        for (Case cs : cases) {
            Chan<?> c = cs.c;
            if (c == null) continue;
            int i = m;
            while (i > 0 && order[i - 1].id > c.id) i--;
            if (i > 0 && order[i - 1] == c) continue; // the same channel in two cases: lock it once
            System.arraycopy(order, i, order, i + 1, m - i);
            order[i] = c;
            m++;
        }
        return lockOrder = m == order.length ? order : Arrays.copyOf(order, m);
    }

    /** A uniformly random permutation of the case indices (Go's {@code pollorder}). */
    private static int[] pollOrder(int n) {
        int[] p = new int[n];
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int i = 0; i < n; i++) {
            int j = rnd.nextInt(i + 1);
            p[i] = p[j];
            p[j] = i;
        }
        return p;
    }
}
