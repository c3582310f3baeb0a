package dev.vecrnn.train;

/**
 * The RNNSLU tutorial's learning-rate schedule, driven by a dev metric after each epoch (SPEC §1),
 * higher is better — dev chunk F1 in the tutorial, token accuracy for plain tags
 * ({@link TaggingMetric}); the name keeps the tutorial's F1, and "F1" below stands for whichever
 * metric is fed in. A strictly higher dev metric than every earlier epoch makes a new best (the first
 * epoch always does); with decay on, whenever {@code patience} (10) or more epochs have passed since
 * the best epoch, the learning rate is halved and the best parameters are to be restored — as in the
 * tutorial's {@code abs(be − ce) >= 10} test, this repeats every epoch until the dev metric improves
 * again; training stops once the learning rate is below {@code minLearningRate} (1e−5).
 */
public final class DevF1Schedule implements Schedule {
    /**
     * The {@link Schedule.Action}s under this class's own name, which its tests were written against;
     * {@link #afterEpoch} answers in these, {@link #update} in {@link Schedule.Action}.
     */
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

    /**
     * @param learningRate    the initial learning rate
     * @param decay           whether to halve and restore at all (the tutorial's {@code decay})
     * @param patience        epochs without gain before halving (the tutorial: 10)
     * @param minLearningRate training stops once lr falls below this (the tutorial: 1e−5)
     */
    public DevF1Schedule(double learningRate, boolean decay, int patience, double minLearningRate) {
        this.learningRate = learningRate;
        this.decay = decay;
        this.patience = patience;
        this.minLearningRate = minLearningRate;
    }

    /**
     * Records epoch {@code epoch}'s dev metric (F1, accuracy, …; higher is better) and says what to do
     * (the learning rate is updated).
     */
    @Override
    public Schedule.Action update(int epoch, double devF1) {
        if (devF1 > bestF1) {
            bestF1 = devF1;
            bestEpoch = epoch;
            return Schedule.Action.NEW_BEST;
        }
        if (decay && epoch - bestEpoch >= patience) {
            learningRate *= 0.5;
            return Schedule.Action.HALVE_AND_RESTORE;
        }
        return Schedule.Action.CONTINUE;
    }

    /** {@link #update}, answered as this class's {@link Action}. */
    Action afterEpoch(int epoch, double devF1) {
        return Action.valueOf(update(epoch, devF1).name());
    }

    /** Whether training should stop (lr below its minimum). */
    @Override
    public boolean finished() {
        return learningRate < minLearningRate;
    }

    /** Halves the learning rate after a divergence (not counted as a halving of this schedule's rule). */
    @Override
    public void halveLearningRate() {
        learningRate *= 0.5;
    }

    @Override
    public double learningRate() {
        return learningRate;
    }

    /** The best dev metric so far (−∞ before the first epoch); F1 when F1 is what is fed in. */
    @Override
    public double[] state() {
        return new double[] {learningRate, bestF1, bestEpoch};
    }

    @Override
    public void restore(double[] state) {
        if (state == null || state.length != 3 || !(state[0] > 0) || state[2] < -1 || state[2] != Math.rint(state[2])) {
            throw new IllegalArgumentException("not a state of this schedule: " + java.util.Arrays.toString(state));
        }
        learningRate = state[0];
        bestF1 = state[1];
        bestEpoch = (int) state[2];
    }

    public double bestF1() {
        return bestF1;
    }

    /** The epoch of the best dev metric (−1 before the first). */
    public int bestEpoch() {
        return bestEpoch;
    }
}
