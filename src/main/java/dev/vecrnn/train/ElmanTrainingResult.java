package dev.vecrnn.train;

import dev.vecrnn.nn.ElmanTagger;
import java.util.List;

/**
 * The outcome of {@link ElmanTrainer#train}. The evaluations carry both chunk F1 and token accuracy;
 * {@code metric} is the one that picked the best epoch.
 *
 * @param model        the trained tagger, holding the best-on-dev parameters
 * @param bestEpoch    the epoch whose parameters the model holds (−1 when no epoch ran)
 * @param bestDev      dev evaluation at the best epoch (null when no epoch ran)
 * @param testAtBest   test evaluation at the best epoch (null without a test set or epoch)
 * @param history      one report per epoch run
 * @param learningRate the learning rate when training stopped
 * @param metric       the dev metric used ({@link TaggingMetric#F1} or {@link TaggingMetric#ACCURACY})
 */
public record ElmanTrainingResult(ElmanTagger model, int bestEpoch, ChunkEval.Result bestDev,
                                  ChunkEval.Result testAtBest, List<EpochReport> history, double learningRate,
                                  TaggingMetric metric) {
    public ElmanTrainingResult {
        history = List.copyOf(history);
        if (metric == null || metric == TaggingMetric.AUTO) {
            throw new IllegalArgumentException("a training result needs a resolved metric, got " + metric);
        }
    }

    /** A result judged by dev F1 (the constructor before the metric was a choice). */
    public ElmanTrainingResult(ElmanTagger model, int bestEpoch, ChunkEval.Result bestDev, ChunkEval.Result testAtBest,
                               List<EpochReport> history, double learningRate) {
        this(model, bestEpoch, bestDev, testAtBest, history, learningRate, TaggingMetric.F1);
    }

    /** Number of epochs run. */
    public int epochsRun() {
        return history.size();
    }

    /** The best epoch's dev figure in {@link #metric()} (NaN when no epoch ran). */
    public double bestDevMetric() {
        return bestDev == null ? Double.NaN : metric.of(bestDev);
    }
}
