package dev.vecrnn.train;

import dev.vecrnn.nn.LanguageModel;
import java.util.List;

/**
 * The outcome of {@link LanguageModelTrainer#train}.
 *
 * @param model               the trained model, holding the kept parameters (the last epoch that
 *                            improved validation perplexity)
 * @param bestEpoch           the epoch whose parameters the model holds (−1 when no epoch ran)
 * @param bestValidPerplexity validation perplexity of those parameters (NaN when no epoch ran)
 * @param testPerplexity      test perplexity with the final parameters (NaN without a test stream)
 * @param history             one report per epoch run
 * @param learningRate        the learning rate when training stopped
 */
public record LanguageModelTrainingResult(LanguageModel model, int bestEpoch, double bestValidPerplexity,
                                          double testPerplexity, List<LanguageModelEpochReport> history,
                                          double learningRate) {
    public LanguageModelTrainingResult {
        history = List.copyOf(history);
    }

    /** Number of epochs run. */
    public int epochsRun() {
        return history.size();
    }
}
