package dev.vecrnn.data;

/**
 * A tagged corpus as ids: {@code words[s][t]} and {@code labels[s][t]} for sentence s, token t.
 * This is the form the model and the trainer take.
 *
 * @param source the display name of the file it came from
 * @param words  word ids per sentence
 * @param labels label ids per sentence, each row as long as the matching row of {@code words}
 */
public record EncodedCorpus(String source, int[][] words, int[][] labels) {

    public EncodedCorpus {
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
}
