package dev.jgort.core.trace;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A minimal JSON writer into a StringBuilder, for the viewer's model. Commas come by themselves. Strings
 * are escaped so that the text can sit inside an HTML {@code <script>} element: besides quotes,
 * backslashes and control characters, {@code <}, {@code >} and {@code &} are written as {@code \\u} escapes
 * (no {@code </script>} or {@code <!--} can appear), and so are U+2028 and U+2029. Integers beyond
 * JavaScript's exact range (2^53) are written as strings of their unsigned value.
 */
final class JsonWriter {
    private static final long MAX_EXACT = 1L << 53;

    private final StringBuilder out;
    /** Per open array or object: whether it has no element yet. */
    private final Deque<Boolean> empty = new ArrayDeque<>();
    private boolean afterName;

    JsonWriter(StringBuilder out) {
        this.out = out;
    }

    JsonWriter beginObject() {
        separate();
        out.append('{');
        empty.push(true);
        return this;
    }

    JsonWriter endObject() {
        empty.pop();
        out.append('}');
        return this;
    }

    JsonWriter beginArray() {
        separate();
        out.append('[');
        empty.push(true);
        return this;
    }

    JsonWriter endArray() {
        empty.pop();
        out.append(']');
        return this;
    }

    /** The name of the next member of the open object. */
    JsonWriter name(String name) {
        separate();
        string(name);
        out.append(':');
        afterName = true;
        return this;
    }

    /** An unsigned integer (an id, an argument): a number up to 2^53, a string of its unsigned value past it. */
    JsonWriter value(long v) {
        separate();
        if (v >= 0 && v <= MAX_EXACT) out.append(v);
        else string(Long.toUnsignedString(v));
        return this;
    }

    /** A signed integer (a P id may be -1). */
    JsonWriter signed(long v) {
        separate();
        if (Math.abs(v) <= MAX_EXACT) out.append(v);
        else string(Long.toString(v));
        return this;
    }

    JsonWriter value(String s) {
        separate();
        string(s);
        return this;
    }

    private void separate() {
        if (afterName) {
            afterName = false;
            return;
        }
        if (!empty.isEmpty()) {
            if (!empty.peek()) out.append(',');
            else {
                empty.pop();
                empty.push(false);
            }
        }
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
