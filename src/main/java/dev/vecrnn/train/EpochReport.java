package dev.vecrnn.train;

import java.util.Locale;

/**
 * What one training epoch did, passed to the trainer's listener after the epoch. Both dev figures,
 * chunk F1 and token accuracy, are in {@code dev} (and {@code test}); {@code metric} says which one
 * judged the epoch.
 *
 * @param epoch        0-based epoch number
 * @param trainLoss    mean per-sentence loss (mean NLL per token of each sentence, averaged over
 *                     sentences) of the updates of this epoch, each measured before its update
 * @param dev          dev-set evaluation after the epoch
 * @param test         test-set evaluation after the epoch, or null when no test set was given
 * @param learningRate the learning rate used during this epoch
 * @param newBest      whether this epoch's dev metric is a new best (its parameters were kept)
 * @param halved       whether the learning rate was halved and the best parameters restored after it
 * @param seconds      wall time of the epoch, evaluation included
 * @param metric       the dev metric that picked the best epoch and drove the schedule
 *                     ({@link TaggingMetric#F1} or {@link TaggingMetric#ACCURACY}, never AUTO)
 */
public record EpochReport(int epoch, double trainLoss, ChunkEval.Result dev, ChunkEval.Result test,
                          double learningRate, boolean newBest, boolean halved, double seconds,
                          TaggingMetric metric) {
    public EpochReport {
        if (metric == null || metric == TaggingMetric.AUTO) {
            throw new IllegalArgumentException("an epoch report needs a resolved metric, got " + metric);
        }
    }

    /** A report judged by dev F1 (the constructor before the metric was a choice). */
    public EpochReport(int epoch, double trainLoss, ChunkEval.Result dev, ChunkEval.Result test, double learningRate,
                       boolean newBest, boolean halved, double seconds) {
        this(epoch, trainLoss, dev, test, learningRate, newBest, halved, seconds, TaggingMetric.F1);
    }

    /** Dev chunk F1 ×100. */
    public double devF1() {
        return dev.f1();
    }

    /** Dev token accuracy ×100. */
    public double devAccuracy() {
        return dev.accuracy();
    }

    /** The dev figure the epoch was judged by ({@link #metric()}'s), ×100. */
    public double devMetric() {
        return metric.of(dev);
    }

    /** One line for a progress log. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "epoch %d  loss %.5f  dev accuracy %.2f F1 %.2f%s  lr %.6g  %.1fs%s%s",
                epoch, trainLoss, dev.accuracy(), dev.f1(), test == null ? ""
                        : String.format(Locale.ROOT, "  test accuracy %.2f F1 %.2f", test.accuracy(), test.f1()),
                learningRate, seconds, newBest ? "  NEW BEST (dev " + metric.displayName() + ")" : "",
                halved ? "  lr halved, best restored" : "");
    }
}
