package dev.jgort.api;

/** A stopped world ({@link GoRuntime#stopTheWorld(String)}); {@link #close()} starts it again. */
public interface WorldStop extends AutoCloseable {

    /** Why the world was stopped. */
    String reason();

    /** Starts the world again ({@code startTheWorld}); later calls do nothing. */
    @Override
    void close();
}
