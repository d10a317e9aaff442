package dev.jgort.core.api;

import dev.jgort.api.GoRuntime;
import dev.jgort.api.RuntimeConfig;
import dev.jgort.chan.Chan;
import dev.jgort.chan.Select;
import dev.jgort.chan.Timer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The channel example of README.md, kept compiling and true (the timeout case must not win). */
class ReadmeExampleTest {

    @Test
    void readmeChannelExampleReceivesTheLength() throws InterruptedException {
        List<Object> printed = new ArrayList<>();
        int chosen;
        try (GoRuntime rt = GoRuntime.start(RuntimeConfig.defaults().withMaxProcs(2))) {
            Chan<String> jobs = Chan.make(16);
            Chan<Integer> lengths = Chan.make();
            rt.go(() -> {
                try {
                    for (String job : jobs) lengths.send(job.length());
                    lengths.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            jobs.send("hello");
            jobs.close();
            chosen = new Select()
                    .recv(lengths, printed::add)
                    .recv(Timer.after(Duration.ofMinutes(1)), t -> printed.add("timeout"))
                    .select();
        }
        assertEquals(0, chosen);
        assertEquals(List.of(5), printed);
    }
}
