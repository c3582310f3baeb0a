package dev.vecrnn.train;

/**
 * Hyperparameters of {@link LanguageModelTrainer}, defaulting to SPEC §2's language-model training:
 * B = 32 parallel streams, truncated BPTT over T = 35 steps, plain SGD at lr 1.0 on the mean
 * per-token loss with the gradients' global L2 norm clipped to 5, lr halved (previous epoch's
 * parameters restored) when validation perplexity falls by less than 0.1 %, stop after 8 halvings or
 * 20 epochs. Every field can be overridden with the {@code with…} methods. The learning rate and the
 * clip are starting points, to be tuned on the real corpora.
 *
 * @param streams        B, parallel streams over the corpus
 * @param bptt           T, steps per truncated-BPTT segment
 * @param learningRate   initial SGD learning rate on the mean NLL per token of a segment
 * @param clipNorm       the gradients' global L2 norm is scaled down to this when larger
 *                       ({@code Double.POSITIVE_INFINITY}: no clipping)
 * @param epochs         at most this many epochs
 * @param seed           seeds the model's initialisation when the caller builds the model from these
 *                       options (the trainer itself draws no random numbers: streams are read in order)
 * @param minImprovement relative fall in validation perplexity an epoch needs to be kept (0.001)
 * @param maxHalvings    training stops after this many halvings of lr (8)
 */
public record LanguageModelTrainingOptions(int streams, int bptt, double learningRate, double clipNorm, int epochs,
                                           long seed, double minImprovement, int maxHalvings) {
    public LanguageModelTrainingOptions {
        if (streams < 1 || bptt < 1) {
            throw new IllegalArgumentException("need streams >= 1 and bptt >= 1, got " + streams + ", " + bptt);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be > 0 and finite, got " + learningRate);
        }
        if (!(clipNorm > 0)) {
            throw new IllegalArgumentException("clipNorm must be > 0 (infinity: no clipping), got " + clipNorm);
        }
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
        }
        if (!(minImprovement >= 0 && minImprovement < 1)) {
            throw new IllegalArgumentException("minImprovement must be in [0, 1), got " + minImprovement);
        }
        if (maxHalvings < 0) {
            throw new IllegalArgumentException("maxHalvings must be >= 0, got " + maxHalvings);
        }
    }

    /** SPEC §2's settings (see the class comment). */
    public static LanguageModelTrainingOptions defaults() {
        return new LanguageModelTrainingOptions(32, 35, 1.0, 5.0, 20, 345, PerplexitySchedule.DEFAULT_MIN_IMPROVEMENT,
                PerplexitySchedule.DEFAULT_MAX_HALVINGS);
    }

    /** A {@link PerplexitySchedule} with these options' learning rate, minimum improvement and halvings. */
    public PerplexitySchedule schedule() {
        return new PerplexitySchedule(learningRate, minImprovement, maxHalvings);
    }

    public LanguageModelTrainingOptions withStreams(int v) {
        return new LanguageModelTrainingOptions(v, bptt, learningRate, clipNorm, epochs, seed, minImprovement, maxHalvings);
    }

    public LanguageModelTrainingOptions withBptt(int v) {
        return new LanguageModelTrainingOptions(streams, v, learningRate, clipNorm, epochs, seed, minImprovement, maxHalvings);
    }

    public LanguageModelTrainingOptions withLearningRate(double v) {
        return new LanguageModelTrainingOptions(streams, bptt, v, clipNorm, epochs, seed, minImprovement, maxHalvings);
    }

    public LanguageModelTrainingOptions withClipNorm(double v) {
        return new LanguageModelTrainingOptions(streams, bptt, learningRate, v, epochs, seed, minImprovement, maxHalvings);
    }

    public LanguageModelTrainingOptions withEpochs(int v) {
        return new LanguageModelTrainingOptions(streams, bptt, learningRate, clipNorm, v, seed, minImprovement, maxHalvings);
    }

    public LanguageModelTrainingOptions withSeed(long v) {
        return new LanguageModelTrainingOptions(streams, bptt, learningRate, clipNorm, epochs, v, minImprovement, maxHalvings);
    }

    public LanguageModelTrainingOptions withMinImprovement(double v) {
        return new LanguageModelTrainingOptions(streams, bptt, learningRate, clipNorm, epochs, seed, v, maxHalvings);
    }

    public LanguageModelTrainingOptions withMaxHalvings(int v) {
        return new LanguageModelTrainingOptions(streams, bptt, learningRate, clipNorm, epochs, seed, minImprovement, v);
    }
}
