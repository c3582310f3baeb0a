package dev.vecrnn.flink;

/** The surprisal of one word given a language model's logits. */
public final class Surprisal {
    private Surprisal() {
    }

    /**
     * −ln softmax(logits)[word] = ln Σ_j exp(L_j − max) + max − L_word over logits[0, n), in double
     * (the max subtracted first, so no term overflows; summed in index order).
     *
     * @throws IllegalArgumentException for a word outside [0, n) or n larger than the array
     */
    public static double of(float[] logits, int n, int word) {
        if (n < 1 || n > logits.length || word < 0 || word >= n) {
            throw new IllegalArgumentException("word " + word + " outside [0, " + n + ") or n > " + logits.length);
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, logits[j]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += Math.exp(logits[j] - max);
        }
        return Math.log(sum) + max - logits[word];
    }
}
