package dev.jgort.core.trace;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.jgort.core.trace.HandBuiltTrace.SYSCALLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The viewer's page in a real browser (headless Chromium over the DevTools protocol): what a user sees
 * of the hand-built sample trace (2 Ps, four goroutines, a syscall, a GC) and what a click shows.
 * With the environment variable {@code JGORT_VIEWER_SCREENSHOTS=DIR} it also leaves its screenshots in DIR.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TraceViewerBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void timelineShowsTheSlicesAndAClickShowsTheGoroutine(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(HeadlessChromium.BINARY), HeadlessChromium.MISSING);
        Path page = dir.resolve("sample.html");
        Files.writeString(page, TraceViewer.html(TraceReader.read(HandBuiltTrace.sample()), "sample.trace"),
                StandardCharsets.UTF_8);
        long started = System.nanoTime();
        try (HeadlessChromium browser = HeadlessChromium.start(dir, WAIT)) {
            browser.send("Emulation.setDeviceMetricsOverride",
                    "{\"width\":1200,\"height\":700,\"deviceScaleFactor\":1,\"mobile\":false}");
            browser.send("Page.navigate", "{\"url\":" + JsonParser.quote(page.toUri().toString()) + "}");
            browser.poll("document.readyState === 'complete' && !!window.jgortViewer && window.jgortViewer.ready", WAIT);

            // The timeline is drawn: goroutine 5's slice on P0 (the widest of its two) is in its colour.
            Map<?, ?> rect = rect(browser, SYSCALLER);
            double x = num(rect, "x"), y = num(rect, "y"), w = num(rect, "w"), h = num(rect, "h");
            assertTrue(w > 200 && h > 10, "goroutine 5's 5 µs of a 12.6 µs trace, on 1200 px: " + rect);
            int color = Integer.parseInt(((String) browser.evaluate("window.jgortViewer.colorOf(5)")).substring(1), 16);
            BufferedImage shot = browser.screenshot();
            int inColor = 0, total = 0;
            for (int px = (int) x + 1; px < x + w - 1; px++) {
                for (int py = (int) y + 1; py < y + h - 1; py++) {
                    total++;
                    if ((shot.getRGB(px, py) & 0xffffff) == color) inColor++;
                }
            }
            assertTrue(inColor > total * 8 / 10, inColor + " of " + total + " pixels of the slice in #"
                    + Integer.toHexString(color) + " (the label takes a few)");
            // ... and so are the other goroutines' slices: the timeline area holds each of their colours
            Set<Integer> seen = new HashSet<>();
            int timelineBottom = (int) (y + 6 * h);
            for (int px = 100; px < shot.getWidth(); px++) {
                for (int py = 40; py < Math.min(timelineBottom, shot.getHeight()); py++) seen.add(shot.getRGB(px, py) & 0xffffff);
            }
            for (long g : List.of(1L, 5L, 6L)) {
                String c = (String) browser.evaluate("window.jgortViewer.colorOf(" + g + ")");
                assertTrue(seen.contains(Integer.parseInt(c.substring(1), 16)), "goroutine " + g + "'s colour " + c + " drawn");
            }

            // A click on the slice shows goroutine 5, the slice, its events and the stack it started with.
            browser.click(x + w / 2, y + h / 2);
            String details = (String) browser.poll("(() => { const t = document.getElementById('details').innerText;"
                    + " return t.includes('Goroutine 5') ? t : null; })()", WAIT);
            keep(shot, "timeline");
            keep(browser.screenshot(), "clicked");
            for (String want : List.of("Goroutine 5 running on P0", "2.6 µs → 7.6 µs  (5 µs)",
                    "started by: 2600 GoStart p=0 g=5", "ended by:   7600 GoSysBlock p=0 g=5",
                    "Events of goroutine 5 (7):", "GoCreate p=0 g=1", "GoSysCall p=0 g=5", "GoSysExit p=1000003 g=5",
                    "12500 GoEnd p=1 g=5", "main.worker\n      /src/app/main.go:20",
                    "Created by goroutine 1 at:\n  main.main\n      /src/app/main.go:12")) {
                assertTrue(details.contains(want), "details show \"" + want + "\":\n" + details);
            }

            // The goroutine analysis: goroutines grouped by start function, busiest first; opened, a
            // group shows each goroutine's times.
            String groups = (String) browser.evaluate("[...document.querySelectorAll('#goroutines summary')]"
                    + ".map(s => s.textContent).join('|')");
            assertEquals("main.worker \u2014 2 goroutines, execution 10.2 µs|main.main \u2014 1 goroutine, execution 6.8 µs", groups);
            String row = (String) browser.evaluate("(() => { document.querySelector('#goroutines details').open = true;"
                    + " return [...document.querySelector('#goroutines tr:nth-child(2)').children].map(c => c.textContent).join(' '); })()");
            assertEquals("5 11 µs 5.8 µs 2.3 µs 0 ns 0 ns 2.9 µs 500 ns", row, "goroutine 5's row: total, execution, waits");
            keep(browser.screenshot(), "analysis");

            // The wheel zooms in around the mouse: the slice gets wider.
            browser.wheel(x + w / 2, y + h / 2, -400);
            double wider = num(rect(browser, SYSCALLER), "w");
            assertTrue(wider > w * 1.5, "zoomed in: " + w + " -> " + wider);
            browser.evaluate("document.getElementById('fit').click()");
            assertTrue(Math.abs(num(rect(browser, SYSCALLER), "w") - w) < 1, "fit shows the whole trace again");
        } finally {
            System.out.printf("TraceViewerBrowserTest: chromium session took %d ms%n",
                    (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** Writes a screenshot into the directory named by JGORT_VIEWER_SCREENSHOTS, if set, for a person to look at. */
    private static void keep(BufferedImage shot, String name) throws IOException {
        String dir = System.getenv("JGORT_VIEWER_SCREENSHOTS");
        if (dir != null) ImageIO.write(shot, "png", Files.createDirectories(Path.of(dir)).resolve(name + ".png").toFile());
    }

    private static Map<?, ?> rect(HeadlessChromium browser, long g) throws Exception {
        Object r = JsonParser.parse((String) browser.evaluate("JSON.stringify(window.jgortViewer.sliceRect(" + g + "))"));
        assertTrue(r instanceof Map, "goroutine " + g + " has a visible slice: " + r);
        return (Map<?, ?>) r;
    }

    private static double num(Map<?, ?> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }
}
