package dev.vecrnn.train;

import dev.vecrnn.data.StreamBatches;
import dev.vecrnn.nn.LanguageModel;
import dev.vecrnn.nn.RecurrentState;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Trains any {@link LanguageModel} (the SCRN and Elman language models) by truncated BPTT over
 * parallel streams (SPEC §2), on {@link TrainingLoop} with a {@link PerplexitySchedule}:
 *
 * <pre>
 *   cut train and valid into B streams and T-step segments ({@link StreamBatches})
 *   for epoch = 0 .. epochs−1, until lr has been halved maxHalvings times:
 *       state ← 0                                        (each epoch reads the streams from their start)
 *       for each segment, in order:
 *           g ← ∂L/∂θ   (L the mean NLL per token of the segment; state carried in, gradient stopped there)
 *           g ← g · clip / ‖g‖ when ‖g‖ &gt; clip
 *           θ ← θ − lr · g
 *       valid perplexity = exp(Σ NLL / Σ N) over the valid stream, with its own state from 0
 *       fell by more than 0.1 %: keep θ;  otherwise lr ← lr/2, θ ← the previous epoch's θ
 *   test perplexity with the final θ
 * </pre>
 *
 * Every predicted token counts, {@code <eos>} and {@code <unk>} included. A NaN or infinite segment loss
 * or gradient norm (both computed for every segment anyway: the check costs two comparisons) skips that
 * segment's update and ends the epoch's attempt; so does a non-finite validation loss or parameter.
 * {@link TrainingLoop} then restores the parameters the epoch started from, halves the learning rate,
 * tells the {@link #onDivergence} listener and runs the epoch again from its first segment (the state
 * from zero); the {@value TrainingLoop#MAX_DIVERGENCES}th divergence of an epoch in a row stops training
 * with a {@link TrainingDivergedException} naming the epoch and segment, the model holding the epoch's
 * starting parameters. A non-finite test loss (after training) throws it at once, with segment −1.
 * The trainer draws no random numbers: the same
 * model (same initial parameters), data and options give the same run bit for bit. Apart from the
 * per-epoch bookkeeping the segment loop allocates nothing (given a model whose steps allocate nothing).
 */
public final class LanguageModelTrainer {
    private final LanguageModelTrainingOptions options;
    private final Consumer<LanguageModelEpochReport> listener;
    private TrainingProgress progress = TrainingProgress.NONE;
    private Consumer<? super TrainingLoop.Divergence> onDivergence = d -> { };

    /** A trainer with these options and no listener. */
    public LanguageModelTrainer(LanguageModelTrainingOptions options) {
        this(options, r -> { });
    }

    /** A trainer that reports each epoch to {@code listener} (on the training thread). */
    public LanguageModelTrainer(LanguageModelTrainingOptions options, Consumer<LanguageModelEpochReport> listener) {
        this.options = Objects.requireNonNull(options, "options");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    public LanguageModelTrainingOptions options() {
        return options;
    }

    /** Reports the progress of each epoch, segment by segment (none by default); returns this trainer. */
    public LanguageModelTrainer progress(TrainingProgress progress) {
        this.progress = java.util.Objects.requireNonNull(progress, "progress");
        return this;
    }

    /**
     * Tells {@code listener} (on the training thread) of every epoch that diverged and is run again at
     * half the learning rate (none by default); returns this trainer.
     */
    public LanguageModelTrainer onDivergence(Consumer<? super TrainingLoop.Divergence> listener) {
        this.onDivergence = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Trains {@code model} in place on the token streams ({@code PlainTextReader.encode} output) and leaves
     * it holding the kept parameters.
     *
     * @param test may be null
     * @throws IllegalArgumentException    when a stream has fewer than 2 tokens (nothing to predict) or an
     *                                     id outside [0, V) (naming the stream and position)
     * @throws TrainingDivergedException   when an epoch diverged {@value TrainingLoop#MAX_DIVERGENCES} times
     *                                     in a row (NaN or infinite loss, gradient norm or parameter), or
     *                                     the test loss is not finite
     */
    public LanguageModelTrainingResult train(LanguageModel model, int[] train, int[] valid, int[] test) {
        return train(model, train, valid, test, null, null);
    }

    /**
     * {@link #train(LanguageModel, int[], int[], int[])} continuing from a checkpoint ({@code resume},
     * with {@code model} holding its live parameters; null for a new run) and handing the training state
     * to {@code checkpoints} after every epoch (null for none). Each epoch reads the streams from a zero
     * state and draws no random numbers, so with the same options and data a resumed run ends with the
     * same parameters, bit for bit, as an uninterrupted one. The history holds the epochs run in this call.
     */
    public LanguageModelTrainingResult train(LanguageModel model, int[] train, int[] valid, int[] test,
                                             TrainingLoop.Resume resume, TrainingLoop.Checkpoints checkpoints) {
        Objects.requireNonNull(model, "model");
        int vocabulary = model.vocabularySize();
        StreamBatches trainBatches = batches("training", train, vocabulary, options.streams(), options.bptt());
        StreamBatches validBatches = batches("validation", valid, vocabulary, options.streams(), options.bptt());
        StreamBatches testBatches = test == null ? null
                : batches("test", test, vocabulary, options.streams(), options.bptt());
        RecurrentState trainState = model.newState(options.streams());
        RecurrentState evalState = model.newState(options.streams());
        int[] inputs = trainBatches.inputs();
        int[] targets = trainBatches.targets();
        int segments = trainBatches.segmentCount();
        float clip = (float) options.clipNorm();

        TrainingLoop.Epochs<Measured> epochs = new TrainingLoop.Epochs<>() {
            @Override
            public Measured run(int epoch, double learningRate) {
                long t0 = System.nanoTime();
                float lr = (float) learningRate;
                trainState.reset();
                double nll = 0;
                long doneTokens = 0;
                int clipped = 0;
                for (int s = 0; s < segments; s++) {
                    int steps = trainBatches.fill(s);
                    double segmentNll = model.computeGradients(trainState, steps, inputs, targets);
                    if (!Double.isFinite(segmentNll)) {
                        throw new TrainingDivergedException("the training loss", epoch, s, segmentNll);
                    }
                    double norm = model.clipGradients(clip);
                    if (!Double.isFinite(norm)) {
                        throw new TrainingDivergedException("the gradient norm", epoch, s, norm);
                    }
                    if (norm > clip) {
                        clipped++;
                    }
                    model.applySgd(lr);
                    nll += segmentNll;
                    doneTokens += trainBatches.lastTargetCount();
                    progress.update(epoch, doneTokens, trainBatches.pairCount(), nll / Math.max(1, doneTokens));
                }
                double trainSeconds = (System.nanoTime() - t0) * 1e-9;
                double validNll = totalNll(model, validBatches, evalState);
                if (!Double.isFinite(validNll)) {
                    throw new TrainingDivergedException("the validation loss", epoch, -1, validNll);
                }
                long tokens = trainBatches.pairCount();
                return new Measured(nll / tokens, Math.exp(validNll / validBatches.pairCount()), tokens,
                        trainSeconds, segments == 0 ? 0 : (double) clipped / segments);
            }

            @Override
            public double metric(Measured m) {
                return m.validPerplexity();
            }
        };
        List<LanguageModelEpochReport> history = new ArrayList<>();
        PerplexitySchedule schedule = options.schedule();
        TrainingLoop.Outcome<Measured> outcome = TrainingLoop.run(model.parameters(), schedule,
                options.epochs(), epochs, e -> {
                    Measured m = e.measured();
                    LanguageModelEpochReport report = new LanguageModelEpochReport(e.epoch(), m.trainLoss(),
                            m.validPerplexity(), e.learningRate(), e.newBest(), e.halved(), e.seconds(),
                            m.trainTokens(), m.trainTokens() / Math.max(m.trainSeconds(), 1e-9), m.clippedFraction());
                    history.add(report);
                    listener.accept(report);
                }, resume, checkpoints, onDivergence);
        double testPerplexity = Double.NaN;
        if (testBatches != null) {
            double testNll = totalNll(model, testBatches, evalState);
            if (!Double.isFinite(testNll)) {
                throw new TrainingDivergedException("the test loss", outcome.epochsRun(), -1, testNll);
            }
            testPerplexity = Math.exp(testNll / testBatches.pairCount());
        }
        return new LanguageModelTrainingResult(model, outcome.bestEpoch(),
                outcome.bestEpoch() < 0 ? Double.NaN : schedule.bestPerplexity(), testPerplexity, history,
                outcome.learningRate());
    }

    /**
     * The perplexity of {@code model} on a token stream read as {@code streams} parallel streams of
     * {@code bptt}-step segments from a zero state: exp(Σ NLL / Σ N) over all n − 1 predicted tokens
     * ({@code <eos>} and {@code <unk>} included). Forward only; the parameters are not changed. The
     * figure depends slightly on streams (each stream starts from a zero state) but not on bptt, whose
     * segments carry the state.
     *
     * @throws IllegalArgumentException when {@code tokens} has fewer than 2 tokens or an id outside [0, V)
     */
    public static double perplexity(LanguageModel model, int[] tokens, int streams, int bptt) {
        Objects.requireNonNull(model, "model");
        StreamBatches batches = batches("the", tokens, model.vocabularySize(), streams, bptt);
        return Math.exp(totalNll(model, batches, model.newState(streams)) / batches.pairCount());
    }

    /** Σ NLL over every segment of {@code batches}, reading them in order from a zero {@code state}. */
    private static double totalNll(LanguageModel model, StreamBatches batches, RecurrentState state) {
        state.reset();
        int[] inputs = batches.inputs();
        int[] targets = batches.targets();
        double sum = 0;
        for (int s = 0; s < batches.segmentCount(); s++) {
            int steps = batches.fill(s);
            sum += model.loss(state, steps, inputs, targets);
        }
        return sum;
    }

    /** The stream's batches, after checking it has something to predict and every id is in [0, V). */
    private static StreamBatches batches(String name, int[] tokens, int vocabulary, int streams, int bptt) {
        Objects.requireNonNull(tokens, name + " tokens");
        if (tokens.length < 2) {
            throw new IllegalArgumentException(name + " stream has " + tokens.length
                    + " tokens; at least 2 are needed for one prediction");
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocabulary) {
                throw new IllegalArgumentException(name + " token " + i + " has id " + tokens[i] + " outside [0, "
                        + vocabulary + ")");
            }
        }
        return new StreamBatches(tokens, streams, bptt);
    }

    /** What one epoch measured. */
    private record Measured(double trainLoss, double validPerplexity, long trainTokens, double trainSeconds,
                            double clippedFraction) {}
}
