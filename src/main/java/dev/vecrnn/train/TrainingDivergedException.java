package dev.vecrnn.train;

/**
 * Training produced a loss, gradient norm or parameter that is NaN or infinite. Thrown inside an epoch
 * (by the network's side of {@link TrainingLoop}), it makes the loop restore the parameters the epoch
 * started from, halve the learning rate and run the epoch again; thrown out of the trainers, it means
 * that happened {@link TrainingLoop#MAX_DIVERGENCES} times in a row (or that the final test evaluation
 * diverged), so that a diverged run is never reported as a result. Names where it happened.
 */
public final class TrainingDivergedException extends ArithmeticException {
    private final String what;
    private final int epoch;
    private final String unit;
    private final int segment;
    private final double value;
    private final int times;
    private final double learningRate;

    /**
     * A divergence in a language model's training segment (the unit is "segment").
     *
     * @param segment the training segment, or −1 when the validation or test evaluation (or the
     *                parameters after the epoch's updates) diverged
     */
    public TrainingDivergedException(String what, int epoch, int segment, double value) {
        this(what, epoch, "segment", segment, value);
    }

    /**
     * @param unit what a training step is called ("segment", "batch")
     * @param step the 0-based training step, or −1 for what follows the epoch's updates (evaluation,
     *             the check of the parameters)
     */
    public TrainingDivergedException(String what, int epoch, String unit, int step, double value) {
        super(what + " is " + value + " in epoch " + epoch
                + (step >= 0 ? ", " + unit + " " + step : ", after the updates"));
        this.what = what;
        this.epoch = epoch;
        this.unit = unit;
        this.segment = step;
        this.value = value;
        this.times = 1;
        this.learningRate = Double.NaN;
    }

    /** The last of {@code times} divergences in a row, after which training stopped. */
    TrainingDivergedException(TrainingDivergedException last, int times, double learningRate) {
        super(last.getMessage() + ", the " + ordinal(times) + " divergence in a row (the epoch was restarted "
                + (times - 1) + " times from its starting parameters, the learning rate halved each time, last to "
                + learningRate + "); training stopped");
        this.what = last.what;
        this.epoch = last.epoch;
        this.unit = last.unit;
        this.segment = last.segment;
        this.value = last.value;
        this.times = times;
        this.learningRate = learningRate;
    }

    private static String ordinal(int n) {
        return n + (n % 100 >= 11 && n % 100 <= 13 ? "th" : switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        });
    }

    /** What diverged: "the training loss", "the gradient norm", "the validation loss", … */
    public String what() {
        return what;
    }

    /** The 0-based epoch in which it happened. */
    public int epoch() {
        return epoch;
    }

    /** The 0-based training step (segment or batch), or −1 for what follows the epoch's updates. */
    public int segment() {
        return segment;
    }

    /** The 0-based training step (segment or batch), or −1 for what follows the epoch's updates. */
    public int step() {
        return segment;
    }

    /** What a training step is called: "segment" (language models) or "batch" (the tagger). */
    public String unit() {
        return unit;
    }

    /** The non-finite value. */
    public double value() {
        return value;
    }

    /** The learning rate of the last attempt when training stopped after divergences in a row, else NaN. */
    public double learningRate() {
        return learningRate;
    }

    /** How many divergences in a row this one ended (1 for one seen inside an epoch). */
    public int times() {
        return times;
    }
}
