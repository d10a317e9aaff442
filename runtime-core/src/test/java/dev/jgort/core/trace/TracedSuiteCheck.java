package dev.jgort.core.trace;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The second half of running the runtime-core suite with tracing on (runtime-core's pom: the
 * {@code traced} execution runs every test with {@code -Djgort.trace.dir}, so each runtime traces
 * itself from start to close): every complete trace it left must be accepted by Go's own parser.
 * Runs only in the {@code traced-check} execution ({@code -Djgort.trace.check=DIR}).
 */
@Timeout(value = 900, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TracedSuiteCheck {
    /** Go's parser holds a whole trace in memory: bigger ones (the million-goroutine tests') are counted, not parsed. */
    private static final long MAX_BYTES = 24L << 20;

    @Test
    void everyTraceOfTheTracedSuiteParses() throws Exception {
        String dir = System.getProperty("jgort.trace.check");
        Assumptions.assumeTrue(dir != null, "only in runtime-core's traced-check execution");
        Path go = GoToolTrace.go();
        Assumptions.assumeTrue(go != null, GoToolTrace.MISSING);
        List<Path> traces;
        try (Stream<Path> s = Files.list(Path.of(dir))) {
            traces = s.filter(p -> p.getFileName().toString().endsWith(".trace")).sorted().toList();
        }
        assertFalse(traces.isEmpty(), "the traced execution left no trace in " + dir);
        List<String> failures = new ArrayList<>();
        int parsed = 0, big = 0;
        for (Path t : traces) {
            if (Files.size(t) > MAX_BYTES) {
                big++;
                continue;
            }
            try {
                GoToolTrace.parse(go, t);
                parsed++;
            } catch (java.io.IOException e) {
                failures.add(t.getFileName() + ": " + e.getMessage());
            }
        }
        System.out.println("jgort: go tool trace parsed " + parsed + " traces of the traced suite; " + big
                + " over " + (MAX_BYTES >> 20) + " MB not parsed");
        assertEquals(List.of(), failures, "traces Go's parser refused");
    }
}
