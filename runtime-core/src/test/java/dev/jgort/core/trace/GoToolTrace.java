package dev.jgort.core.trace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Go's own parser of a trace: {@code go tool trace -d FILE} of Go 1.19, where it is installed. */
final class GoToolTrace {
    private GoToolTrace() {}

    /** Go 1.19's go command, or null (then tests that need it are skipped, naming the package). */
    static Path go() {
        String env = System.getenv("JGORT_GO");
        for (String c : new String[] {env, "/usr/lib/go-1.19/bin/go"}) {
            if (c != null && Files.isExecutable(Path.of(c))) return Path.of(c);
        }
        return null;
    }

    /** What to install when {@link #go()} is null. */
    static final String MISSING = "Go 1.19 is not installed (apt-get install golang-1.19-go): go tool trace is not run";

    /** The output of {@code go tool trace -d trace} (Go's parsed event list); throws with Go's error if it fails. */
    static List<String> parse(Path go, Path trace) throws IOException, InterruptedException {
        Path cache = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "jgort-gocache"));
        ProcessBuilder pb = new ProcessBuilder(go.toString(), "tool", "trace", "-d", trace.toString())
                .redirectErrorStream(true);
        pb.environment().put("GOCACHE", cache.toString());
        pb.environment().put("GOFLAGS", "-mod=mod");
        pb.environment().put("GOTOOLCHAIN", "local");
        Process p = pb.start();
        List<String> lines = new ArrayList<>();
        try (var r = p.inputReader(StandardCharsets.UTF_8)) {
            for (String l; (l = r.readLine()) != null; ) lines.add(l);
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("go tool trace -d " + trace + " did not finish in 120 s");
        }
        if (p.exitValue() != 0) {
            throw new IOException("go tool trace -d " + trace + " failed (" + p.exitValue() + "): "
                    + String.join("\n", lines.subList(0, Math.min(lines.size(), 20))));
        }
        return lines;
    }
}
