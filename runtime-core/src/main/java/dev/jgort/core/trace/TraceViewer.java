package dev.jgort.core.trace;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * jgort's execution-trace viewer: {@code TraceViewer FILE [OUT.html]} reads a Go 1.19 trace
 * ({@link TraceReader}) and writes one self-contained HTML page (no network: its script, style and the
 * trace's model are inline) with a timeline of the trace: a row per P with each goroutine's running
 * slices, rows for GC, stop-the-world and blocking syscalls, zoomable and pannable, and the details of
 * a slice (its goroutine, times, start and end events and stacks, the goroutine's events) on a click.
 * With no {@code OUT.html} it serves the page on 127.0.0.1 at a free port until stopped, and prints the URL.
 * {@code ./jgort trace FILE [OUT.html]} runs it.
 */
public final class TraceViewer {
    private TraceViewer() {}

    private static final String MODEL_MARK = "@MODEL@";
    private static final String TITLE_MARK = "@TITLE@";

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2 || args[0].startsWith("-")) {
            System.err.println("usage: TraceViewer FILE [OUT.html]   (FILE: a Go 1.19 execution trace; "
                    + "without OUT.html the page is served on 127.0.0.1)");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        Trace trace;
        try (InputStream in = Files.newInputStream(file)) {
            trace = TraceReader.read(in);
        } catch (TraceException e) {
            System.err.println("trace: " + file + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        String page = html(trace, file.getFileName().toString());
        if (args.length == 2) {
            Path out = Path.of(args[1]);
            Files.writeString(out, page, StandardCharsets.UTF_8);
            System.out.println("wrote " + out + " (" + trace.events().size() + " events)");
        } else {
            HttpServer server = serve(page); // its dispatcher thread keeps the JVM running
            System.out.println("trace viewer at http://127.0.0.1:" + server.getAddress().getPort() + "/ (Ctrl-C stops it)");
        }
    }

    /** The page for {@code trace}, titled with {@code name} (a file name). */
    public static String html(Trace trace, String name) {
        String template;
        try (InputStream in = TraceViewer.class.getResourceAsStream("viewer.html")) {
            if (in == null) throw new IllegalStateException("viewer.html is missing from the class path");
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String json = ViewerModel.json(trace, name); // "<" escaped: it cannot close the script element
        int model = template.indexOf(MODEL_MARK);
        String page = template.substring(0, model) + json + template.substring(model + MODEL_MARK.length());
        return page.replace(TITLE_MARK, escapeHtml("jgort trace: " + name));
    }

    private static String escapeHtml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Serves {@code page} at http://127.0.0.1:PORT/ on a free port (the server's address says which). */
    static HttpServer serve(String page) throws IOException {
        byte[] body = page.getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                if (!exchange.getRequestURI().getPath().equals("/")) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        return server;
    }
}
