package dev.jgort.core;

import dev.jgort.api.GoRuntime;
import dev.jgort.api.RuntimeConfig;
import dev.jgort.spi.CurrentGoroutine;
import dev.jgort.spi.ExtraMs;
import dev.jgort.spi.RuntimeProvider;

import java.util.concurrent.Executor;

/** The {@link RuntimeProvider} of runtime-core, registered with {@link java.util.ServiceLoader}. */
public final class JgortProvider implements RuntimeProvider {

    @Override
    public GoRuntime start(RuntimeConfig config) {
        VThreads.check();
        return new JgortRuntime(config, Backends.select(config.backend()));
    }

    @Override
    public CurrentGoroutine current() {
        return currentG();
    }

    @Override
    public ExtraMs extraMs(GoRuntime rt) {
        return rt instanceof JgortRuntime r ? r.extraMs : null;
    }

    /** The G of the calling virtual thread, or null if the caller is not a goroutine. */
    static G currentG() {
        Thread t = Thread.currentThread();
        if (!t.isVirtual()) return null;
        Executor s = VThreads.scheduler(t);
        if (!(s instanceof GLink link)) return null;
        // A thread started inside a goroutine inherits the parent's link as its scheduler object.
        G g = link.g;
        return g.thread == t ? g : g.sched.adopted.get(t);
    }
}
