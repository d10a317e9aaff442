package dev.jgort.core;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Where the JDK schedules the timeouts of virtual threads with a custom scheduler ({@code parkNanos},
 * {@code Thread.sleep}, timed {@code Object.wait}): installed in place of each of the JDK's own
 * {@code VirtualThread-unparker} executors ({@link VThreads#delayedTaskSchedulers()}), it puts a
 * timeout set on one of a jgort runtime's Ms onto that M's P ({@link Sched#addtimer}), and hands
 * every other one to the JDK's executor it replaced.
 *
 * <p>Why: on the JDK's executors a goroutine's timeout fires on the unparker thread, which readies the
 * goroutine from outside the scheduler (the global queue's woken FIFO, then a {@code wakep}): two
 * thread hops, the unparker's and an idle M's, before it runs (bench/README, "Wake-up latency"). Go
 * keeps timers on the P that set them and fires them from {@code schedule} and {@code findrunnable}
 * into that P's run queue, and its idle M sleeps until the next timer; {@link Sched} does the same
 * with these.
 *
 * <p>The JDK calls {@link #schedule(Runnable, long, TimeUnit)} from {@code VirtualThread.afterYield},
 * on the carrier, right after the goroutine unmounted: the calling thread is the M, and its P is the
 * goroutine's. Everything else (the other methods, callers that are not a running runtime's Ms,
 * runtimes started with {@code -Djgort.timers=jdk}) goes to the JDK's executor unchanged, so other
 * schedulers' virtual threads in the same JVM, and jgort runtimes that stopped, see the JDK's timers.
 * Installed once per JVM, by the first runtime; it stays when runtimes close (it then delegates all).
 */
final class TimerRouter extends AbstractExecutorService implements ScheduledExecutorService {
    private final ScheduledExecutorService jdk;

    /** The JDK's first unparker executor, once installed; where a stopping runtime sends its timers. */
    private static ScheduledExecutorService fallback; // guarded by the class monitor
    private static boolean warned;                    // guarded by the class monitor

    private TimerRouter(ScheduledExecutorService jdk) {
        this.jdk = jdk;
    }

    /**
     * Installs the routers (once per JVM). @return the JDK's executor to hand timers back to, or null
     * if this JDK's internals are not as expected (then every timeout stays on the JDK's executors)
     */
    static synchronized ScheduledExecutorService install() {
        if (fallback != null) return fallback;
        ScheduledExecutorService[] services = VThreads.delayedTaskSchedulers();
        if (services == null || services.length == 0) {
            if (!warned) {
                warned = true;
                System.getLogger("dev.jgort").log(System.Logger.Level.WARNING, "jgort: this JDK keeps virtual"
                        + " threads' timeouts where jgort cannot reach them (no VirtualThread.DelayedTaskSchedulers"
                        + " .INSTANCE): goroutine timeouts fire on the JDK's unparker thread, as with -Djgort.timers=jdk");
            }
            return null;
        }
        for (int i = 0; i < services.length; i++) {
            if (!(services[i] instanceof TimerRouter)) services[i] = new TimerRouter(services[i]);
        }
        fallback = ((TimerRouter) services[0]).jdk;
        return fallback;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        M mp = M.current();
        if (mp != null) {
            RuntimeTimer t = mp.sched.addtimer(mp, command, unit.toNanos(delay));
            if (t != null) return t;
        }
        return jdk.schedule(command, delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return jdk.schedule(callable, delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return jdk.scheduleAtFixedRate(command, initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return jdk.scheduleWithFixedDelay(command, initialDelay, delay, unit);
    }

    @Override
    public void execute(Runnable command) {
        jdk.execute(command);
    }

    @Override
    public void shutdown() {
        jdk.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        return jdk.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return jdk.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return jdk.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return jdk.awaitTermination(timeout, unit);
    }
}
