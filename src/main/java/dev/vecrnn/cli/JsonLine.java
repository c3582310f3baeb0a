package dev.vecrnn.cli;

/**
 * One JSON object on one line, written by hand (no library): fields in the order added, strings
 * escaped (quote, backslash and every control character), numbers as {@link Double#toString} gives
 * them (the shortest text that reads back as the same double, so no digit is lost), NaN and
 * infinities as {@code null}.
 */
final class JsonLine {
    private final StringBuilder sb = new StringBuilder("{");

    private JsonLine key(String name) {
        if (sb.length() > 1) {
            sb.append(',');
        }
        string(sb, name);
        sb.append(':');
        return this;
    }

    JsonLine add(String name, String value) {
        key(name);
        if (value == null) {
            sb.append("null");
        } else {
            string(sb, value);
        }
        return this;
    }

    JsonLine add(String name, long value) {
        key(name).sb.append(value);
        return this;
    }

    JsonLine add(String name, double value) {
        key(name).sb.append(number(value));
        return this;
    }

    /** A number, or {@code null} when {@code value} is null. */
    JsonLine add(String name, Double value) {
        key(name).sb.append(value == null ? "null" : number(value));
        return this;
    }

    JsonLine add(String name, boolean value) {
        key(name).sb.append(value);
        return this;
    }

    @Override
    public String toString() {
        return sb + "}";
    }

    /** A JSON number for {@code v}: {@code null} for NaN and the infinities (JSON has none). */
    static String number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "null";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15 && Double.doubleToRawLongBits(v) != Long.MIN_VALUE) {
            return Long.toString((long) v); // 100, not 100.0 (−0.0 keeps its sign below)
        }
        return Double.toString(v); // e.g. 0.1, 1.0E-5: both valid JSON
    }

    /** Appends {@code s} as a JSON string literal. */
    static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
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
