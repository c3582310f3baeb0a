package dev.vecrnn.train;

/**
 * The language models' schedule (SPEC §2), driven by validation perplexity, lower is better:
 *
 * <pre>
 *   epoch 0, or ppl &lt; kept · (1 − minImprovement):  NEW_BEST, kept ← ppl        (keep these parameters)
 *   otherwise:                                        lr ← lr / 2, HALVE_AND_RESTORE (back to the kept ones)
 *   finished once lr has been halved maxHalvings times
 * </pre>
 *
 * Every epoch either improves and is kept or is undone, so the kept parameters are always the previous
 * epoch's: an epoch that fails to improve perplexity by {@code minImprovement} (0.1 %) is thrown away
 * and the next one starts from the parameters before it at half the learning rate. A NaN perplexity
 * never improves. With the defaults (0.1 %, 8 halvings) this is SPEC §2's rule; the epoch limit is the
 * loop's.
 */
public final class PerplexitySchedule implements Schedule {
    /** SPEC §2: perplexity must fall by 0.1 % for an epoch to count as an improvement. */
    public static final double DEFAULT_MIN_IMPROVEMENT = 0.001;
    /** SPEC §2: stop once the learning rate has been halved 8 times. */
    public static final int DEFAULT_MAX_HALVINGS = 8;

    private final double minImprovement;
    private final int maxHalvings;
    private double learningRate;
    private int halvings;
    private double bestPerplexity = Double.NaN;
    private int bestEpoch = -1;

    /** SPEC §2's schedule from {@code learningRate}: 0.1 % minimum improvement, 8 halvings. */
    public PerplexitySchedule(double learningRate) {
        this(learningRate, DEFAULT_MIN_IMPROVEMENT, DEFAULT_MAX_HALVINGS);
    }

    /**
     * @param minImprovement the relative fall in perplexity an epoch needs to be kept, in [0, 1)
     * @param maxHalvings    training stops after this many halvings (≥ 0; 0 stops at the first failure
     *                       — the failed epoch's parameters are still undone)
     * @throws IllegalArgumentException for a learning rate that is not a positive finite number, or the
     *                                  other arguments outside their ranges
     */
    public PerplexitySchedule(double learningRate, double minImprovement, int maxHalvings) {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be > 0 and finite, got " + learningRate);
        }
        if (!(minImprovement >= 0 && minImprovement < 1)) {
            throw new IllegalArgumentException("minImprovement must be in [0, 1), got " + minImprovement);
        }
        if (maxHalvings < 0) {
            throw new IllegalArgumentException("maxHalvings must be >= 0, got " + maxHalvings);
        }
        this.learningRate = learningRate;
        this.minImprovement = minImprovement;
        this.maxHalvings = maxHalvings;
    }

    /** Records epoch {@code epoch}'s validation perplexity and says what to do (see the class comment). */
    @Override
    public Action update(int epoch, double perplexity) {
        if (bestEpoch < 0 ? !Double.isNaN(perplexity) : perplexity < bestPerplexity * (1 - minImprovement)) {
            bestPerplexity = perplexity;
            bestEpoch = epoch;
            return Action.NEW_BEST;
        }
        // a NaN first epoch lands here too: with no kept copy yet, the loop has nothing to restore
        learningRate *= 0.5;
        halvings++;
        return Action.HALVE_AND_RESTORE;
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

    /** True once the learning rate has been halved {@code maxHalvings} times. */
    @Override
    public boolean finished() {
        return halvings >= maxHalvings;
    }

    /** How many times the learning rate has been halved. */
    @Override
    public double[] state() {
        return new double[] {learningRate, halvings, bestPerplexity, bestEpoch};
    }

    @Override
    public void restore(double[] state) {
        if (state == null || state.length != 4 || !(state[0] > 0) || state[1] < 0 || state[1] != Math.rint(state[1])
                || state[3] < -1 || state[3] != Math.rint(state[3])) {
            throw new IllegalArgumentException("not a state of this schedule: " + java.util.Arrays.toString(state));
        }
        learningRate = state[0];
        halvings = (int) state[1];
        bestPerplexity = state[2];
        bestEpoch = (int) state[3];
    }

    public int halvings() {
        return halvings;
    }

    /** The perplexity of the kept parameters (NaN before the first kept epoch). */
    public double bestPerplexity() {
        return bestPerplexity;
    }

    /** The epoch whose parameters are kept (−1 before the first). */
    public int bestEpoch() {
        return bestEpoch;
    }
}
