package dev.vecrnn.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A tagged corpus as ids: {@code words[s][t]} and {@code labels[s][t]} for sentence s, token t.
 * This is the form the model and the trainer take.
 *
 * <p><b>Labels unseen in training.</b> With a vocabulary of {@code nc} labels (ids 0 … nc−1), a
 * dev/test label the training data never had is given the id {@code nc + k}, where
 * {@code unseenLabels.get(k)} is its string (k in order of first occurrence in this corpus). No model
 * output can be such an id (a tagger of nc labels guesses 0 … nc−1), so every such token is an error
 * in token accuracy, and a gold chunk it starts has a type the model cannot guess, as conlleval counts
 * it on the same file. Consumers that score gold against guesses name the ids with
 * {@link #labelNames(List)}; training data never has unseen labels (its labels define the set).
 *
 * @param source       the display name of the file it came from
 * @param words        word ids per sentence
 * @param labels       label ids per sentence, each row as long as the matching row of {@code words}
 * @param unseenLabels the gold labels absent from the training data, in id order from {@code nc}
 *                     (empty for training data and whenever every label is known; an unmodifiable copy
 *                     is kept)
 */
public record EncodedCorpus(String source, int[][] words, int[][] labels, List<String> unseenLabels) {

    public EncodedCorpus {
        Objects.requireNonNull(unseenLabels, "unseenLabels");
        unseenLabels = List.copyOf(unseenLabels);
        if (words.length != labels.length) {
            throw new IllegalArgumentException(words.length + " word rows but " + labels.length + " label rows");
        }
        for (int s = 0; s < words.length; s++) {
            if (words[s].length != labels[s].length) {
                throw new IllegalArgumentException("sentence " + s + ": " + words[s].length + " words but "
                        + labels[s].length + " labels");
            }
        }
    }

    /** A corpus whose labels are all known (no {@link #unseenLabels()}). */
    public EncodedCorpus(String source, int[][] words, int[][] labels) {
        this(source, words, labels, List.of());
    }

    /** Number of sentences. */
    public int size() {
        return words.length;
    }

    /** Total number of tokens. */
    public long tokenCount() {
        long n = 0;
        for (int[] w : words) {
            n += w.length;
        }
        return n;
    }

    /** Length of the longest sentence (0 when empty). */
    public int maxLength() {
        int m = 0;
        for (int[] w : words) {
            m = Math.max(m, w.length);
        }
        return m;
    }

    /**
     * The name of every label id this corpus can hold: {@code known} (the vocabulary's labels, ids
     * 0 … nc−1) followed by {@link #unseenLabels()} (ids nc …). This is what a
     * {@code ChunkEval} for this corpus's gold labels takes.
     */
    public List<String> labelNames(List<String> known) {
        if (unseenLabels.isEmpty()) {
            return known;
        }
        List<String> all = new ArrayList<>(known.size() + unseenLabels.size());
        all.addAll(known);
        all.addAll(unseenLabels);
        return Collections.unmodifiableList(all);
    }

    /**
     * How many tokens carry each unseen label, in {@link #unseenLabels()} order (empty when there is
     * none).
     *
     * @param knownLabels the vocabulary's label count nc: ids from it on are unseen labels
     */
    public Map<String, Long> unseenLabelCounts(int knownLabels) {
        Map<String, Long> counts = new LinkedHashMap<>();
        if (unseenLabels.isEmpty()) {
            return counts;
        }
        long[] c = new long[unseenLabels.size()];
        for (int[] row : labels) {
            for (int id : row) {
                int k = id - knownLabels;
                if (k >= 0 && k < c.length) {
                    c[k]++;
                }
            }
        }
        for (int k = 0; k < c.length; k++) {
            counts.put(unseenLabels.get(k), c[k]);
        }
        return counts;
    }

    /** Number of tokens whose gold label is unseen in training (id ≥ {@code knownLabels}). */
    public long unseenLabelTokens(int knownLabels) {
        long n = 0;
        for (long c : unseenLabelCounts(knownLabels).values()) {
            n += c;
        }
        return n;
    }
}
