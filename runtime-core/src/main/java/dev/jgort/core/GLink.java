package dev.jgort.core;

import java.util.concurrent.Executor;

/**
 * The scheduler object of a goroutine's virtual thread: a link from the thread to its {@link G}. The
 * JDK calls {@link #execute} whenever the thread becomes runnable (start, unpark, yield, timeout,
 * ...) with the thread's continuation, so the scheduler knows at once which G became runnable.
 *
 * <p>The thread keeps its scheduler object in a final field for as long as the thread object lives,
 * which programs that keep a million finished threads (a list of them to join, say) do. So the
 * thread does not hold the G itself: when the G ends, {@code goexit0} points the link at its
 * runtime's {@link Sched#deadG} instead, and only this 16-byte object stays behind, not the G.
 *
 * <p>Virtual threads started inside a goroutine by plain JDK APIs inherit this object as their
 * scheduler; their continuations arrive here too and go to {@link Sched#readyForeign}, also after the
 * parent has ended (through the dead G's runtime).
 *
 * <p>{@link #g} is written when the G is made and when it ends (by the M it ended on), and read on
 * any thread. A reader that races with the end sees either the G (it is never readied again, so only
 * children's continuations can still arrive, and those take the same path either way) or the dead G.
 */
final class GLink implements Executor {
    /** The G, or its runtime's {@link Sched#deadG} once it has ended. */
    G g;

    @Override
    public void execute(Runnable r) {
        G gp = g;
        if (r == gp.cont) { // null for the dead G
            gp.sched.ready(gp);
        } else {
            gp.sched.readyForeign(r);
        }
    }
}
