package dev.jgort.core.trace;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.jgort.core.trace.TraceFormat.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The viewer's page without a browser: self-contained, its model right and safely embedded. */
class TraceViewerTest {
    private static final Pattern MODEL = Pattern.compile(
            "<script type=\"application/json\" id=\"jgort-model\">(.*?)</script>", Pattern.DOTALL);

    /** The model JSON embedded in a page. */
    static Map<?, ?> model(String html) {
        Matcher m = MODEL.matcher(html);
        assertTrue(m.find(), "the page has its model");
        return (Map<?, ?>) JsonParser.parse(m.group(1));
    }

    @Test
    void pageIsSelfContained() throws Exception {
        String html = TraceViewer.html(TraceReader.read(HandBuiltTrace.sample()), "sample.trace");
        assertFalse(html.contains("@MODEL@") || html.contains("@TITLE@"), "markers replaced");
        assertTrue(html.contains("<title>jgort trace: sample.trace</title>"));
        // nothing loaded from elsewhere: no src/href attributes, no URL, no import
        for (String ref : List.of("src=", "href=", "http:", "https:", "//cdn", "import ", "@import", "url(")) {
            assertFalse(html.contains(ref), "the page refers to " + ref);
        }
        assertEquals(2, html.split("<script", -1).length - 1, "the model and the script, both inline");
    }

    @Test
    void modelHasTheRowsAndSlicesOfTheTrace() throws Exception {
        Trace trace = TraceReader.read(HandBuiltTrace.sample());
        Map<?, ?> model = model(TraceViewer.html(trace, "sample"));
        assertEquals(12_600L, model.get("duration"));
        assertEquals(trace.events().size(), ((List<?>) model.get("events")).size());
        List<?> rows = (List<?>) model.get("rows");
        List<Object> names = rows.stream().map(r -> (Object) ((Map<?, ?>) r).get("name")).toList();
        assertEquals(List.of("GC", "P0", "P1", "Syscalls", "No P"), names);
        // P0: goroutine 1 from 600 to its block at 2500, goroutine 5 from 2600 to its syscall block at 7600
        List<?> p0 = (List<?>) ((Map<?, ?>) rows.get(1)).get("items");
        assertEquals(2, p0.size());
        assertItem(trace, p0.get(0), 600, 2_500, HandBuiltTrace.MAIN, EV_GO_START, EV_GO_BLOCK_RECV);
        assertItem(trace, p0.get(1), 2_600, 7_600, HandBuiltTrace.SYSCALLER, EV_GO_START, EV_GO_SYSBLOCK);
        assertEquals(1, ((List<?>) ((Map<?, ?>) rows.get(1)).get("marks")).size(), "the syscall, marked on P0");
        List<?> p1 = (List<?>) ((Map<?, ?>) rows.get(2)).get("items");
        assertEquals(3, p1.size());
        assertItem(trace, p1.get(2), 11_700, 12_500, HandBuiltTrace.SYSCALLER, EV_GO_START, EV_GO_END);
        // the blocking syscall: from GoSysCall (7500) to its real exit (10500)
        List<?> sys = (List<?>) ((Map<?, ?>) rows.get(3)).get("items");
        assertItem(trace, sys.getFirst(), 7_500, 10_500, HandBuiltTrace.SYSCALLER, EV_GO_SYSCALL, EV_GO_SYSEXIT);
        // the goroutine analysis (GoroutineStatsTest checks the times): one entry per goroutine, by id
        List<?> gs = (List<?>) model.get("goroutines");
        assertEquals(List.of(HandBuiltTrace.MAIN, HandBuiltTrace.SYSCALLER, HandBuiltTrace.SENDER),
                gs.stream().map(g -> ((List<?>) g).get(0)).toList());
        assertEquals(List.of(5L, "main.worker", 1_500L, 2_600L, 12_500L, 5_800L, 2_300L, 0L, 0L, 2_900L, 500L, 11_000L), gs.get(1));
    }

    private static void assertItem(Trace trace, Object item, long start, long end, long g, int startType, int endType) {
        List<?> it = (List<?>) item;
        assertEquals(List.of(start, end, g), it.subList(0, 3), "start, end, goroutine of " + it);
        assertEquals(startType, trace.events().get(((Long) it.get(3)).intValue()).type());
        assertEquals(endType, trace.events().get(((Long) it.get(4)).intValue()).type());
    }

    @Test
    void scriptEndTagsInTheTraceStayInTheModel() throws Exception {
        String hostile = "main.</script><script>alert(1)</script><!--";
        byte[] bytes = new HandBuiltTrace().frequency(1_000_000_000L)
                .string(1, hostile).string(2, "a&b.go")
                .stack(1, 1, 2, 7)
                .batch(0, 100)
                .event(EV_GO_CREATE, 100, 1, 1, 1)
                .event(EV_PROC_START, 110, 1)
                .event(EV_GO_START_LOCAL, 120, 1)
                .event(EV_GO_END, 130)
                .bytes();
        String html = TraceViewer.html(TraceReader.read(bytes), "x</script>.trace");
        assertFalse(html.contains("alert(1)</script>"), "a string of the trace closed the script element");
        assertTrue(html.contains("<title>jgort trace: x&lt;/script&gt;.trace</title>"));
        Map<?, ?> model = model(html);
        List<?> frame = (List<?>) ((List<?>) ((Map<?, ?>) model.get("stacks")).get("1")).getFirst();
        assertEquals(List.of(hostile, "a&b.go", 7L), frame);
        assertEquals("x</script>.trace", model.get("name"));
    }

    @Test
    void servesThePageOnLoopback() throws Exception {
        String page = TraceViewer.html(TraceReader.read(HandBuiltTrace.sample()), "sample");
        HttpServer server = TraceViewer.serve(page);
        try (HttpClient http = HttpClient.newHttpClient()) {
            assertTrue(server.getAddress().getAddress().isLoopbackAddress(), "bound to " + server.getAddress());
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals(page, r.body());
            assertEquals("text/html; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
            assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(base + "/x")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void mainWritesThePage(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("sample.trace"), out = dir.resolve("sample.html");
        Files.write(trace, HandBuiltTrace.sample());
        TraceViewer.main(new String[] {trace.toString(), out.toString()});
        String html = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(23, ((List<?>) model(html).get("events")).size());
    }
}
