package dev.jgort.core.trace;

/**
 * One frame of a stack in a trace's stack table ({@code EvStack}): the program counter as written
 * (jgort writes 0 where it has none) and the function, file and line, resolved through the string table
 * (an id the table lacks resolves to {@code ""}, as Go's parser does).
 */
public record Frame(long pc, String func, String file, int line) {
    @Override
    public String toString() {
        return func + " " + file + ":" + line;
    }
}
