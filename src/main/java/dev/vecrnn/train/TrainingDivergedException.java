package dev.vecrnn.train;

/**
 * Training produced a loss or gradient norm that is NaN or infinite. Thrown instead of carrying on, so
 * that a diverged run is never reported as a result; names where it happened.
 */
public final class TrainingDivergedException extends ArithmeticException {
    private final int epoch;
    private final int segment;
    private final double value;

    /**
     * @param segment the training segment, or −1 when the validation or test evaluation diverged
     */
    public TrainingDivergedException(String what, int epoch, int segment, double value) {
        super(what + " is " + value + " in epoch " + epoch
                + (segment >= 0 ? ", segment " + segment : ", evaluation after the updates"));
        this.epoch = epoch;
        this.segment = segment;
        this.value = value;
    }

    /** The 0-based epoch in which it happened. */
    public int epoch() {
        return epoch;
    }

    /** The 0-based training segment, or −1 for the evaluation after the epoch's updates. */
    public int segment() {
        return segment;
    }

    /** The non-finite value. */
    public double value() {
        return value;
    }
}
