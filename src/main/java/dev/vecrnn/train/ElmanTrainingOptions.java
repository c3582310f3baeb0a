package dev.vecrnn.train;

import dev.vecrnn.nn.ElmanConfig;

/**
 * Hyperparameters of {@link ElmanTrainer}, defaulting to the RNNSLU tutorial's (SPEC §1):
 * {@code lr = 0.0970806646812754}, {@code decay = true}, {@code cs = 7}, {@code nh = 200},
 * {@code de = 50}, {@code seed = 345}, {@code nepochs = 60}, one sentence per update, lr halved
 * after 10 epochs without a gain in the dev metric, stop under lr 1e−5; the dev metric is chosen
 * from the training labels (chunk F1 for BIO labels, token accuracy for plain tags). Every field can
 * be overridden with the {@code with…} methods.
 *
 * @param learningRate    initial SGD learning rate (tutorial {@code lr})
 * @param decay           halve lr and restore the best parameters after {@code patience} epochs
 *                        without a dev-metric gain (tutorial {@code decay})
 * @param windowSize      context window cs, odd (tutorial {@code win})
 * @param hiddenSize      nh (tutorial {@code nhidden})
 * @param embeddingDim    de (tutorial {@code emb_dimension})
 * @param seed            seeds the parameters and the per-epoch shuffles (tutorial {@code seed})
 * @param epochs          at most this many epochs (tutorial {@code nepochs})
 * @param batchSize       sentences per SGD update (the tutorial: 1)
 * @param patience        epochs without dev-metric gain before lr is halved (the tutorial: 10)
 * @param minLearningRate training stops once lr falls below this (the tutorial: 1e−5)
 * @param metric          the dev metric for model selection and the schedule: {@link TaggingMetric#F1},
 *                        {@link TaggingMetric#ACCURACY}, or {@link TaggingMetric#AUTO} (default: chosen
 *                        from the training labels by {@link TaggingMetric#forLabels})
 */
public record ElmanTrainingOptions(double learningRate, boolean decay, int windowSize, int hiddenSize,
                                   int embeddingDim, long seed, int epochs, int batchSize, int patience,
                                   double minLearningRate, TaggingMetric metric) {
    /** The tutorial's learning rate. */
    public static final double TUTORIAL_LEARNING_RATE = 0.0970806646812754;

    public ElmanTrainingOptions {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be > 0, got " + learningRate);
        }
        if (windowSize < 1 || windowSize % 2 == 0) {
            throw new IllegalArgumentException("windowSize must be odd and >= 1, got " + windowSize);
        }
        if (hiddenSize < 1 || embeddingDim < 1) {
            throw new IllegalArgumentException("hiddenSize and embeddingDim must be >= 1, got " + hiddenSize
                    + ", " + embeddingDim);
        }
        if (epochs < 0 || batchSize < 1 || patience < 1) {
            throw new IllegalArgumentException("need epochs >= 0, batchSize >= 1, patience >= 1; got " + epochs
                    + ", " + batchSize + ", " + patience);
        }
        java.util.Objects.requireNonNull(metric, "metric");
        if (!(minLearningRate >= 0)) {
            throw new IllegalArgumentException("minLearningRate must be >= 0, got " + minLearningRate);
        }
    }

    /** Options with the dev metric chosen from the training labels ({@link TaggingMetric#AUTO}). */
    public ElmanTrainingOptions(double learningRate, boolean decay, int windowSize, int hiddenSize, int embeddingDim,
                                long seed, int epochs, int batchSize, int patience, double minLearningRate) {
        this(learningRate, decay, windowSize, hiddenSize, embeddingDim, seed, epochs, batchSize, patience,
                minLearningRate, TaggingMetric.AUTO);
    }

    /** The tutorial's settings (and the dev metric chosen from the training labels). */
    public static ElmanTrainingOptions defaults() {
        return new ElmanTrainingOptions(TUTORIAL_LEARNING_RATE, true, 7, 200, 50, 345, 60, 1, 10, 1e-5,
                TaggingMetric.AUTO);
    }

    /** The model sizes for a vocabulary of {@code ne} words and {@code nc} labels. */
    public ElmanConfig config(int vocabularySize, int numLabels) {
        return new ElmanConfig(vocabularySize, numLabels, embeddingDim, windowSize, hiddenSize);
    }

    public ElmanTrainingOptions withLearningRate(double v) {
        return new ElmanTrainingOptions(v, decay, windowSize, hiddenSize, embeddingDim, seed, epochs, batchSize, patience, minLearningRate, metric);
    }

    public ElmanTrainingOptions withDecay(boolean v) {
        return new ElmanTrainingOptions(learningRate, v, windowSize, hiddenSize, embeddingDim, seed, epochs, batchSize, patience, minLearningRate, metric);
    }

    public ElmanTrainingOptions withWindowSize(int v) {
        return new ElmanTrainingOptions(learningRate, decay, v, hiddenSize, embeddingDim, seed, epochs, batchSize, patience, minLearningRate, metric);
    }

    public ElmanTrainingOptions withHiddenSize(int v) {
        return new ElmanTrainingOptions(learningRate, decay, windowSize, v, embeddingDim, seed, epochs, batchSize, patience, minLearningRate, metric);
    }

    public ElmanTrainingOptions withEmbeddingDim(int v) {
        return new ElmanTrainingOptions(learningRate, decay, windowSize, hiddenSize, v, seed, epochs, batchSize, patience, minLearningRate, metric);
    }

    public ElmanTrainingOptions withSeed(long v) {
        return new ElmanTrainingOptions(learningRate, decay, windowSize, hiddenSize, embeddingDim, v, epochs, batchSize, patience, minLearningRate, metric);
    }

    public ElmanTrainingOptions withEpochs(int v) {
        return new ElmanTrainingOptions(learningRate, decay, windowSize, hiddenSize, embeddingDim, seed, v, batchSize, patience, minLearningRate, metric);
    }

    public ElmanTrainingOptions withBatchSize(int v) {
        return new ElmanTrainingOptions(learningRate, decay, windowSize, hiddenSize, embeddingDim, seed, epochs, v, patience, minLearningRate, metric);
    }

    public ElmanTrainingOptions withPatience(int v) {
        return new ElmanTrainingOptions(learningRate, decay, windowSize, hiddenSize, embeddingDim, seed, epochs, batchSize, v, minLearningRate);
    }

    public ElmanTrainingOptions withMinLearningRate(double v) {
        return new ElmanTrainingOptions(learningRate, decay, windowSize, hiddenSize, embeddingDim, seed, epochs, batchSize, patience, v, metric);
    }

    /** The dev metric that picks the best epoch and drives the schedule ({@link TaggingMetric#AUTO}: from the labels). */
    public ElmanTrainingOptions withMetric(TaggingMetric v) {
        return new ElmanTrainingOptions(learningRate, decay, windowSize, hiddenSize, embeddingDim, seed, epochs, batchSize, patience, minLearningRate, v);
    }
}
