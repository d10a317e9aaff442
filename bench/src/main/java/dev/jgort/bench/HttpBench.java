package dev.jgort.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The driver of {@code bench/http-bench.sh} (issue 13): for every server, handler and connection
 * count, starts an {@link HttpBenchServer} JVM on jgort and one on the JDK's default scheduler, one
 * after the other, loads each with {@code wrk} on loopback (a warm-up run, then the measured one) and
 * prints requests/s and wrk's p50 / p99 latency side by side, with the jgort ÷ JDK throughput ratio.
 *
 * <pre>./jgort run dev.jgort.bench.HttpBench [seconds] [warmupSeconds] [servers] [handlers] [conns]</pre>
 * Defaults: 10 s measured after 5 s of warm-up; {@code jetty,jetty-vtp,httpserver}; {@code cpu,sleep};
 * {@code 16,256}. wrk runs with 2 threads; the servers get 2 Ps / carriers and a fixed 1 GB heap.
 */
public final class HttpBench {
    private HttpBench() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String[] servers = (args.length > 2 ? args[2] : "jetty,jetty-vtp,httpserver").split(",");
        String[] handlers = (args.length > 3 ? args[3] : "cpu,sleep").split(",");
        String[] conns = (args.length > 4 ? args[4] : "16,256").split(",");
        System.out.printf("HttpBench: wrk -t2, %d s measured after %d s warm-up; servers with 2 Ps / carriers%n", seconds, warmup);
        System.out.printf("%-11s %-6s %5s | %10s %8s %8s | %10s %8s %8s | %6s%n", "server", "hdlr", "conns",
                "jgort r/s", "p50 ms", "p99 ms", "jdk r/s", "p50 ms", "p99 ms", "ratio");
        List<String> notes = new ArrayList<>();
        for (String server : servers) {
            for (String handler : handlers) {
                for (String c : conns) {
                    Wrk j = run(server, "jgort", handler, Integer.parseInt(c), seconds, warmup, notes);
                    Wrk d = run(server, "jdk", handler, Integer.parseInt(c), seconds, warmup, notes);
                    System.out.printf(Locale.ROOT, "%-11s %-6s %5s | %10.0f %8.2f %8.2f | %10.0f %8.2f %8.2f | %6.2f%n",
                            server, handler, c, j.rps, j.p50ms, j.p99ms, d.rps, d.p50ms, d.p99ms, j.rps / d.rps);
                }
            }
        }
        for (String n : notes) System.out.println(n);
    }

    /** What one wrk run measured; {@code errors}: wrk's socket errors and non-2xx answers. */
    record Wrk(double rps, double p50ms, double p99ms, String errors) {}

    private static Wrk run(String server, String scheduler, String handler, int conns, int seconds, int warmup,
                           List<String> notes) throws Exception {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process p = new ProcessBuilder(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-Xms1g", "-Xmx1g", "-Djdk.virtualThreadScheduler.parallelism=2", "-Djdk.virtualThreadScheduler.maxPoolSize=256",
                "-Djgort.timers=" + System.getProperty("jgort.timers", "p"), // -Djgort.timers=jdk here compares with the JDK's timers
                "-cp", System.getProperty("java.class.path"), HttpBenchServer.class.getName(), server, scheduler, handler)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        try {
            String line = out.readLine();
            if (line == null || !line.startsWith("port ")) throw new IllegalStateException(server + " on " + scheduler + " did not start: " + line);
            String url = "http://127.0.0.1:" + line.substring(5).trim() + "/";
            wrk(url, conns, warmup);
            Wrk w = wrk(url, conns, seconds);
            OutputStream in = p.getOutputStream();
            in.close(); // the server reports and exits
            String report = out.readLine();
            notes.add(String.format("%s %s %s %d conns: %s%s", server, scheduler, handler, conns, report,
                    w.errors.isEmpty() ? "" : "; wrk: " + w.errors));
            if (!p.waitFor(60, TimeUnit.SECONDS)) throw new IllegalStateException(server + " on " + scheduler + " did not exit");
            return w;
        } finally {
            p.destroyForcibly();
        }
    }

    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern PCT = Pattern.compile("^\\s+(50|99)(?:\\.000)?%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);
    private static final Pattern ERRORS = Pattern.compile("^\\s*(Socket errors:.*|Non-2xx or 3xx responses:.*)$", Pattern.MULTILINE);

    private static Wrk wrk(String url, int conns, int seconds) throws IOException, InterruptedException {
        Process w = new ProcessBuilder("wrk", "-t2", "-c" + conns, "-d" + seconds + "s", "--latency", url)
                .redirectErrorStream(true).start();
        String text = new String(w.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (w.waitFor() != 0) throw new IllegalStateException("wrk failed: " + text);
        Matcher m = RPS.matcher(text);
        if (!m.find()) throw new IllegalStateException("no Requests/sec in wrk's output: " + text);
        double rps = Double.parseDouble(m.group(1));
        double p50 = Double.NaN, p99 = Double.NaN;
        Matcher pm = PCT.matcher(text);
        while (pm.find()) {
            double v = Double.parseDouble(pm.group(2));
            double ms = switch (pm.group(3)) {
                case "us" -> v / 1000;
                case "s" -> v * 1000;
                default -> v;
            };
            if (pm.group(1).equals("50")) p50 = ms; else p99 = ms;
        }
        StringBuilder errors = new StringBuilder();
        Matcher em = ERRORS.matcher(text);
        while (em.find()) errors.append(errors.isEmpty() ? "" : "; ").append(em.group(1).trim());
        return new Wrk(rps, p50, p99, errors.toString());
    }
}
