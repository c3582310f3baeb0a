package dev.vecrnn.train;

import java.util.Collection;
import java.util.Locale;

/**
 * The dev-set figure that picks the best epoch and drives the learning-rate schedule of
 * {@link ElmanTrainer} (SPEC §1): conlleval chunk F1 for BIO chunk labels, token accuracy for plain
 * tags such as parts of speech. Higher is better for both; both are always computed and reported.
 *
 * <p>{@link #AUTO} (the default) chooses from the training labels with {@link #forLabels}: F1 when
 * they look like chunk labels, accuracy otherwise.
 */
public enum TaggingMetric {
    /** Chosen from the training labels ({@link #forLabels}). */
    AUTO,
    /** conlleval chunk F1 ×100. */
    F1,
    /** Token accuracy ×100. */
    ACCURACY;

    /**
     * The metric for these training labels: {@link #F1} when every label is {@code O} or a chunk
     * label — a prefix {@code B-}, {@code I-} or {@code E-} followed by a non-empty type (IOB1, IOB2
     * and IOE, the schemes conlleval scores) — and at least one is a chunk label; {@link #ACCURACY}
     * otherwise (plain tags such as {@code NN}, {@code -LRB-}, IOBES's {@code S-}, or only {@code O}).
     */
    public static TaggingMetric forLabels(Collection<String> labels) {
        boolean chunk = false;
        for (String l : labels) {
            if (l.equals("O")) {
                continue;
            }
            boolean prefixed = l.length() > 2 && l.charAt(1) == '-'
                    && (l.charAt(0) == 'B' || l.charAt(0) == 'I' || l.charAt(0) == 'E');
            if (!prefixed) {
                return ACCURACY;
            }
            chunk = true;
        }
        return chunk ? F1 : ACCURACY;
    }

    /** This metric, or for {@link #AUTO} the one {@link #forLabels} chooses. */
    public TaggingMetric resolve(Collection<String> labels) {
        return this == AUTO ? forLabels(labels) : this;
    }

    /** The figure of an evaluation (×100); {@link #AUTO} must be resolved first. */
    public double of(ChunkEval.Result r) {
        return switch (this) {
            case F1 -> r.f1();
            case ACCURACY -> r.accuracy();
            case AUTO -> throw new IllegalStateException("resolve AUTO against the training labels first");
        };
    }

    /** The command-line name: {@code auto}, {@code f1}, {@code accuracy}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A name for messages: "F1", "token accuracy" (AUTO: "dev metric"). */
    public String displayName() {
        return switch (this) {
            case F1 -> "F1";
            case ACCURACY -> "token accuracy";
            case AUTO -> "metric";
        };
    }

    /** Parses a command-line name ({@link #cliName()}, case-insensitive; {@code acc} for accuracy). */
    public static TaggingMetric parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "auto" -> AUTO;
            case "f1" -> F1;
            case "accuracy", "acc" -> ACCURACY;
            default -> throw new IllegalArgumentException("unknown metric '" + name + "' (f1, accuracy or auto)");
        };
    }
}
