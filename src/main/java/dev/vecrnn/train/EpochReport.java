package dev.vecrnn.train;

/**
 * What one training epoch did, passed to the trainer's listener after the epoch.
 *
 * @param epoch        0-based epoch number
 * @param trainLoss    mean per-sentence loss (mean NLL per token of each sentence, averaged over
 *                     sentences) of the updates of this epoch, each measured before its update
 * @param dev          dev-set evaluation after the epoch
 * @param test         test-set evaluation after the epoch, or null when no test set was given
 * @param learningRate the learning rate used during this epoch
 * @param newBest      whether this epoch's dev F1 is a new best (its parameters were kept)
 * @param halved       whether the learning rate was halved and the best parameters restored after it
 * @param seconds      wall time of the epoch, evaluation included
 */
public record EpochReport(int epoch, double trainLoss, ChunkEval.Result dev, ChunkEval.Result test,
                          double learningRate, boolean newBest, boolean halved, double seconds) {
    /** Dev chunk F1 ×100. */
    public double devF1() {
        return dev.f1();
    }

    /** One line for a progress log. */
    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "epoch %d  loss %.5f  dev F1 %.2f%s  lr %.6g  %.1fs%s%s",
                epoch, trainLoss, dev.f1(), test == null ? "" : String.format(java.util.Locale.ROOT, "  test F1 %.2f", test.f1()),
                learningRate, seconds, newBest ? "  NEW BEST" : "", halved ? "  lr halved, best restored" : "");
    }
}
