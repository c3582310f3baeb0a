package dev.vecrnn.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tagged sentence: a word and a label per token, and the line each token came from (for error
 * messages at encoding time; 0 when unknown). The arrays are held as given, not copied.
 *
 * @param words  the words, length T ≥ 1
 * @param labels the labels, length T
 * @param lines  the 1-based source line of each token, length T (0 = unknown)
 */
public record TaggedSentence(String[] words, String[] labels, int[] lines) {

    public TaggedSentence {
        Objects.requireNonNull(words, "words");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(lines, "lines");
        if (words.length != labels.length || words.length != lines.length) {
            throw new IllegalArgumentException("words, labels and lines differ in length: "
                    + words.length + ", " + labels.length + ", " + lines.length);
        }
        if (words.length == 0) {
            throw new IllegalArgumentException("a sentence has at least one token");
        }
    }

    /** A sentence with no line information. */
    public TaggedSentence(String[] words, String[] labels) {
        this(words, labels, new int[words.length]);
    }

    /** Number of tokens. */
    public int length() {
        return words.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaggedSentence s && Arrays.equals(words, s.words)
                && Arrays.equals(labels, s.labels) && Arrays.equals(lines, s.lines);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(words) + Arrays.hashCode(labels)) + Arrays.hashCode(lines);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TaggedSentence[");
        for (int i = 0; i < words.length; i++) {
            sb.append(i == 0 ? "" : " ").append(words[i]).append('/').append(labels[i]);
        }
        return sb.append(']').toString();
    }
}
