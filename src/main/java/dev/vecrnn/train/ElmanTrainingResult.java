package dev.vecrnn.train;

import dev.vecrnn.nn.ElmanTagger;
import java.util.List;

/**
 * The outcome of {@link ElmanTrainer#train}.
 *
 * @param model        the trained tagger, holding the best-on-dev parameters
 * @param bestEpoch    the epoch whose parameters the model holds (−1 when no epoch ran)
 * @param bestDev      dev evaluation at the best epoch (null when no epoch ran)
 * @param testAtBest   test evaluation at the best epoch (null without a test set or epoch)
 * @param history      one report per epoch run
 * @param learningRate the learning rate when training stopped
 */
public record ElmanTrainingResult(ElmanTagger model, int bestEpoch, ChunkEval.Result bestDev,
                                  ChunkEval.Result testAtBest, List<EpochReport> history, double learningRate) {
    public ElmanTrainingResult {
        history = List.copyOf(history);
    }

    /** Number of epochs run. */
    public int epochsRun() {
        return history.size();
    }
}
