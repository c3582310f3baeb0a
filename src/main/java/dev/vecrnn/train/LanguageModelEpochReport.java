package dev.vecrnn.train;

/**
 * What one language-model epoch did, passed to {@link LanguageModelTrainer}'s listener after it.
 *
 * @param epoch             0-based epoch number
 * @param trainLoss         mean NLL per predicted training token over the epoch, each segment measured
 *                          before its update (Σ NLL / Σ N)
 * @param validPerplexity   validation perplexity after the epoch, exp(Σ NLL / Σ N) over every predicted
 *                          token of the validation stream
 * @param learningRate      the learning rate used during this epoch
 * @param newBest           whether the epoch's parameters were kept
 * @param halved            whether lr was halved and the previous epoch's parameters restored after it
 * @param seconds           wall time of the epoch, validation included
 * @param trainTokens       training tokens predicted in the epoch (n − 1 of the training stream)
 * @param tokensPerSecond   training tokens per second of the updates (validation excluded)
 * @param clippedFraction   the fraction of the epoch's segments whose gradient norm was clipped
 */
public record LanguageModelEpochReport(int epoch, double trainLoss, double validPerplexity, double learningRate,
                                       boolean newBest, boolean halved, double seconds, long trainTokens,
                                       double tokensPerSecond, double clippedFraction) {
    /** exp(trainLoss): the perplexity of the training stream as seen during the epoch's updates. */
    public double trainPerplexity() {
        return Math.exp(trainLoss);
    }

    /** One line for a progress log. */
    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "epoch %d  loss %.4f  train ppl %.2f  valid ppl %.2f  lr %.6g  %.1fs  %.0f tok/s  clipped %.0f%%%s%s",
                epoch, trainLoss, trainPerplexity(), validPerplexity, learningRate, seconds, tokensPerSecond,
                100 * clippedFraction, newBest ? "  NEW BEST" : "", halved ? "  lr halved, previous epoch restored" : "");
    }
}
