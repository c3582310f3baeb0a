package dev.vecrnn.nn;

/**
 * Sizes of an Elman tagger (SPEC §1, the RNNSLU model).
 *
 * @param vocabularySize ne, words in the vocabulary (ids 0..ne−1; row ne of {@code emb} is the padding word)
 * @param numLabels      nc, the number of labels (softmax classes)
 * @param embeddingDim   de, the width of a word embedding
 * @param windowSize     cs, the context window (odd, ≥ 1), centred on the word
 * @param hiddenSize     nh, the number of sigmoid hidden units
 */
public record ElmanConfig(int vocabularySize, int numLabels, int embeddingDim, int windowSize, int hiddenSize) {
    /** The tutorial's sizes for a given vocabulary and label set: de = 50, cs = 7, nh = 200. */
    public static ElmanConfig tutorial(int vocabularySize, int numLabels) {
        return new ElmanConfig(vocabularySize, numLabels, 50, 7, 200);
    }

    public ElmanConfig {
        positive("vocabularySize (ne)", vocabularySize);
        positive("numLabels (nc)", numLabels);
        positive("embeddingDim (de)", embeddingDim);
        positive("windowSize (cs)", windowSize);
        positive("hiddenSize (nh)", hiddenSize);
        if (windowSize % 2 == 0) {
            throw new IllegalArgumentException("windowSize (cs) must be odd, got " + windowSize);
        }
        if (vocabularySize == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("vocabularySize (ne) too large: " + vocabularySize);
        }
        if ((long) (vocabularySize + 1) * embeddingDim > Integer.MAX_VALUE - 8
                || (long) embeddingDim * windowSize * hiddenSize > Integer.MAX_VALUE - 8
                || (long) hiddenSize * hiddenSize > Integer.MAX_VALUE - 8
                || (long) hiddenSize * numLabels > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("sizes too large for float[] parameters: " + this);
        }
    }

    /** de·cs, the width of a context window's concatenated embeddings. */
    public int windowWidth() {
        return embeddingDim * windowSize;
    }

    /** (cs − 1)/2, the words of context on each side (and the streaming tagger's lag). */
    public int halfWindow() {
        return windowSize / 2;
    }

    private static void positive(String what, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(what + " must be >= 1, got " + v);
        }
    }
}
