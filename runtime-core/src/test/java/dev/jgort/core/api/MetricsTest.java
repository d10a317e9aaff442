package dev.jgort.core.api;

import dev.jgort.api.Float64Histogram;
import dev.jgort.api.GoRuntime;
import dev.jgort.api.Goroutine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.TabularData;

import static dev.jgort.core.api.GoTestSupport.assertAllJoined;
import static dev.jgort.core.api.GoTestSupport.awaitOutside;
import static dev.jgort.core.api.GoTestSupport.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link GoRuntime#metrics()} (Go's runtime/metrics names) and the runtime's MBean (issue 14, item 3). */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MetricsTest {

    @Test
    void goNamesWithCountsAndSampledHistograms() throws Exception {
        try (GoRuntime rt = start(2)) {
            SortedMap<String, Object> before = rt.metrics();
            for (String name : List.of("/sched/goroutines:goroutines", "/sched/gomaxprocs:threads",
                    "/jgort/sched/goroutines-created:goroutines", "/jgort/sched/threads:threads")) {
                assertInstanceOf(Long.class, before.get(name), name);
            }
            assertEquals(2L, before.get("/sched/gomaxprocs:threads"));
            Float64Histogram lat0 = (Float64Histogram) before.get("/sched/latencies:seconds");
            Float64Histogram pauses0 = (Float64Histogram) before.get("/sched/pauses/total/other:seconds");

            // 8,000 goroutines made from outside, never parking: one in 8 of them (by goid) is sampled
            // on its way from _Grunnable to running.
            List<Goroutine> gs = new ArrayList<>();
            for (int i = 0; i < 8_000; i++) gs.add(rt.go(() -> { }));
            assertAllJoined(gs);
            rt.setMaxProcs(1);
            rt.setMaxProcs(2);

            SortedMap<String, Object> after = rt.metrics();
            Float64Histogram lat = (Float64Histogram) after.get("/sched/latencies:seconds");
            long samples = lat.total() - lat0.total();
            assertTrue(samples >= 990 && samples <= 1_010 + 100, "1 in 8 of 8,000 turns sampled, got " + samples);
            assertTrue(lat.quantile(0.99) > 0 && lat.quantile(0.99) < 60, "p99 " + lat.quantile(0.99) + " s");
            Float64Histogram pauses = (Float64Histogram) after.get("/sched/pauses/total/other:seconds");
            assertEquals(2, pauses.total() - pauses0.total(), "two GOMAXPROCS changes, two stop-the-world pauses");
            assertEquals(8_000L, (Long) after.get("/jgort/sched/goroutines-created:goroutines")
                    - (Long) before.get("/jgort/sched/goroutines-created:goroutines"));
            assertEquals(0L, after.get("/sched/goroutines:goroutines"));
            double[] b = lat.buckets();
            assertEquals(lat.counts().length + 1, b.length);
            assertEquals(Double.POSITIVE_INFINITY, b[b.length - 1]);
        }
    }

    @Test
    void histogramQuantilesAreUpperBucketBounds() {
        Float64Histogram h = new Float64Histogram(new long[] {0, 90, 9, 1}, new double[] {0, 1, 2, 4, Double.POSITIVE_INFINITY});
        assertEquals(100, h.total());
        assertEquals(2, h.quantile(0.5));
        assertEquals(4, h.quantile(0.99));
        assertEquals(Double.POSITIVE_INFINITY, h.quantile(1));
        assertTrue(Double.isNaN(new Float64Histogram(new long[] {0}, new double[] {0, 1}).quantile(0.5)));
    }

    // dev.jgort:type=GoRuntime,id=N appears (registered in the background) while the runtime is open,
    // reads and writes through JMX, and is gone once it is closed.
    @Test
    void theRuntimesMBeanLivesAsLongAsTheRuntime() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        GoRuntime rt = start(2);
        Matcher m = Pattern.compile("^jgort runtime (\\d+) ").matcher(rt.toString());
        assertTrue(m.find(), rt.toString());
        ObjectName name = new ObjectName("dev.jgort:type=GoRuntime,id=" + m.group(1));
        try {
            awaitOutside(() -> server.isRegistered(name), name + " to be registered");
            assertEquals(2, server.getAttribute(name, "MaxProcs"));
            server.setAttribute(name, new javax.management.Attribute("MaxProcs", 3));
            assertEquals(3, rt.maxProcs(), "GOMAXPROCS set through JMX");
            assertEquals(0L, server.getAttribute(name, "NumGoroutine"));
            TabularData counters = (TabularData) server.getAttribute(name, "Counters");
            assertTrue(counters.containsKey(new Object[] {"/sched/gomaxprocs:threads"}), counters.toString());
            String trace = (String) server.invoke(name, "schedTrace", new Object[] {false}, new String[] {"boolean"});
            assertTrue(trace.startsWith("SCHED "), trace);
        } finally {
            rt.close();
        }
        assertFalse(server.isRegistered(name), "the MBean outlived its runtime");
    }

    // The JFR events: a recording that enables category jgort sees a GOMAXPROCS change as a
    // StopTheWorld (reason GOMAXPROCS) and a GoMaxProcs event with both values.
    @Test
    void jfrRecordsStopTheWorldAndGoMaxProcs() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("jgort-", ".jfr");
        try (jdk.jfr.Recording r = new jdk.jfr.Recording(); GoRuntime rt = start(2)) {
            r.enable("dev.jgort.StopTheWorld");
            r.enable("dev.jgort.GoMaxProcs");
            r.start();
            rt.setMaxProcs(3);
            r.stop();
            r.dump(file);
            List<jdk.jfr.consumer.RecordedEvent> events = jdk.jfr.consumer.RecordingFile.readAllEvents(file);
            assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("dev.jgort.StopTheWorld")
                    && "GOMAXPROCS".equals(e.getString("reason"))), events.toString());
            assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("dev.jgort.GoMaxProcs")
                    && e.getInt("from") == 2 && e.getInt("to") == 3), events.toString());
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }
}
