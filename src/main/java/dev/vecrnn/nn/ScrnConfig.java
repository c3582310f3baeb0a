package dev.vecrnn.nn;

/**
 * The sizes and options of an SCRN (SPEC §2).
 *
 * @param inputSize   nin: the input width, or the vocabulary size for word-id input
 * @param hiddenSize  nh sigmoid hidden units
 * @param contextSize ns context (state) units
 * @param outputSize  nout outputs
 * @param rateMode    how the context units mix (see {@link RateMode})
 * @param alpha       the {@link RateMode#FIXED} mode's α (r = 1 − α); ignored by the other modes
 * @param activation  the output activation g
 */
public record ScrnConfig(int inputSize, int hiddenSize, int contextSize, int outputSize, RateMode rateMode,
                         float alpha, OutputActivation activation) {
    /** The paper's α for the fixed rate mode. */
    public static final float PAPER_ALPHA = 0.95f;

    public ScrnConfig {
        if (inputSize < 1 || hiddenSize < 1 || contextSize < 1 || outputSize < 1) {
            throw new IllegalArgumentException("SCRN sizes must be >= 1: inputSize " + inputSize + ", hiddenSize "
                    + hiddenSize + ", contextSize " + contextSize + ", outputSize " + outputSize);
        }
        if (rateMode == null || activation == null) {
            throw new IllegalArgumentException("rateMode and activation must not be null");
        }
        if (!(alpha >= 0f && alpha < 1f)) {
            throw new IllegalArgumentException("alpha must be in [0, 1), got " + alpha);
        }
        long out = (long) (hiddenSize + contextSize) * outputSize;
        long in = (long) inputSize * Math.max(hiddenSize, contextSize);
        if (out > Integer.MAX_VALUE - 8 || in > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("SCRN of " + inputSize + " inputs, " + hiddenSize + " + " + contextSize
                    + " units and " + outputSize + " outputs is too large");
        }
    }

    /** A language model over V words: word-id input, softmax over V, the given sizes and rate mode (α = 0.95). */
    public static ScrnConfig languageModel(int vocabularySize, int hiddenSize, int contextSize, RateMode rateMode) {
        return new ScrnConfig(vocabularySize, hiddenSize, contextSize, vocabularySize, rateMode, PAPER_ALPHA,
                OutputActivation.SOFTMAX);
    }
}
