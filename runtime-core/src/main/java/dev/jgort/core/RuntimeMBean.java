package dev.jgort.core;

import dev.jgort.api.Float64Histogram;
import dev.jgort.api.GoRuntimeMXBean;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * A runtime's {@link GoRuntimeMXBean}, {@code dev.jgort:type=GoRuntime,id=<id>}, registered in the
 * platform MBean server while the runtime is open.
 *
 * <p>Registered in the background, by one daemon thread ({@code jgort-jmx}) for all runtimes, one
 * second after the runtime started: the first use of the platform MBean server costs ~0.6 s of CPU
 * here (measured: 552-704 ms in three fresh JVMs), which {@code GoRuntime.start} must not wait for,
 * and which, done at once in the background, still slowed a first start on 2 cores from ~290 to
 * ~380 ms (three runs each). A program that ends within the second never pays it; one that runs
 * long enough to be looked at with JMX has its MBean. {@code close()} cancels a registration not done
 * yet, or unregisters. {@code -Djgort.jmx=false}
 * turns it off. A registration that fails (a name taken by hand) is logged and the runtime runs on.
 *
 * <p>{@link #state} is guarded by this object's monitor (taken by the registrar thread and by
 * {@code close()}, never by a goroutine's scheduler code).
 */
final class RuntimeMBean implements GoRuntimeMXBean {
    private static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty("jgort.jmx", "true"));
    private static final int PENDING = 0, REGISTERED = 1, ENDED = 2;
    private static final long DELAY_MILLIS = 1_000;
    private static volatile ScheduledExecutorService registrar;

    private final JgortRuntime rt;
    private final ObjectName name;
    private int state = PENDING;

    private RuntimeMBean(JgortRuntime rt, ObjectName name) {
        this.rt = rt;
        this.name = name;
    }

    static ObjectName nameOf(int runtimeId) {
        try {
            return new ObjectName("dev.jgort:type=GoRuntime,id=" + runtimeId);
        } catch (MalformedObjectNameException e) {
            throw new IllegalStateException(e); // the pattern is fixed
        }
    }

    /** Starts registering {@code rt}'s MBean in the background; null when JMX is turned off. */
    static RuntimeMBean registerLater(JgortRuntime rt, int runtimeId) {
        if (!ENABLED) return null;
        RuntimeMBean b = new RuntimeMBean(rt, nameOf(runtimeId));
        registrar().schedule(b::register, DELAY_MILLIS, TimeUnit.MILLISECONDS);
        return b;
    }

    private static ScheduledExecutorService registrar() {
        ScheduledExecutorService r = registrar;
        if (r == null) {
            synchronized (RuntimeMBean.class) {
                r = registrar;
                if (r == null) {
                    var ex = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("jgort-jmx").daemon().factory());
                    ex.setRemoveOnCancelPolicy(true);
                    r = ex;
                    registrar = r;
                }
            }
        }
        return r;
    }

    private synchronized void register() {
        if (state != PENDING) return; // closed first
        try {
            ManagementFactory.getPlatformMBeanServer().registerMBean(this, name);
            state = REGISTERED;
        } catch (JMException | RuntimeException e) {
            state = ENDED;
            System.getLogger("dev.jgort").log(System.Logger.Level.WARNING, "jgort: no MBean " + name + ": " + e);
        }
    }

    /** The runtime closed: no MBean from now on. Idempotent. */
    synchronized void unregister() {
        boolean registered = state == REGISTERED;
        state = ENDED;
        if (!registered) return;
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (InstanceNotFoundException alreadyGone) {
            // someone unregistered it by hand
        } catch (JMException e) {
            System.getLogger("dev.jgort").log(System.Logger.Level.WARNING, "jgort: cannot unregister " + name + ": " + e);
        }
    }

    @Override
    public long getNumGoroutine() {
        return rt.stats().numGoroutine();
    }

    @Override
    public int getMaxProcs() {
        return rt.maxProcs();
    }

    @Override
    public void setMaxProcs(int n) {
        rt.setMaxProcs(n);
    }

    @Override
    public Map<String, Long> getCounters() {
        Map<String, Long> m = new TreeMap<>();
        rt.metrics().forEach((k, v) -> {
            if (v instanceof Long l) m.put(k, l);
        });
        return m;
    }

    @Override
    public double getSchedLatencyP50Seconds() {
        return latencies().quantile(0.5);
    }

    @Override
    public double getSchedLatencyP99Seconds() {
        return latencies().quantile(0.99);
    }

    private Float64Histogram latencies() {
        return rt.sched.latencies.snapshot();
    }

    @Override
    public String dumpGoroutines() {
        return rt.dumpGoroutines();
    }

    @Override
    public String schedTrace(boolean detail) {
        return rt.schedTrace(detail);
    }
}
