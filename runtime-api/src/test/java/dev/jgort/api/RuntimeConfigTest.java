package dev.jgort.api;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Settings: {@code GOMAXPROCS} / {@code jgort.maxprocs}, {@code GODEBUG} / {@code jgort.debug}, and the
 * {@code with...} methods. Go silently ignores a malformed value; jgort rejects it with a message that
 * names the variable and the value.
 */
class RuntimeConfigTest {

    private static RuntimeConfig fromEnv(Map<String, String> env) {
        return RuntimeConfig.fromEnvironment(env, Map.of());
    }

    private static void assertMentions(IllegalArgumentException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "the message should mention \"" + part + "\": " + e.getMessage());
        }
    }

    @Test
    void noSettings_giveGosDefaults() {
        RuntimeConfig c = RuntimeConfig.fromEnvironment(Map.of(), Map.of());
        assertEquals(Math.min(Runtime.getRuntime().availableProcessors(), RuntimeConfig.MAX_PROCS_LIMIT), c.maxProcs());
        assertEquals("auto", c.backend());
        assertEquals(0, c.schedTraceMillis());
        assertFalse(c.schedDetail());
        assertEquals(RuntimeConfig.DEFAULT_MAX_THREADS, c.maxThreads());
        assertEquals(10_000, c.maxThreads(), "Go's maxmcount");
        assertEquals(RuntimeConfig.DEFAULT_DEADLOCK_GRACE, c.deadlockGrace());
        assertEquals(RuntimeConfig.DEFAULT_IDLE_THREAD_TIMEOUT, c.idleThreadTimeout());
    }

    @Test
    void gomaxprocs_setsTheNumberOfPs() {
        assertEquals(3, fromEnv(Map.of("GOMAXPROCS", "3")).maxProcs());
        assertEquals(1, fromEnv(Map.of("GOMAXPROCS", "1")).maxProcs());
        assertEquals(1024, fromEnv(Map.of("GOMAXPROCS", "1024")).maxProcs());
    }

    @Test
    void gomaxprocs_notANumberIsRejectedNamingVariableAndValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fromEnv(Map.of("GOMAXPROCS", "abc")));
        assertMentions(e, "GOMAXPROCS", "abc");
    }

    @Test
    void gomaxprocs_outOfRangeIsRejectedNamingVariableAndValue() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> fromEnv(Map.of("GOMAXPROCS", "0")));
        assertMentions(zero, "GOMAXPROCS", "\"0\"");
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> fromEnv(Map.of("GOMAXPROCS", "2000")));
        assertMentions(big, "GOMAXPROCS", "2000");
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> fromEnv(Map.of("GOMAXPROCS", "-4")));
        assertMentions(negative, "GOMAXPROCS", "-4");
    }

    @Test
    void systemPropertyMaxprocs_winsOverGomaxprocs() {
        RuntimeConfig c = RuntimeConfig.fromEnvironment(Map.of("GOMAXPROCS", "3"), Map.of("jgort.maxprocs", "5"));
        assertEquals(5, c.maxProcs());
    }

    @Test
    void systemPropertyMaxprocs_malformedIsRejectedNamingPropertyAndValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RuntimeConfig.fromEnvironment(Map.of(), Map.of("jgort.maxprocs", "lots")));
        assertMentions(e, "jgort.maxprocs", "lots");
    }

    @Test
    void godebug_schedtraceAndScheddetailAreParsed() {
        RuntimeConfig c = fromEnv(Map.of("GODEBUG", "schedtrace=100,scheddetail=1"));
        assertEquals(100, c.schedTraceMillis());
        assertTrue(c.schedDetail());

        RuntimeConfig off = fromEnv(Map.of("GODEBUG", "schedtrace=1000,scheddetail=0"));
        assertEquals(1000, off.schedTraceMillis());
        assertFalse(off.schedDetail());
    }

    @Test
    void godebug_unknownKeysAreLeftToOtherTools() {
        RuntimeConfig c = fromEnv(Map.of("GODEBUG", "gctrace=1,madvdontneed=1,schedtrace=50,http2debug=2"));
        assertEquals(50, c.schedTraceMillis());
        assertFalse(c.schedDetail());
        RuntimeConfig none = fromEnv(Map.of("GODEBUG", "gctrace=1"));
        assertEquals(0, none.schedTraceMillis());
    }

    @Test
    void godebug_malformedSchedtraceIsRejectedNamingGodebug() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fromEnv(Map.of("GODEBUG", "schedtrace=x")));
        assertMentions(e, "GODEBUG", "schedtrace=x");
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> fromEnv(Map.of("GODEBUG", "schedtrace=-5")));
        assertMentions(negative, "GODEBUG", "-5");
    }

    @Test
    void godebug_malformedScheddetailOrItemIsRejectedNamingGodebug() {
        IllegalArgumentException detail = assertThrows(IllegalArgumentException.class,
                () -> fromEnv(Map.of("GODEBUG", "scheddetail=2")));
        assertMentions(detail, "GODEBUG", "scheddetail=2");
        IllegalArgumentException item = assertThrows(IllegalArgumentException.class,
                () -> fromEnv(Map.of("GODEBUG", "schedtrace")));
        assertMentions(item, "GODEBUG", "schedtrace");
    }

    @Test
    void systemPropertyDebug_winsOverGodebug() {
        RuntimeConfig c = RuntimeConfig.fromEnvironment(Map.of("GODEBUG", "schedtrace=100"),
                Map.of("jgort.debug", "schedtrace=200"));
        assertEquals(200, c.schedTraceMillis());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RuntimeConfig.fromEnvironment(Map.of(), Map.of("jgort.debug", "schedtrace=soon")));
        assertMentions(e, "jgort.debug", "soon");
    }

    @Test
    void systemPropertyBackend_picksTheBackendAndRejectsUnknownNames() {
        assertEquals("auto", RuntimeConfig.fromEnvironment(Map.of(), Map.of()).backend());
        assertEquals("native", RuntimeConfig.fromEnvironment(Map.of(), Map.of("jgort.backend", "native")).backend());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RuntimeConfig.fromEnvironment(Map.of(), Map.of("jgort.backend", "cgo")));
        assertMentions(e, "jgort.backend", "cgo");
    }

    @Test
    void creationSites_offByDefaultTakeThePropertyAndRejectAnythingButTrueOrFalse() {
        RuntimeConfig base = RuntimeConfig.fromEnvironment(Map.of(), Map.of());
        assertFalse(base.creationSites());
        assertTrue(base.withCreationSites(true).creationSites());
        assertTrue(base.withCreationSites(true).withMaxProcs(3).creationSites(), "kept by the other with-methods");
        assertTrue(RuntimeConfig.fromEnvironment(Map.of(), Map.of("jgort.creationsites", "true")).creationSites());
        assertFalse(RuntimeConfig.fromEnvironment(Map.of(), Map.of("jgort.creationsites", "false")).creationSites());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RuntimeConfig.fromEnvironment(Map.of(), Map.of("jgort.creationsites", "yes")));
        assertMentions(e, "jgort.creationsites", "yes", "true", "false");
    }

    @Test
    void nativeCallWatch_defaultsToAutoTakesThePropertyAndRejectsUnknownNames() {
        RuntimeConfig base = RuntimeConfig.fromEnvironment(Map.of(), Map.of());
        assertEquals("auto", base.nativeCallWatch());
        assertEquals("heuristic", RuntimeConfig.fromEnvironment(Map.of(), Map.of("jgort.nativewatch", "heuristic"))
                .nativeCallWatch());
        assertEquals("threadstate", base.withNativeCallWatch("threadstate").nativeCallWatch());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RuntimeConfig.fromEnvironment(Map.of(), Map.of("jgort.nativewatch", "jvmti")));
        assertMentions(e, "jgort.nativewatch", "jvmti");
        IllegalArgumentException w = assertThrows(IllegalArgumentException.class, () -> base.withNativeCallWatch("off"));
        assertMentions(w, "off", "auto", "threadstate", "heuristic");
        assertThrows(NullPointerException.class, () -> base.withNativeCallWatch(null));
    }

    @Test
    void withMaxProcs_acceptsOneTo1024Only() {
        RuntimeConfig base = RuntimeConfig.fromEnvironment(Map.of(), Map.of());
        assertEquals(1, base.withMaxProcs(1).maxProcs());
        assertEquals(1024, base.withMaxProcs(1024).maxProcs());
        assertThrows(IllegalArgumentException.class, () -> base.withMaxProcs(0));
        assertThrows(IllegalArgumentException.class, () -> base.withMaxProcs(-1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> base.withMaxProcs(1025));
        assertMentions(e, "1025");
    }

    @Test
    void withBackend_acceptsAutoJavaNativeOnly() {
        RuntimeConfig base = RuntimeConfig.fromEnvironment(Map.of(), Map.of());
        assertEquals("java", base.withBackend("java").backend());
        assertEquals("native", base.withBackend("native").backend());
        assertEquals("auto", base.withBackend("java").withBackend("auto").backend());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> base.withBackend("bogus"));
        assertMentions(e, "bogus");
        assertThrows(NullPointerException.class, () -> base.withBackend(null));
    }

    @Test
    void withMaxThreads_rejectsLessThanOne() {
        RuntimeConfig base = RuntimeConfig.fromEnvironment(Map.of(), Map.of());
        assertEquals(3, base.withMaxThreads(3).maxThreads());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> base.withMaxThreads(0));
        assertMentions(e, "maxThreads");
        assertThrows(IllegalArgumentException.class, () -> base.withMaxThreads(-10));
    }

    @Test
    void withSchedTraceGraceAndIdleTimeout_rejectNonsense() {
        RuntimeConfig base = RuntimeConfig.fromEnvironment(Map.of(), Map.of());
        assertThrows(IllegalArgumentException.class, () -> base.withSchedTrace(-1, false));
        RuntimeConfig traced = base.withSchedTrace(250, true);
        assertEquals(250, traced.schedTraceMillis());
        assertTrue(traced.schedDetail());

        assertThrows(IllegalArgumentException.class, () -> base.withDeadlockGrace(Duration.ofMillis(-1)));
        assertEquals(Duration.ZERO, base.withDeadlockGrace(Duration.ZERO).deadlockGrace());
        assertThrows(NullPointerException.class, () -> base.withDeadlockGrace(null));

        assertThrows(IllegalArgumentException.class, () -> base.withIdleThreadTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> base.withIdleThreadTimeout(Duration.ofSeconds(-1)));
        assertEquals(Duration.ofSeconds(2), base.withIdleThreadTimeout(Duration.ofSeconds(2)).idleThreadTimeout());
    }

    @Test
    void withMethods_returnNewConfigsAndLeaveTheOriginalUnchanged() {
        RuntimeConfig base = RuntimeConfig.fromEnvironment(Map.of("GOMAXPROCS", "2"), Map.of());
        RuntimeConfig changed = base.withMaxProcs(4).withBackend("java").withMaxThreads(50)
                .withSchedTrace(10, true).withDeadlockGrace(Duration.ofSeconds(5)).withIdleThreadTimeout(Duration.ofSeconds(7));
        assertNotSame(base, changed);
        assertEquals(2, base.maxProcs());
        assertEquals("auto", base.backend());
        assertEquals(RuntimeConfig.DEFAULT_MAX_THREADS, base.maxThreads());
        assertEquals(0, base.schedTraceMillis());
        assertEquals(RuntimeConfig.DEFAULT_DEADLOCK_GRACE, base.deadlockGrace());

        assertEquals(4, changed.maxProcs());
        assertEquals("java", changed.backend());
        assertEquals(50, changed.maxThreads());
        assertEquals(10, changed.schedTraceMillis());
        assertTrue(changed.schedDetail());
        assertEquals(Duration.ofSeconds(5), changed.deadlockGrace());
        assertEquals(Duration.ofSeconds(7), changed.idleThreadTimeout());
        assertTrue(changed.toString().contains("maxProcs=4"), changed.toString());
    }
}
