package dev.vecrnn.train;

import dev.vecrnn.data.EncodedCorpus;
import dev.vecrnn.data.TaggingVocabulary;
import dev.vecrnn.nn.ElmanTagger;
import dev.vecrnn.util.SeededRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Trains an {@link ElmanTagger} the way the RNNSLU tutorial does (SPEC §1):
 *
 * <pre>
 *   for epoch = 0 .. nepochs−1:
 *       shuffle the training sentences (seeded; the order carries over and is reshuffled each epoch)
 *       for each batch of batchSize sentences (1 by default):
 *           θ ← θ − lr · ∂L/∂θ;  every touched row of emb scaled to unit L2 norm
 *       dev (and test) F1 and token accuracy with conlleval on the tagged sentences
 *       if the dev metric > best so far: keep a copy of θ
 *       else if decay and epoch − best epoch ≥ 10: lr ← lr / 2; θ ← the kept copy
 *       if lr < 1e−5: stop
 *   θ ← the kept copy
 * </pre>
 *
 * The kept copy is a true copy (the tutorial's code aliases it to the live model, a bug not
 * copied). With the same options and data a run is the same bit for bit: the parameters come from
 * the model's seeded initialisation and the shuffles from a SeededRandom (SplitMix64) stream of the same seed.
 * Batches are handed to the model through reusable arrays, so the steps allocate nothing. The epoch
 * loop, the keeping and restoring of the best parameters and the schedule are {@link TrainingLoop}'s
 * with a {@link DevF1Schedule}; this class supplies the tagger's epoch (shuffle, updates, conlleval).
 *
 * <p><b>Divergence.</b> A batch whose loss is NaN or infinite is not applied and ends the epoch's
 * attempt; so does a NaN or infinite parameter after the epoch's updates. {@link TrainingLoop} then
 * restores the parameters the epoch started from, halves the learning rate, tells the
 * {@link #onDivergence} listener and runs the epoch again (same shuffle); the
 * {@value TrainingLoop#MAX_DIVERGENCES}th divergence of an epoch in a row stops training with a
 * {@link TrainingDivergedException}. The loss is the only per-batch check: it comes with every step
 * for free, while the gradients' norm would be one more pass over the dense gradients per batch (a few
 * per cent with the tutorial's one-sentence batches). It suffices because a non-finite gradient makes
 * the parameters non-finite, which the next batch's loss shows (and the once-per-epoch parameter check
 * catches after the last batch, or where saturated sigmoids hide it), and the restore goes back to the
 * epoch's start, before the bad update, either way.
 *
 * <p>The dev metric is the options' {@link ElmanTrainingOptions#metric()}: chunk F1 or token accuracy,
 * or (the default, {@link TaggingMetric#AUTO}) F1 when the label names look like BIO chunks and
 * accuracy otherwise ({@link TaggingMetric#forLabels}). Dev and test gold labels unseen in training
 * ({@link EncodedCorpus#unseenLabels()}) are scored as errors, as conlleval scores them.
 */
public final class ElmanTrainer {
    /** Mixed into the seed for the shuffle stream, so it differs from the initialisation stream. */
    private static final long SHUFFLE_SALT = 0x5DEECE66DL;

    private final ElmanTrainingOptions options;
    private final Consumer<EpochReport> listener;
    private TrainingProgress progress = TrainingProgress.NONE;
    private Consumer<? super TrainingLoop.Divergence> onDivergence = d -> { };

    /** A trainer with these options and no listener. */
    public ElmanTrainer(ElmanTrainingOptions options) {
        this(options, r -> { });
    }

    /** A trainer that reports each epoch to {@code listener} (on the training thread). */
    public ElmanTrainer(ElmanTrainingOptions options, Consumer<EpochReport> listener) {
        this.options = Objects.requireNonNull(options, "options");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Reports the progress of each epoch, batch by batch (none by default); returns this trainer. */
    public ElmanTrainer progress(TrainingProgress progress) {
        this.progress = Objects.requireNonNull(progress, "progress");
        return this;
    }

    /**
     * Tells {@code listener} (on the training thread) of every epoch that diverged and is run again at
     * half the learning rate (none by default); returns this trainer.
     */
    public ElmanTrainer onDivergence(Consumer<? super TrainingLoop.Divergence> listener) {
        this.onDivergence = Objects.requireNonNull(listener, "listener");
        return this;
    }

    public ElmanTrainingOptions options() {
        return options;
    }

    /**
     * Creates a tagger sized for the vocabularies (seeded by the options) and trains it.
     *
     * @param test may be null
     */
    public ElmanTrainingResult train(TaggingVocabulary vocabulary, EncodedCorpus train, EncodedCorpus dev,
                                     EncodedCorpus test) {
        ElmanTagger model = new ElmanTagger(options.config(vocabulary.wordCount(), vocabulary.labelCount()),
                options.seed());
        return train(model, vocabulary.labels().words(), train, dev, test);
    }

    /**
     * Trains {@code model} in place (its sizes are its own; the options' cs, nh and de are not
     * used) and leaves it holding the best-on-dev parameters.
     *
     * @param labelNames the label of each label id, for conlleval's chunks (and the automatic metric)
     * @param test       may be null
     * @throws IllegalArgumentException when the training data has labels outside the model's (unseen
     *                                  labels are for dev and test data only)
     */
    public ElmanTrainingResult train(ElmanTagger model, List<String> labelNames, EncodedCorpus train,
                                     EncodedCorpus dev, EncodedCorpus test) {
        return train(model, labelNames, train, dev, test, null, null);
    }

    /**
     * {@link #train(ElmanTagger, List, EncodedCorpus, EncodedCorpus, EncodedCorpus)} continuing from a
     * checkpoint ({@code resume}, with {@code model} holding its live parameters; null for a new run)
     * and handing the training state to {@code checkpoints} after every epoch (null for none). With the
     * same options and data, a resumed run ends with the same parameters, bit for bit, as an
     * uninterrupted one: the shuffles of the epochs already done are replayed from the seed, and the
     * embeddings are known to be normalised unless the last epoch restored the kept copy. The history
     * holds the epochs run in this call.
     */
    public ElmanTrainingResult train(ElmanTagger model, List<String> labelNames, EncodedCorpus train,
                                     EncodedCorpus dev, EncodedCorpus test, TrainingLoop.Resume resume,
                                     TrainingLoop.Checkpoints checkpoints) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(dev, "dev");
        if (labelNames.size() != model.config().numLabels()) {
            throw new IllegalArgumentException(labelNames.size() + " label names for a model of "
                    + model.config().numLabels() + " labels");
        }
        if (train.size() == 0) {
            throw new IllegalArgumentException("no training sentence");
        }
        if (!train.unseenLabels().isEmpty()) {
            throw new IllegalArgumentException(train.source() + ": training data cannot have labels unseen in"
                    + " training (they define the label set): " + train.unseenLabels());
        }
        TaggingMetric metric = options.metric().resolve(labelNames);
        int n = train.size();
        int[][] words = train.words();
        int[][] labels = train.labels();
        int batch = Math.min(options.batchSize(), n);
        int[][] batchWords = new int[batch][];
        int[][] batchLabels = new int[batch][];
        long totalTokens = train.tokenCount();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int[] tagBuffer = new int[Math.max(dev.maxLength(), test == null ? 0 : test.maxLength())];
        ChunkEval devEval = new ChunkEval(dev.labelNames(labelNames));
        ChunkEval testEval = test == null ? null : new ChunkEval(test.labelNames(labelNames));
        SeededRandom rng = new SeededRandom(options.seed() ^ SHUFFLE_SALT);
        DevF1Schedule schedule = new DevF1Schedule(options.learningRate(), options.decay(), options.patience(),
                options.minLearningRate());

        if (resume != null && resume.lastAction() != Schedule.Action.HALVE_AND_RESTORE) {
            model.markEmbeddingsNormalized();
        }
        TrainingLoop.Epochs<Measured> epochs = new TrainingLoop.Epochs<>() {
            private int shuffles; // the order is reshuffled from the previous epoch's: replay the skipped ones

            @Override
            public Measured run(int epoch, double lr) {
                while (shuffles <= epoch) {
                    rng.shuffle(order);
                    shuffles++;
                }
                double lossSum = 0;
                long doneTokens = 0;
                for (int k = 0; k < n; k += batch) {
                    int count = Math.min(batch, n - k);
                    for (int i = 0; i < count; i++) {
                        batchWords[i] = words[order[k + i]];
                        batchLabels[i] = labels[order[k + i]];
                        doneTokens += batchWords[i].length;
                    }
                    // model.trainStep, with the loss checked before the update
                    double loss = model.computeGradients(batchWords, batchLabels, 0, count);
                    if (!Double.isFinite(loss)) {
                        throw new TrainingDivergedException("the training loss", epoch, "batch", k / batch, loss);
                    }
                    model.applySgd((float) lr);
                    model.normalizeEmbeddings();
                    lossSum += loss;
                    progress.update(epoch, doneTokens, totalTokens, lossSum / (k + count));
                }
                ChunkEval.Result devResult = evaluate(model, dev, devEval, tagBuffer);
                ChunkEval.Result testResult = test == null ? null : evaluate(model, test, testEval, tagBuffer);
                return new Measured(lossSum / n, devResult, testResult);
            }

            @Override
            public double metric(Measured m) {
                return metric.of(m.dev());
            }
        };
        List<EpochReport> history = new ArrayList<>();
        TrainingLoop.Outcome<Measured> outcome = TrainingLoop.run(model.parameters(), schedule, options.epochs(),
                epochs, e -> {
                    Measured m = e.measured();
                    EpochReport report = new EpochReport(e.epoch(), m.trainLoss(), m.dev(), m.test(),
                            e.learningRate(), e.newBest(), e.halved(), e.seconds(), metric);
                    history.add(report);
                    listener.accept(report);
                }, resume, checkpoints, onDivergence);
        Measured best = outcome.best();
        if (best == null && outcome.bestEpoch() >= 0) {
            // kept before a resume: the model holds those parameters again, so their scores are these
            best = new Measured(Double.NaN, evaluate(model, dev, devEval, tagBuffer),
                    test == null ? null : evaluate(model, test, testEval, tagBuffer));
        }
        return new ElmanTrainingResult(model, outcome.bestEpoch(), best == null ? null : best.dev(),
                best == null ? null : best.test(), history, outcome.learningRate(), metric);
    }

    /** What one tagger epoch measured: its mean training loss and the evaluations after it. */
    private record Measured(double trainLoss, ChunkEval.Result dev, ChunkEval.Result test) {}

    /**
     * Tags every sentence of {@code data} and scores the labels with conlleval (chunk F1 and token
     * accuracy); gold labels unseen in training count as errors.
     *
     * @param labelNames the model's labels (ids 0 … nc−1); {@code data}'s unseen labels follow them
     */
    public static ChunkEval.Result evaluate(ElmanTagger model, EncodedCorpus data, List<String> labelNames) {
        return evaluate(model, data, new ChunkEval(data.labelNames(labelNames)), new int[data.maxLength()]);
    }

    private static ChunkEval.Result evaluate(ElmanTagger model, EncodedCorpus data, ChunkEval eval, int[] out) {
        eval.reset();
        int[][] words = data.words();
        int[][] gold = data.labels();
        for (int s = 0; s < words.length; s++) {
            model.tag(words[s], out);
            eval.add(gold[s], out, words[s].length);
        }
        return eval.result();
    }
}
