package dev.vecrnn.train;

/**
 * A learning-rate schedule driven by one validation figure per epoch (dev F1, validation perplexity,
 * …): after each epoch {@link TrainingLoop} hands it the epoch's figure and acts on its answer — keep a
 * copy of the parameters, carry on, or restore the kept copy at the (now lower) learning rate — and
 * stops once it is {@link #finished()}. Whether higher or lower is better is the schedule's business.
 *
 * <p>Implementations: {@link DevF1Schedule} (the RNNSLU tutorial's, higher is better) and
 * {@link PerplexitySchedule} (SPEC §2's, lower is better).
 */
public interface Schedule {
    /** What the loop does after an epoch. */
    enum Action {
        /** A new best: keep a copy of the parameters (the copy the loop restores later). */
        NEW_BEST,
        /** No gain, no change: carry on with the live parameters. */
        CONTINUE,
        /** The learning rate has been halved: restore the kept parameters and carry on from them. */
        HALVE_AND_RESTORE
    }

    /**
     * Records epoch {@code epoch}'s figure and says what to do; the learning rate is updated before it
     * returns.
     */
    Action update(int epoch, double metric);

    /** The learning rate for the next epoch. */
    double learningRate();

    /**
     * Halves the learning rate because an epoch's training diverged (a NaN or infinite loss, gradient
     * norm or parameter; {@link TrainingLoop} then runs the epoch again from its starting parameters).
     * This is not a verdict on an epoch: it does not count as one of the schedule's own halvings.
     */
    void halveLearningRate();

    /** Whether training should stop now (checked before every epoch). */
    boolean finished();

    /**
     * Everything the schedule has learnt so far (learning rate, best figure, its epoch, …) as numbers,
     * for a training checkpoint; {@link #restore} on a schedule made with the same options continues
     * exactly where this one is.
     */
    double[] state();

    /**
     * Sets the schedule to a {@link #state()} of one made with the same options.
     *
     * @throws IllegalArgumentException for a state of another length or with impossible values
     */
    void restore(double[] state);
}
