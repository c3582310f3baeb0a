package dev.vecrnn.train;

/**
 * Told how far an epoch has got, from inside the trainers' update loops (on the training thread), for
 * progress displays. Implementations must be cheap: they are called once per update.
 */
@FunctionalInterface
public interface TrainingProgress {
    /** Does nothing. */
    TrainingProgress NONE = (epoch, done, total, loss) -> { };

    /**
     * @param epoch 0-based epoch
     * @param done  training tokens processed so far in this epoch
     * @param total training tokens in an epoch
     * @param loss  mean training loss per token so far in this epoch (the tagger: per sentence)
     */
    void update(int epoch, long done, long total, double loss);
}
