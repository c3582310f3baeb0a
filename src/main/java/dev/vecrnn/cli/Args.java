package dev.vecrnn.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options of one command: {@code --name value} and {@code --flag}, checked against the names
 * the command declares. Every problem is a {@link Main.UsageException} naming the option.
 */
final class Args {
    private final String command;
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flags = new LinkedHashSet<>();

    /**
     * @param valued the options that take a value
     * @param bare   the options that take none
     */
    Args(String command, String[] args, List<String> valued, List<String> bare) {
        this.command = command;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String inline = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                inline = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            if (valued.contains(a)) {
                String v = inline;
                if (v == null) {
                    if (i + 1 >= args.length) {
                        throw usage(a + " needs a value");
                    }
                    v = args[++i];
                }
                if (values.put(a, v) != null) {
                    throw usage(a + " given twice");
                }
            } else if (bare.contains(a) && inline == null) {
                flags.add(a);
            } else if (bare.contains(a)) {
                throw usage(a + " takes no value");
            } else {
                throw usage("unknown option '" + args[i] + "'");
            }
        }
    }

    Main.UsageException usage(String message) {
        return new Main.UsageException(command + ": " + message);
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    Path path(String name) {
        String v = values.get(name);
        if (v == null) {
            return null;
        }
        if (v.isBlank()) {
            throw usage(name + " needs a file name, got an empty one");
        }
        return Path.of(v);
    }

    /** A whole number in [min, max]. */
    int integer(String name, int fallback, int min, int max) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw usage(name + " takes a whole number" + range(min, max) + ", not '" + v + "'");
    }

    long longValue(String name, long fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw usage(name + " takes a whole number, not '" + v + "'");
        }
    }

    /** A finite number > 0. */
    double positive(String name, double fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v.trim());
            if (d > 0 && Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw usage(name + " takes a number > 0, not '" + v + "'");
    }

    /** An odd whole number ≥ 1 (a context window). */
    int odd(String name, int fallback) {
        int n = integer(name, fallback, 1, 99);
        if (n % 2 == 0) {
            throw usage(name + " takes an odd number (the window is centred on the word), not " + n);
        }
        return n;
    }

    private static String range(int min, int max) {
        if (max == Integer.MAX_VALUE) {
            return " >= " + min;
        }
        return " from " + min + " to " + max;
    }
}
