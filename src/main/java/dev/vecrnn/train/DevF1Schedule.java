package dev.vecrnn.train;

/**
 * The RNNSLU tutorial's learning-rate schedule, driven by dev F1 after each epoch (SPEC §1):
 * a strictly higher dev F1 than every earlier epoch makes a new best (the first epoch always does);
 * with decay on, whenever {@code patience} (10) or more epochs have passed since the best epoch,
 * the learning rate is halved and the best parameters are to be restored — as in the tutorial's
 * {@code abs(be − ce) >= 10} test, this repeats every epoch until dev F1 improves again; training
 * stops once the learning rate is below {@code minLearningRate} (1e−5).
 */
final class DevF1Schedule {
    /** What to do after an epoch. */
    enum Action {
        /** A new best: keep a copy of the parameters. */
        NEW_BEST,
        /** No gain: carry on. */
        CONTINUE,
        /** Too long without gain: lr halved, restore the best parameters. */
        HALVE_AND_RESTORE
    }

    private final boolean decay;
    private final int patience;
    private final double minLearningRate;
    private double learningRate;
    private double bestF1 = Double.NEGATIVE_INFINITY;
    private int bestEpoch = -1;

    DevF1Schedule(double learningRate, boolean decay, int patience, double minLearningRate) {
        this.learningRate = learningRate;
        this.decay = decay;
        this.patience = patience;
        this.minLearningRate = minLearningRate;
    }

    /** Records epoch {@code epoch}'s dev F1 and says what to do (the learning rate is updated). */
    Action afterEpoch(int epoch, double devF1) {
        if (devF1 > bestF1) {
            bestF1 = devF1;
            bestEpoch = epoch;
            return Action.NEW_BEST;
        }
        if (decay && epoch - bestEpoch >= patience) {
            learningRate *= 0.5;
            return Action.HALVE_AND_RESTORE;
        }
        return Action.CONTINUE;
    }

    /** Whether training should stop (lr below its minimum). */
    boolean finished() {
        return learningRate < minLearningRate;
    }

    double learningRate() {
        return learningRate;
    }

    double bestF1() {
        return bestF1;
    }

    int bestEpoch() {
        return bestEpoch;
    }
}
