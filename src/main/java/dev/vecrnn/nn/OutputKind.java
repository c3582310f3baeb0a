package dev.vecrnn.nn;

import java.util.Locale;

/**
 * The output layer of a language model: the full softmax, a hierarchical softmax over a
 * {@link HuffmanTree} ({@link HierarchicalSoftmax}), or a class-factored softmax over
 * {@link WordClasses} ({@link ClassSoftmax}). The {@link #id()} is what the command line's
 * {@code --output} and the model files say.
 */
public enum OutputKind {
    FULL("full"), HIERARCHICAL("hs"), CLASS("class");

    private final String id;

    OutputKind(String id) {
        this.id = id;
    }

    /** {@code full}, {@code hs} or {@code class}. */
    public String id() {
        return id;
    }

    /** The kind whose {@link #id()} is {@code s} (case-insensitive). */
    public static OutputKind parse(String s) {
        for (OutputKind k : values()) {
            if (k.id.equals(s == null ? null : s.toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown output '" + s + "' (full, hs or class)");
    }

    /** The kind of an output structure (null: the full softmax). */
    public static OutputKind of(OutputStructure structure) {
        return structure == null ? FULL : structure.kind();
    }
}
