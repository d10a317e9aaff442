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
 * itself from start to close): every complete trace it left must be accepted by jgort's own reader
 * ({@link TraceReader}, Go 1.19's parser's checks, no Go needed) and by Go's own parser where Go is
 * installed. Runs only in the {@code traced-check} execution ({@code -Djgort.trace.check=DIR}).
 */
@Timeout(value = 900, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TracedSuiteCheck {
    /** Go's parser holds a whole trace in memory: bigger ones (the million-goroutine tests') are counted, not parsed. */
    private static final long MAX_BYTES = 24L << 20;

    @Test
    void everyTraceOfTheTracedSuiteParses() throws Exception {
        String dir = System.getProperty("jgort.trace.check");
        Assumptions.assumeTrue(dir != null, "only in runtime-core's traced-check execution");
        List<Path> traces;
        try (Stream<Path> s = Files.list(Path.of(dir))) {
            traces = s.filter(p -> p.getFileName().toString().endsWith(".trace")).sorted().toList();
        }
        assertFalse(traces.isEmpty(), "the traced execution left no trace in " + dir);
        Path go = GoToolTrace.go();
        if (go == null) System.out.println("jgort: " + GoToolTrace.MISSING + "; only jgort's own reader checks the traces");
        List<String> failures = new ArrayList<>();
        int read = 0, parsed = 0, big = 0;
        long events = 0;
        for (Path t : traces) {
            if (Files.size(t) > MAX_BYTES) {
                big++;
                continue;
            }
            try {
                events += TraceReader.read(Files.readAllBytes(t)).events().size();
                read++;
            } catch (TraceException e) {
                failures.add(t.getFileName() + " (jgort's reader): " + e.getMessage());
            }
            if (go == null) continue;
            try {
                GoToolTrace.parse(go, t);
                parsed++;
            } catch (java.io.IOException e) {
                failures.add(t.getFileName() + " (go tool trace): " + e.getMessage());
            }
        }
        System.out.println("jgort: its own reader read " + read + " traces of the traced suite (" + events
                + " events), go tool trace parsed " + parsed + "; " + big + " over " + (MAX_BYTES >> 20) + " MB not read");
        assertEquals(List.of(), failures, "traces refused");
    }
}
